import XCTest

@testable import FTP

final class FTPReplyParserTests: XCTestCase {
    func testPlaceholder() {}
}
