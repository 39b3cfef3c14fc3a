import Foundation
import RecurTestSupport
import XCTest
@testable import RecurCore

/// conv2d, maxPool2d and avgPool2d: finite-difference gradients on odd shapes, shape errors, hand
/// values, and values and gradients against torch.nn.functional (skipped without torch).
final class ConvolutionTests: XCTestCase {
    var rng = RandomGenerator(seed: 11)

    func leaf(_ shape: [Int], _ name: String) -> Variable { parameter(rng.uniformTensor(shape, -1, 1), name) }

    func check(_ inputs: [Variable], file: StaticString = #filePath, line: UInt = #line, _ f: @escaping () -> Variable) {
        let named = inputs.enumerated().map { ("input\($0.offset)", $0.element) }
        let report = GradientCheck().run(inputs: named, maxProbes: 60, f)
        XCTAssertTrue(report.passed, report.description, file: file, line: line)
    }

    /// Distinct values at least 0.01 apart, so a ±1e-3 probe never changes which input is a window's maximum.
    func distinctLeaf(_ shape: [Int]) -> Variable {
        let n = shape.reduce(1, *)
        var values = (0..<n).map { Float($0) * 0.02 - Float(n) * 0.01 }
        for i in stride(from: n - 1, to: 0, by: -1) { values.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        return parameter(Tensor(shape: shape, scalars: values), "x")
    }

    // MARK: gradients

    func testConvolutionGradientsOnOddShapes() {
        // (B, C, H, W, O, kh, kw, stride, padding, bias)
        let cases: [(Int, Int, Int, Int, Int, Int, Int, Int, Int, Bool)] = [
            (2, 3, 5, 6, 4, 3, 3, 1, 1, true),    // "same" 3×3
            (1, 5, 7, 6, 9, 3, 2, 2, 1, true),    // B = 1, non-square kernel, stride 2, padding 1
            (3, 2, 6, 5, 3, 2, 3, 2, 0, false),   // no bias, no padding, stride 2 dropping a last row
            (2, 4, 4, 3, 5, 1, 1, 1, 0, true),    // 1×1 kernel
            (1, 3, 3, 4, 2, 3, 3, 3, 2, true),    // padding larger than kernel − 1 reaches past the image
        ]
        for (b, c, h, w, o, kh, kw, s, p, hasBias) in cases {
            let x = leaf([b, c, h, w], "x"), weight = leaf([o, c, kh, kw], "weight")
            let bias = hasBias ? leaf([o], "bias") : nil
            check([x, weight] + (bias.map { [$0] } ?? [])) { conv2d(x, weight: weight, bias: bias, stride: s, padding: p) }
        }
    }

    /// Images share a product up to conv2dColumnsPerProduct columns, and with several BLAS threads the
    /// groups are split between workers; one image per product, a short last group, the whole batch in
    /// one, on one worker or two, must all give the same values and gradients.
    func testGroupingImagesIntoProductsAndWorkersChangesNothing() {
        let x = leaf([5, 3, 6, 7], "x"), weight = leaf([4, 3, 3, 2], "weight"), bias = leaf([4], "bias")
        let plane = 3 * 4   // H' × W' for stride 2, padding 1
        let saved = (conv2dColumnsPerProduct, BLAS.threads)
        defer { (conv2dColumnsPerProduct, BLAS.threads) = saved }
        var results: [[Tensor]] = []
        for (columns, threads) in [(1, 1), (1, 2), (2 * plane, 1), (2 * plane, 2), (5 * plane, 2)] {   // groups of 1; 2, 2, 1; all 5
            conv2dColumnsPerProduct = columns
            BLAS.threads = threads
            for v in [x, weight, bias] { v.zeroGrad() }
            let y = conv2d(x, weight: weight, bias: bias, stride: 2, padding: 1)
            XCTAssertEqual(y.shape, [5, 4, 3, 4])
            (y * y).sum().backward()
            results.append([y.value, x.grad!, weight.grad!, bias.grad!])
        }
        for other in results.dropFirst() {
            for (a, b) in zip(results[0], other) { XCTAssertTrue(a.isClose(to: b, rtol: 1e-5, atol: 1e-5), "\(a.shape)") }
        }
    }

    func testConvolutionSkipsGradientsNobodyWants() {
        let image = Variable(rng.uniformTensor([2, 3, 5, 5], -1, 1))   // data, like the first layer's pixels
        let weight = leaf([4, 3, 3, 3], "weight")
        check([weight]) { conv2d(image, weight: weight, bias: nil, padding: 1) }
        XCTAssertNil(image.grad)
    }

    func testMaxPoolGradientsGoToTheMaximum() {
        let x = distinctLeaf([2, 3, 7, 5])
        check([x]) { maxPool2d(x, kernel: 2) }                // floor mode drops row 6 and column 4
        check([x]) { maxPool2d(x, kernel: 3, stride: 2) }     // overlapping windows
        check([x]) { maxPool2d(x, kernel: 2, stride: 3) }     // gaps between windows
        let wide = distinctLeaf([1, 2, 4, 19])                 // eight windows a row in SIMD lanes, then one more
        check([wide]) { maxPool2d(wide, kernel: 2) }
    }

    /// A NaN in a window is taken over any number (PyTorch's rule), in the SIMD lanes and in the scalar tail alike.
    func testMaxPoolPropagatesNaN() {
        var values = (0..<(2 * 20)).map { Float($0 % 7) }
        values[3] = .nan        // window 1 (lanes)
        values[20 + 18] = .nan  // window 9 (tail), lower row
        let x = parameter(Tensor(shape: [1, 1, 2, 20], scalars: values), "x")
        let y = maxPool2d(x, kernel: 2)
        XCTAssertEqual(y.value.scalars.indices.filter { y.value.scalars[$0].isNaN }, [1, 9])
        y.sum().backward()
        XCTAssertEqual(x.grad![0, 0, 0, 3], 1)
        XCTAssertEqual(x.grad![0, 0, 1, 18], 1)
    }

    func testAveragePoolGradients() {
        let x = leaf([2, 3, 7, 5], "x")
        check([x]) { avgPool2d(x, kernel: 2) }
        check([x]) { avgPool2d(x, kernel: 3, stride: 1) }
        check([x]) { avgPool2d(x, kernel: 2, stride: 3) }
    }

    // MARK: values by hand

    func testConvolutionOfAKnownImage() {
        // One 3×3 image 1…9, a 2×2 kernel [[1, 0], [0, −1]] and bias 10, padding 1, stride 2: each output
        // is x[top-left] − x[bottom-right] + 10 with zeros outside.
        let x = Variable(Tensor(shape: [1, 1, 3, 3], scalars: (1...9).map(Float.init)))
        let weight = Variable(Tensor(shape: [1, 1, 2, 2], scalars: [1, 0, 0, -1]))
        let y = conv2d(x, weight: weight, bias: Variable(Tensor(shape: [1], scalars: [10])), stride: 2, padding: 1)
        XCTAssertEqual(y.shape, [1, 1, 2, 2])
        let expected: [Float] = [0 - 1 + 10, 0 - 3 + 10, 0 - 7 + 10, 5 - 9 + 10]
        XCTAssertEqual(y.value.scalars, expected)
    }

    func testMaxPoolTiesSendTheGradientToTheFirstMaximum() {
        let x = parameter(Tensor(shape: [1, 1, 2, 4], scalars: [1, 3, 2, 2,
                                                              3, 0, 2, 2]), "x")
        let y = maxPool2d(x, kernel: 2)
        XCTAssertEqual(y.value.scalars, [3, 2])
        y.sum().backward()
        XCTAssertEqual(x.grad?.scalars, [0, 1, 1, 0,
                                         0, 0, 0, 0])
    }

    func testAveragePoolOfAKnownImage() {
        let x = Variable(Tensor(shape: [1, 1, 3, 4], scalars: (1...12).map(Float.init)))
        XCTAssertEqual(avgPool2d(x, kernel: 2).value.scalars, [3.5, 5.5])
    }

    // MARK: shapes

    func testOutputShapes() throws {
        XCTAssertEqual(try conv2dOutputShape(input: [2, 3, 64, 64], weight: [32, 3, 3, 3], bias: [32], padding: 1), [2, 32, 64, 64])
        XCTAssertEqual(try conv2dOutputShape(input: [1, 5, 7, 6], weight: [9, 5, 3, 2], stride: 2, padding: 1), [1, 9, 4, 4])
        XCTAssertEqual(try pool2dOutputShape(input: [4, 8, 7, 9], kernel: 2), [4, 8, 3, 4])
        XCTAssertEqual(try pool2dOutputShape(input: [4, 8, 7, 9], kernel: 3, stride: 2), [4, 8, 3, 4])
    }

    func testShapeErrorsNameTheShapes() {
        XCTAssertThrowsMessage(try conv2dOutputShape(input: [2, 3, 8], weight: [4, 3, 3, 3]), ["conv2d", "[2, 3, 8]", "[B, C, H, W]"])
        XCTAssertThrowsMessage(try conv2dOutputShape(input: [2, 3, 8, 8], weight: [4, 2, 3, 3]),
                               ["conv2d", "[4, 2, 3, 3]", "2 input channels", "has 3"])
        XCTAssertThrowsMessage(try conv2dOutputShape(input: [2, 3, 8, 8], weight: [4, 3, 3, 3], bias: [3]), ["bias shape [3]", "[4]"])
        XCTAssertThrowsMessage(try conv2dOutputShape(input: [2, 3, 2, 8], weight: [4, 3, 3, 3]), ["kernel 3×3", "larger than the input 2×8"])
        XCTAssertThrowsMessage(try conv2dOutputShape(input: [2, 3, 8, 8], weight: [4, 3, 3, 3], stride: 0), ["stride 0"])
        XCTAssertThrowsMessage(try conv2dOutputShape(input: [2, 3, 8, 8], weight: [4, 3, 3, 3], padding: -1), ["padding -1"])
        XCTAssertThrowsMessage(try conv2dOutputShape(input: [2, 3, 8, 8], weight: [4, 3, 3]), ["weight shape [4, 3, 3]"])
        XCTAssertThrowsMessage(try pool2dOutputShape(input: [1, 1, 1, 5], kernel: 2), ["pool2d", "kernel 2×2", "larger than the input 1×5"])
        XCTAssertThrowsMessage(try pool2dOutputShape(input: [1, 1, 4, 4], kernel: 0), ["kernel 0×0"])
    }

    // MARK: against PyTorch

    /// One op applied in both engines: Recur's values and ∂(Σ y ⊙ R)/∂inputs against torch's.
    struct TorchCase {
        var op: String                  // "conv2d", "max_pool2d", "avg_pool2d"
        var inputs: [(String, Tensor)]  // x first, then weight and bias for conv2d
        var options: [String: Int]      // stride, padding, kernel
    }

    func testAgreesWithPyTorch() throws {
        let python: URL
        switch PythonTools.interpreter(importing: "torch") {
        case .success(let found): python = found
        case .failure(let missing): throw XCTSkip("PyTorch comparison skipped: \(missing.description)")
        }
        func random(_ shape: [Int]) -> Tensor { rng.uniformTensor(shape, -1, 1) }
        // Small integers make ties on purpose: PyTorch and Recur must pick the same (first) maximum.
        let ties = Tensor(shape: [2, 3, 6, 7], scalars: (0..<252).map { _ in Float(rng.next() % 3) })
        var cases: [TorchCase] = [
            TorchCase(op: "conv2d", inputs: [("x", random([2, 3, 7, 6])), ("weight", random([5, 3, 3, 2])), ("bias", random([5]))],
                      options: ["stride": 2, "padding": 1]),
            TorchCase(op: "conv2d", inputs: [("x", random([1, 10, 9, 9])), ("weight", random([12, 10, 3, 3])), ("bias", random([12]))],
                      options: ["stride": 1, "padding": 1]),
            TorchCase(op: "conv2d", inputs: [("x", random([3, 4, 5, 3])), ("weight", random([6, 4, 1, 1]))],
                      options: ["stride": 1, "padding": 0]),
            TorchCase(op: "conv2d", inputs: [("x", random([4, 17, 16, 16])), ("weight", random([33, 17, 5, 5])), ("bias", random([33]))],
                      options: ["stride": 1, "padding": 2]),
            TorchCase(op: "conv2d", inputs: [("x", random([2, 3, 8, 11])), ("weight", random([7, 3, 4, 3])), ("bias", random([7]))],
                      options: ["stride": 3, "padding": 2]),
        ]
        for (kernel, stride) in [(2, 2), (3, 2), (2, 1), (3, 3)] {
            for op in ["max_pool2d", "avg_pool2d"] {
                cases.append(TorchCase(op: op, inputs: [("x", random([2, 3, 7, 9]))], options: ["kernel": kernel, "stride": stride]))
            }
        }
        cases.append(TorchCase(op: "max_pool2d", inputs: [("x", ties)], options: ["kernel": 2, "stride": 2]))
        cases.append(TorchCase(op: "max_pool2d", inputs: [("x", ties)], options: ["kernel": 3, "stride": 1]))
        let wideTies = Tensor(shape: [2, 3, 5, 37], scalars: (0..<1110).map { _ in Float(rng.next() % 3) })
        cases.append(TorchCase(op: "max_pool2d", inputs: [("x", wideTies)], options: ["kernel": 2, "stride": 2]))
        cases.append(TorchCase(op: "max_pool2d", inputs: [("x", random([2, 3, 6, 21]))], options: ["kernel": 2, "stride": 2]))

        var requests: [[String: Any]] = []
        var recur: [(output: Tensor, grads: [Tensor])] = []
        for c in cases {
            let variables = c.inputs.map { parameter($0.1, $0.0) }
            let y: Variable
            switch c.op {
            case "conv2d": y = conv2d(variables[0], weight: variables[1], bias: variables.count > 2 ? variables[2] : nil,
                                      stride: c.options["stride"]!, padding: c.options["padding"]!)
            case "max_pool2d": y = maxPool2d(variables[0], kernel: c.options["kernel"]!, stride: c.options["stride"])
            default: y = avgPool2d(variables[0], kernel: c.options["kernel"]!, stride: c.options["stride"])
            }
            let projection = random(y.shape)
            (y * Variable(projection)).sum().backward()
            recur.append((y.value, variables.map { $0.grad ?? Tensor(zeros: $0.shape) }))
            requests.append(["op": c.op, "options": c.options, "projection": Self.json(projection),
                             "inputs": c.inputs.map { ["name": $0.0, "tensor": Self.json($0.1)] as [String: Any] }])
        }
        let scratch = try Scratch()
        let request = scratch.directory.appendingPathComponent("cases.json")
        try JSONSerialization.data(withJSONObject: requests).write(to: request)
        let result = try PythonTools.run(python, ["-c", Self.torchScript, request.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let answers = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(answers.count, cases.count)
        for (i, answer) in answers.enumerated() {
            let what = "case \(i) \(cases[i].op) \(cases[i].inputs.map { $0.1.shape }) \(cases[i].options)"
            assertClose(recur[i].output, try XCTUnwrap(answer["output"] as? [Double]), "\(what): output")
            let grads = try XCTUnwrap(answer["grads"] as? [[Double]])
            for (j, (name, _)) in cases[i].inputs.enumerated() {
                assertClose(recur[i].grads[j], grads[j], "\(what): ∂\(name)")
            }
        }
    }

    /// Float sums of many products differ in rounding between BLAS kernels (AVX2, AVX-512) and MKL-DNN,
    /// so the tolerance is relative to the tensor's largest magnitude rather than to each element.
    func assertClose(_ recur: Tensor, _ torch: [Double], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(recur.count, torch.count, "\(what): element count", file: file, line: line)
        let scale = torch.map(abs).max() ?? 0
        let worst = zip(recur.scalars, torch).map { abs(Double($0) - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, 1e-4 * max(scale, 1e-3), "\(what): worst difference \(worst) at scale \(scale)", file: file, line: line)
    }

    static func json(_ t: Tensor) -> [String: Any] { ["shape": t.shape, "values": t.scalars.map(Double.init)] }

    static let torchScript = """
    import json, sys, torch
    import torch.nn.functional as F
    torch.set_num_threads(1)
    def tensor(t):
        return torch.tensor(t["values"], dtype=torch.float32).reshape(t["shape"]).requires_grad_(True)
    answers = []
    for case in json.load(open(sys.argv[1])):
        inputs = [tensor(i["tensor"]) for i in case["inputs"]]
        o = case["options"]
        if case["op"] == "conv2d":
            bias = inputs[2] if len(inputs) > 2 else None
            y = F.conv2d(inputs[0], inputs[1], bias, stride=o["stride"], padding=o["padding"])
        elif case["op"] == "max_pool2d":
            y = F.max_pool2d(inputs[0], o["kernel"], o["stride"])
        else:
            y = F.avg_pool2d(inputs[0], o["kernel"], o["stride"])
        (y * tensor(case["projection"]).detach()).sum().backward()
        answers.append({"output": y.detach().flatten().tolist(), "grads": [i.grad.flatten().tolist() for i in inputs]})
    print(json.dumps(answers))
    """
}
