import RecurKit
import XCTest

/// Old parameter names are renamed for the tasks that used them, and nowhere else.
final class WeightNameMigrationTests: XCTestCase {
    let table = Tensor(shape: [3, 2], repeating: 1)

    func testClassificationAndTaggingEmbeddingsBecomeEncoderWeight() {
        for task in ["classification", "tagging"] {
            let upgraded = WeightNameMigrations.upgrade(weights: ["embedding.weight": table, "rnn.weight_hh_l0": table], task: task)
            XCTAssertEqual(Set(upgraded.keys), ["encoder.weight", "rnn.weight_hh_l0"], task)
            let optimizer = WeightNameMigrations.upgrade(optimizerState: ["exp_avg.embedding.weight": table, "exp_avg_sq.embedding.weight": table,
                                                                          "step": Tensor(shape: [], repeating: 3)], task: task)
            XCTAssertEqual(Set(optimizer.keys), ["exp_avg.encoder.weight", "exp_avg_sq.encoder.weight", "step"], task)
        }
    }

    func testOtherTasksAndNewNamesAreLeftAlone() {
        XCTAssertEqual(Set(WeightNameMigrations.upgrade(weights: ["embedding.weight": table], task: "my-plugin-task").keys), ["embedding.weight"],
                       "an out-of-tree task's own names are its own")
        let both = WeightNameMigrations.upgrade(weights: ["embedding.weight": table, "encoder.weight": table], task: "classification")
        XCTAssertEqual(Set(both.keys), ["embedding.weight", "encoder.weight"], "nothing is overwritten; strict loading reports the extra key")
        XCTAssertEqual(Set(WeightNameMigrations.upgrade(weights: ["chars.embedding.weight": table], task: "tagging").keys), ["chars.embedding.weight"])
    }
}
