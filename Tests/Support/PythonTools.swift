import Foundation

/// Where tests find a Python interpreter for checks against reference Python packages
/// (tensorboard), and skip cleanly without one. The first that exists wins:
///
/// 1. `$RECUR_PYTHON`, a path to an interpreter;
/// 2. `scripts/.venv/bin/python` in the checkout (the project's venv);
/// 3. `python3` on `PATH`.
public enum PythonTools {
    public static var interpreter: URL? {
        let environment = ProcessInfo.processInfo.environment
        if let chosen = environment["RECUR_PYTHON"], !chosen.isEmpty { return URL(fileURLWithPath: chosen) }
        let venv = BuildProducts.checkout.appendingPathComponent("scripts/.venv/bin/python")
        if FileManager.default.isExecutableFile(atPath: venv.path) { return venv }
        for folder in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("python3")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// The interpreter when it can import `module`, else why not, in one line (for `XCTSkip`).
    public static func interpreter(importing module: String) -> Result<URL, PythonMissing> {
        guard let python = interpreter else { return .failure(PythonMissing("no Python found (set RECUR_PYTHON)")) }
        guard let result = try? run(python, ["-c", "import \(module)"]), result.status == 0 else {
            return .failure(PythonMissing("\(python.path) cannot import \(module) (set RECUR_PYTHON to an interpreter that can)"))
        }
        return .success(python)
    }

    /// Runs `python arguments…` and returns its exit status and standard output.
    public static func run(_ python: URL, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let output = try runRecur(arguments, executable: python)
        return (output.status, output.stdout, output.stderr)
    }

    public struct PythonMissing: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
