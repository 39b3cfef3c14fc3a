import XCTest
@testable import RecurKit

final class FrameDifferenceTests: XCTestCase {
    /// Two clips of three 1×2×2 frames, time-major: frame t of clip i holds t·10 + i + k/10 at pixel k.
    func frames() -> [Image] {
        (0..<3).flatMap { t in
            (0..<2).map { i in Image(channels: 1, height: 2, width: 2, pixels: (0..<4).map { Float(t * 10 + i) + Float($0) / 10 }) }
        }
    }

    func testEachFrameIsFollowedByItsDifferenceFromTheSameClipsPreviousFrame() {
        let frames = frames()
        let tensor = Tensor(withMotion: frames, clips: 2)
        XCTAssertEqual(tensor.shape, [6, 2, 2, 2])
        for n in 0..<6 {
            let row = Array(tensor.scalars[(n * 8)..<(n * 8 + 8)])
            XCTAssertEqual(Array(row[0..<4]), frames[n].pixels, "frame \(n) is copied first")
            // Clip i's frames are 10 apart in value, whatever the pixel; the first frame has no past.
            let expected: [Float] = n < 2 ? [0, 0, 0, 0] : frames[n].pixels.enumerated().map { $1 - frames[n - 2].pixels[$0] }
            XCTAssertEqual(Array(row[4..<8]), expected, "difference of frame \(n)")
            if n >= 2 { XCTAssertEqual(row[4], 10, accuracy: 1e-5) }
        }
    }

    func testAStillClipHasNoMotion() {
        let still = Image(channels: 3, height: 4, width: 4, pixels: (0..<48).map { Float($0) / 48 })
        let tensor = Tensor(withMotion: [still, still, still], clips: 1)
        for n in 0..<3 {
            XCTAssertEqual(Array(tensor.scalars[(n * 96 + 48)..<(n * 96 + 96)]), [Float](repeating: 0, count: 48))
        }
    }
}
