import Foundation


/// One text with its class name and where it came from (`file:line`, for error messages).
public struct LabelledText: Sendable, Equatable {
    public var label: String
    public var text: String
    public var place: String

    public init(label: String, text: String, place: String) {
        self.label = label
        self.text = text
        self.place = place
    }
}

/// Reads labelled texts in the two layouts `--data` accepts.
///
/// - A **folder** with one file per class: the file stem is the label and every non-empty line is
///   one example, taken exactly as written (``TextRules/exact``: no strip, no normalisation,
///   docs/recipes.md, classification).
/// - A **TSV file** of `label<TAB>text` lines (``TextRules/text``: a BOM dropped, `\r\n` read as
///   `\n`); blank lines are skipped.
public enum LabelledExamples {
    /// The examples of `url` in reading order: folder files by label in code-point order, lines in
    /// file order.
    public static func read(_ url: URL) throws -> [LabelledText] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw DataFileError(file: url.path, "no such file or folder; --data takes a TSV file (label<TAB>text per line) or a folder with one file per class")
        }
        return isDirectory.boolValue ? try readFolder(url) : try readTSV(url)
    }

    static func readFolder(_ folder: URL) throws -> [LabelledText] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }
        var files: [(label: String, url: URL)] = []
        for name in names {
            let url = folder.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            files.append((url.deletingPathExtension().lastPathComponent, url))
        }
        guard !files.isEmpty else {
            throw DataFileError(file: folder.path, "the folder holds no class files; expected one file per class (file stem = label, one example per line)")
        }
        files.sort { codePointLess($0.label, $1.label) }
        for (a, b) in zip(files, files.dropFirst()) where a.label == b.label {
            throw DataFileError(file: folder.path, "\(a.url.lastPathComponent) and \(b.url.lastPathComponent) both name class '\(a.label)'; keep one file per class")
        }
        var examples: [LabelledText] = []
        for (label, url) in files {
            var count = 0
            for line in try LineReader(url, rules: .exact).lines() where !line.text.isEmpty {
                examples.append(LabelledText(label: label, text: line.text, place: "\(url.path):\(line.number)"))
                count += 1
            }
            guard count > 0 else {
                throw DataFileError(file: url.path, "class '\(label)' has no examples (the file has no non-empty line); add examples or remove the file")
            }
        }
        return examples
    }

    static func readTSV(_ url: URL) throws -> [LabelledText] {
        var examples: [LabelledText] = []
        for numbered in try LineReader(url).lines() where !numbered.text.isEmpty {
            let line = numbered.text, place = "\(url.path):\(numbered.number)"
            guard let tab = line.firstIndex(of: "\t") else {
                throw DataFileError(file: place, "unknown label format: expected label<TAB>text, found no tab in \(preview(line)); a folder with one file per class is the other layout --data accepts")
            }
            let label = String(line[..<tab]), text = String(line[line.index(after: tab)...])
            guard !label.isEmpty else { throw DataFileError(file: place, "unknown label format: the label before the tab is empty") }
            guard !text.isEmpty else { throw DataFileError(file: place, "empty text for label '\(label)'; every example needs at least one token") }
            examples.append(LabelledText(label: label, text: text, place: place))
        }
        guard !examples.isEmpty else { throw DataFileError(file: url.path, "no examples (every line is blank)") }
        return examples
    }

    static func preview(_ line: String) -> String {
        let cut = line.unicodeScalars.prefix(40)
        return "\"\(String(String.UnicodeScalarView(cut)))\(cut.count < line.unicodeScalars.count ? "…" : "")\""
    }
}

extension LabelledExamples {
    /// The fixed split without a separate validation set: within each class, in reading order,
    /// the k-th example is validation when k mod 10 = 0 (the first included), training otherwise.
    public static func split(_ examples: [LabelledText]) -> (train: [LabelledText], validation: [LabelledText]) {
        var seen: [String: Int] = [:]
        var train: [LabelledText] = [], validation: [LabelledText] = []
        for example in examples {
            let k = seen[example.label, default: 0]
            seen[example.label] = k + 1
            if k % 10 == 0 { validation.append(example) } else { train.append(example) }
        }
        return (train, validation)
    }
}

/// Python's string order: by Unicode code point (Swift's `<` on `String` compares canonically
/// equivalent forms, which is not the same).
public func codePointLess(_ a: String, _ b: String) -> Bool {
    a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
}
