import Foundation

/// What a finished `recur` process printed.
public struct RecurOutput {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs the built `recur` (or `executable`) with `arguments`, `extraEnvironment` added to this
/// process's, in `directory`; waits for it.
public func runRecur(_ arguments: [String], environment extraEnvironment: [String: String] = [:],
                     in directory: URL? = nil, executable: URL = BuildProducts.recur) throws -> RecurOutput {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(extraEnvironment) { $1 }
    if let directory { process.currentDirectoryURL = directory }
    // Files rather than pipes: a chatty child can never block on a full pipe nobody reads yet.
    let folder = try BuildProducts.temporaryDirectory("output")
    defer { try? FileManager.default.removeItem(at: folder) }
    let outURL = folder.appendingPathComponent("stdout"), errURL = folder.appendingPathComponent("stderr")
    try Data().write(to: outURL)
    try Data().write(to: errURL)
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    try process.run()
    process.waitUntilExit()
    return RecurOutput(status: process.terminationStatus, stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                       stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
}
