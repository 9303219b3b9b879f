import Foundation
import Glibc
import MIME
import SocketCore
import TestSupport
import XCTest

final class MessageWriterTests: XCTestCase {
    /// A PNG's signature and a few bytes of every value.
    private let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + (0..<3000).map { UInt8($0 % 256) }

    func testWholeMessageParsedBackByPython() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let text = ".starts with a dot\n..two dots\nplain line\n.\nlast\n"
        let html = "<html><body><p>Hi</p><img src=\"cid:pic.png\"></body></html>\n"
        try writeFile(folder.file("body.txt"), Array(text.utf8))
        try writeFile(folder.file("body.html"), Array(html.utf8))
        try writeFile(folder.file("pic.png"), png)
        let attachment = png.reversed() + [0, 1, 2]
        try writeFile(folder.file("chart.png"), attachment)
        let subject =
            "R\u{E9}sum\u{E9} \u{2014} \u{65E5}\u{672C}\u{8A9E}\u{306E}\u{4EF6}\u{540D} "
            + String(repeating: "\u{1F600}", count: 20)
        let content = try MailContent(
            from: MailAddress(parsing: "Zo\u{EB} Sender <zoe@sender.example>"),
            to: [MailAddress(parsing: "ann@a.example"), MailAddress(parsing: "\"Lee, Bob\" <bob@b.example>")],
            cc: [MailAddress(parsing: "Carl <carl@c.example>")], subject: subject, text: .file(folder.file("body.txt")),
            html: .file(folder.file("body.html")), attachments: [folder.file("chart.png")],
            inline: [folder.file("pic.png")])
        let output = CollectingOutput()
        try MessageWriter.write(content, to: output)
        try writeFile(folder.file("message.eml"), output.bytes)
        assertEveryLineEndsCRLF(output.bytes)
        let message = String(decoding: output.bytes, as: UTF8.self)
        XCTAssertFalse(message.contains("Bcc"))
        let headerLines = message.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        XCTAssertTrue(headerLines.allSatisfy { $0.utf8.count <= 78 }, headerLines.joined(separator: "\n"))
        XCTAssertLessThan(abs(content.estimatedSize - output.bytes.count), 8192)

