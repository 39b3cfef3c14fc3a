import XCTest
@testable import RecurKit

final class RegistryTests: XCTestCase {
    func testDuplicateNamesBothOrigins() throws {
        let registry = builtinCells()
        var copy = try registry.lookup("lstm")
        copy.origin = "plugins/mylstm/libMyLSTM.so"
        XCTAssertThrowsError(try registry.register(copy)) { error in
            XCTAssertEqual("\(error)", "cell 'lstm' from plugins/mylstm/libMyLSTM.so clashes with the cell of that name from built-in")
        }
    }

    func testUnknownNameListsClosestFirst() {
        XCTAssertThrowsError(try builtinCells().lookup("lstn")) { error in
            XCTAssertEqual("\(error)", "unknown cell 'lstn'; available: lstm, slstm, lnlstm, rnn, sru, cifg, gru, mgu, minlstm, indrnn, peephole")
        }
        XCTAssertThrowsError(try builtinCells().lookup("gur")) { error in
            XCTAssertTrue("\(error)".hasPrefix("unknown cell 'gur'; available: gru"), "\(error)")
        }
    }

    func testListsSortedNames() { XCTAssertEqual(builtinCells().names, builtinCellNames) }

    func testUnknownCellOptionIsRefused() {
        var rng = RandomGenerator(seed: 0)
        XCTAssertThrowsError(try builtinCells().lookup("mgu").make(CellConfig(inputSize: 2, hiddenSize: 2, options: ["peephole": "1"]), &rng)) {
            XCTAssertEqual("\($0)", "cell 'mgu' has no option --peephole; it has none")
        }
        XCTAssertThrowsError(try builtinCells().lookup("rnn").make(CellConfig(inputSize: 2, hiddenSize: 2, options: ["nonlinearity": "gelu"]), &rng)) {
            XCTAssertEqual($0 as? ConfigValueError, ConfigValueError(field: "nonlinearity", value: "gelu", expected: "one of tanh, relu", owner: "cell 'rnn'"))
        }
    }
}
