import XCTest
import CharLMTask

/// The batching of docs/recipes.md, char-lm, exactly.
final class CharStreamTests: XCTestCase {
    func testBatchIndicesFollowTheRecipe() throws {
        let stream = try XCTUnwrap(CharStream(ids: (0..<1003).map(Int32.init), batch: 4, steps: 10))
        XCTAssertEqual(stream.rowLength, 250)             // 1003 / 4; the last 3 ids are unused
        XCTAssertEqual(stream.batchesPerEpoch, 24)        // (250 − 1) / 10
        let (x, y) = stream.batch(5)
        for t in 0..<10 {
            for b in 0..<4 {
                XCTAssertEqual(x[t * 4 + b], Int32(b * 250 + 5 * 10 + t))
                XCTAssertEqual(y[t * 4 + b], Int32(b * 250 + 5 * 10 + t + 1))
            }
        }
    }

    func testTooShortForOneBatch() {
        XCTAssertNil(CharStream(ids: [Int32](repeating: 0, count: 40), batch: 4, steps: 10))
        XCTAssertNotNil(CharStream(ids: [Int32](repeating: 0, count: 44), batch: 4, steps: 10))
    }
}
