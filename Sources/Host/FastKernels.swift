import Foundation
import RecurCore

/// Makes OpenBLAS use the best kernel set this CPU can run, unless the user chose one.
enum FastKernels {
    static let marker = "RECUR_BLAS_REEXEC"

    static func reexecIfNeeded() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OPENBLAS_CORETYPE"] == nil, environment[marker] == nil,
              let core = CPUKernelChoice.coreType(cpuFlags: CPUKernelChoice.cpuFlags()) else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv(marker, core, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // execv returns only on failure: keep going with the kernels OpenBLAS chose.
    }

    /// How the active kernel set was chosen, for `bench` output.
    static var origin: String {
        let environment = ProcessInfo.processInfo.environment
        if let chosen = environment[marker], environment["OPENBLAS_CORETYPE"] == chosen { return "chosen by recur from CPU flags" }
        if environment["OPENBLAS_CORETYPE"] != nil { return "OPENBLAS_CORETYPE from the environment" }
        return "OpenBLAS's own detection"
    }
}
