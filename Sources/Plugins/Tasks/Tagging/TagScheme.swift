/// The chunk scheme of a tag set, detected from its names.
public enum TagScheme: String, Sendable, Equatable {
    /// Every tag is `O` or `B-`/`I-` + a type, with at least one `B-` or `I-` (IOB1 and IOB2 alike).
    case bio = "BIO"
    /// As ``bio`` with `E-`/`S-` tags too.
    case iobes = "IOBES"
    /// Anything else: tags are plain classes and only per-tag scores apply.
    case none

    /// `O` alone, or a prefix among B I E S followed by `-` and a type (seqeval's prefix layout).
    public static func detect<S: Sequence>(_ tags: S) -> TagScheme where S.Element == String {
        var prefixes = Set<Character>()
        for tag in tags where tag != "O" {
            guard tag.count >= 3, let first = tag.first, "BIES".contains(first),
                  tag[tag.index(after: tag.startIndex)] == "-" else { return .none }
            prefixes.insert(first)
        }
        if prefixes.isEmpty { return .none }
        return prefixes.contains("E") || prefixes.contains("S") ? .iobes : .bio
    }

    /// Whether entity-level scores apply.
    public var hasEntities: Bool { self != .none }
}
