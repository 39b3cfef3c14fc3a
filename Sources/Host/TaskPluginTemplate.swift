/// The files of a new task plugin package: a small working task — reverse a sequence of digits —
/// that trains, evaluates, saves, resumes, exports and predicts untouched, plus a README.
struct TaskPluginTemplate {
    /// The task's name as users type it (`recur run NAME`).
    let name: String
    /// The path from the new package to the Recur checkout.
    let recurPath: String

    var typeName: String { PluginTemplate(name: name, recurPath: recurPath).typeName }
    var moduleName: String { typeName + "Plugin" }

    var files: [(path: String, contents: String)] {
        [("Package.swift", PluginTemplate(name: name, recurPath: recurPath).packageManifest),
         ("Sources/\(moduleName)/\(typeName)Options.swift", optionsSource),
         ("Sources/\(moduleName)/\(typeName)Session.swift", sessionSource),
         ("Sources/\(moduleName)/Plugin.swift", entryPointSource), ("README.md", readme),
         (".gitignore", ".build*/\nPackage.resolved\n")]
    }

    var optionsSource: String {
        """
        import RecurKit

        /// `\(name)`'s own options. `recur run \(name) --help` lists them; `config.json` stores them typed.
        public struct \(typeName)Options: PluginOptions {
            /// Digits in each sequence.
            public var length = 6
            /// Sequences in the fixed test set.
            public var testSize = 500

            // The coding keys are the flag names.
            enum CodingKeys: String, CodingKey { case length, testSize = "test-size" }

            public init() {}

            public static let fields: [OptionField<Self>] = [
                .init("length", \\.length, help: "Digits in each sequence."),
                .init("test-size", \\.testSize, help: "Sequences in the fixed test set."),
            ]

            public func validate() throws {
                try ConfigValueError.check(length >= 1 && length <= 1000, "length", length, "an integer in 1…1000")
                try ConfigValueError.check(testSize >= 1, "test-size", testSize, "an integer ≥ 1")
            }
        }

        """
    }

    var sessionSource: String {
        """
        import RecurKit

        /// `\(name)`: read a sequence of digits, output it reversed. One-hot digits `[T, B, 10]` →
        /// a cell stack (bidirectional by default: output t needs input T−1−t) → a linear layer at
        /// every step → 10 logits; per-step cross-entropy. Data is generated from the run's seeds,
        /// so runs are reproducible and resume exactly with nothing stored but the weights.
        public final class \(typeName)Session: TaskSession, Predicting {
            public let config: RunConfig
            let options: \(typeName)Options
            let seeds: Seeds
            let rnn: RecurrentStack
            let head: Linear
            let test: (inputs: [Int32], targets: [Int32])

            public init(config: RunConfig, options: \(typeName)Options, context: TaskContext) throws {
                self.config = config
                self.options = options
                seeds = context.seeds
                var rng = RandomGenerator(seed: seeds.model)
                // Cells come from the registry by name: any cell, built-in or plugin, works here.
                rnn = try RecurrentStack(config.stack, inputSize: 10, registry: context.cells, rng: &rng)
                head = Linear(inputSize: config.stack.outputSize, outputSize: 10, rng: &rng)
                var testRNG = RandomGenerator(seed: seeds.evaluation)
                test = Self.sequences(count: options.testSize, length: options.length, rng: &testRNG)
            }

            /// `count` random digit sequences and their reversals, time-major `[T, B]`.
            static func sequences(count: Int, length: Int, rng: inout RandomGenerator) -> (inputs: [Int32], targets: [Int32]) {
                var inputs = [Int32](repeating: 0, count: length * count), targets = inputs
                for b in 0..<count {
                    for t in 0..<length { inputs[t * count + b] = Int32(rng.next() % 10) }
                    for t in 0..<length { targets[t * count + b] = inputs[(length - 1 - t) * count + b] }
                }
                return (inputs, targets)
            }

            /// Logits `[T·B, 10]` for time-major digits.
            func logits(_ digits: [Int32], batch: Int, training: Bool, rng: inout RandomGenerator) -> Variable {
                let steps = digits.count / batch
                var oneHot = [Float](repeating: 0, count: digits.count * 10)
                for (i, digit) in digits.enumerated() { oneHot[i * 10 + Int(digit)] = 1 }
                let output = rnn(Variable(Tensor(shape: [steps, batch, 10], scalars: oneHot)), training: training, rng: &rng).output
                return head(output.reshaped([steps * batch, config.stack.outputSize]))
            }

            public var parameters: [NamedParameter] { rnn.namedParameters(prefix: "rnn") + head.namedParameters(prefix: "head") }
            /// Generated data has no epochs; `--epochs N` means N × 100 steps.
            public var stepsPerEpoch: Int { 100 }
            public var itemName: String { "sequences" }

            /// The step's global batch comes from the step's own seed; the trainer says which of
            /// its rows this process trains on (all of them, unless the run is data-parallel).
            public func trainingLoss(step: Int, shard: BatchShard, rng: inout RandomGenerator) throws -> (loss: Variable, items: Int) {
                var data = RandomGenerator(seed: seeds.data(step: step))
                let (inputs, targets) = Self.sequences(count: config.batch, length: options.length, rng: &data)
                let rows = shard.rows.count
                let scores = logits(shard.columns(of: inputs, steps: options.length), batch: rows, training: true, rng: &rng)
                return (crossEntropy(logits: scores, targets: shard.columns(of: targets, steps: options.length)), rows)
            }

            public func evaluate() throws -> [String: Double] {
                var rng = RandomGenerator(seed: 0)
                let scores = logits(test.inputs, batch: options.testSize, training: false, rng: &rng)
                let loss = Double(crossEntropy(logits: scores, targets: test.targets).value.scalar)
                let predicted = argmax(scores.value.scalars, classes: 10)
                let right = zip(predicted, test.targets).map { $0 == $1 }
                var exact = 0
                for b in 0..<options.testSize where (0..<options.length).allSatisfy({ right[$0 * options.testSize + b] }) { exact += 1 }
                return ["val_loss": loss, "val_accuracy": Double(right.filter { $0 }.count) / Double(right.count),
                        "val_exact_match": Double(exact) / Double(options.testSize)]
            }

            /// `recur predict RUN "3 1 4 1 5"` → `5 1 4 1 3`.
            public func predict(_ input: String, options: NoOptions, rng: inout RandomGenerator) throws -> Prediction {
                let digits = try input.split(whereSeparator: \\.isWhitespace).map { word -> Int32 in
                    guard let digit = Int32(word), (0...9).contains(digit) else { throw TaskError("'\\(word)' is not a digit 0…9") }
                    return digit
                }
                guard !digits.isEmpty else { throw TaskError("give digits separated by spaces: \\"3 1 4 1 5\\"") }
                let scores = GradMode.withNoGrad { self.logits(digits, batch: 1, training: false, rng: &rng) }
                let output = argmax(scores.value.scalars, classes: 10)
                return Prediction(input: input, text: output.map(String.init).joined(separator: " "),
                                  fields: ["output": .array(output.map { JSONValue.int(Int($0)) })])
            }

            /// The most likely class of each row of `[N, classes]` scores.
            func argmax(_ scores: [Float], classes: Int) -> [Int32] {
                stride(from: 0, to: scores.count, by: classes).map { start in
                    Int32((start..<(start + classes)).max { scores[$0] < scores[$1] }! - start)
                }
            }
        }

        /// Registration: the name, what it is, its options, its recipe, and how to open a session.
        public enum \(typeName)Task {
            public static let descriptor = TaskDescriptor(
                name: "\(name)", summary: "Reverse a sequence of digits (scaffolded by `recur plugin new task`)", version: "0.1.0",
                options: \(typeName)Options.self,
                defaults: { config in
                    config.stack.bidirectional = true
                    config.stack.hiddenSize = 64
                    config.batch = 32
                    config.steps = 600
                    config.learningRate = 1e-2
                    config.evalEvery = 200
                    config.checkpointEvery = 200
                },
                monitor: Monitor("val_accuracy", .max),
                makeSession: { config, options, context in try \(typeName)Session(config: config, options: options, context: context) })
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
                try plugin.register(\(typeName)Task.descriptor)
            }
        }

        """
    }

