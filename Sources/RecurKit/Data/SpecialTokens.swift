/// A token with a fixed meaning and a fixed id in a ``Vocabulary``.
public enum SpecialToken: String, Sendable, CaseIterable {
    /// Fills a batch past a sequence's end; its embedding row starts at zero and masks keep it out.
    case pad = "<pad>"
    /// Begins a sequence the model produces (the decoder's first input).
    case bos = "<bos>"
    /// Ends a sequence: appended to sources, predicted to stop decoding.
    case eos = "<eos>"
    /// Stands for any token outside the vocabulary.
    case unknown = "<unk>"
}

/// Which special tokens head a vocabulary, in id order. The ids are the positions, so a layout
/// is part of every saved model and never changes:
///
/// | layout        | ids                                   | for                                    |
/// |---------------|---------------------------------------|----------------------------------------|
/// | ``padUnknown``| 0 `<pad>`, 1 `<unk>`                  | sequences that are only read (classification) |
/// | ``sequence``  | 0 `<pad>`, 1 `<bos>`, 2 `<eos>`, 3 `<unk>` | sequences that are also produced (translation) |
/// | ``none``      | —                                     | a closed alphabet where every token is known (char-lm) |
public struct SpecialTokens: Hashable, Sendable {
    public let tokens: [SpecialToken]

    public init(_ tokens: [SpecialToken]) { self.tokens = tokens }

    public static let padUnknown = SpecialTokens([.pad, .unknown])
    public static let sequence = SpecialTokens([.pad, .bos, .eos, .unknown])
    public static let none = SpecialTokens([])

    /// The names, as stored at the head of `vocab.json`.
    public var names: [String] { tokens.map(\.rawValue) }

    public func contains(_ token: SpecialToken) -> Bool { tokens.contains(token) }

    /// The id of `token`, which the layout must hold.
    public func id(_ token: SpecialToken) -> Int32 {
        guard let index = tokens.firstIndex(of: token) else { preconditionFailure("SpecialTokens: \(names) has no \(token.rawValue)") }
        return Int32(index)
    }
}
