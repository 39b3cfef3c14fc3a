import XCTest
import RecurKit

final class ShardTests: XCTestCase {
    func testEqualRowsAndUnevenParts() throws {
        XCTAssertEqual(try Shard(rank: 1, count: 2).rows(of: 8), 4..<8)
        XCTAssertThrowsError(try Shard(rank: 0, count: 3).rows(of: 8))
        // 5 items over 2 ranks: 3 + 2; 2 items over 3 ranks: 1 + 1 + 0.
        XCTAssertEqual(Shard(rank: 0, count: 2).part(of: 10..<15), 10..<13)
        XCTAssertEqual(Shard(rank: 1, count: 2).part(of: 10..<15), 13..<15)
        XCTAssertEqual((0..<3).map { Shard(rank: $0, count: 3).part(of: 0..<2).count }, [1, 1, 0])
        XCTAssertEqual(Shard.whole.part(of: 4..<9), 4..<9)
    }
}
