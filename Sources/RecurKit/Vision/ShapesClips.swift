/// What the moving object of a clip does.
public enum ClipEvent: Sendable, Equatable {
    case move(dx: Int, dy: Int)
    case turn
    case changeColour(ShapeColour)

    static let moves: [(dx: Int, dy: Int, word: String)] = [(-1, 0, "left"), (1, 0, "right"), (0, -1, "up"), (0, 1, "down")]

    /// The per-frame label while it happens.
    public var label: String {
        switch self {
        case let .move(dx, dy): "moving-" + Self.moves.first { $0.dx == dx && $0.dy == dy }!.word
        case .turn: "turning"
        case .changeColour: "changing-colour"
        }
    }

    /// Every per-frame label, `still` first.
    public static let labels = ["still"] + moves.map { "moving-\($0.word)" } + ["turning", "changing-colour"]
}

/// A generated clip before rendering: the objects (the moving one first, at its start), what it
/// does and during which frames.
public struct ClipPlan: Sendable {
    public let objects: [ShapeObject]
    public let event: ClipEvent
    public let window: ClosedRange<Int>
    public let frames: Int

    /// Frame t: the scene with the moving object at its progress through the window.
    public func render(size: Int) -> [Image] {
        (0..<frames).map { t in
            ShapesScene(objects: [ShapesWorld.actor(objects[0], event, progress: ShapesWorld.progress(t, window))] + objects.dropFirst())
                .render(size: size)
        }
    }

    public var frameLabels: [String] {
        (0..<frames).map { t in t > window.lowerBound && t <= window.upperBound ? event.label : "still" }
    }

    public var captions: [String] { ShapesWorld.captions(objects[0], event) }
}

extension ShapesWorld {
    /// How far a moving object travels, in image sides.
    static let travel: Float = 0.3

    /// `count` clips of `frames` frames (8–16): one object moves, turns or changes colour during
    /// a window of at least half the clip while a second object (in half the clips) stands
    /// still. Captions: "the red circle moves left" and a paraphrase; the label of frame t says
    /// what changed since frame t − 1 (frame 0 is `still`). In `heldout` the moving object is a
    /// held-out colour–shape pair.
    public func clips(_ split: Split, count: Int, frames: Int = 8) -> [Clip] {
        clipPlans(split, count: count, frames: frames).enumerated().map { i, plan in
            Clip(name: Self.name(split, i), frames: plan.render(size: imageSize), captions: plan.captions, frameLabels: plan.frameLabels)
        }
    }

    /// The same clips unrendered (a task renders the frames a batch needs).
    public func clipPlans(_ split: Split, count: Int, frames: Int = 8) -> [ClipPlan] {
        precondition((2...64).contains(frames), "ShapesWorld.clips: 2…64 frames")
        var rng = stream(split, 3)
        return (0..<count).map { _ in
            let (objects, event, window) = Self.clipPlan(split, frames: frames, rng: &rng)
            return ClipPlan(objects: objects, event: event, window: window, frames: frames)
        }
    }

    static func progress(_ t: Int, _ window: ClosedRange<Int>) -> Float {
        min(1, max(0, Float(t - window.lowerBound) / Float(window.upperBound - window.lowerBound)))
    }

    static func captions(_ actor: ShapeObject, _ event: ClipEvent) -> [String] {
        let name = "\(actor.colour.rawValue) \(actor.kind.rawValue)"
        switch event {
        case let .move(dx, dy):
            let word = ClipEvent.moves.first { $0.dx == dx && $0.dy == dy }!.word
            return ["the \(name) moves \(word)", "the \(name) goes \(word)"]
        case .turn:
            return ["the \(name) turns", "the \(name) rotates"]
        case let .changeColour(to):
            return ["the \(name) becomes \(to.rawValue)", "the \(name) changes to \(to.rawValue)"]
        }
    }

    /// The actor at `progress` (0 before its window, 1 after).
    static func actor(_ start: ShapeObject, _ event: ClipEvent, progress p: Float) -> ShapeObject {
        var o = start
        switch event {
        case let .move(dx, dy):
            o.x += Float(dx) * travel * p
            o.y += Float(dy) * travel * p
        case .turn:
            // A quarter turn for a square, a third for a triangle: the end looks like the start,
            // so only the frames in between show it.
            o.angle = p * (o.kind == .square ? Float.pi / 2 : 2 * Float.pi / 3)
        case let .changeColour(to):
            let (a, b) = (o.colour.rgb, to.rgb)
            o.paint = (a.0 + (b.0 - a.0) * p, a.1 + (b.1 - a.1) * p, a.2 + (b.2 - a.2) * p)
        }
        return o
    }

    /// The objects (actor first, at its start), the event and its window of frames.
    static func clipPlan(_ split: Split, frames: Int,
                         rng: inout RandomGenerator) -> ([ShapeObject], ClipEvent, ClosedRange<Int>) {
        while true {
            let (colour, kind): (ShapeColour, ShapeKind)
            if split == .heldout {
                let pair = heldOutCombinations[rng.below(heldOutCombinations.count)]
                (colour, kind) = (pair.colour, pair.kind)
            } else {
                (colour, kind) = combination(split, rng: &rng)
            }
            let choice = rng.below(6)
            let event: ClipEvent
            switch choice {
            case 0..<4: event = .move(dx: ClipEvent.moves[choice].dx, dy: ClipEvent.moves[choice].dy)
            case 4: event = kind == .circle ? .move(dx: 1, dy: 0) : .turn
            default:
                var to = colour
                while to == colour { to = ShapeColour.allCases[rng.below(ShapeColour.allCases.count)] }
                event = .changeColour(to)
            }
            let size = ShapeSize.allCases[rng.below(2)]
            let r = size.radius, margin: Float = 0.03
            // Room for the whole path inside the image.
            var (lowX, highX, lowY, highY) = (r + margin, 1 - r - margin, r + margin, 1 - r - margin)
            if case let .move(dx, dy) = event {
                if dx < 0 { lowX += travel } else if dx > 0 { highX -= travel }
                if dy < 0 { lowY += travel } else if dy > 0 { highY -= travel }
            }
            let actor = ShapeObject(kind: kind, colour: colour, size: size,
                                    x: rng.uniform(lowX, highX), y: rng.uniform(lowY, highY))
            var objects = [actor]
            if rng.below(2) == 0 {
                var pair = combination(split, rng: &rng)
                while pair == (colour, kind) { pair = combination(split, rng: &rng) }
                // Clear of the actor at the start, middle and end of its path.
                let path = [Float(0), 0.5, 1].map { Self.actor(actor, event, progress: $0) }
                guard let still = place(pair.1, pair.0, ShapeSize.allCases[rng.below(2)], avoiding: path, rng: &rng) else { continue }
                objects.append(still)
            }
            let start = rng.below(frames / 4 + 1)
            let length = frames / 2 + rng.below(frames - start - frames / 2)
            return (objects, event, start...(start + length))
        }
    }
}
