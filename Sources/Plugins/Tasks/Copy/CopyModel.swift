import RecurKit

/// One-hot symbols → cell stack → a linear classifier at every step:
/// `[T, B, alphabet + 2]` → logits `[T·B, alphabet + 1]`. Parameters `rnn.…`, `head.weight`, `head.bias`.
public final class CopyModel: ParameterOwner {
    public let rnn: RecurrentStack
    public let head: Linear

    public init(problem: CopyProblem, stack: StackConfig, cells: Registry<CellDescriptor>, rng: inout RandomGenerator) throws {
        rnn = try RecurrentStack(stack, inputSize: problem.inputClasses, registry: cells, rng: &rng)
        head = Linear(inputSize: stack.outputSize, outputSize: problem.outputClasses, rng: &rng)
    }

    public var namedParameters: [NamedParameter] { rnn.namedParameters(prefix: "rnn") + head.namedParameters(prefix: "head") }

    public func callAsFunction(_ inputs: Tensor, training: Bool, rng: inout RandomGenerator) -> Variable {
        let (steps, batch) = (inputs.shape[0], inputs.shape[1])
        let output = rnn(Variable(inputs), training: training, rng: &rng).output
        return head(output.reshaped([steps * batch, rnn.config.outputSize]))
    }
}
