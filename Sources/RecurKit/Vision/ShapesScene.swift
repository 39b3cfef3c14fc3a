import Foundation

/// The vocabulary of the shapes world: three shapes, six colours, two sizes.
public enum ShapeKind: String, CaseIterable, Sendable, Codable {
    case circle, square, triangle
}

public enum ShapeColour: String, CaseIterable, Sendable, Codable {
    case red, green, blue, yellow, purple, cyan

    /// Saturated and far apart, so a colour is never a matter of judgement.
    public var rgb: (Float, Float, Float) {
        switch self {
        case .red: (0.90, 0.10, 0.10)
        case .green: (0.10, 0.75, 0.15)
        case .blue: (0.15, 0.25, 0.95)
        case .yellow: (0.95, 0.90, 0.10)
        case .purple: (0.60, 0.15, 0.80)
        case .cyan: (0.10, 0.85, 0.90)
        }
    }
}

public enum ShapeSize: String, CaseIterable, Sendable, Codable {
    case small, large

    /// Radius of the shape's bounding circle as a fraction of the image side.
    public var radius: Float { self == .small ? 0.09 : 0.15 }
}

/// One object of a scene. Positions are in unit coordinates (0…1 across and down), so a scene
/// renders at any image size.
public struct ShapeObject: Sendable, Equatable {
    public var kind: ShapeKind
    public var colour: ShapeColour
    public var size: ShapeSize
    /// Centre, in units of the image side (x to the right, y down).
    public var x: Float, y: Float
    /// Rotation in radians (squares and triangles only show it).
    public var angle: Float = 0
    /// Drawn colour, when it differs from the named one (a clip's colour change in progress).
    public var paint: (Float, Float, Float)?

    public init(kind: ShapeKind, colour: ShapeColour, size: ShapeSize, x: Float, y: Float, angle: Float = 0) {
        self.kind = kind
        self.colour = colour
        self.size = size
        self.x = x
        self.y = y
        self.angle = angle
    }

    public static func == (a: ShapeObject, b: ShapeObject) -> Bool {
        a.kind == b.kind && a.colour == b.colour && a.size == b.size && a.x == b.x && a.y == b.y && a.angle == b.angle
            && a.paint.map { [$0.0, $0.1, $0.2] } == b.paint.map { [$0.0, $0.1, $0.2] }
    }

    /// "small red circle".
    public var description: String { "\(size.rawValue) \(colour.rawValue) \(kind.rawValue)" }

    /// Whether the point (px, py) (unit coordinates) is inside the shape.
    func contains(_ px: Float, _ py: Float) -> Bool {
        let r = size.radius
        // Into the shape's own frame: undo the rotation about the centre.
        let (c, s) = (cosf(angle), sinf(angle))
        let dx = px - x, dy = py - y
        let u = c * dx + s * dy, v = -s * dx + c * dy
        switch kind {
        case .circle:
            return u * u + v * v <= r * r
        case .square:
            // Side chosen so the square's area is close to the circle's (no size cue from shape).
            let half = r * 0.85
            return abs(u) <= half && abs(v) <= half
        case .triangle:
            // Pointing up, vertices on the bounding circle: apex (0, −r), base at v = r/2.
            let base = r * 0.5, halfWidth = r * 0.866
            guard v <= base, v >= -r else { return false }
            // The half-width grows linearly from the apex to the base.
            return abs(u) <= halfWidth * (v + r) / (base + r)
        }
    }
}

/// A picture of a few shapes on a black background, and the true statements about it.
public struct ShapesScene: Sendable, Equatable {
    public var objects: [ShapeObject]

    public init(objects: [ShapeObject]) { self.objects = objects }

    /// Two centres must be this far apart (unit coordinates) along an axis before one is said
    /// to be left of (or above) the other, so no stated relation hangs on a pixel.
    public static let relationMargin: Float = 0.12

    /// The scene drawn at `size`×`size`, sampled at pixel centres.
    public func render(size: Int) -> Image {
        var image = Image(height: size, width: size)
        let plane = size * size
        for object in objects {
            let (r, g, b) = object.paint ?? object.colour.rgb
            // Only the pixels of the bounding box can be inside.
            let extent = object.size.radius
            let x0 = max(0, Int(((object.x - extent) * Float(size)).rounded(.down)))
            let x1 = min(size - 1, Int(((object.x + extent) * Float(size)).rounded(.up)))
            let y0 = max(0, Int(((object.y - extent) * Float(size)).rounded(.down)))
            let y1 = min(size - 1, Int(((object.y + extent) * Float(size)).rounded(.up)))
            guard x0 <= x1, y0 <= y1 else { continue }
            for py in y0...y1 {
                for px in x0...x1 where object.contains((Float(px) + 0.5) / Float(size), (Float(py) + 0.5) / Float(size)) {
                    let i = py * size + px
                    image.pixels[i] = r
                    image.pixels[plane + i] = g
                    image.pixels[2 * plane + i] = b
                }
            }
        }
        return image
    }

    /// Every relation that holds with a clear margin, as (subject, relation, object) indices.
    public var relations: [(subject: Int, relation: String, object: Int)] {
        var result: [(Int, String, Int)] = []
        for a in objects.indices {
            for b in objects.indices where a != b {
                if objects[a].x + Self.relationMargin <= objects[b].x { result.append((a, "left of", b)) }
                if objects[a].x >= objects[b].x + Self.relationMargin { result.append((a, "right of", b)) }
                if objects[a].y + Self.relationMargin <= objects[b].y { result.append((a, "above", b)) }
                if objects[a].y >= objects[b].y + Self.relationMargin { result.append((a, "below", b)) }
            }
        }
        return result
    }

    /// The reference captions: "there is a small red circle" for each object and "a small red
    /// circle is left of a large blue square" for each clear relation, as ShapeWorld's captions
    /// are true statements about the picture (Kuhnle & Copestake 2017). The first is the
    /// scene's canonical caption (``canonicalCaption``).
    public var captions: [String] {
        let canonical = canonicalCaption
        let all = objects.map { "there is a \($0.description)" }
            + relations.map { "a \(objects[$0.subject].description) is \($0.relation) a \(objects[$0.object].description)" }
        return [canonical] + all.filter { $0 != canonical }
    }

    /// One caption per scene, in reading order: the leftmost object related to the next one to
    /// its right ("left of" when they are a clear margin apart across, else "above" or "below");
    /// "there is a …" for a scene of one object (or two whose relation is not clear).
    public var canonicalCaption: String {
        let order = objects.indices.sorted { objects[$0].x < objects[$1].x }
        guard order.count >= 2 else { return "there is a \(objects[order[0]].description)" }
        let (a, b) = (order[0], order[1])
        guard let relation = relations.first(where: { $0.subject == a && $0.object == b && $0.relation == "left of" })
            ?? relations.first(where: { $0.subject == a && $0.object == b }) else {
            return "there is a \(objects[a].description)"
        }
        return "a \(objects[a].description) is \(relation.relation) a \(objects[b].description)"
    }
}
