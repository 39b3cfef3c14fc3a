import ArgumentParser
import Foundation
import RecurKit

/// Prints one JSON object on stdout (keys sorted, so output is stable). JSON has no NaN or
/// infinity, so a non-finite number is written as null rather than failing the command.
func printJSON(_ object: Any) throws {
    let data = try JSONSerialization.data(withJSONObject: finiteJSON(object), options: [.sortedKeys, .withoutEscapingSlashes])
    print(String(decoding: data, as: UTF8.self))
}

/// A failure the user can act on: printed as one `recur: …` line, exit status 1.
struct UserError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    init(_ error: Error) { self.message = "\(error)" }
    var description: String { message }
}

/// Runs `body`, turning any thrown error into one clear line on stderr and exit code 1. In a
/// data-parallel run the line names the rank and the whole job is stopped, so that no other
/// rank waits forever for this one.
func reportingErrors(group: (any ProcessGroup)? = nil, _ body: () throws -> Void) throws {
    do { try body() } catch let error as ExitCode { throw error } catch let error as CleanExit { throw error } catch {
        if let group {
            FileHandle.standardError.write(Data("recur (rank \(group.rank) of \(group.size)): \(hostWording(error))\n".utf8))
            group.abort(code: 1)
        }
        FileHandle.standardError.write(Data("recur: \(hostWording(error))\n".utf8))
        throw ExitCode(1)
    }
}

func finiteJSON(_ value: Any) -> Any {
    switch value {
    case let d as Double: return d.isFinite ? d : NSNull()
    case let f as Float: return f.isFinite ? f : NSNull()
    case let dict as [String: Any]: return dict.mapValues(finiteJSON)
    case let array as [Any]: return array.map(finiteJSON)
    default: return value
    }
}
