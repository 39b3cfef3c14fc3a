import XCTest
import RecurBuiltins
import RecurKit
import RecurTestSupport

/// The zoo cells against an independent NumPy implementation of each paper's equations
/// (`scripts/golden_zoo.py` → Tests/Golden/zoo.json): the same closed-form parameters and inputs,
/// four steps from the zero state, every output and final state within 1e-5.
final class ZooGoldenTests: XCTestCase {
    /// The closed form the script uses: 0.4 · sin(0.37 (k + 1) + 0.29 · (Σ code points mod 97)).
    static func value(_ name: String, count: Int) -> [Float] {
        let seed = Double(name.unicodeScalars.reduce(0) { $0 + Int($1.value) } % 97)
        return (0..<count).map { Float(0.4 * sin(0.37 * Double($0 + 1) + 0.29 * seed)) }
    }

    func assertMatchesNumPy(_ cell: String, case key: String? = nil) throws {
        let golden = try XCTUnwrap(try Golden.load("zoo")[key ?? cell] as? [String: Any], "no case \(key ?? cell) in zoo.json")
        let x = (golden["input_size"] as! NSNumber).intValue, h = (golden["hidden_size"] as! NSNumber).intValue
        var rng = RandomGenerator(seed: 0)
        let made = try Builtins.cells().lookup(cell).make(CellConfig(inputSize: x, hiddenSize: h), &rng)
        for (name, p) in made.namedParameters {
            let values = Self.value(name, count: p.value.count)
            p.updateValue { for i in 0..<values.count { $0[i] = values[i] } }
        }
        let steps = 4, batch = 2
        let inputs = (0..<(steps * batch * x)).map { Float(0.8 * cos(0.23 * Double($0 + 1))) }
        var state = made.stateSizes.map { Variable(Tensor(zeros: [batch, $0])) }
        var outputs: [Float] = []
        for t in 0..<steps {
            let xt = Variable(Tensor(shape: [batch, x], scalars: Array(inputs[(t * batch * x)..<((t + 1) * batch * x)])))
            let (output, next) = made.step(xt, state: state)
            outputs += output.value.scalars
            state = next
        }
        let expected = Golden.tensor(golden["outputs"]).scalars
        XCTAssertEqual(outputs.count, expected.count, cell)
        for (i, (a, b)) in zip(outputs, expected).enumerated() {
            XCTAssertEqual(a, b, accuracy: 1e-5 + 1e-5 * abs(b), "\(key ?? cell) output \(i)")
        }
        let states = (golden["states"] as! [Any]).map { Golden.tensor($0).scalars }
        XCTAssertEqual(states.count, state.count, "\(cell): number of state tensors")
        for (s, (a, b)) in zip(state.map(\.value.scalars), states).enumerated() {
            for (i, (u, v)) in zip(a, b).enumerated() { XCTAssertEqual(u, v, accuracy: 1e-5 + 1e-5 * abs(v), "\(key ?? cell) state \(s)[\(i)]") }
        }
    }

    func testLayerNormLSTM() throws { try assertMatchesNumPy("lnlstm") }
    func testPeepholeLSTM() throws { try assertMatchesNumPy("peephole") }
    func testCIFG() throws { try assertMatchesNumPy("cifg") }
    func testMGU() throws { try assertMatchesNumPy("mgu") }
    func testIndRNN() throws { try assertMatchesNumPy("indrnn") }
    func testSRUWithSkipProjection() throws { try assertMatchesNumPy("sru") }
    func testSRUWithIdentityHighway() throws { try assertMatchesNumPy("sru", case: "sru-square") }
    func testMinLSTM() throws { try assertMatchesNumPy("minlstm") }
    func testSLSTM() throws { try assertMatchesNumPy("slstm") }

