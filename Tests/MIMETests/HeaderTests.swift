import XCTest

@testable import MIME

final class HeaderTests: XCTestCase {
    func testAddressForms() throws {
        let bare = try MailAddress(parsing: "a@b.example")
        XCTAssertEqual(bare.mailbox, "a@b.example")
        XCTAssertNil(bare.displayName)
        let named = try MailAddress(parsing: "  Ann Lee <ann.lee+x@mail.b.example> ")
        XCTAssertEqual(named.mailbox, "ann.lee+x@mail.b.example")
        XCTAssertEqual(named.displayName, "Ann Lee")
        let quoted = try MailAddress(parsing: "\"Lee, Ann \\\"A\\\"\" <ann@b.example>")
        XCTAssertEqual(quoted.displayName, "Lee, Ann \"A\"")
        XCTAssertEqual(try MailAddress(parsing: "x@[127.0.0.1]").domain, "[127.0.0.1]")
    }

    func testAddressRefusals() {
        let refused: [(String, String)] = [
            ("a@b.example\r\nBcc: c@d.example", "line break"), ("a\n@b.example", "line break"),
            ("a@b\u{0}.example", "line break"), ("ab.example", "no '@'"), ("a@b@c.example", "more than one '@'"),
            ("@b.example", "nothing before"), ("a@", "nothing after"), ("a b@c.example", "a space"),
            ("Name <a@b.example", "text after"), ("<a<b@c.example>", "'<' or '>'"), ("a..b@c.example", "dot"),
            ("a@b..example", "empty label"), ("a@b_c.example", "domain"), ("\u{E9}@b.example", "printable ASCII"),
            ("\"Ann <a@b.example>", "unbalanced"),
        ]
        for (text, reason) in refused {
            XCTAssertThrowsError(try MailAddress(parsing: text, field: "To"), text) { error in
                XCTAssertTrue("\(error)".contains(reason), "\(text): \(error)")
                XCTAssertTrue("\(error)".contains("To"), "\(text): \(error)")
                XCTAssertFalse("\(error)".contains("\n"), "an error message with a line break")
            }
        }
    }

    func testHeaderInjectionIsRefusedAtConstruction() throws {
        let from = try MailAddress(parsing: "a@b.example")
        XCTAssertThrowsError(
            try MailContent(from: from, to: [from], subject: "Hi\r\nBcc: x@y.example", text: .bytes([]))
        ) { error in
            XCTAssertEqual(error as? MailFormatError, .lineBreakInHeader(field: "Subject"))
        }
        XCTAssertThrowsError(try MailAddress(mailbox: "a@b.example", displayName: "A\nB", field: "From"))
    }

    func testDisplayNamesAreWrittenAsAtomsQuotedOrEncoded() throws {
        XCTAssertEqual(
            try MailAddress(parsing: "Ann Lee <a@b.example>").headerPieces(firstWordLength: 70),
            ["Ann", "Lee", "<a@b.example>"])
        XCTAssertEqual(
            try MailAddress(parsing: "\"Lee, Ann\" <a@b.example>").headerPieces(firstWordLength: 70),
            ["\"Lee, Ann\"", "<a@b.example>"])
        XCTAssertEqual(
            try MailAddress(parsing: "Zo\u{EB} <a@b.example>").headerPieces(firstWordLength: 70),
            ["=?UTF-8?B?Wm/Dqw==?=", "<a@b.example>"])
    }

