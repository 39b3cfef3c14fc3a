import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one `recur` invocation did.
struct RecurResult: CustomStringConvertible {
    let arguments: [String]
    /// The exit status; when the process was killed by a signal, 128 + the signal, as a shell reports it.
    let status: Int32
    /// The signal that ended the process, if one did (a crash: SIGILL/SIGTRAP from a Swift trap).
    let signal: Int32?
    let stdout: String
    let stderr: String
    let timedOut: Bool
    let seconds: Double

    /// Non-empty stderr lines.
    var stderrLines: [String] { stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }

    /// For assertion messages: the command and everything it printed.
    var description: String {
        "recur \(arguments.joined(separator: " "))\n  → status \(status)\(signal.map { " (signal \($0))" } ?? "")"
            + "\(timedOut ? " TIMED OUT" : "") after \(String(format: "%.2f", seconds))s\n"
            + "  stdout: \(Self.abbreviated(stdout))\n"
            + "  stderr: \(Self.abbreviated(stderr))"
    }

    /// The start and the end of a long output (a crash's first line says what went wrong).
    private static func abbreviated(_ text: String) -> String {
        if text.isEmpty { return "(empty)" }
        guard text.count > 2400 else { return text }
        return String(text.prefix(1600)) + "\n  […]\n" + String(text.suffix(600))
    }
}

/// Runs the built `recur` binary as a child process. Output goes to temporary files (not pipes),
/// so a chatty child can never block on a full pipe buffer.
final class RecurProcess {
    enum Failure: Error, CustomStringConvertible {
        case binaryNotFound([String])
        var description: String {
            switch self {
            case .binaryNotFound(let tried):
                "the recur binary was not found (run `swift build --build-tests` first); tried: \(tried.joined(separator: ", "))"
            }
        }
    }

    /// Where the debug `recur` is. `swift test` on Linux runs `<.build>/<triple>/debug/<Package>PackageTests.xctest`
    /// as `CommandLine.arguments[0]`, so the binary sits beside it; the package's `.build/debug/recur` (a symlink
    /// to the same directory) is the fallback, and `RECUR_BINARY` overrides both.
    static func locateBinary() throws -> URL {
        var candidates: [URL] = []
        if let explicit = ProcessInfo.processInfo.environment["RECUR_BINARY"], !explicit.isEmpty {
            candidates.append(URL(fileURLWithPath: explicit))
        }
        if let first = CommandLine.arguments.first {
            var bundle = URL(fileURLWithPath: first)
            // On Darwin arguments[0] can be inside `X.xctest/Contents/MacOS/`; climb to the directory holding the bundle.
            while bundle.pathComponents.count > 1, bundle.path.contains(".xctest") {
                bundle.deleteLastPathComponent()
            }
            if first.contains(".xctest") {
                candidates.append(bundle.appendingPathComponent("recur"))
            } else {
                candidates.append(URL(fileURLWithPath: first).deletingLastPathComponent().appendingPathComponent("recur"))
            }
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/recur"))
        for url in candidates where FileManager.default.isExecutableFile(atPath: url.path) { return url }
        throw Failure.binaryNotFound(candidates.map(\.path))
    }

    /// The package root, from this file's location: `<root>/Tests/HostTests/RecurProcess.swift`.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let arguments: [String]
    private let process = Process()
    private let stdoutURL: URL
    private let stderrURL: URL
    private let started = Date()

    /// Starts `recur arguments…` in `directory` (also its working directory and, through
    /// RECUR_WORKSPACE, where a default run directory would go), with `environment` added to ours.
    init(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws {
        self.arguments = arguments
        let tag = UUID().uuidString
        stdoutURL = directory.appendingPathComponent(".recur-stdout-\(tag)")
        stderrURL = directory.appendingPathComponent(".recur-stderr-\(tag)")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = try Self.locateBinary()
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        // A crash should print its one-line reason, not a multi-page backtrace (set SWIFT_BACKTRACE to override).
        if env["SWIFT_BACKTRACE"] == nil { env["SWIFT_BACKTRACE"] = "enable=no" }
        env["RECUR_WORKSPACE"] = directory.appendingPathComponent("workspace").path
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
    }

    var processIdentifier: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// What the child has written to stdout so far.
    var stdoutSoFar: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }

    /// Sends a signal (SIGINT for Ctrl-C).
    func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the child to end; after `timeout` seconds it is killed (SIGKILL) and the result says so.
    func wait(timeout: TimeInterval = 120) -> RecurResult {
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() >= deadline {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            usleep(5_000)
        }
        process.waitUntilExit()
        let byUncaughtSignal = process.terminationReason == .uncaughtSignal
        let code = process.terminationStatus
        let out = (try? Data(contentsOf: stdoutURL)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let err = (try? Data(contentsOf: stderrURL)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        try? FileManager.default.removeItem(at: stdoutURL)
        try? FileManager.default.removeItem(at: stderrURL)
        return RecurResult(arguments: arguments, status: byUncaughtSignal ? 128 + code : code,
                           signal: byUncaughtSignal ? code : nil, stdout: out, stderr: err, timedOut: timedOut,
                           seconds: Date().timeIntervalSince(started))
    }

    /// Runs `recur arguments…` to completion.
    @discardableResult
    static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:],
                    timeout: TimeInterval = 120) throws -> RecurResult {
        try RecurProcess(arguments, in: directory, environment: environment).wait(timeout: timeout)
    }
}
