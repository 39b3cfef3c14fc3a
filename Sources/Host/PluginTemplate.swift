/// The files of a new cell plugin package: a vanilla tanh RNN written with autodiff ops, which
/// builds and passes `recur check-cell` untouched, plus a README explaining each part.
struct PluginTemplate {
    /// The cell's name as users type it (`--cell mycell`).
    let name: String
    /// The path from the new package to the Recur checkout (`../..` for `plugins/NAME`).
    let recurPath: String

    /// `mycell` → `Mycell`, `min-gru` → `MinGru`: the cell class.
    var typeName: String {
        name.split(whereSeparator: { $0 == "-" || $0 == "_" }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
    /// The module and library (`libMycellPlugin.so`); the suffix keeps it clear of Recur's own modules.
    var moduleName: String { typeName + "Plugin" }

    /// Relative path → contents.
    var files: [(path: String, contents: String)] {
        [("Package.swift", packageManifest), ("Sources/\(moduleName)/\(typeName).swift", cellSource),
         ("Sources/\(moduleName)/Plugin.swift", entryPointSource), ("README.md", readme),
         (".gitignore", ".build*/\nPackage.resolved\n")]
    }

    var packageManifest: String {
        """
        // swift-tools-version:6.0
        import PackageDescription

        let package = Package(
            name: "\(name)",
            products: [
                // A dynamic library: `recur` finds .build/{debug,release}/lib\(moduleName).so and dlopens it.
                .library(name: "\(moduleName)", type: .dynamic, targets: ["\(moduleName)"]),
            ],
            dependencies: [
                // The Recur checkout whose `recur` loads this plugin: build against the same source.
                .package(name: "Recur", path: "\(recurPath)"),
            ],
            targets: [
                // The RecurKit *product* (a shared library), never the target: a static copy would
                // give this plugin registries of its own, invisible to `recur`.
                .target(name: "\(moduleName)", dependencies: [.product(name: "RecurKit", package: "Recur")]),
            ],
            swiftLanguageModes: [.v6]
        )

        """
    }

    var cellSource: String {
        """
        import RecurKit

        /// `\(name)`: h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh) — a vanilla RNN to start from.
        ///
        /// Shapes: x_t `[B, X]`, h `[B, H]`; `weight_ih` `[H, X]`, `weight_hh` `[H, H]`, biases `[H]`.
        public final class \(typeName): Cell {
            // Trainable tensors. The names are the keys in checkpoints and bundles (PyTorch's nn.RNN
            // names, so exported weights load there unchanged).
            let weightIH: Variable, weightHH: Variable, biasIH: Variable, biasHH: Variable

            public init(_ config: CellConfig, rng: inout RandomGenerator) throws {
                let (x, h) = (config.inputSize, config.hiddenSize)
                let bound = 1 / Float(h).squareRoot()                // PyTorch's init: uniform in ±1/√H
                weightIH = parameter(rng.uniformTensor([h, x], -bound, bound), "weight_ih")
                weightHH = parameter(rng.uniformTensor([h, h], -bound, bound), "weight_hh")
                biasIH = parameter(rng.uniformTensor([h], -bound, bound), "bias_ih")
                biasHH = parameter(rng.uniformTensor([h], -bound, bound), "bias_hh")
            }

            public var inputSize: Int { weightIH.shape[1] }
            public var hiddenSize: Int { weightHH.shape[1] }
            /// One state tensor, h. (An LSTM-like cell would return [hiddenSize, hiddenSize] for h and c.)
            public var stateSizes: [Int] { [hiddenSize] }
            public var namedParameters: [NamedParameter] {
                [("weight_ih", weightIH), ("weight_hh", weightHH), ("bias_ih", biasIH), ("bias_hh", biasHH)]
            }

            /// One time step, built from autodiff ops only: its gradient, masking, stacking,
            /// bidirection and BPTT come from Recur's generic driver.
            public func step(_ x: Variable, state: [Variable]) -> (output: Variable, state: [Variable]) {
                let hPrevious = state[0]
                let preActivation = matmul(x, weightIH, transposeB: true) + biasIH
                    + matmul(hPrevious, weightHH, transposeB: true) + biasHH
                let h = preActivation.tanh()
                return (h, [h])
            }

            /// What `recur list` shows and how the registry makes one.
            public static let descriptor = CellDescriptor(
                name: "\(name)", summary: "vanilla tanh RNN (scaffold: edit step)", version: "0.1.0"
            ) { config, rng in try \(typeName)(config, rng: &rng) }
        }

        """
    }

    var entryPointSource: String {
        """
        import RecurKit

        /// The one C entry point `recur` calls after loading this library. `PluginAPI.register`
        /// checks that this plugin was built against the host's plugin API, then registers.
        @_cdecl("recur_plugin_register")
        public func recurPluginRegister(_ hostAPI: Int32) -> Int32 {
            PluginAPI.register(hostAPI: hostAPI) { plugin in
                try plugin.register(\(typeName).descriptor)
            }
        }

        """
    }

    var readme: String {
        """
        # \(name)

        A Recur cell plugin, made by `recur plugin new cell \(name)`. It starts as a vanilla tanh RNN,
        `h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)`; change `step` to make it your cell.

        ## Use it

        ```sh
        recur plugin build \(name)          # or: swift build -c release   (in this folder)
        recur list cells                   # shows \(name) and the library it came from
        recur check-cell \(name)            # conformance: shapes, gradients, masking, save/load, …
        recur run char-lm --cell \(name) --steps 500
        ```

        `recur` loads every plugin in its checkout's `plugins/*/.build/{debug,release}` (its own
        configuration first) and in the folders listed in `RECUR_PLUGIN_PATH` (colon-separated;
        a plugin package folder or a folder of libraries). Problems appear in `recur list`.

        ## The parts

        - **`Package.swift`** — one dynamic library product, `lib\(moduleName).so`. It depends on
          the Recur checkout by path (`\(recurPath)`) and links the RecurKit *product*, the shared
          `libRecurKit.so` that holds the registries. Linking RecurKit as a target would copy it
          into the plugin: the plugin would register into a registry of its own and vanish (recur
          detects this and says so).
        - **`Sources/\(moduleName)/\(typeName).swift`** — the cell.
          - the parameters are `Variable`s made by `parameter(_:_:)`; their names are the keys in
            checkpoints and bundles;
          - `init` reads the sizes from `CellConfig` and initialises the weights from the seeded
            `rng`. A cell with options (`--cell-option key=value`) declares a `PluginOptions`
            struct and passes `options: MyOptions.self` to its descriptor, whose factory then
            receives the checked, typed value (see the `rnn` cell's `nonlinearity`);
          - `stateSizes` says how many state tensors the cell carries, and how wide;
          - `step` maps `(x_t, state_{t−1})` to `(h_t, state_t)` with autodiff ops (`matmul`, `+`,
            `*`, `tanh`, `sigmoid`, `relu`, `split`, `concat`, …); Recur's generic driver runs it
            over time and gives it gradients, stacking, bidirection, dropout and masking;
          - `descriptor` is the name, summary and version `recur list` shows, and the factory.
        - **`Sources/\(moduleName)/Plugin.swift`** — the C entry point `recur_plugin_register`.
          `recur` calls it with its plugin-API version; `PluginAPI.register` answers with the
          version this plugin was compiled against and registers only when they agree.

        ## Rules

        - Build it from the **same Recur source** as the `recur` that loads it (Swift has no stable
          ABI here). After updating Recur, rebuild the plugin; a stale one is refused in one line.
        - Names must not clash with a built-in cell or another plugin; a clash is refused in one
          line naming both.
        - The generic autodiff path is all a cell needs; a fused kernel is optional (`fusedPath`).
        - The generic driver traces `step` once: work that reads only x_t and parameters runs once
          on all time steps before the loop, and a recurrence `h_t = a_t ⊙ h_{t−1} + b_t` (a, b
          free of h) runs as one scan — automatically. An op it does not record (`reshaped`,
          `transposed`, `select`, your own), a constant built from values inside `step`, or a
          step that changes with the values makes it fall back to the plain step loop (correct,
          slower); `recur check-cell` prints which plan the cell gets.

        """
    }
}
