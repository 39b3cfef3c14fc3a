import XCTest
import RecurKit

/// The arena's statistics against SciPy (`stats.t.ppf`, `ttest_ind(equal_var=False)`), computed once.
final class SeedStatisticsTests: XCTestCase {
    func testStudentTQuantiles() {
        for (df, t) in [(1.0, 12.706204736174694), (2, 4.302652729749462), (4, 2.7764451051977934), (10, 2.228138851986274),
                        (3.7, 2.8675207071911895)] {
            XCTAssertEqual(StudentT.quantile(0.975, degreesOfFreedom: df), t, accuracy: 1e-6, "ν = \(df)")
        }
        XCTAssertEqual(StudentT.quantile(0.975, degreesOfFreedom: .infinity), 1.959963984540054, accuracy: 1e-6)
    }

    func testWelchIntervalMatchesSciPy() throws {
        let a = [2.31, 2.28, 2.35], b = [2.25, 2.27, 2.26, 2.24]
        XCTAssertEqual(try XCTUnwrap(SeedSummary(a).standardDeviation), 0.0351188458428426, accuracy: 1e-12)
        let interval = try XCTUnwrap(WelchInterval(a, b))
        XCTAssertEqual(interval.difference, 0.058333333333333126, accuracy: 1e-12)
        XCTAssertEqual(interval.degreesOfFreedom, 2.4094495329645316, accuracy: 1e-9)
        XCTAssertEqual(interval.lower, -0.01981494184648304, accuracy: 1e-6)
        XCTAssertEqual(interval.upper, 0.13648160851314928, accuracy: 1e-6)
        XCTAssertTrue(interval.isTie, "the interval crosses 0")
    }

    func testSeparatedScoresAreNotATie() throws {
        let interval = try XCTUnwrap(WelchInterval([1.0, 1.1, 0.9], [2.0, 2.1, 1.9]))
        XCTAssertFalse(interval.isTie)
        XCTAssertLessThan(interval.upper, 0)
        XCTAssertNil(WelchInterval([1.0], [2.0, 2.1]), "one seed has no variance")
        XCTAssertNil(SeedSummary([3]).standardDeviation)
    }
}
