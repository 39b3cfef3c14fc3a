// swift-tools-version:6.0
import PackageDescription

/// Hot loops live in RecurCore; exclusivity checks there cost 3-4x on element-wise kernels
/// (SWIFT-NOTES §2), and every access is already bounds-proven by the tensor shapes.
let engineSettings: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "Recur",
    products: [
        .executable(name: "recur", targets: ["Host"]),
        // The registries live here. Out-of-tree plugins must link this one shared copy:
        // a static copy would silently create a second registry (SWIFT-NOTES §4).
        .library(name: "RecurKit", type: .dynamic, targets: ["RecurKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "RecurCore", dependencies: ["COpenBLAS", "CMalloc"], swiftSettings: engineSettings),
        .target(name: "RecurKit", dependencies: ["RecurCore", "CArchive"], swiftSettings: engineSettings),
        .target(name: "RecurBundle", dependencies: ["RecurKit", "CArchive", "COpenSSL"]),
        // SVG line plots and heatmaps for diagnostics and run reports; no dependencies.
        .target(name: "RecurPlot"),

        // Built-in plugins: one target each; they see only RecurKit (and RecurCore through it).
        .target(name: "VanillaRNNCell", dependencies: ["RecurKit"], path: "Sources/Plugins/Cells/VanillaRNN",
                swiftSettings: engineSettings),
        .target(name: "LSTMCell", dependencies: ["RecurKit"], path: "Sources/Plugins/Cells/LSTM",
                swiftSettings: engineSettings),
        .target(name: "GRUCell", dependencies: ["RecurKit"], path: "Sources/Plugins/Cells/GRU",
                swiftSettings: engineSettings),
        .target(name: "CharLMTask", dependencies: ["RecurKit"], path: "Sources/Plugins/Tasks/CharLM"),
        .target(name: "AddingTask", dependencies: ["RecurKit"], path: "Sources/Plugins/Tasks/Adding"),
        .target(name: "CopyTask", dependencies: ["RecurKit"], path: "Sources/Plugins/Tasks/Copy"),

        .executableTarget(
            name: "Host",
            dependencies: [
                "RecurKit", "RecurBundle", "VanillaRNNCell", "LSTMCell", "GRUCell", "CharLMTask",
                "AddingTask", "CopyTask", "RecurPlot",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/Host"),

        .target(name: "RecurTestSupport", dependencies: ["RecurCore"], path: "Tests/Support"),
        .testTarget(name: "RecurCoreTests", dependencies: ["RecurCore", "RecurTestSupport"]),
        .testTarget(name: "RecurKitTests", dependencies: ["RecurKit", "VanillaRNNCell", "LSTMCell", "GRUCell", "RecurTestSupport"]),
        .testTarget(name: "CharLMTaskTests", dependencies: ["RecurKit", "CharLMTask", "LSTMCell", "GRUCell", "VanillaRNNCell", "RecurTestSupport"]),
        .testTarget(name: "RecurBundleTests", dependencies: ["RecurBundle", "RecurTestSupport", "CArchive", "CharLMTask", "LSTMCell"]),
        .testTarget(name: "MemoryTaskTests", dependencies: ["RecurKit", "AddingTask", "CopyTask", "LSTMCell", "GRUCell", "VanillaRNNCell"]),
        .testTarget(name: "RecurPlotTests", dependencies: ["RecurPlot"]),
        .testTarget(name: "HostTests", dependencies: ["Host", "RecurTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
