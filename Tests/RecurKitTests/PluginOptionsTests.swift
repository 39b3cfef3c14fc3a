import Foundation
import RecurBuiltins
import RecurKit
import XCTest

/// Typed plugin options: text from the command line becomes checked, typed values; the
/// declared fields agree with the Codable keys of every built-in; old text configs migrate.
final class PluginOptionsTests: XCTestCase {
    struct Example: PluginOptions {
        enum Mode: String, Codable, Sendable, CaseIterable, OptionValue { case fast, slow }
        var size = 4
        var rate: Float = 0.5
        var mode: Mode = .fast
        var verbose = false
        var name = ""

        enum CodingKeys: String, CodingKey { case size, rate, mode, verbose, name = "run-name" }
        init() {}
        static let fields: [OptionField<Self>] = [
            .init("size", \.size, help: "A size."), .init("rate", \.rate, help: "A rate."),
            .init("mode", \.mode, help: "fast or slow."), .init("verbose", \.verbose, help: "Talk."),
            .init("run-name", \.name, help: "A name."),
        ]
        func validate() throws { try ConfigValueError.check(size >= 1, "size", size, "an integer ≥ 1") }
    }

    let schema = OptionSchema(Example.self, owner: "task 'example'")

    func testDefaultsAndHelpComeFromTheStruct() {
        XCTAssertEqual(schema.names, ["size", "rate", "mode", "verbose", "run-name"])
        XCTAssertEqual(schema.fields.map(\.defaultText), ["4", "0.5", "fast", "false", ""])
        XCTAssertThrowsError(try schema.resolve(stored: [:], text: ["size": "100000000"]), "sizes past 2^24 are refused")
        XCTAssertEqual(schema.fields[2].expected, "one of fast, slow")
        XCTAssertEqual(schema.defaults["size"], .int(4))
        XCTAssertEqual(schema.defaults["verbose"], .bool(false))
    }

    func testTextBecomesTypedValues() throws {
        let stored = try schema.resolve(stored: schema.defaults, text: ["size": "9", "mode": "slow", "verbose": "yes", "rate": "1"])
        XCTAssertEqual(stored["size"], .int(9))
        XCTAssertEqual(stored["mode"], .string("slow"))
        XCTAssertEqual(stored["verbose"], .bool(true))
        let options = try schema.decode(stored, as: Example.self)
        XCTAssertEqual(options.rate, 1)
        XCTAssertEqual(options.mode, .slow)
    }

    func testMisspeltNameSuggestsTheClosest() {
        XCTAssertThrowsError(try schema.resolve(stored: [:], text: ["szie": "3"])) { error in
            let unknown = error as? UnknownOptionError
            XCTAssertEqual(unknown?.suggestion, "size")
            XCTAssertTrue("\(error)".contains("did you mean --size?"), "\(error)")
        }
        XCTAssertThrowsError(try schema.resolve(stored: [:], text: ["zzzzzzzz": "3"])) { error in
            XCTAssertNil((error as? UnknownOptionError)?.suggestion, "nothing is close")
        }
    }

    func testWrongTypeAndRangeNameTheFieldValueAndWhatIsAllowed() {
        XCTAssertThrowsError(try schema.resolve(stored: [:], text: ["size": "many"])) {
            XCTAssertEqual($0 as? ConfigValueError, ConfigValueError(field: "size", value: "many", expected: "an integer", owner: "task 'example'"))
        }
        XCTAssertThrowsError(try schema.resolve(stored: [:], text: ["mode": "medium"])) {
            XCTAssertEqual(($0 as? ConfigValueError)?.expected, "one of fast, slow")
        }
        XCTAssertThrowsError(try schema.resolve(stored: [:], text: ["size": "0"])) {
            XCTAssertEqual($0 as? ConfigValueError, ConfigValueError(field: "size", value: "0", expected: "an integer ≥ 1", owner: "task 'example'"))
        }
        XCTAssertThrowsError(try schema.resolve(stored: [:], text: ["rate": "nan"]), "non-finite numbers are refused")
        // Stored values are checked the same way: a hand-edited config.json gets the same line.
        XCTAssertThrowsError(try schema.validate(["size": .string("x")]))
        XCTAssertThrowsError(try schema.validate(["extra": .int(1)])) { XCTAssertTrue($0 is UnknownOptionError) }
    }

    /// The flag names are the JSON keys, for every built-in task, cell and prediction.
    func testEveryBuiltinDeclaresItsCodingKeysAsFields() throws {
        let (cells, tasks) = Builtins.registries()
        for schema in tasks.all.map(\.options) + cells.all.map(\.options) {
            XCTAssertEqual(Set(schema.defaults.keys), Set(schema.names), schema.owner)
            XCTAssertEqual(try schema.resolve(stored: [:], text: [:]), schema.defaults, schema.owner)
        }
    }

    /// Format 1 (text options, `path` at the top) → format 2 (typed, `path` in the stack).
    func testFormatOneConfigMigrates() throws {
        let (cells, tasks) = Builtins.registries()
        let old: [String: Any] = [
            "task": "translation", "batch": 8, "seqLen": 10, "optimizer": "adam", "learningRate": 0.001, "momentum": 0,
            "clip": 5, "seed": 3, "threads": 1, "evalEvery": 10, "checkpointEvery": 10, "logEvery": 1, "path": "generic",
            "stack": ["cell": "rnn", "hiddenSize": 8, "layers": 1, "bidirectional": false, "dropout": 0, "residual": false,
                      "cellOptions": ["nonlinearity": "relu"]],
            "taskOptions": ["embedding": "16", "bucket": "true", "teacher-forcing": "0.5", "attention": "general", "valid": ""],
        ]
        let upgraded = try RunConfigMigrations.upgrade(old, source: "old.json", tasks: tasks, cells: cells)
        let config = try JSONDecoder().decode(RunConfig.self, from: JSONSerialization.data(withJSONObject: upgraded))
        XCTAssertEqual(config.format, RunConfig.currentFormat)
        XCTAssertEqual(config.schedule, LearningRateSchedule(), "format 3 adds the settings format 1 lacked, off")
        XCTAssertEqual(config.weightDecay, 0)
        XCTAssertFalse(config.keepBest)
        XCTAssertEqual(config.stack.path, .generic)
        XCTAssertEqual(config.stack.cellOptions["nonlinearity"], .string("relu"))
        XCTAssertEqual(config.taskOptions["embedding"], .int(16))
        XCTAssertEqual(config.taskOptions["bucket"], .bool(true))
        XCTAssertEqual(config.taskOptions["teacher-forcing"], .double(0.5))
        XCTAssertEqual(config.taskOptions["attention"], .string("general"))
        // Options not given keep their defaults, typed.
        XCTAssertEqual(config.taskOptions["pairs"], .int(20000))

        var newer = upgraded
        newer["format"] = RunConfig.currentFormat + 1
        XCTAssertThrowsError(try RunConfigMigrations.upgrade(newer, source: "new.json", tasks: tasks, cells: cells)) {
            XCTAssertTrue("\($0)".contains("newer than this Recur reads"), "\($0)")
        }
    }
}
