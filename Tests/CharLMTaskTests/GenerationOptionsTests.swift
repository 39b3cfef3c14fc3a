import XCTest
@testable import CharLMTask
import RecurKit

/// `recur predict` / `recur sample` options reach the generator: every field is a coding key
/// (a field without one is accepted on the command line and then silently dropped), and each
/// precision flag chooses its precision.
final class GenerationOptionsTests: XCTestCase {
    let schema = OptionSchema(GenerationOptions.self, owner: "prediction")

    func testEveryFieldIsDecoded() throws {
        XCTAssertEqual(Set(schema.defaults.keys), Set(schema.names))
        let text = ["length": "7", "temperature": "0.5", "top-k": "3", "show-scores": "true", "threads": "2"]
        let options = try schema.decode(try schema.resolve(stored: schema.defaults, text: text), as: GenerationOptions.self)
        XCTAssertEqual([options.length, options.topK, options.threads], [7, 3, 2])
        XCTAssertEqual(options.temperature, 0.5)
        XCTAssertTrue(options.showScores)
    }

    func testEachPrecisionFlagChoosesItsPrecision() throws {
        for (flag, precision) in [(nil, ResidentPrecision.fp32), ("half", .fp16), ("bf16", .bf16), ("int8", .int8), ("int4", .int4)] {
            let text = flag.map { [$0: "true"] } ?? [:]
            let options = try schema.decode(try schema.resolve(stored: schema.defaults, text: text), as: GenerationOptions.self)
            XCTAssertEqual(options.precision, precision, flag ?? "no flag")
        }
    }
}