    func testEncodedWordsSplitOnCharacterBoundariesAndFoldWithinLineLength() {
        for subject in [
            String(repeating: "\u{E9}t\u{E9} ", count: 40), String(repeating: "\u{1F600}", count: 50),
            String(repeating: "\u{20AC}", count: 77), "Gr\u{FC}\u{DF}e",
        ] {
            let text = HeaderField("Subject", text: subject).text
            XCTAssertTrue(text.hasSuffix("\r\n"))
            let lines = text.components(separatedBy: "\r\n").dropLast()
            XCTAssertTrue(lines.allSatisfy { $0.utf8.count <= 78 }, text)
            XCTAssertTrue(lines.dropFirst().allSatisfy { $0.hasPrefix(" ") }, text)
            var decoded: [UInt8] = []
            for word in text.dropFirst("Subject: ".count).split(whereSeparator: { " \r\n".contains($0) }) {
                XCTAssertLessThanOrEqual(word.count, 75)
                XCTAssertTrue(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="), String(word))
                let bytes = decodeBase64(String(word.dropFirst(10).dropLast(2)))
                XCTAssertNotNil(String(validating: bytes, as: UTF8.self), "a word that splits a character")
                decoded += bytes
            }
            XCTAssertEqual(String(decoding: decoded, as: UTF8.self), subject)
        }
    }

    func testPlainSubjectsFoldAtSpaces() {
        let subject = (1...30).map { "word\($0)" }.joined(separator: " ")
        let text = HeaderField("Subject", text: subject).text
        let lines = text.components(separatedBy: "\r\n").dropLast()
        XCTAssertGreaterThan(lines.count, 1)
        XCTAssertTrue(lines.allSatisfy { $0.utf8.count <= 78 })
        XCTAssertEqual(lines.joined(), "Subject: " + subject)
        XCTAssertEqual(HeaderField("Subject", text: "a =?x?= b").text.contains("=?UTF-8?B?"), true)
    }

    /// A run of spaces stays with the word after it: no line of only
    /// spaces, no long line of words and spaces, and the text unfolds back.
    func testRunsOfSpacesFoldWithTheirWord() {
        for subject in [
            "word" + String(repeating: " ", count: 90) + "next", "  leading and trailing  ", "   ",
            // "Subject:" and 23 of " ww" fill 77 columns; the spaces after
            // them must go to the next line with "zz".
            Array(repeating: "ww", count: 23).joined(separator: " ") + "   zz",
            (0..<30).map { "w\($0)" }.joined(separator: "   "),
        ] {
            let text = HeaderField("Subject", text: subject).text
            let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).dropLast()
            for line in lines.dropFirst() {
                XCTAssertFalse(line.allSatisfy { $0 == " " }, "a line of only spaces in \(text.debugDescription)")
            }
            for line in lines where line.count > 78 {
                XCTAssertEqual(
                    line.split(separator: " ").count, line.hasPrefix("Subject:") ? 2 : 1, line.debugDescription)
            }
            XCTAssertEqual(String(lines.joined().dropFirst("Subject: ".count)), subject)
        }
    }

    func testFileNameParameter() {
        XCTAssertEqual(FileNameParameter.pieces("report.pdf"), ["filename=\"report.pdf\""])
        XCTAssertEqual(FileNameParameter.pieces("\u{20AC}.txt"), ["filename*=utf-8''%E2%82%AC.txt"])
        let long = FileNameParameter.pieces(String(repeating: "\u{E9}", count: 30) + ".txt")
        XCTAssertGreaterThan(long.count, 1)
        XCTAssertTrue(long[0].hasPrefix("filename*0*=utf-8''"))
        XCTAssertTrue(long[1].hasPrefix("filename*1*="))
    }

    func testDateFormat() {
        XCTAssertEqual(
            MailDate(secondsSince1970: 1_796_475_909, utcOffsetSeconds: 3600).text, "Sat, 05 Dec 2026 14:05:09 +0100")
        XCTAssertEqual(
            MailDate(secondsSince1970: 0, utcOffsetSeconds: -(5 * 3600 + 1800)).text, "Wed, 31 Dec 1969 18:30:00 -0530")
    }

    func testContentTypeByExtension() {
        XCTAssertEqual(MediaType.forFile(named: "dir/Pic.PNG"), "image/png")
        XCTAssertEqual(MediaType.forFile(named: "a.jpg"), "image/jpeg")
        XCTAssertEqual(MediaType.forFile(named: "a.tar.gz"), "application/gzip")
        XCTAssertEqual(MediaType.forFile(named: "Makefile"), "application/octet-stream")
        XCTAssertEqual(MediaType.forFile(named: ".png"), "application/octet-stream")
    }

    private func decodeBase64(_ text: String) -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var bits: UInt32 = 0
        var count = 0
        var bytes: [UInt8] = []
        for character in text.utf8 where character != UInt8(ascii: "=") {
            bits = bits << 6 | UInt32(alphabet.firstIndex(of: character)!)
            count += 6
            if count >= 8 {
                count -= 8
                bytes.append(UInt8(truncatingIfNeeded: bits >> UInt32(count)))
            }
        }
        return bytes
    }
}
