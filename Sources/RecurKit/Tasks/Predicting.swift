/// What a task's model says about one input, for `recur predict`: a readable text for the
/// terminal and the same result as JSON (`--json`).
public struct Prediction: Sendable, Equatable {
    /// The input as given.
    public var input: String
    /// The result for a person to read (may span lines).
    public var text: String
    /// The structured result; `recur predict --json` prints it with `input` added.
    public var fields: [String: JSONValue]

    public init(input: String, text: String, fields: [String: JSONValue]) {
        self.input = input
        self.text = text
        self.fields = fields
    }
}

/// A task's inference: one input text in, a ``Prediction`` out. `recur predict` dispatches to
/// it, so a task plugin gets a command-line front end with no host edit; `sample`, `classify`
/// and `translate` are front ends over the same protocol.
///
/// Prediction has its own typed options (`--beam`, `--temperature`), declared like a task's.
public protocol Predicting: TaskSession {
    associatedtype PredictionOptions: PluginOptions = NoOptions
    /// Words of the command line that make one input (vqa: an image and a question, 2); they
    /// reach ``predict(_:options:rng:)`` joined by a tab, as one line of `--input FILE` holds them.
    var inputsPerPrediction: Int { get }
    /// `rng` is seeded by `recur predict --seed`, for tasks that sample.
    func predict(_ input: String, options: PredictionOptions, rng: inout RandomGenerator) throws -> Prediction
}

extension Predicting {
    public var inputsPerPrediction: Int { 1 }

    /// The prediction options' fields, for help and checks.
    public var predictionOptions: OptionSchema { OptionSchema(PredictionOptions.self, owner: "prediction") }

    /// Predicts every input with options given as text (`--beam 5` → `["beam": "5"]`).
    public func predict(_ inputs: [String], text options: [String: String], seed: UInt64) throws -> [Prediction] {
        let schema = predictionOptions
        let typed = try schema.decode(try schema.resolve(stored: [:], text: options), as: PredictionOptions.self)
        var rng = RandomGenerator(seed: seed)
        return try inputs.map { try predict($0, options: typed, rng: &rng) }
    }
}
