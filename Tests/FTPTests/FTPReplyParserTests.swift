import XCTest

@testable import FTP

final class FTPReplyParserTests: XCTestCase {
    /// The replies in `text`, fed in one piece; the reason when it is
    /// malformed.
    private func parse(_ text: String, maxLineLength: Int = FTPReplyParser.defaultMaxLineLength) -> (
        replies: [FTPReply], error: String?
    ) {
        var parser = FTPReplyParser(maxLineLength: maxLineLength)
        var replies: [FTPReply] = []
        var bytes = Array(text.utf8)
        while true {
            do {
                let step = try bytes.withUnsafeBytes { raw in
                    Result { () throws(MalformedFTPReply) in try parser.parse(raw) }
                }.get()
                guard case .reply(let reply, let consumed) = step else { return (replies, nil) }
                replies.append(reply)
                bytes.removeFirst(consumed)
            } catch {
                return (replies, error.reason)
            }
        }
    }

    func testOneLineReplies() {
        XCTAssertEqual(parse("220 ready\r\n").replies, [FTPReply(code: 220, lines: ["ready"])])
        XCTAssertEqual(parse("200\r\n").replies, [FTPReply(code: 200, lines: [""])])
        XCTAssertEqual(parse("150 a\r\n226 b\r\n").replies.map(\.code), [150, 226])
        XCTAssertEqual(parse("226 b\r\n22").replies.map(\.code), [226])
    }

    func testMultiLineReplies() {
        let feat = parse("211-Features:\r\n MDTM\r\n REST STREAM\r\n211 End\r\n").replies
        XCTAssertEqual(feat, [FTPReply(code: 211, lines: ["Features:", " MDTM", " REST STREAM", "End"])])
        XCTAssertEqual(FeatureReply.features(in: feat[0]), ["MDTM": "", "REST": "STREAM"])
        // Middle lines with the code and a hyphen lose it; ones that only
        // begin with digits are text.
        let reply = parse("230-Welcome\r\n230-to here\r\n1234 five\r\n230 in\r\n").replies
        XCTAssertEqual(reply, [FTPReply(code: 230, lines: ["Welcome", "to here", "1234 five", "in"])])
        XCTAssertEqual(reply.first?.text, "Welcome to here 1234 five in")
    }

    func testMalformed() {
        XCTAssertEqual(parse("hello\r\n").error?.contains("without a reply code"), true)
        XCTAssertEqual(parse("600 x\r\n").error?.contains("without a reply code"), true)
        XCTAssertEqual(parse("260 x\r\n").error?.contains("without a reply code"), true)
        XCTAssertEqual(parse("220x\r\n").error?.contains("without a reply code"), true)
        XCTAssertEqual(parse("220 x\n").error, "a bare LF in a reply line")
        XCTAssertEqual(parse("220 x\ry\r\n").error, "a bare CR in a reply line")
        XCTAssertEqual(parse("220 \u{7}\r\n").error, "a control character (0x07) in a reply line")
        XCTAssertEqual(parse("230-a\r\n231 b\r\n").error, "a line of a 230 reply that begins with another code, 231")
        XCTAssertEqual(parse("230-a\r\n231-b\r\n").error, "a line of a 230 reply that begins with another code, 231")
        XCTAssertEqual(
            parse("220 " + String(repeating: "x", count: 20) + "\r\n", maxLineLength: 20).error,
            "a reply line longer than 20 octets")
        XCTAssertNil(parse("220 " + String(repeating: "x", count: 16) + "\r\n", maxLineLength: 22).error)
        XCTAssertEqual(
            parse("211-a\r\n" + String(repeating: " b\r\n", count: 500) + "211 c\r\n").error,
            "a reply of more than 500 lines")
    }

