import Foundation

/// Something a registry holds: a unique name and where it came from.
public protocol RegistryEntry: Sendable {
    var name: String { get }
    var origin: String { get }
}

/// Registry failures, phrased for the person at the terminal.
public enum RegistryError: Error, CustomStringConvertible, Equatable {
    case duplicate(kind: String, name: String, existingOrigin: String, newOrigin: String)
    case unknown(kind: String, name: String, available: [String])

    public var description: String {
        switch self {
        case .duplicate(let kind, let name, let existing, let new):
            "\(kind) '\(name)' from \(new) clashes with the \(kind) of that name from \(existing)"
        case .unknown(let kind, let name, let available):
            available.isEmpty ? "unknown \(kind) '\(name)'; none are registered"
                : "unknown \(kind) '\(name)'; available: \(available.joined(separator: ", "))"
        }
    }
}

/// Name → entry for one plugin kind. Registration is explicit and refuses duplicates; a miss
/// lists what exists, closest first. Thread-safe (plugins may register from any thread).
public final class Registry<Entry: RegistryEntry>: @unchecked Sendable {
    public let kind: String
    private var entries: [String: Entry] = [:]
    private let lock = NSLock()

    public init(kind: String) { self.kind = kind }

    public func register(_ entry: Entry) throws {
        try lock.withLock {
            if let existing = entries[entry.name] {
                throw RegistryError.duplicate(kind: kind, name: entry.name,
                                              existingOrigin: existing.origin, newOrigin: entry.origin)
            }
            entries[entry.name] = entry
        }
    }

    /// Registers all of `batch` or, if any name is taken (here or twice in `batch`), none of it,
    /// so a plugin that clashes leaves nothing behind.
    public func register(contentsOf batch: [Entry]) throws {
        try lock.withLock {
            var seen: [String: Entry] = [:]
            for entry in batch {
                if let existing = entries[entry.name] ?? seen[entry.name] {
                    throw RegistryError.duplicate(kind: kind, name: entry.name,
                                                  existingOrigin: existing.origin, newOrigin: entry.origin)
                }
                seen[entry.name] = entry
            }
            entries.merge(seen) { old, _ in old }
        }
    }

    public func lookup(_ name: String) throws -> Entry {
        try lock.withLock {
            if let entry = entries[name] { return entry }
            throw RegistryError.unknown(kind: kind, name: name, available: closest(to: name, in: Array(entries.keys)))
        }
    }

    /// Every entry, sorted by name.
    public var all: [Entry] { lock.withLock { entries.values.sorted { $0.name < $1.name } } }
    public var names: [String] { all.map(\.name) }
}

/// Names ordered by edit distance to `name` (ties alphabetical), so the likely typo fix is first.
func closest(to name: String, in names: [String]) -> [String] {
    names.map { ($0, editDistance(name.lowercased(), $0.lowercased())) }
        .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        .map(\.0)
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var current = [i] + [Int](repeating: 0, count: b.count)
        for j in 1...max(b.count, 1) where !b.isEmpty {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return a.isEmpty ? b.count : previous[b.count]
}
