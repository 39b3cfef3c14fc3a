// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "mingru",
    products: [
        // A dynamic library: `recur` finds .build/{debug,release}/libMinGRUPlugin.so and dlopens it.
        .library(name: "MinGRUPlugin", type: .dynamic, targets: ["MinGRUPlugin"]),
    ],
    dependencies: [
        // The Recur checkout whose `recur` loads this plugin: build against the same source.
        .package(name: "Recur", path: "../.."),
    ],
    targets: [
        // The RecurKit *product* (a shared library), never the target: a static copy would
        // give this plugin registries of its own, invisible to `recur`.
        .target(name: "MinGRUPlugin", dependencies: [.product(name: "RecurKit", package: "Recur")]),
    ],
    swiftLanguageModes: [.v6]
)