    /// `forget_bias` raises exactly the forget gate's block of `bias_ih` (or `bias`), nothing else.
    func testForgetBiasRaisesOnlyTheForgetGate() throws {
        let cells = Builtins.cells()
        for (name, key, block) in [("lstm", "bias_ih", 1), ("peephole", "bias_ih", 1), ("cifg", "bias_ih", 0), ("lnlstm", "bias", 1), ("slstm", "bias_ih", 2)] {
            var a = RandomGenerator(seed: 4), b = RandomGenerator(seed: 4)
            let plain = try cells.lookup(name).make(CellConfig(inputSize: 3, hiddenSize: 5), &a)
            let biased = try cells.lookup(name).make(CellConfig(inputSize: 3, hiddenSize: 5, options: ["forget_bias": .double(1)]), &b)
            let p = plain.namedParameters.first { $0.name == key }!.variable.value.scalars
            let q = biased.namedParameters.first { $0.name == key }!.variable.value.scalars
            for j in 0..<p.count { XCTAssertEqual(q[j] - p[j], j / 5 == block ? 1 : 0, accuracy: 1e-6, "\(name) \(key)[\(j)]") }
        }
    }

    /// `init=orthogonal`: every gate block of weight_hh has orthonormal rows.
    func testOrthogonalInitialisation() throws {
        for name in ["lstm", "peephole", "cifg", "lnlstm", "slstm", "gru"] {
            var rng = RandomGenerator(seed: 9)
            let cell = try Builtins.cells().lookup(name).make(CellConfig(inputSize: 3, hiddenSize: 6, options: ["init": .string("orthogonal")]), &rng)
            let w = cell.namedParameters.first { $0.name == "weight_hh" }!.variable.value
            let h = 6
            for block in 0..<(w.shape[0] / h) {
                for i in 0..<h {
                    for j in 0..<h {
                        let dot = (0..<h).reduce(Float(0)) { $0 + w.scalars[(block * h + i) * h + $1] * w.scalars[(block * h + j) * h + $1] }
                        XCTAssertEqual(dot, i == j ? 1 : 0, accuracy: 1e-5, "\(name) block \(block) rows \(i)·\(j)")
                    }
                }
            }
        }
    }

    /// `init=chrono t_max=T`: b_f ∈ [0, log(T − 1)], b_i = −b_f, and the recurrent bias adds nothing to either.
    func testChronoInitialisation() throws {
        var rng = RandomGenerator(seed: 9)
        let lstm = try Builtins.cells().lookup("lstm").make(CellConfig(inputSize: 3, hiddenSize: 6, options: ["init": .string("chrono"), "t_max": .int(50)]), &rng)
        let bih = lstm.namedParameters.first { $0.name == "bias_ih" }!.variable.value.scalars
        let bhh = lstm.namedParameters.first { $0.name == "bias_hh" }!.variable.value.scalars
        for j in 0..<6 {
            XCTAssertGreaterThanOrEqual(bih[6 + j], 0)
            XCTAssertLessThanOrEqual(bih[6 + j], Float(log(49.0)) + 1e-6)
            XCTAssertEqual(bih[j], -bih[6 + j])
            XCTAssertEqual(bhh[j], 0)
            XCTAssertEqual(bhh[6 + j], 0)
        }
        XCTAssertGreaterThan(Set(bih[6..<12]).count, 1, "drawn, not constant")
        // The GRU's keep gate is z, its second block.
        var g = RandomGenerator(seed: 9)
        let gru = try Builtins.cells().lookup("gru").make(CellConfig(inputSize: 3, hiddenSize: 6, options: ["init": .string("chrono"), "t_max": .int(50)]), &g)
        let gih = gru.namedParameters.first { $0.name == "bias_ih" }!.variable.value.scalars
        let ghh = gru.namedParameters.first { $0.name == "bias_hh" }!.variable.value.scalars
        for j in 0..<6 {
            XCTAssertTrue((0...Float(log(49.0)) + 1e-6).contains(gih[6 + j]), "b_z[\(j)] = \(gih[6 + j])")
            XCTAssertEqual(ghh[6 + j], 0)
        }
        var other = RandomGenerator(seed: 9)
        XCTAssertThrowsError(try Builtins.cells().lookup("slstm").make(CellConfig(inputSize: 3, hiddenSize: 6, options: ["init": .string("chrono")]), &other)) {
            XCTAssertTrue("\($0)".contains("chrono"), "\($0)")
        }
    }
}
