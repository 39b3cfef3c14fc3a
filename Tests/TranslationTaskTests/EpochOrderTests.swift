import RecurKit
import XCTest
@testable import TranslationTask

/// The SplitMix64 Fisher–Yates order of docs/recipes.md ("Epoch order"), with its check values.
final class EpochOrderTests: XCTestCase {
    func testCheckValuesFromTheRecipes() {
        XCTAssertEqual(EpochOrder.permutation(count: 10, epoch: 0), [6, 3, 2, 9, 8, 1, 4, 7, 0, 5])
        XCTAssertEqual(Array(EpochOrder.permutation(count: 9756, epoch: 0).prefix(8)), [5248, 5214, 8165, 1624, 4575, 8968, 2588, 687])
    }

    func testBatchesCoverTheEpochOnceWithARemainder() {
        let batches = EpochOrder.batches(count: 9756, epoch: 3, batch: 64)
        XCTAssertEqual(batches.count, 153)
        XCTAssertEqual(batches.last!.count, 28)
        XCTAssertEqual(batches.flatMap { $0 }.sorted(), Array(0..<9756))
    }

    func testBucketingKeepsTheSetAndGroupsLengths() {
        let lengths = (0..<640).map { ($0 * 7919) % 23 }
        let plain = EpochOrder.batches(count: 640, epoch: 1, batch: 32)
        let bucketed = EpochOrder.batches(count: 640, epoch: 1, batch: 32, bucketed: true) { lengths[$0] }
        XCTAssertEqual(bucketed.flatMap { $0 }.sorted(), Array(0..<640))
        func spread(_ b: [[Int]]) -> Int { b.map { batch in batch.map { lengths[$0] }.max()! - batch.map { lengths[$0] }.min()! }.reduce(0, +) }
        XCTAssertLessThan(spread(bucketed), spread(plain) / 4)
    }
}
