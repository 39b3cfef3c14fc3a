/// One sentence of tokens with a tag each, and where it came from (`file:line` of its first
/// token, for error messages).
public struct TaggedSentence: Sendable, Equatable {
    public var tokens: [String]
    public var tags: [String]
    public var place: String

    /// `tokens` and `tags` have the same, non-zero length.
    public init(tokens: [String], tags: [String], place: String) {
        precondition(tokens.count == tags.count && !tokens.isEmpty, "TaggedSentence: \(tokens.count) tokens, \(tags.count) tags")
        self.tokens = tokens
        self.tags = tags
        self.place = place
    }
}