    func testUTF8IsTextButOtherBytesAreNot() {
        XCTAssertEqual(parse("257 \"/día\"\r\n").replies.first.map { try? PathReply.path(in: $0) }, "/día")
        var parser = FTPReplyParser()
        let bytes: [UInt8] = Array("257 \"".utf8) + [0xFF, 0xFE] + Array("\"\r\n".utf8)
        XCTAssertThrowsError(
            try bytes.withUnsafeBytes { raw in Result { () throws(MalformedFTPReply) in try parser.parse(raw) } }.get())
    }

    func testByteByByteIsTheSame() {
        let text = "220-a\r\n b\r\n220 c\r\n331 d\r\n"
        var parser = FTPReplyParser()
        var replies: [FTPReply] = []
        for byte in text.utf8 {
            let step = try? [byte].withUnsafeBytes { raw in
                Result { () throws(MalformedFTPReply) in try parser.parse(raw) }
            }.get()
            if case .reply(let reply, let consumed) = step {
                XCTAssertEqual(consumed, 1)
                replies.append(reply)
            }
        }
        XCTAssertEqual(replies, parse(text).replies)
    }

    func testPathReply() throws {
        func path(_ text: String) throws -> String { try PathReply.path(in: FTPReply(code: 257, lines: [text])) }
        XCTAssertEqual(try path("\"/a\"\"b\" created"), "/a\"b")
        XCTAssertEqual(try path("\"/\""), "/")
        XCTAssertEqual(try path("\"\"\"\"\"\""), "\"\"")
        XCTAssertEqual(try path("\"/a b\" is current"), "/a b")
        XCTAssertThrowsError(try path("/a created"))
        XCTAssertThrowsError(try path("\"/a"))
        XCTAssertThrowsError(try path("\"/a\"x"))
        XCTAssertThrowsError(try path("\"\""))
        XCTAssertThrowsError(try PathReply.path(in: FTPReply(code: 250, lines: ["\"/\""])))
    }

    func testPassiveReplies() throws {
        func pasv(_ text: String) throws -> UInt16 {
            try PassiveReply.address(in: FTPReply(code: 227, lines: [text])).port
        }
        XCTAssertEqual(try pasv("Entering Passive Mode (127,0,0,9,195,80)."), 195 * 256 + 80)
        XCTAssertEqual(
            try PassiveReply.address(in: FTPReply(code: 227, lines: ["=10,1,2,3,0,21"])).host, [10, 1, 2, 3])
        XCTAssertThrowsError(try pasv("Entering Passive Mode"))
        XCTAssertThrowsError(try pasv("(127,0,0,1,256,1)"))
        XCTAssertThrowsError(try pasv("(127,0,0,1,1)"))
        XCTAssertThrowsError(try pasv("(127,0,0,1,1,1000)"))
        XCTAssertThrowsError(try pasv("(127,0,0,1,0,0)"))
        func epsv(_ text: String) throws -> UInt16 { try PassiveReply.port(in: FTPReply(code: 229, lines: [text])) }
        XCTAssertEqual(try epsv("Entering Extended Passive Mode (|||6446|)"), 6446)
        XCTAssertEqual(try epsv("ok (!!!21!)"), 21)
        XCTAssertThrowsError(try epsv("ok (|||0|)"))
        XCTAssertThrowsError(try epsv("ok (|||65536|)"))
        XCTAssertThrowsError(try epsv("ok (||6446|)"))
        XCTAssertThrowsError(try epsv("ok (|||6446!)"))
        XCTAssertThrowsError(try epsv("ok (111644611)"))
        XCTAssertThrowsError(try epsv("ok (|||6446|"))
        XCTAssertThrowsError(try PassiveReply.port(in: FTPReply(code: 227, lines: ["(|||6446|)"])))
    }

