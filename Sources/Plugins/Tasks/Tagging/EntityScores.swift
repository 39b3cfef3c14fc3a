/// One entity: its type and the first and last token positions (inclusive) in the flattened
/// sequence of all sentences.
public struct Entity: Hashable, Sendable {
    public var type: String
    public var start: Int
    public var end: Int

    public init(type: String, start: Int, end: Int) {
        self.type = type
        self.start = start
        self.end = end
    }
}

/// Entity-level precision, recall and F1 exactly as seqeval's default mode (conlleval's rules)
/// computes them.
///
/// Sentences are joined into one sequence with an `O` after each. A tag's prefix is its first
/// character and its type what follows the first `-` after it (`_` when empty). A chunk ends
/// before position i when the previous prefix is E or S; or the previous is B or I and the
/// current is B, S or O; or the type changes after a non-`O` tag. A chunk starts at i when the
/// prefix is B or S; or an E or I follows E, S or O; or the type changes on a non-`O` tag. So
/// ill-formed sequences still yield chunks: `O I-PER` starts one at the I.
///
/// With T the true and P the predicted entities (sets of type, start, end):
/// `precision = |T∩P| / |P|`, `recall = |T∩P| / |T|`, `F1 = 2·p·r / (p + r)`, each 0 when its
/// denominator is 0 (seqeval with `zero_division=0`); per type the same over that type's entities.
public struct EntityScores: Sendable, Equatable {
    public struct Score: Sendable, Equatable {
        public var precision: Double
        public var recall: Double
        public var f1: Double
        /// True entities.
        public var support: Int
        /// Predicted entities.
        public var predicted: Int
        /// Entities predicted exactly (type and both ends).
        public var correct: Int

        init(correct: Int, predicted: Int, support: Int) {
            self.correct = correct
            self.predicted = predicted
            self.support = support
            precision = predicted == 0 ? 0 : Double(correct) / Double(predicted)
            recall = support == 0 ? 0 : Double(correct) / Double(support)
            f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
        }
    }

    /// Micro-averaged over all entities.
    public let overall: Score
    /// Per entity type, for every type that occurs in the truth or the prediction.
    public let types: [String: Score]

    /// Scores `prediction` against `truth`: sentence lists of tags, sentence by sentence the same lengths.
    public init(truth: [[String]], prediction: [[String]]) {
        precondition(truth.count == prediction.count && zip(truth, prediction).allSatisfy { $0.count == $1.count },
                     "EntityScores: truth and prediction differ in shape")
        let t = Set(Self.entities(truth)), p = Set(Self.entities(prediction))
        let correct = t.intersection(p)
        overall = Score(correct: correct.count, predicted: p.count, support: t.count)
        var types: [String: Score] = [:]
        for type in Set(t.map(\.type)).union(p.map(\.type)) {
            types[type] = Score(correct: correct.filter { $0.type == type }.count, predicted: p.filter { $0.type == type }.count,
                                support: t.filter { $0.type == type }.count)
        }
        self.types = types
    }

    /// The chunks of `sentences` (seqeval's `get_entities` on the nested list).
    public static func entities(_ sentences: [[String]]) -> [Entity] {
        var sequence: [String] = []
        for sentence in sentences { sequence += sentence + ["O"] }
        sequence.append("O")
        var chunks: [Entity] = []
        var previousPrefix: Character = "O", previousType = "", begin = 0
        for (i, tag) in sequence.enumerated() {
            let prefix = tag.first ?? "O"
            let rest = tag.dropFirst()
            let type = rest.firstIndex(of: "-").map { String(rest[rest.index(after: $0)...]) } ?? String(rest)
            let kind = type.isEmpty ? "_" : type
            if endsChunk(previousPrefix, prefix, previousType, kind) {
                chunks.append(Entity(type: previousType, start: begin, end: i - 1))
            }
            if startsChunk(previousPrefix, prefix, previousType, kind) { begin = i }
            previousPrefix = prefix
            previousType = kind
        }
        return chunks
    }

    static func endsChunk(_ previous: Character, _ current: Character, _ previousType: String, _ type: String) -> Bool {
        if previous == "E" || previous == "S" { return true }
        if (previous == "B" || previous == "I") && (current == "B" || current == "S" || current == "O") { return true }
        return previous != "O" && previous != "." && previousType != type
    }

    static func startsChunk(_ previous: Character, _ current: Character, _ previousType: String, _ type: String) -> Bool {
        if current == "B" || current == "S" { return true }
        if (previous == "E" || previous == "S" || previous == "O") && (current == "E" || current == "I") { return true }
        return current != "O" && current != "." && previousType != type
    }
}
