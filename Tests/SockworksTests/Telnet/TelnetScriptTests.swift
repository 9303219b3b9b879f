import XCTest

@testable import sockworks

/// The scripts of `sockworks telnet`, parsed in-process.
final class TelnetScriptTests: XCTestCase {
    func testEscapes() throws {
        XCTAssertEqual(try TelnetScript.unescape(#"a\r\n\t\\b"#), Array("a\r\n\t\\b".utf8))
        XCTAssertThrowsError(try TelnetScript.unescape(#"a\x41"#))
        XCTAssertThrowsError(try TelnetScript.unescape(#"end\"#))
    }

    func testPairsInOrderWithALastExpectation() throws {
        XCTAssertEqual(
            try TelnetScript.steps(expects: ["login: ", "$ ", "bye"], sends: [#"u\n"#, #"exit\n"#]),
            [
                .expect(Array("login: ".utf8)), .send(Array("u\n".utf8)), .expect(Array("$ ".utf8)),
                .send(Array("exit\n".utf8)), .expect(Array("bye".utf8)),
            ])
        XCTAssertThrowsError(try TelnetScript.steps(expects: ["a"], sends: ["b", "c"]))
        XCTAssertThrowsError(try TelnetScript.steps(expects: ["a", "b", "c"], sends: ["d"]))
    }

    func testScriptLines() throws {
        let text = "# comment\r\nexpect login: \r\n\nsend alice\\n\n  \nexpect\nsend  two spaces\n"
        XCTAssertEqual(
            try TelnetScript.steps(fromText: text, name: "s"),
            [
                .expect(Array("login: ".utf8)), .send(Array("alice\n".utf8)), .expect([]),
                .send(Array(" two spaces".utf8)),
            ])
        XCTAssertThrowsError(try TelnetScript.steps(fromText: "expect a\nwait 3\n", name: "s")) { error in
            XCTAssertEqual(error as? TelnetArgumentError, .invalid("s line 2: not 'expect TEXT' or 'send TEXT'"))
        }
    }
}