    var readme: String {
        """
        # \(name)

        A Recur task plugin, made by `recur plugin new task \(name)`. It starts as a small working
        task — reverse a sequence of digits — so every part of the task contract is there to edit.

        ## Use it

        ```sh
        recur plugin build \(name)                 # or: swift build -c release   (in this folder)
        recur list tasks                          # shows \(name) and the library it came from
        recur run \(name) --help                   # its options and defaults
        recur run \(name) --run-dir runs/\(name)    # 600 steps (about a minute in debug); measured: val_accuracy 0.98, val_exact_match 0.87
        recur predict runs/\(name) "3 1 4 1 5 9"    # → 9 5 1 4 1 3
        recur export runs/\(name) -o \(name).recur && recur resume \(name).recur --steps 800
        ```

        ## The parts

        - **`\(typeName)Options.swift`** — the task's own options: one `Codable` struct whose
          `init()` holds the defaults, a field list (flag name, key path, help) and `validate()`.
          `recur` derives `--help`, "did you mean", completion and the typed `config.json` from it.
        - **`\(typeName)Session.swift`** — the session and the descriptor:
          - `init` builds the model from `context.cells` (cells by name) and the run's `seeds`;
          - `trainingLoss(step:shard:rng:)` returns the mean loss of this process's rows of the
            step's batch — the trainer does the rest (backward, clipping, the optimizer,
            checkpoints, logs, Ctrl-C, data-parallel all-reduce);
          - `evaluate()` returns metrics, `val_loss` first among them;
          - `predict` is what `recur predict` calls: text in, a readable and a JSON result out;
          - training state and artifacts (vocabularies) have defaults: none. Override
            `artifacts()` to save files a loaded session needs, `trainingState()` for a data cursor;
          - `descriptor`: the name, summary, version, options type, recipe (defaults of the
            common options) and the session factory.
        - **`Plugin.swift`** — the C entry point `recur_plugin_register`.

        Build it from the **same Recur source** as the `recur` that loads it; rebuild after updating Recur.

        """
    }
}
