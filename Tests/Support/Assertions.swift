import XCTest

/// Asserts that `body` throws an error whose description contains every fragment.
public func XCTAssertThrowsMessage<T>(_ body: @autoclosure () throws -> T, _ fragments: [String],
                               file: StaticString = #filePath, line: UInt = #line) {
    do {
        _ = try body()
        XCTFail("no error; expected one mentioning \(fragments)", file: file, line: line)
    } catch {
        let message = "\(error)"
        for fragment in fragments where !message.contains(fragment) {
            XCTFail("error \"\(message)\" does not mention \"\(fragment)\"", file: file, line: line)
        }
    }
}
