import SocketCore
import TestSupport
import XCTest

extension IOResult {
    /// The value; fails the test when the call would have blocked.
    func get(file: StaticString = #filePath, line: UInt = #line) throws -> Value {
        guard let value else {
            XCTFail("unexpected would-block", file: file, line: line)
            throw TestFailure("would block")
        }
        return value
    }
}
