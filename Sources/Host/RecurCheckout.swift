import Foundation

/// The Recur source checkout this `recur` was built in: the folder holding its `.build`.
/// Plugins live in its `plugins/` folder and are built against its RecurKit source.
enum RecurCheckout {
    static var root: URL? {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        guard let range = executable.range(of: "/.build/", options: .backwards) else { return nil }
        let root = URL(fileURLWithPath: String(executable[..<range.lowerBound]))
        return FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) ? root : nil
    }
}
