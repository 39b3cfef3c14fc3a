import Foundation
import RecurKit

/// The copy-memory task (Hochreiter & Schmidhuber 1997; the form of Arjovsky et al. 2016):
/// read S symbols drawn from an alphabet of `alphabet` (ids 1…alphabet), then T − 1 blanks (0),
/// then a delimiter (alphabet + 1), then S blanks; from the delimiter on, output the S symbols
/// in order. Every other output is blank. Sequences have T + 2S steps.
///
/// Predicting blanks and then uniform guesses scores a cross-entropy of S·ln(alphabet)/(T + 2S)
/// per step — the memoryless baseline; beating it needs the symbols carried T steps.
public struct CopyProblem: Sendable {
    public let blanks: Int
    public let symbols: Int
    public let alphabet: Int

    public init(blanks: Int, symbols: Int, alphabet: Int) {
        self.blanks = blanks
        self.symbols = symbols
        self.alphabet = alphabet
    }

    public var steps: Int { blanks + 2 * symbols }
    /// Input ids: blank, the symbols, the delimiter.
    public var inputClasses: Int { alphabet + 2 }
    /// Output ids: blank and the symbols.
    public var outputClasses: Int { alphabet + 1 }
    public var delimiter: Int32 { Int32(alphabet + 1) }
    public var baselineLoss: Double { Double(symbols) * Foundation.log(Double(alphabet)) / Double(steps) }

    /// `count` sequences, time-major `[T + 2S, B]` input and target ids.
    public func batch(count: Int, rng: inout RandomGenerator) -> (inputs: [Int32], targets: [Int32]) {
        var inputs = [Int32](repeating: 0, count: steps * count), targets = inputs
        for b in 0..<count {
            for i in 0..<symbols {
                let symbol = Int32(1 + rng.next() % UInt64(alphabet))
                inputs[i * count + b] = symbol
                targets[(blanks + symbols + i) * count + b] = symbol
            }
            inputs[(symbols + blanks - 1) * count + b] = delimiter
        }
        return (inputs, targets)
    }

    /// One-hot rows `[T, B, inputClasses]` for time-major ids.
    public func oneHot(_ ids: [Int32], count: Int) -> Tensor {
        var scalars = [Float](repeating: 0, count: ids.count * inputClasses)
        for (i, id) in ids.enumerated() { scalars[i * inputClasses + Int(id)] = 1 }
        return Tensor(shape: [ids.count / count, count, inputClasses], scalars: scalars)
    }
}
