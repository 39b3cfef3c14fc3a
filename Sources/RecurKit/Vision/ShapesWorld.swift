import Foundation

/// A seeded generator of the "shapes world", the synthetic setting of ShapeWorld (Kuhnle &
/// Copestake 2017) and Sort-of-CLEVR (Santoro et al. 2017): RGB images of 1–4 non-overlapping
/// objects (circle, square, triangle; six colours; small or large) with captions, questions and
/// moving clips.
///
/// Splits: `train` and `validation` draw objects from the seen colour–shape combinations only;
/// `heldout` puts at least one of ``heldOutCombinations`` in every scene — combinations training
/// never shows, for compositional generalisation. Each split has its own stream, so the same seed
/// always gives the same data and no split depends on how much of another was drawn.
public struct ShapesWorld: Sendable {
    public enum Split: String, CaseIterable, Sendable {
        case train, validation = "val", heldout
    }

    /// Colour–shape pairs kept out of `train` and `validation` (one per shape and colour).
    public static let heldOutCombinations: [(colour: ShapeColour, kind: ShapeKind)] =
        [(.red, .triangle), (.green, .square), (.blue, .circle)]

    public static func isHeldOut(_ colour: ShapeColour, _ kind: ShapeKind) -> Bool {
        heldOutCombinations.contains { $0.colour == colour && $0.kind == kind }
    }

    public var seed: UInt64
    /// Side of the square images, in pixels.
    public var imageSize: Int

    public init(seed: UInt64 = 0, imageSize: Int = 64) {
        precondition(imageSize >= 8, "ShapesWorld: images of at least 8×8")
        self.seed = seed
        self.imageSize = imageSize
    }

    /// The random stream of one split and one kind of data.
    func stream(_ split: Split, _ kind: UInt64) -> RandomGenerator {
        let index = UInt64(Split.allCases.firstIndex(of: split)!)
        var s = seed ^ (0xD1B5_4A32_D192_ED03 &* (index + 1)) ^ (kind << 56)
        return RandomGenerator(seed: RandomGenerator.splitMix64(&s))
    }

    /// `count` scenes of `split`.
    public func scenes(_ split: Split, count: Int) -> [ShapesScene] {
        var rng = stream(split, 1)
        return (0..<count).map { _ in Self.scene(split, objects: 1 + rng.below(4), rng: &rng) }
    }

    /// `count` images of `split` with their reference captions, named `train-000042`.
    public func captionedImages(_ split: Split, count: Int) -> [CaptionedImage] {
        scenes(split, count: count).enumerated().map { i, scene in
            CaptionedImage(name: Self.name(split, i), image: scene.render(size: imageSize), captions: scene.captions)
        }
    }

    /// `count` images of `split` and up to five questions about each (one per type that the
    /// scene allows; yes/no answers balanced).
    public func questions(_ split: Split, count: Int) -> (images: [CaptionedImage], questions: [VisualQuestion]) {
        let (scenes, questions) = questionScenes(split, count: count)
        let images = scenes.enumerated().map { i, scene in
            CaptionedImage(name: Self.name(split, i), image: scene.render(size: imageSize), captions: scene.captions)
        }
        return (images, questions)
    }

    /// The same questions with their scenes unrendered (a task renders the images a batch needs).
    public func questionScenes(_ split: Split, count: Int) -> (scenes: [ShapesScene], questions: [VisualQuestion]) {
        var rng = stream(split, 2)
        var scenes: [ShapesScene] = [], questions: [VisualQuestion] = []
        for i in 0..<count {
            let scene = Self.scene(split, objects: 1 + rng.below(4), rng: &rng)
            scenes.append(scene)
            questions += ShapesQuestions.ask(scene, split: split, rng: &rng).map {
                VisualQuestion(image: i, question: $0.question, answer: $0.answer, kind: $0.kind)
            }
        }
        return (scenes, questions)
    }

    /// `train-000042`: the name of generated item `i` of `split`.
    public static func name(_ split: Split, _ i: Int) -> String {
        "\(split.rawValue)-\(String(repeating: "0", count: max(0, 6 - String(i).count)))\(i)"
    }

    /// A colour–shape pair allowed in `split`'s ordinary objects.
    static func combination(_ split: Split, rng: inout RandomGenerator) -> (ShapeColour, ShapeKind) {
        while true {
            let colour = ShapeColour.allCases[rng.below(ShapeColour.allCases.count)]
            let kind = ShapeKind.allCases[rng.below(ShapeKind.allCases.count)]
            // Held-out scenes may mix in seen pairs; train and validation never see held-out ones.
            if split == .heldout || !isHeldOut(colour, kind) { return (colour, kind) }
        }
    }

    /// A scene of `objects` objects with distinct colour–shape pairs (so "the red circle" names
    /// one object), placed without overlap.
    static func scene(_ split: Split, objects count: Int, rng: inout RandomGenerator) -> ShapesScene {
        while true {
            var pairs: [(ShapeColour, ShapeKind)] = []
            if split == .heldout {
                let forced = heldOutCombinations[rng.below(heldOutCombinations.count)]
                pairs.append((forced.colour, forced.kind))
            }
            while pairs.count < count {
                let pair = combination(split, rng: &rng)
                if !pairs.contains(where: { $0 == pair }) { pairs.append(pair) }
            }
            // Shuffle so a held-out object is not always the first placed.
            for i in stride(from: pairs.count - 1, to: 0, by: -1) { pairs.swapAt(i, rng.below(i + 1)) }
            var placed: [ShapeObject] = []
            for (colour, kind) in pairs {
                let size = ShapeSize.allCases[rng.below(2)]
                guard let object = place(kind, colour, size, avoiding: placed, rng: &rng) else { break }
                placed.append(object)
            }
            if placed.count == count { return ShapesScene(objects: placed) }
        }
    }

    /// A position for a new object that keeps it inside the image and clear of `others`, or nil
    /// after enough tries (the caller starts the scene again).
    static func place(_ kind: ShapeKind, _ colour: ShapeColour, _ size: ShapeSize, avoiding others: [ShapeObject],
                      margin: Float = 0.03, rng: inout RandomGenerator) -> ShapeObject? {
        let r = size.radius
        for _ in 0..<100 {
            let x = rng.uniform(r + margin, 1 - r - margin), y = rng.uniform(r + margin, 1 - r - margin)
            let clear = others.allSatisfy { other in
                let (dx, dy) = (other.x - x, other.y - y)
                let gap = other.size.radius + r + margin
                return dx * dx + dy * dy >= gap * gap
            }
            if clear { return ShapeObject(kind: kind, colour: colour, size: size, x: x, y: y) }
        }
        return nil
    }
}

extension RandomGenerator {
    /// Uniform in 0..<n (n > 0). The modulo bias is below 2⁻⁵⁰ for the small n used here.
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0, "below: n must be positive")
        return Int(next() % UInt64(n))
    }
}
