import ArgumentParser
import Foundation
import RecurBundle
import RecurKit

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Print a run's log.jsonl as a table (default), as CSV, or as one JSON array.",
        discussion: "Columns are every field the log has: step, loss and the other training fields, then the validation (val_…) fields. The table puts a training line and the evaluation at the same step on one row; --csv and --json keep one row per log line.")

    @Argument(help: ArgumentHelp("Run directory, bundle, or a log.jsonl file.", valueName: "run-or-bundle")) var runPath: String
    @Flag(help: "Comma-separated values, one row per log line, with a header row (empty where a line lacks a field).") var csv = false
    @Flag(help: "One JSON array of the log's lines.") var json = false

    func validate() throws {
        if csv && json { throw ValidationError("give --csv or --json, not both.") }
    }

    func run() throws {
        try reportingErrors {
            let log = try Self.read(runPath)
            if csv {
                print(LogTable.csv(log), terminator: "")
            } else if json {
                print(String(decoding: try JSONEncoder.sortedKeys.encode(log.lines.map(\.fields)), as: UTF8.self))
            } else {
                print(LogTable.text(log), terminator: "")
            }
        }
    }

    /// The log of a run directory, a bundle, or a log file named directly.
    static func read(_ path: String) throws -> RunLog {
        switch RegularFile.kind(of: path) {
        case .missing:
            throw UserError("\(path): no such run directory, bundle or log file")
        case .directory:
            let url = RunDirectory(URL(fileURLWithPath: path)).logURL
            guard RegularFile.kind(of: url.path) != .missing else {
                throw UserError("\(path) has no log.jsonl (\(RegularFile.kind(of: RunDirectory(URL(fileURLWithPath: path)).configURL.path) == .missing ? "not a run directory" : "nothing logged yet"))")
            }
            return try RunLog(RegularFile.read(url, limit: RunLog.sizeLimit), source: url.path)
        default:
            let url = URL(fileURLWithPath: path)
            if url.pathExtension == "jsonl" { return try RunLog(RegularFile.read(url, limit: RunLog.sizeLimit), source: url.path) }
            return try RunLog(RunBundle(contentsOf: url).log, source: "\(url.path): log.jsonl")
        }
    }
}

