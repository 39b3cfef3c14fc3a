import Foundation
import RecurKit

/// Loads `libRecurMPI.so` from beside the `recur` executable when a command runs with
/// `--distributed`. The host does not link OpenMPI, so every other command works on a machine
/// without it; a distributed run there stops with one line saying what to install.
enum MPILoader {
    static func group() throws -> any ProcessGroup {
        let folder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let library = folder.appendingPathComponent("libRecurMPI.so").path
        guard let handle = dlopen(library, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown reason"
            throw UserError("--distributed needs OpenMPI and \(library) beside recur: \(reason) (Debian: libopenmpi-dev openmpi-bin; `make deps` installs them)")
        }
        guard let symbol = dlsym(handle, "recur_mpi_group") else {
            throw UserError("\(library) has no recur_mpi_group entry point; rebuild recur")
        }
        typealias Entry = @convention(c) () -> UnsafeMutableRawPointer
        let object = Unmanaged<AnyObject>.fromOpaque(unsafeBitCast(symbol, to: Entry.self)()).takeRetainedValue()
        guard let group = object as? any ProcessGroup else {
            throw UserError("\(library) was built from another Recur; rebuild recur")
        }
        return group
    }
}

/// Runs a command's body with the MPI group when `distributed` (`nil` otherwise), every error
/// reported as this process's (and, on a rank, as that rank's, stopping the others).
func withProcessGroup(_ distributed: Bool, _ body: ((any ProcessGroup)?) throws -> Void) throws {
    var loaded: (any ProcessGroup)? = nil
    if distributed { try reportingErrors { loaded = try MPILoader.group() } }
    let group = loaded
    try reportingErrors(group: group) { try body(group) }
}
