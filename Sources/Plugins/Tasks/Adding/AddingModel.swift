import RecurKit

/// Cell stack → linear regression head on the last output: `[T, B, 2]` → `[B, 1]`.
/// Parameters are `rnn.weight_ih_l0`, …, `head.weight`, `head.bias`.
public final class AddingModel: ParameterOwner {
    public let rnn: RecurrentStack
    public let head: Linear

    public init(stack: StackConfig, cells: Registry<CellDescriptor>, rng: inout RandomGenerator) throws {
        rnn = try RecurrentStack(stack, inputSize: 2, registry: cells, rng: &rng)
        head = Linear(inputSize: stack.outputSize, outputSize: 1, rng: &rng)
    }

    public var namedParameters: [NamedParameter] { rnn.namedParameters(prefix: "rnn") + head.namedParameters(prefix: "head") }

    /// Predictions `[B, 1]` from the output of the final step.
    public func callAsFunction(_ inputs: Tensor, training: Bool, rng: inout RandomGenerator) -> Variable {
        let steps = inputs.shape[0]
        let output = rnn(Variable(inputs), training: training, rng: &rng).output
        return head(output.select(steps - 1))
    }
}
