import XCTest
import RecurKit

final class RegionCoordinatesTests: XCTestCase {
    func testEachRegionGetsItsXAndYInMinusOneToOne() {
        let regions = Variable(Tensor(shape: [2, 6, 1], scalars: (0..<12).map(Float.init)))
        let tagged = withCoordinates(regions, grid: (height: 2, width: 3))
        XCTAssertEqual(tagged.shape, [2, 6, 3])
        // Region 4 of the second image: row 1, column 1 of a 2×3 grid.
        XCTAssertEqual(Array(tagged.value.scalars[((6 + 4) * 3)..<((6 + 4) * 3 + 3)]), [10, 0, 1])
        XCTAssertEqual(Array(tagged.value.scalars[0..<3]), [0, -1, -1])
        XCTAssertEqual(withCoordinates(Variable(Tensor(zeros: [1, 1, 2])), grid: (1, 1)).value.scalars, [0, 0, 0, 0])
    }
}
