import RecurKit

/// A linear-chain CRF output layer over per-token emission scores (`--crf true`).
///
/// Parameters (names as pytorch-crf's `CRF`): `transitions` `[K, K]` (row: previous tag,
/// column: next tag), `start_transitions` `[K]`, `end_transitions` `[K]`, initialised U(−0.1, 0.1).
/// The loss is the negative log-likelihood of the gold paths (``CRFLattice``: forward algorithm in
/// log space), its backward the forward–backward marginals; decoding is Viterbi.
public final class LinearChainCRF: ParameterOwner {
    public let transitions: Variable
    public let start: Variable
    public let end: Variable
    public let tags: Int

    public init(tags: Int, rng: inout RandomGenerator) {
        self.tags = tags
        transitions = parameter(rng.uniformTensor([tags, tags], -0.1, 0.1), "transitions")
        start = parameter(rng.uniformTensor([tags], -0.1, 0.1), "start_transitions")
        end = parameter(rng.uniformTensor([tags], -0.1, 0.1), "end_transitions")
    }

    public var namedParameters: [NamedParameter] {
        [("start_transitions", start), ("end_transitions", end), ("transitions", transitions)]
    }

    /// The lattice of sequence `b` of time-major emissions `[T, B, K]`, over its first `length` steps.
    func lattice(_ emissions: Tensor, sequence b: Int, length: Int) -> CRFLattice {
        let batch = emissions.shape[1]
        var e = [Double](repeating: 0, count: length * tags)
        emissions.withPointer { x in
            for t in 0..<length { for k in 0..<tags { e[t * tags + k] = Double(x[(t * batch + b) * tags + k]) } }
        }
        return CRFLattice(n: length, tags: tags, emissions: e, transitions: transitions.value.scalars.map(Double.init),
                          start: start.value.scalars.map(Double.init), end: end.value.scalars.map(Double.init))
    }

    /// `Σ_b −log p(gold_b | x_b)` over a batch: emissions `[T, B, K]`, `gold[b]` the tag ids of
    /// sequence b (its length; steps past it are padding and get no gradient). A scalar.
    public func negativeLogLikelihood(emissions: Variable, gold: [[Int32]]) -> Variable {
        precondition(emissions.value.rank == 3 && emissions.shape[2] == tags && emissions.shape[1] == gold.count,
                     "CRF: emissions \(emissions.shape) for \(gold.count) sequences of \(tags) tags")
        let e = emissions.value
        let lattices = gold.enumerated().map { lattice(e, sequence: $0.offset, length: $0.element.count) }
        var total = 0.0
        for (lattice, path) in zip(lattices, gold) {
            total += lattice.logPartition(lattice.forward()) - lattice.score(path.map(Int.init))
        }
        let (transitions, start, end, tags) = (self.transitions, self.start, self.end, self.tags)
        return Variable.result(Tensor(scalar: Float(total)), [emissions, transitions, start, end], "crf-nll") { g in
            let upstream = Double(g.scalar), batch = e.shape[1]
            var gA = [Double](repeating: 0, count: tags * tags), gS = [Double](repeating: 0, count: tags)
            var gEnd = [Double](repeating: 0, count: tags)
            // Each sentence's expected-minus-gold counts; emissions get theirs at their own columns.
            let perSentence = zip(lattices, gold).map { $0.negativeLogLikelihoodGradient(gold: $1.map(Int.init)) }
            for d in perSentence {
                for i in 0..<(tags * tags) { gA[i] += d.transitions[i] }
                for k in 0..<tags { gS[k] += d.start[k]; gEnd[k] += d.end[k] }
            }
            emissions.accumulateGrad { gx in
                for (b, d) in perSentence.enumerated() {
                    for t in 0..<lattices[b].n { for k in 0..<tags { gx[(t * batch + b) * tags + k] += Float(upstream * d.emissions[t * tags + k]) } }
                }
            }
            transitions.accumulateGrad(Tensor(shape: [tags, tags], scalars: gA.map { Float(upstream * $0) }))
            start.accumulateGrad(Tensor(shape: [tags], scalars: gS.map { Float(upstream * $0) }))
            end.accumulateGrad(Tensor(shape: [tags], scalars: gEnd.map { Float(upstream * $0) }))
        }
    }

    /// The Viterbi path of each sequence and, per token, the marginal probability
    /// `p(y_t = path_t | x)` of the tag it chose.
    public func decode(emissions: Tensor, lengths: [Int]) -> [(path: [Int], probabilities: [Double])] {
        lengths.enumerated().map { b, n in
            let lattice = lattice(emissions, sequence: b, length: n)
            let path = lattice.viterbi().path
            let marginals = lattice.marginals()
            return (path, (0..<n).map { marginals[$0 * tags + path[$0]] })
        }
    }
}
