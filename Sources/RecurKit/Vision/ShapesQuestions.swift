/// The question grammar of the shapes world, one template per type (as Sort-of-CLEVR's):
///
/// | type | question | answers |
/// |---|---|---|
/// | colour | what colour is the square | a colour |
/// | shape | what shape is the red object | a shape |
/// | count | how many circles are there | 0–4 |
/// | exists | is there a red circle | yes / no (balanced) |
/// | relation | is the red circle left of the blue square | yes / no (balanced) |
///
/// A question is asked only when its answer is defined: "the square" only when the scene has one
/// square, a relation only between objects a clear margin apart, each the only one of its colour and shape.
public enum ShapesQuestions {
    public static let kinds = ["colour", "shape", "count", "exists", "relation"]

    /// One question of each type the scene allows.
    public static func ask(_ scene: ShapesScene, split: ShapesWorld.Split,
                           rng: inout RandomGenerator) -> [(question: String, answer: String, kind: String)] {
        let objects = scene.objects
        var result: [(String, String, String)] = []

        let uniqueShapes = objects.filter { o in objects.filter { $0.kind == o.kind }.count == 1 }
        if !uniqueShapes.isEmpty {
            let o = uniqueShapes[rng.below(uniqueShapes.count)]
            result.append(("what colour is the \(o.kind.rawValue)", o.colour.rawValue, "colour"))
        }
        let uniqueColours = objects.filter { o in objects.filter { $0.colour == o.colour }.count == 1 }
        if !uniqueColours.isEmpty {
            let o = uniqueColours[rng.below(uniqueColours.count)]
            result.append(("what shape is the \(o.colour.rawValue) object", o.kind.rawValue, "shape"))
        }

        let counted = ShapeKind.allCases[rng.below(ShapeKind.allCases.count)]
        result.append(("how many \(counted.rawValue)s are there", String(objects.filter { $0.kind == counted }.count), "count"))

        if rng.below(2) == 0 {
            let o = objects[rng.below(objects.count)]
            result.append(("is there a \(o.colour.rawValue) \(o.kind.rawValue)", "yes", "exists"))
        } else {
            // An absent pair the split may show (train never asks about a held-out pair).
            while true {
                let (colour, kind) = ShapesWorld.combination(split, rng: &rng)
                if !objects.contains(where: { $0.colour == colour && $0.kind == kind }) {
                    result.append(("is there a \(colour.rawValue) \(kind.rawValue)", "no", "exists"))
                    break
                }
            }
        }

        // Only between objects their names pick out: with two red circles, "the red circle" is no one.
        let unique = { (i: Int) in objects.filter { $0.colour == objects[i].colour && $0.kind == objects[i].kind }.count == 1 }
        let relations = scene.relations.filter { unique($0.subject) && unique($0.object) }
        if !relations.isEmpty {
            let (a, relation, b) = relations[rng.below(relations.count)]
            // "no" swaps the relation for its opposite, which the margin makes clearly false.
            let truthful = rng.below(2) == 0
            let asked = truthful ? relation : opposite(relation)
            result.append(("is the \(name(objects[a])) \(asked) the \(name(objects[b]))", truthful ? "yes" : "no", "relation"))
        }
        return result
    }

    static func name(_ o: ShapeObject) -> String { "\(o.colour.rawValue) \(o.kind.rawValue)" }

    static func opposite(_ relation: String) -> String {
        switch relation {
        case "left of": "right of"
        case "right of": "left of"
        case "above": "below"
        default: "above"
        }
    }
}
