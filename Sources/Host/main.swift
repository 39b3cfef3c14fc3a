import Foundation
import RecurBuiltins
import RecurKit

// OpenBLAS picks its kernels in its library constructor, before this line runs, so choosing
// faster ones means setting OPENBLAS_CORETYPE and starting the process again.
FastKernels.reexecIfNeeded()
AllocatorTuning.keepLargeBuffersInHeap()
do {
    try registerBuiltins()
} catch {
    FileHandle.standardError.write(Data("recur: \(error)\n".utf8))
    exit(70)
}
LoadedPlugins.load()
if CommandLine.arguments.dropFirst().first != "list" { LoadedPlugins.warnAboutProblems() }
if let help = TaskHelp.message(for: CommandLine.arguments) {
    print(help)
    exit(0)
}
Recur.main()
