import RecurKit

/// The default data of `recur run translation`, generated so it works offline: dates written in
/// many human formats → ISO 8601 (`Tuesday, March 14th 1987` → `1987-03-14`).
///
/// It needs real alignment: the day, month and year sit at different source positions in
/// different formats and must be reordered, and month names and ordinals must be mapped to
/// numbers. Dates are uniform over 1950-01-01 … 2049-12-31, drawn from a fixed SplitMix64 seed so
/// every machine gets the same pairs.
public enum DateCorpus {
    static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                         "October", "November", "December"]
    static let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    public static func pairs(count: Int, seed: UInt64 = 2024) -> [SentencePair] {
        var state = seed
        func draw(_ n: Int) -> Int { Int(RandomGenerator.splitMix64(&state) % UInt64(n)) }
        return (0..<count).map { i in
            let year = 1950 + draw(100), month = 1 + draw(12)
            let day = 1 + draw(daysIn(month: month, year: year))
            let human = format(day: day, month: month, year: year, style: draw(formats), capitalised: draw(2) == 0)
            let iso = "\(year)-\(pad(month))-\(pad(day))"
            return SentencePair(source: human, target: iso, line: i + 1)
        }
    }

    static let formats = 12

    static func format(day: Int, month: Int, year: Int, style: Int, capitalised: Bool) -> String {
        var name = months[month - 1], short = String(months[month - 1].prefix(3))
        var weekday = weekdays[dayOfWeek(day: day, month: month, year: year)]
        if !capitalised { name = name.lowercased(); short = short.lowercased(); weekday = weekday.lowercased() }
        switch style {
        case 0: return "\(name) \(day), \(year)"
        case 1: return "\(day) \(name) \(year)"
        case 2: return "\(day) \(short) \(year)"
        case 3: return "\(short) \(day) \(year)"
        case 4: return "\(month)/\(day)/\(year)"
        case 5: return "\(pad(day)).\(pad(month)).\(year)"
        case 6: return "\(year)/\(pad(month))/\(pad(day))"
        case 7: return "\(weekday), \(name) \(day), \(year)"
        case 8: return "the \(ordinal(day)) of \(name), \(year)"
        case 9: return "\(ordinal(day)) \(name) \(year)"
        case 10: return "\(name) \(ordinal(day)) \(year)"
        default: return "\(String(weekday.prefix(3))) \(day)-\(short)-\(year)"
        }
    }

    static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    static func ordinal(_ n: Int) -> String {
        let suffix = (11...13).contains(n % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][n % 10] ?? "th"
        return "\(n)\(suffix)"
    }

    static func daysIn(month: Int, year: Int) -> Int {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    /// 0 = Sunday (Sakamoto's method, proleptic Gregorian).
    static func dayOfWeek(day: Int, month: Int, year: Int) -> Int {
        let offsets = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4]
        let y = month < 3 ? year - 1 : year
        return (y + y / 4 - y / 100 + y / 400 + offsets[month - 1] + day) % 7
    }
}