        let run = try await runProgram("/usr/bin/python3", ["-c", Self.parser, folder.file("message.eml")])
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        let parsed = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(run.standardOutputBytes)) as? [String: Any])
        XCTAssertEqual(parsed["subject"] as? String, subject)
        XCTAssertEqual(parsed["from"] as? String, "Zo\u{EB} Sender <zoe@sender.example>")
        XCTAssertEqual(parsed["to"] as? String, "ann@a.example, \"Lee, Bob\" <bob@b.example>")
        XCTAssertEqual(parsed["cc"] as? String, "Carl <carl@c.example>")
        XCTAssertEqual(parsed["mime"] as? String, "1.0")
        XCTAssertTrue((parsed["messageID"] as? String)?.hasSuffix("@sender.example>") ?? false)
        XCTAssertNotNil(parsed["date"] as? String)
        XCTAssertEqual(
            parsed["structure"] as? [String],
            [
                "multipart/mixed", "multipart/related", "multipart/alternative", "text/plain", "text/html",
                "image/png", "image/png",
            ])
        let parts = try XCTUnwrap(parsed["parts"] as? [[String: Any]])
        XCTAssertEqual(parts.count, 4)
        XCTAssertEqual(bytes(parts[0]), Array(text.utf8))
        XCTAssertEqual(bytes(parts[1]), Array(html.utf8))
        XCTAssertEqual(parts[2]["contentID"] as? String, "<pic.png>")
        XCTAssertEqual(parts[2]["disposition"] as? String, "inline")
        XCTAssertEqual(parts[2]["filename"] as? String, "pic.png")
        XCTAssertEqual(bytes(parts[2]), png)
        XCTAssertEqual(parts[3]["disposition"] as? String, "attachment")
        XCTAssertEqual(parts[3]["filename"] as? String, "chart.png")
        XCTAssertEqual(bytes(parts[3]), Array(attachment))
        XCTAssertEqual(parsed["defects"] as? Int, 0)
    }

    func testTextOnlyIsOnePartSevenBitOrQuotedPrintable() throws {
        let from = try MailAddress(parsing: "a@b.example")
        let plain = try render(
            MailContent(from: from, to: [from], subject: "s", text: .bytes(Array("hi\nthere\n".utf8))))
        XCTAssertTrue(
            plain.contains(
                "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\nhi\r\nthere\r\n"))
        XCTAssertFalse(plain.contains("multipart"))
        let accented = try render(
            MailContent(from: from, to: [from], subject: "s", text: .bytes(Array("caf\u{E9}\n".utf8))))
        XCTAssertTrue(accented.contains("Content-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9\r\n"))
        let long = try render(
            MailContent(from: from, to: [from], subject: "s", text: .bytes(Array(repeating: 0x41, count: 100))))
        XCTAssertTrue(long.contains("quoted-printable"))
        let boundaryLike = try render(
            MailContent(from: from, to: [from], subject: "s", text: .bytes(Array("x=_y".utf8))))
        XCTAssertTrue(boundaryLike.contains("x=3D_y"))
    }

    func testMissingFilesAndInlineWithoutHTMLAreRefusedUpFront() throws {
        let from = try MailAddress(parsing: "a@b.example")
        XCTAssertThrowsError(
            try MailContent(from: from, to: [from], subject: "s", text: .bytes([]), attachments: ["/nonexistent/x.pdf"])
        ) { error in
            XCTAssertTrue("\(error)".contains("attachment \"/nonexistent/x.pdf\": ENOENT"), "\(error)")
        }
        XCTAssertThrowsError(try MailContent(from: from, to: [from], subject: "s", text: .file("/tmp")))
        XCTAssertThrowsError(
            try MailContent(from: from, to: [from], subject: "s", text: .bytes([]), inline: ["/etc/hostname"])
        ) { error in XCTAssertEqual(error as? MailFormatError, .inlineWithoutHTML) }
    }

    /// A 100 MiB attachment: the output is the size foretold, and the
    /// process's peak resident memory grows by less than 32 MiB meanwhile.
    func testLargeAttachmentKeepsMemoryFlat() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("big.bin")
        let size = 100 << 20
        try writeLargeFile(path, size: size)
        let from = try MailAddress(parsing: "a@b.example")
        let content = try MailContent(
            from: from, to: [from], subject: "big", text: .bytes(Array("see attached\n".utf8)), attachments: [path])
        XCTAssertTrue(resetPeakResidentMemory())
        let before = try XCTUnwrap(residentKiB("VmRSS"))
        let output = CountingOutput()
        try MessageWriter.write(content, to: output)
        let peak = try XCTUnwrap(residentKiB("VmHWM"))
        XCTAssertGreaterThan(output.count, Base64Encoder.encodedCount(ofInputCount: size))
        XCTAssertLessThan(output.count, Base64Encoder.encodedCount(ofInputCount: size) + 4096)
        XCTAssertLessThanOrEqual(output.largestWrite, 64 << 10)
        XCTAssertLessThan(peak - before, 32 << 10, "peak RSS grew by \(peak - before) KiB")
    }

    // MARK: helpers

    private func render(_ content: MailContent) throws -> String {
        let output = CollectingOutput()
        try MessageWriter.write(content, to: output)
        assertEveryLineEndsCRLF(output.bytes)
        return String(decoding: output.bytes, as: UTF8.self)
    }

    private func assertEveryLineEndsCRLF(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(bytes.suffix(2), [0x0D, 0x0A], file: file, line: line)
        for index in bytes.indices where bytes[index] == 0x0A {
            XCTAssertTrue(index > 0 && bytes[index - 1] == 0x0D, "bare LF at \(index)", file: file, line: line)
        }
        for index in bytes.indices.dropLast() where bytes[index] == 0x0D {
            XCTAssertEqual(bytes[index + 1], 0x0A, "bare CR at \(index)", file: file, line: line)
        }
    }

    private func bytes(_ part: [String: Any]) -> [UInt8]? {
        (part["payload"] as? String).flatMap { Data(base64Encoded: $0) }.map { Array($0) }
    }

    private func writeLargeFile(_ path: String, size: Int) throws {
        let descriptor = try SystemCall.value("open", path) {
            open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        }
        defer { close(descriptor) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var generator = SystemRandomNumberGenerator()
        for index in chunk.indices { chunk[index] = UInt8.random(in: 0...255, using: &generator) }
        for _ in 0..<(size >> 20) {
            let written = try chunk.withUnsafeBytes { buffer in
                try SystemCall.value("write", path) { write(descriptor, buffer.baseAddress, buffer.count) }
            }
            XCTAssertEqual(written, chunk.count)
        }
    }

    /// Resets the kernel's peak RSS of this process (VmHWM) to its current
    /// RSS: `/proc/self/clear_refs`, value 5 (proc(5)).
    private func resetPeakResidentMemory() -> Bool {
        let descriptor = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return write(descriptor, "5", 1) == 1
    }

    private func residentKiB(_ key: String) -> Int? {
        guard let status = ProcFS.read("/proc/self/status") else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(key + ":") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
        }
        return nil
    }

    /// The message's headers, its tree of content types and each leaf part
    /// decoded, from Python's `email` package, as JSON.
    private static let parser = """
        import base64, email, email.policy, json, sys
        with open(sys.argv[1], 'rb') as f:
            message = email.message_from_binary_file(f, policy=email.policy.default)
        defects = len(message.defects)
        parts = []
        for part in message.walk():
            defects += len(part.defects)
            if part.is_multipart():
                continue
            parts.append({
                'payload': base64.b64encode(part.get_payload(decode=True)).decode(),
                'contentID': part['Content-ID'], 'filename': part.get_filename(),
                'disposition': part.get_content_disposition()})
        print(json.dumps({
            'subject': str(message['Subject']), 'from': str(message['From']), 'to': str(message['To']),
            'cc': str(message['Cc']), 'mime': str(message['MIME-Version']),
            'messageID': str(message['Message-ID']), 'date': str(message['Date']),
            'structure': [part.get_content_type() for part in message.walk()],
            'parts': parts, 'defects': defects}))
        """
}

/// An output that keeps everything written.
final class CollectingOutput: MessageOutput {
    var bytes: [UInt8] = []
    func write(_ bytes: UnsafeRawBufferPointer) throws { self.bytes += bytes }
}

/// An output that only counts.
final class CountingOutput: MessageOutput {
    var count = 0
    var largestWrite = 0
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        count += bytes.count
        largestWrite = max(largestWrite, bytes.count)
    }
}