    func testSizeAndTime() throws {
        XCTAssertEqual(try FileFactsReply.size(in: FTPReply(code: 213, lines: ["209715200"])), 209_715_200)
        XCTAssertThrowsError(try FileFactsReply.size(in: FTPReply(code: 213, lines: ["-1"])))
        XCTAssertThrowsError(try FileFactsReply.size(in: FTPReply(code: 213, lines: ["12 bytes"])))
        XCTAssertThrowsError(try FileFactsReply.size(in: FTPReply(code: 213, lines: ["99999999999999999999"])))
        let time = { (text: String) in try FileFactsReply.modificationTime(in: FTPReply(code: 213, lines: [text])) }
        XCTAssertEqual(try time("20261202063000"), "20261202063000")
        XCTAssertEqual(try time("20261202063000.123"), "20261202063000")
        XCTAssertThrowsError(try time("2026120206300"))
        XCTAssertThrowsError(try time("20261202063000."))
        XCTAssertThrowsError(try time("20261202063000 UTC"))
    }

    func testMLSDLines() throws {
        XCTAssertEqual(
            try FTPEntry.parse(mlsdLine: "type=file;size=12;modify=20261202063000.5;perm=r; a b.txt"),
            FTPEntry(name: "a b.txt", kind: .file, size: 12, modified: "20261202063000"))
        XCTAssertEqual(
            try FTPEntry.parse(mlsdLine: "Type=DIR;Modify=20261202063000; sub"),
            FTPEntry(
                name: "sub", kind: .directory, modified: "20261202063000"))
        XCTAssertEqual(try FTPEntry.parse(mlsdLine: "type=OS.unix=slink:/x; link")?.kind, .link)
        XCTAssertEqual(try FTPEntry.parse(mlsdLine: "type=OS.unix=chr-13/29; tty")?.kind, .other)
        XCTAssertNil(try FTPEntry.parse(mlsdLine: "type=cdir; /here"))
        XCTAssertNil(try FTPEntry.parse(mlsdLine: "type=pdir; .."))
        XCTAssertEqual(
            try FTPEntry.parse(mlsdLine: " name with no facts"), FTPEntry(name: "name with no facts", kind: .other))
        XCTAssertThrowsError(try FTPEntry.parse(mlsdLine: "type=file;size=12;"))
        XCTAssertThrowsError(try FTPEntry.parse(mlsdLine: "type=file;size=-1; a"))
        XCTAssertThrowsError(try FTPEntry.parse(mlsdLine: "size; a"))
        XCTAssertThrowsError(try FTPEntry.parse(mlsdLine: "type=file; "))
    }

    /// CR LF to LF and back, the text cut into pieces at every point.
    func testLineEndingsAcrossEveryCut() {
        let wire = Array("a\r\nb\r\r\n\r\rc\r\n\n\r".utf8)
        let local = Array("a\nb\r\n\r\rc\n\n\r".utf8)
        for cut in 0...wire.count {
            var decoder = ASCIIDecoder()
            var decoded: [UInt8] = []
            for piece in [Array(wire[..<cut]), Array(wire[cut...]), []] {
                var buffer = [UInt8](repeating: 0, count: piece.count + 1)
                buffer.replaceSubrange(1..., with: piece)
                let range = buffer.withUnsafeMutableBytes { decoder.decode($0, count: piece.count) }
                decoded += buffer[range]
            }
            XCTAssertEqual(decoded, local, "cut at \(cut)")
        }
        let text = Array("one\ntwo\r\n\nthree\r".utf8)
        for cut in 0...text.count {
            var encoder = ASCIIEncoder()
            var encoded: [UInt8] = []
            for piece in [Array(text[..<cut]), Array(text[cut...])] {
                var output = [UInt8](repeating: 0, count: 2 * piece.count)
                let count = piece.withUnsafeBytes { input in
                    output.withUnsafeMutableBytes { encoder.encode(input, into: $0) }
                }
                encoded += output[..<count]
            }
            XCTAssertEqual(String(decoding: encoded, as: UTF8.self), "one\r\ntwo\r\n\r\nthree\r", "cut at \(cut)")
        }
    }
}
