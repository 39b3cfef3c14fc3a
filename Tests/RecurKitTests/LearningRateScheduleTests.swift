import XCTest
import RecurKit

/// Each schedule's rate at chosen steps against its formula, the metric-driven state machine,
/// and `--monitor` parsing.
final class LearningRateScheduleTests: XCTestCase {
    private func rate(_ s: LearningRateSchedule, _ step: Int, planned: Int? = 100, state: LearningRateSchedule.State = .init()) -> Float {
        s.rate(base: 0.01, step: step, plannedSteps: planned, state: state)
    }

    func testConstantWithWarmup() {
        let s = LearningRateSchedule(kind: .constant, warmup: 4)
        XCTAssertEqual([0, 1, 2, 3, 4, 50].map { rate(s, $0) }, [0.0025, 0.005, 0.0075, 0.01, 0.01, 0.01])
        XCTAssertEqual(rate(LearningRateSchedule(), 0), 0.01)
    }

    func testStepIsStepLR() {
        let s = LearningRateSchedule(kind: .step, stepSize: 10, gamma: 0.5)
        for (step, factor) in [(0, 1.0), (9, 1), (10, 0.5), (19, 0.5), (20, 0.25), (35, 0.125)] as [(Int, Double)] {
            XCTAssertEqual(rate(s, step), Float(0.01 * factor), accuracy: 1e-9, "step \(step)")
        }
    }

    func testCosineWithWarmup() {
        let s = LearningRateSchedule(kind: .cosine, warmup: 10)
        XCTAssertEqual(rate(s, 0), 0.001, accuracy: 1e-9)
        XCTAssertEqual(rate(s, 9), 0.01, accuracy: 1e-9)
        XCTAssertEqual(rate(s, 10), 0.01, accuracy: 1e-9)
        // Half-way through the 90 decaying steps: ½(1 + cos(π/2)) = ½.
        XCTAssertEqual(rate(s, 55), 0.005, accuracy: 1e-7)
        XCTAssertEqual(rate(s, 25), Float(0.01 * 0.5 * (1 + cos(Double.pi * 15 / 90))), accuracy: 1e-9)
        XCTAssertEqual(rate(s, 100), 0, accuracy: 1e-9)
        XCTAssertEqual(rate(s, 150), 0, accuracy: 1e-9, "past the planned steps the rate stays at 0")
    }

    func testPlateauReducesAfterPatience() {
        let s = LearningRateSchedule(kind: .plateau, gamma: 0.5, patience: 2)
        var state = LearningRateSchedule.State()
        let verdicts = [true, false, false, false, true, false, false, false, false, false, false]
        var reductions: [Int] = []
        for (i, improved) in verdicts.enumerated() where s.evaluated(improved: improved, state: &state) { reductions.append(i) }
        // Bad evaluations 1, 2, 3 → the third exceeds patience 2; then 5, 6, 7 and 8, 9, 10.
        XCTAssertEqual(reductions, [3, 7, 10])
        XCTAssertEqual(state.factor, 0.125)
        XCTAssertEqual(rate(s, 3, state: state), 0.00125, accuracy: 1e-9)
    }

    func testWordLanguageModelRuleDividesByFourOnEveryMiss() {
        let s = LearningRateSchedule(kind: .wlm, gamma: 0.9, patience: 7)
        var state = LearningRateSchedule.State()
        XCTAssertFalse(s.evaluated(improved: true, state: &state))
        XCTAssertTrue(s.evaluated(improved: false, state: &state))
        XCTAssertTrue(s.evaluated(improved: false, state: &state))
        XCTAssertFalse(s.evaluated(improved: true, state: &state))
        XCTAssertEqual(state.factor, 1.0 / 16)
    }

    func testIncompleteSchedulesAreRefused() {
        XCTAssertThrowsError(try LearningRateSchedule(kind: .step).checkComplete(plannedSteps: 10))
        XCTAssertThrowsError(try LearningRateSchedule(kind: .cosine).checkComplete(plannedSteps: nil))
        XCTAssertNoThrow(try LearningRateSchedule(kind: .cosine).checkComplete(plannedSteps: 10))
    }

    func testMonitorParsing() throws {
        XCTAssertEqual(try Monitor(parsing: "val_bpc"), Monitor("val_bpc", .min))
        XCTAssertEqual(try Monitor(parsing: "val_accuracy"), Monitor("val_accuracy", .max))
        XCTAssertEqual(try Monitor(parsing: "val_bleu"), Monitor("val_bleu", .max))
        XCTAssertEqual(try Monitor(parsing: "val_loss:max"), Monitor("val_loss", .max))
        XCTAssertThrowsError(try Monitor(parsing: "val_bpc_gain")) { XCTAssertTrue("\($0)".contains("val_bpc_gain:min or val_bpc_gain:max"), "\($0)") }
        XCTAssertThrowsError(try Monitor(parsing: "val_loss:up"))
        XCTAssertThrowsError(try Monitor(parsing: ":min"))
        let lower = Monitor("val_loss", .min)
        XCTAssertTrue(lower.improves(1, on: nil))
        XCTAssertTrue(lower.improves(1, on: 2))
        XCTAssertFalse(lower.improves(2, on: 2), "an equal value is no improvement")
        XCTAssertTrue(Monitor("val_accuracy", .max).improves(0.9, on: 0.8))
    }
}
