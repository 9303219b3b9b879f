import Foundation
import TestSupport
import XCTest

/// `--json` from the real executable: every line of standard output is
/// one JSON object, nothing else is there, and the figures agree.
final class JSONOutputTests: XCTestCase {
    func testOneHostOnLoopback() async throws {
        try requireRoot()
        let run = try await icmpping(["--json", "-c", "3", "-i", "0.2", "127.0.0.1"])
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        XCTAssertEqual(run.standardError, "")
        let objects = try jsonLines(run.standardOutput)
        XCTAssertEqual(objects.map { $0["type"] as? String }, ["start", "reply", "reply", "reply", "summary", "end"])
        XCTAssertEqual(objects.compactMap { $0["seq"] as? Int }, [1, 2, 3])
        for reply in objects where reply["type"] as? String == "reply" {
            let rtt = try XCTUnwrap(reply["rtt_ms"] as? Double, "\(reply)")
            XCTAssertGreaterThan(rtt, 0)
            XCTAssertLessThan(rtt, 1000)
        }
        let summary = objects[4]
        XCTAssertEqual(summary["transmitted"] as? Int, 3)
        XCTAssertEqual(summary["received"] as? Int, 3)
        XCTAssertEqual(summary["loss_percent"] as? Double, 0)
        XCTAssertEqual(summary["exit_status"] as? Int, 0)
        XCTAssertLessThanOrEqual(
            try XCTUnwrap(summary["rtt_min_ms"] as? Double),
            try XCTUnwrap(summary["rtt_max_ms"] as? Double))
        XCTAssertEqual(objects[5]["exit_status"] as? Int, 0)
    }

    func testBadInputStaysOnStandardError() async throws {
        let run = try await icmpping(["--json", "-c", "1", "no-such-host.invalid"])
        XCTAssertEqual(run.exitCode, 2)
        XCTAssertEqual(run.standardOutput, "")
        XCTAssertTrue(run.standardError.hasPrefix("icmpping: no-such-host.invalid: "), run.standardError)
    }
}

/// Standard output of `--json`, each line parsed with JSONSerialization;
/// fails on a line that is not one JSON object.
func jsonLines(_ output: String, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
    XCTAssertTrue(output.isEmpty || output.hasSuffix("\n"), "unterminated last line", file: file, line: line)
    return try output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { text in
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try XCTUnwrap(object as? [String: Any], String(text), file: file, line: line)
    }
}
