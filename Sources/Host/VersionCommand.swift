import ArgumentParser
import Foundation
import RecurKit

/// `recur version [--json]`: what a bug report needs. `recur --version` stays the bare number
/// for scripts; this adds the source commit, the OpenBLAS kernel set in use, the vectors of
/// Recur's own kernels (`RECUR_MICROKERNEL` narrows them) and the plugin API a plugin must be
/// built against.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Show the version, source commit, OpenBLAS kernel set and plugin API.")

    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        let commit = sourceCommit()
        if json {
            try printJSON(["version": RecurVersion.current, "commit": commit ?? NSNull(), "openblas_kernels": BLAS.kernelName,
                           "products": BLAS.productKernel.rawValue, "step_kernels": RecurrentISA.current.rawValue,
                           "plugin_api": Int(PluginAPI.version)])
        } else {
            print("recur \(RecurVersion.current)")
            print("commit \(commit ?? "unknown (not run from a git checkout)")")
            print("OpenBLAS kernels \(BLAS.kernelName)")
            print("matrix products by \(BLAS.productKernel.label)")
            print("per-step and element-wise kernels \(Self.stepKernels)")
            print("plugin API \(PluginAPI.version)")
        }
    }

    /// How the text names ``RecurrentISA/current``, which the element-wise kernels share.
    static var stepKernels: String {
        switch RecurrentISA.current {
        case .avx512: "AVX-512"
        case .avx2: "AVX2"
        case .blas: "portable (per-step products by OpenBLAS)"
        }
    }

    /// The commit checked out where this `recur` was built, asked of git at run time (SwiftPM has
    /// no build-time hook to stamp it in); `nil` outside a checkout or without git.
    func sourceCommit() -> String? {
        guard let root = RecurCheckout.root else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", root.path, "rev-parse", "--short=12", "HEAD"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
