import Foundation

/// The Python the cross-checks with PyTorch and onnxruntime run: `$RECUR_PYTHON`, else the
/// checkout's `scripts/.venv/bin/python` (see scripts/install-python.sh), else `python3` on the
/// PATH. Tests that need it skip with the reason when it or a module is missing.
public enum Python {
    /// The interpreter, or why there is none that imports every one of `modules`.
    public static func find(importing modules: [String]) -> Result<URL, Unavailable> {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [URL] = []
        if let chosen = environment["RECUR_PYTHON"], !chosen.isEmpty { candidates.append(URL(fileURLWithPath: chosen)) }
        candidates.append(BuildProducts.checkout.appendingPathComponent("scripts/.venv/bin/python"))
        for folder in (environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            candidates.append(URL(fileURLWithPath: String(folder)).appendingPathComponent("python3"))
        }
        guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            return .failure(Unavailable("no Python (set RECUR_PYTHON or run scripts/install-python.sh)"))
        }
        let check = try? run(python, ["-c", "import " + modules.joined(separator: ", ")])
        guard let check, check.status == 0 else {
            return .failure(Unavailable("\(python.path) lacks \(modules.joined(separator: "/")) (scripts/install-python.sh installs them, or set RECUR_PYTHON)"))
        }
        return .success(python)
    }

    public struct Unavailable: Error, CustomStringConvertible {
        public let reason: String
        init(_ reason: String) { self.reason = reason }
        public var description: String { reason }
    }

    /// Runs `python arguments…` to the end; stdout and stderr go through files so a chatty child never blocks.
    public static func run(_ python: URL, _ arguments: [String], environment extra: [String: String] = [:]) throws -> RecurOutput {
        try runRecur(arguments, environment: extra, executable: python)
    }
}
