import Foundation

/// Entity scores as an aligned table: one line per entity type (by code point) and the micro average.
enum EntityReport {
    static func table(_ scores: EntityScores) -> String {
        let names = scores.types.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) { $0.value < $1.value } }
        let width = max(names.map(\.count).max() ?? 0, "micro avg".count)
        func line(_ name: String, _ s: EntityScores.Score) -> String {
            name.padding(toLength: width, withPad: " ", startingAt: 0)
                + String(format: "%9d%11.1f%%%8.1f%%%8.1f%%", s.support, 100 * s.precision, 100 * s.recall, 100 * s.f1)
        }
        var lines = ["entities".padding(toLength: width, withPad: " ", startingAt: 0) + "  support  precision  recall      F1"]
        for name in names { lines.append(line(name, scores.types[name]!)) }
        lines.append(line("micro avg", scores.overall))
        return lines.joined(separator: "\n")
    }
}
