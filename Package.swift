// swift-tools-version:6.0
import PackageDescription

/// Hot loops live in RecurCore; exclusivity checks there cost 3-4x on element-wise kernels
/// (docs/engine-notes.md, "Element-wise kernels"), and every access is already bounds-proven by the tensor shapes.
let engineSettings: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

/// The SIMD kernel modules are optimised in a debug build too: unoptimised, a SIMD8 or SIMD16
/// multiply-add is a chain of calls per lane, so their loops ran at 0.1 GFLOP/s and the tests
/// that train or compare products spent minutes in them. Floating-point results do not depend on
/// the level (Swift neither contracts nor reorders without being asked), and the tests compare
/// the kernels against the generic path and OpenBLAS whatever their level.
let kernelsOptimisedInDebug: SwiftSetting = .unsafeFlags(["-O"], .when(configuration: .debug))

/// The one shared copy of RecurKit (and RecurCore inside it). SwiftPM links a *target*
/// dependency statically, and a package cannot name its own product, so the package depends on
/// itself by path and every target that needs the engine or the registries names this product:
/// the host, the built-in plugins, out-of-tree plugins and the tests then all load one
/// `libRecurKit.so`. A static copy anywhere would silently make a second registry (docs/engine-notes.md, "One registry across dynamic plugins").
let recurKit: Target.Dependency = .product(name: "RecurKit", package: "Recur")

