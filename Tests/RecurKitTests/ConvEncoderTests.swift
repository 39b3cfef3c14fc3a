import Foundation
import RecurKit
import RecurTestSupport
import XCTest

/// The image encoder: shapes, PyTorch-style names and init bounds, region order, the channel-list
/// parser, a gradient check end to end, and equality with nn.Sequential (skipped without torch).
final class ConvEncoderTests: XCTestCase {
    func testShapesNamesAndInitialisation() {
        var rng = RandomGenerator(seed: 3)
        let encoder = ConvEncoder(channels: [4, 6, 5], rng: &rng)
        XCTAssertEqual(encoder.namedParameters.map(\.name),
                       ["conv.0.weight", "conv.0.bias", "conv.3.weight", "conv.3.bias", "conv.6.weight", "conv.6.bias"])
        XCTAssertEqual(encoder.namedParameters.map(\.variable.shape), [[4, 3, 3, 3], [4], [6, 4, 3, 3], [6], [5, 6, 3, 3], [5]])
        XCTAssertEqual(encoder.outputChannels, 5)
        for (name, variable) in encoder.namedParameters {
            let fanIn = Float(variable.shape.count == 1 ? encoder.namedParameters.first { $0.name == name.replacingOccurrences(of: "bias", with: "weight") }!
                .variable.shape.dropFirst().reduce(1, *) : variable.shape.dropFirst().reduce(1, *))
            let bound = 1 / fanIn.squareRoot(), largest = variable.value.scalars.map(abs).max()!
            XCTAssertLessThanOrEqual(largest, bound, name)
            XCTAssertGreaterThan(largest, 0.7 * bound, "\(name) uses its whole range U(±1/√fan_in)")
        }
        let size = encoder.outputSize(height: 20, width: 13)
        XCTAssertEqual([size.height, size.width], [2, 1])   // 20 → 10 → 5 → 2, 13 → 6 → 3 → 1
        let images = Variable(rng.uniformTensor([2, 3, 20, 13], 0, 1))
        XCTAssertEqual(encoder(images).shape, [2, 5, 2, 1])
        XCTAssertEqual(encoder.regions(images).shape, [2, 2, 5])
        XCTAssertEqual(encoder.outputSize(height: 7, width: 64).height, 0, "7 → 3 → 1 → 0: too small for three blocks")
    }

    func testRegionsAreRowMajorFeatureVectors() {
        var rng = RandomGenerator(seed: 4)
        let encoder = ConvEncoder(channels: [3, 4], rng: &rng)
        let images = Variable(rng.uniformTensor([2, 3, 12, 8], 0, 1))
        let features = encoder(images).value, regions = encoder.regions(images).value
        let (h, w) = (features.shape[2], features.shape[3])
        XCTAssertEqual(regions.shape, [2, h * w, 4])
        for b in 0..<2 { for y in 0..<h { for x in 0..<w { for c in 0..<4 {
            XCTAssertEqual(regions[b, y * w + x, c], features[b, c, y, x])
        } } } }
    }

    func testChannelList() throws {
        XCTAssertEqual(try ConvEncoder.parseChannels("32,64,64"), [32, 64, 64])
        XCTAssertEqual(try ConvEncoder.parseChannels("16, 8"), [16, 8])
        for bad in ["x", "", "32,,64", "32,0", "-4", "32;64"] {
            XCTAssertThrowsMessage(try ConvEncoder.parseChannels(bad), ["conv", "'\(bad)'", "comma-separated channel counts", "32,64,64"])
        }
    }

    func testImagesBatchInOrder() {
        let a = Image(channels: 2, height: 1, width: 2, pixels: [1, 2, 3, 4]), b = Image(channels: 2, height: 1, width: 2, pixels: [5, 6, 7, 8])
        let batch = Tensor(batching: [a, b])
        XCTAssertEqual(batch.shape, [2, 2, 1, 2])
        XCTAssertEqual(batch.scalars, [1, 2, 3, 4, 5, 6, 7, 8])
        XCTAssertEqual(batch[1, 0, 0, 1], b[0, 0, 1])
    }

