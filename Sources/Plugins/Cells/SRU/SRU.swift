import RecurKit

/// Simple recurrent unit (Lei, Zhang, Wang, Dai & Artzi 2018, "Simple Recurrent Units for Highly
/// Parallelizable Recurrence"): every matrix product reads only x_t; the cell state enters the
/// gates through element-wise weights, and a highway connection carries the input through:
///
///     x̃_t = W x_t
///     f_t = σ(W_f x_t + v_f ⊙ c_{t−1} + b_f)
///     r_t = σ(W_r x_t + v_r ⊙ c_{t−1} + b_r)
///     c_t = f_t ⊙ c_{t−1} + (1 − f_t) ⊙ x̃_t
///     h_t = r_t ⊙ c_t + (1 − r_t) ⊙ x'_t,   x'_t = x_t when X = H, else W_skip x_t
///
/// Shapes: x_t `[B, X]`, state (h, c) `[B, H]` each (h is not fed back; it is kept as state
/// 0 like an LSTM's so that tasks read the output there); `weight_ih` `[3H, X]` (rows x̃, f,
/// r), `weight_cf`, `weight_cr` `[H]`, `bias_ih` `[2H]` (f, r), `weight_skip` `[H, X]` when
/// X ≠ H; uniform ±1/√H.
public final class SRU: Cell {
    let weightIH: Variable, peepF: Variable, peepR: Variable, biasIH: Variable, skip: Variable?

    public init(_ config: CellConfig, rng: inout RandomGenerator) {
        let (x, h) = (config.inputSize, config.hiddenSize)
        let bound = 1 / Float(h).squareRoot()
        weightIH = parameter(rng.uniformTensor([3 * h, x], -bound, bound), "weight_ih")
        peepF = parameter(rng.uniformTensor([h], -bound, bound), "weight_cf")
        peepR = parameter(rng.uniformTensor([h], -bound, bound), "weight_cr")
        biasIH = parameter(rng.uniformTensor([2 * h], -bound, bound), "bias_ih")
        skip = x == h ? nil : parameter(rng.uniformTensor([h, x], -bound, bound), "weight_skip")
    }

    public var inputSize: Int { weightIH.shape[1] }
    public var hiddenSize: Int { weightIH.shape[0] / 3 }
    public var stateSizes: [Int] { [hiddenSize, hiddenSize] }
    public var namedParameters: [NamedParameter] {
        [("weight_ih", weightIH), ("weight_cf", peepF), ("weight_cr", peepR), ("bias_ih", biasIH)]
            + (skip.map { [("weight_skip", $0)] } ?? [])
    }

    public func step(_ x: Variable, state: [Variable]) -> (output: Variable, state: [Variable]) {
        let H = hiddenSize, previous = state[1]
        let z = matmul(x, weightIH, transposeB: true).split(sizes: [H, H, H])
        let b = biasIH.split(sizes: [H, H], axis: 0)
        let f = (z[1] + previous * peepF + b[0]).sigmoid()
        let r = (z[2] + previous * peepR + b[1]).sigmoid()
        let c = f * previous + (1 - f) * z[0]
        let highway = skip.map { matmul(x, $0, transposeB: true) } ?? x
        let h = r * c + (1 - r) * highway
        return (h, [h, c])
    }
}

/// Registration of the `sru` cell.
public enum SRUPlugin {
    public static let descriptor = CellDescriptor(
        name: "sru", summary: "Simple recurrent unit: products of x only, element-wise recurrence (Lei et al. 2018)",
        version: "1.0.0") { config, rng in
        SRU(config, rng: &rng)
    }
}