let package = Package(
    name: "Recur",
    products: [
        .executable(name: "recur", targets: ["Host"]),
        // The registries live here. Out-of-tree plugins must link this one shared copy:
        // a static copy would silently create a second registry (docs/engine-notes.md, "One registry across dynamic plugins").
        .library(name: "RecurKit", type: .dynamic, targets: ["RecurKit"]),
        // MPI for `--distributed`, loaded by `recur` only when asked, so that a machine without
        // OpenMPI runs everything else (libRecurMPI.so sits beside the recur executable).
        .library(name: "RecurMPI", type: .dynamic, targets: ["RecurMPI"]),
        // A run-time plugin the tests load (Tests/PluginFixture); not for use outside the tests.
        .library(name: "RecurTestPlugin", type: .dynamic, targets: ["RecurTestPlugin"]),
    ],
    dependencies: [
        .package(name: "Recur", path: "."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(name: "CPrefetch"),
        .systemLibrary(name: "CIntegerLanes"),
        .systemLibrary(name: "CFloatLanes"),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),
        .target(name: "RecurCore", dependencies: ["COpenBLAS", "CMalloc", "CFloatLanes", "RecurKernelsAVX512", "RecurKernelsAVX2"], swiftSettings: engineSettings),
        // The SIMD kernels — the per-step recurrent microkernel of training and the batch-1
        // products of resident inference — built once per instruction set from shared sources
        // (Sources/RecurKernels/Shared, symlinked into each): the rest of Recur is built for the
        // baseline x86-64 (no AVX, no F16C), where SIMD `addProduct` becomes a call to libm's fmaf
        // per lane (docs/engine-notes.md, "Recurrent microkernel"), and Swift has no per-function
        // target attribute. RecurKit picks one module at run time from the CPU flags
        // (RecurrentISA, ResidentKernel); nothing else may call into them.
        .target(name: "RecurKernelsAVX512", dependencies: ["CIntegerLanes", "CFloatLanes"], path: "Sources/RecurKernels/AVX512",
                swiftSettings: [.unsafeFlags(["-target-cpu", "skylake-avx512", "-enforce-exclusivity=unchecked"]), kernelsOptimisedInDebug]),
        .target(name: "RecurKernelsAVX2", dependencies: ["CIntegerLanes", "CFloatLanes"], path: "Sources/RecurKernels/AVX2",
                swiftSettings: [.unsafeFlags(["-target-cpu", "haswell", "-enforce-exclusivity=unchecked"]), kernelsOptimisedInDebug]),
        // The batch-1 products again for CPUs with AVX512-VNNI (`cascadelake`: Skylake-X's set plus
        // VNNI), whose int4 product sums four byte products per instruction; its two files are
        // the AVX-512 ones (Sources/RecurKernels/VNNI links them), built with RECUR_VNNI.
        .target(name: "RecurKernelsVNNI", dependencies: ["CIntegerLanes"], path: "Sources/RecurKernels/VNNI",
                swiftSettings: [.unsafeFlags(["-target-cpu", "cascadelake", "-enforce-exclusivity=unchecked"]), kernelsOptimisedInDebug, .define("RECUR_VNNI")]),
        .target(name: "RecurKit", dependencies: ["RecurCore", "CArchive", "CPNG", "CPrefetch", "RecurKernelsAVX512", "RecurKernelsAVX2", "RecurKernelsVNNI"],
                swiftSettings: engineSettings),
        .target(name: "RecurBundle", dependencies: [recurKit, "CArchive", "COpenSSL"]),
        .target(name: "RecurMPI", dependencies: [recurKit, "CMPI"]),
        // SVG line plots and heatmaps for diagnostics and run reports; no dependencies.
        .target(name: "RecurPlot"),

        // Built-in plugins: one target each; they see only RecurKit (and RecurCore through it), and
        // link the shared product like an out-of-tree plugin does.
        .target(name: "VanillaRNNCell", dependencies: [recurKit], path: "Sources/Plugins/Cells/VanillaRNN",
                swiftSettings: engineSettings),
        .target(name: "LSTMCell", dependencies: [recurKit], path: "Sources/Plugins/Cells/LSTM",
                swiftSettings: engineSettings),
        .target(name: "GRUCell", dependencies: [recurKit], path: "Sources/Plugins/Cells/GRU",
                swiftSettings: engineSettings),
        // The zoo: cells from the literature, generic path only (docs in each file).
        .target(name: "LayerNormLSTMCell", dependencies: [recurKit], path: "Sources/Plugins/Cells/LayerNormLSTM"),
        .target(name: "PeepholeLSTMCell", dependencies: [recurKit], path: "Sources/Plugins/Cells/PeepholeLSTM"),
        .target(name: "CIFGCell", dependencies: [recurKit], path: "Sources/Plugins/Cells/CIFG"),
        .target(name: "MGUCell", dependencies: [recurKit], path: "Sources/Plugins/Cells/MGU"),
        .target(name: "IndRNNCell", dependencies: [recurKit], path: "Sources/Plugins/Cells/IndRNN"),
        .target(name: "SRUCell", dependencies: [recurKit], path: "Sources/Plugins/Cells/SRU"),
        .target(name: "MinLSTMCell", dependencies: [recurKit], path: "Sources/Plugins/Cells/MinLSTM"),
        .target(name: "SLSTMCell", dependencies: [recurKit], path: "Sources/Plugins/Cells/SLSTM"),
        .target(name: "CharLMTask", dependencies: [recurKit], path: "Sources/Plugins/Tasks/CharLM"),
        .target(name: "ClassificationTask", dependencies: [recurKit, "RecurPlot"], path: "Sources/Plugins/Tasks/Classification"),
        .target(name: "TranslationTask", dependencies: [recurKit], path: "Sources/Plugins/Tasks/Translation"),
        .target(name: "AddingTask", dependencies: [recurKit], path: "Sources/Plugins/Tasks/Adding"),
        .target(name: "CopyTask", dependencies: [recurKit], path: "Sources/Plugins/Tasks/Copy"),
        .target(name: "ConditionalLMTask", dependencies: [recurKit], path: "Sources/Plugins/Tasks/ConditionalLM"),
        .target(name: "TaggingTask", dependencies: [recurKit, "RecurPlot"], path: "Sources/Plugins/Tasks/Tagging"),
        .target(name: "CaptioningTask", dependencies: [recurKit], path: "Sources/Plugins/Tasks/Captioning"),
        .target(name: "VQATask", dependencies: [recurKit], path: "Sources/Plugins/Tasks/VQA"),
        .target(name: "VideoTask", dependencies: [recurKit], path: "Sources/Plugins/Tasks/Video"),

        // The one list of built-in plugins, shared by the host and the tests.
        .target(name: "RecurBuiltins",
                dependencies: [recurKit, "VanillaRNNCell", "LSTMCell", "GRUCell", "LayerNormLSTMCell", "PeepholeLSTMCell", "CIFGCell", "MGUCell", "IndRNNCell", "SRUCell", "MinLSTMCell", "SLSTMCell", "CharLMTask", "ClassificationTask",
                               "TranslationTask", "AddingTask", "CopyTask", "ConditionalLMTask", "TaggingTask", "CaptioningTask", "VQATask", "VideoTask"],
                path: "Sources/Builtins"),

        .executableTarget(
            name: "Host",
            dependencies: [
                recurKit, "RecurBundle", "RecurPlot", "RecurBuiltins", "CharLMTask", "TranslationTask",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/Host"),

        .target(name: "RecurTestPlugin", dependencies: [recurKit], path: "Tests/PluginFixture"),
        .target(name: "RecurTestSupport", dependencies: [recurKit], path: "Tests/Support"),
        .testTarget(name: "RecurCoreTests", dependencies: [recurKit, "RecurTestSupport"]),
        .testTarget(name: "RecurKitTests", dependencies: ["RecurBuiltins", recurKit, "VanillaRNNCell", "LSTMCell", "GRUCell", "RecurTestSupport", "CPNG"]),
        .testTarget(name: "CharLMTaskTests", dependencies: ["RecurBuiltins", recurKit, "CharLMTask", "LSTMCell", "GRUCell", "VanillaRNNCell", "RecurTestSupport"]),
        .testTarget(name: "ClassificationTaskTests", dependencies: ["RecurBuiltins", recurKit, "RecurPlot", "ClassificationTask", "LSTMCell", "GRUCell", "VanillaRNNCell", "RecurTestSupport"]),
        .testTarget(name: "TranslationTaskTests", dependencies: ["RecurBuiltins", recurKit, "TranslationTask", "LSTMCell", "GRUCell", "VanillaRNNCell", "RecurTestSupport"]),
        .testTarget(name: "RecurBundleTests", dependencies: ["RecurBuiltins", "RecurBundle", "RecurTestSupport", "CArchive", "CharLMTask", "LSTMCell"]),
        .testTarget(name: "MemoryTaskTests", dependencies: ["RecurBuiltins", recurKit, "AddingTask", "CopyTask", "LSTMCell", "GRUCell", "VanillaRNNCell"]),
        .testTarget(name: "ConditionalLMTaskTests", dependencies: ["RecurBuiltins", recurKit, "ConditionalLMTask"]),
        .testTarget(name: "TaggingTaskTests", dependencies: ["RecurBuiltins", recurKit, "TaggingTask", "RecurTestSupport"]),
        .testTarget(name: "RecurPlotTests", dependencies: ["RecurPlot"]),
        .testTarget(name: "HostTests", dependencies: ["RecurBuiltins", "Host", recurKit, "RecurBundle", "RecurTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
