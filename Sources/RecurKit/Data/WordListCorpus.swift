import Foundation


/// The default data set of classification and conditional-lm, offline: "which language is this
/// word", from the Debian word lists that `make deps` installs (wamerican, wngerman, wfrench,
/// wspanish, witalian, wportuguese, wdutch); label = language.
///
/// Each list is lower-cased (German capitalises every noun and French nothing, a cue that is not
/// about the language), entries with anything but letters (English `'s` forms, abbreviations)
/// are dropped, duplicates are removed, and `perClass` words are taken evenly spaced through the
/// alphabetical list so every initial letter is represented.
public enum WordListCorpus {
    public static let lists: [(label: String, path: String, package: String)] = [
        ("Dutch", "/usr/share/dict/dutch", "wdutch"),
        ("English", "/usr/share/dict/american-english", "wamerican"),
        ("French", "/usr/share/dict/french", "wfrench"),
        ("German", "/usr/share/dict/ngerman", "wngerman"),
        ("Italian", "/usr/share/dict/italian", "witalian"),
        ("Portuguese", "/usr/share/dict/portuguese", "wportuguese"),
        ("Spanish", "/usr/share/dict/spanish", "wspanish"),
    ]
    public static let perClass = 3000

    public static var description: String { "Debian word lists (\(lists.map(\.package).joined(separator: ", ")))" }

    /// Examples in label order; the lists must all be installed.
    public static func examples(perClass: Int = perClass) throws -> [LabelledText] {
        let missing = lists.filter { !FileManager.default.fileExists(atPath: $0.path) }
        guard missing.isEmpty else {
            throw DataFileError(file: missing[0].path, "the default data set needs the Debian word lists \(missing.map(\.package).joined(separator: " ")); install them with `make deps` (scripts/install-deps.sh) or pass --data FILE_OR_FOLDER")
        }
        var examples: [LabelledText] = []
        for (label, path, _) in lists {
            let words = try sample(URL(fileURLWithPath: path), count: perClass)
            examples += words.map { LabelledText(label: label, text: $0.word, place: "\(path):\($0.line)") }
        }
        return examples
    }

    /// About `count` usable words evenly spaced through the list, with their line numbers. Only
    /// a stride of twice that many lines is decoded: the lists hold up to 430,000 lines and
    /// turning each into a `String` would dominate a default run's start-up.
    static func sample(_ url: URL, count: Int) throws -> [(word: String, line: Int)] {
        let list = try LineReader(url)
        var seen = Set<String>()
        var words: [(word: String, line: Int)] = []
        for i in stride(from: 0, to: list.count, by: max(1, list.count / (2 * count))) {
            let line = try list.line(i)
            let word = line.text.lowercased()
            if !word.isEmpty && word.allSatisfy(\.isLetter) && seen.insert(word).inserted { words.append((word, line.number)) }
        }
        let take = min(count, words.count)
        return (0..<take).map { words[$0 * words.count / take] }
    }
}