    /// ReLU and max pooling have kinks: a probe that moves a pre-activation across 0, or swaps a pooling
    /// window's maximum, gives a meaningless difference quotient. A bias moves every position of its
    /// channel at once, so the probe is kept small (ε = 2e-4) to make crossing one unlikely.
    func testGradientsThroughATinyEncoder() {
        var rng = RandomGenerator(seed: 5)
        let encoder = ConvEncoder(inputChannels: 2, channels: [3, 5], rng: &rng)
        let images = parameter(rng.uniformTensor([2, 2, 8, 6], 0, 1), "images")
        let report = GradientCheck(epsilon: 2e-4).run(inputs: encoder.namedParameters + [("images", images)], maxProbes: 30) {
            encoder.regions(images)
        }
        XCTAssertTrue(report.passed, report.description)
    }

    func testEqualsPyTorchSequentialWithTheSameWeights() throws {
        let python: URL
        switch PythonTools.interpreter(importing: "torch") {
        case .success(let found): python = found
        case .failure(let missing): throw XCTSkip("PyTorch comparison skipped: \(missing.description)")
        }
        var rng = RandomGenerator(seed: 6)
        let encoder = ConvEncoder(channels: [8, 12, 10], rng: &rng)
        let images = parameter(rng.uniformTensor([3, 3, 18, 16], 0, 1), "images")
        let regions = encoder.regions(images)
        let projection = rng.uniformTensor(regions.shape, -1, 1)
        (regions * Variable(projection)).sum().backward()

        func json(_ t: Tensor) -> [String: Any] { ["shape": t.shape, "values": t.scalars.map(Double.init)] }
        let request: [String: Any] = [
            "channels": encoder.channels, "images": json(images.value), "projection": json(projection),
            "state": Dictionary(uniqueKeysWithValues: encoder.namedParameters.map { ($0.name, json($0.variable.value)) }),
        ]
        let scratch = try Scratch()
        let file = scratch.directory.appendingPathComponent("encoder.json")
        try JSONSerialization.data(withJSONObject: request).write(to: file)
        let result = try PythonTools.run(python, ["-c", Self.torchScript, file.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let answer = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [Double]])
        func assertClose(_ recur: Tensor, _ torch: [Double]?, _ what: String) {
            guard let torch, torch.count == recur.count else { return XCTFail("\(what): PyTorch gave \(torch?.count ?? 0) values for \(recur.count)") }
            let scale = torch.map(abs).max() ?? 0, worst = zip(recur.scalars, torch).map { abs(Double($0) - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(worst, 1e-4 * max(scale, 1e-3), "\(what): worst difference \(worst) at scale \(scale)")
        }
        assertClose(regions.value, answer["regions"], "regions")
        assertClose(images.grad!, answer["images"], "∂images")
        for (name, variable) in encoder.namedParameters { assertClose(variable.grad!, answer[name], "∂\(name)") }
    }

    /// The module is what a user would write; load_state_dict is strict, so the names must match exactly.
    static let torchScript = """
    import json, sys, torch
    from torch import nn
    torch.set_num_threads(1)
    request = json.load(open(sys.argv[1]))
    def tensor(t):
        return torch.tensor(t["values"], dtype=torch.float32).reshape(t["shape"])
    class Encoder(nn.Module):
        def __init__(self, channels):
            super().__init__()
            layers, previous = [], 3
            for width in channels:
                layers += [nn.Conv2d(previous, width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
                previous = width
            self.conv = nn.Sequential(*layers)
        def forward(self, images):
            return self.conv(images).flatten(2).transpose(1, 2)
    model = Encoder(request["channels"])
    model.load_state_dict({name: tensor(t) for name, t in request["state"].items()}, strict=True)
    images = tensor(request["images"]).requires_grad_(True)
    regions = model(images)
    (regions * tensor(request["projection"])).sum().backward()
    answer = {"regions": regions.detach().flatten().tolist(), "images": images.grad.flatten().tolist()}
    answer.update({name: p.grad.flatten().tolist() for name, p in model.named_parameters()})
    print(json.dumps(answer))
    """
}
