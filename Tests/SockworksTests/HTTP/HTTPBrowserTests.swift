import Glibc
import SystemPackage
import TestSupport
import XCTest

/// A real browser loads a page with a stylesheet, a script and images from
/// the server: every sub-request is served with 200 (the access log says),
/// the script ran (the DOM says), and the screenshot is kept as an artifact
/// (`.build/test-artifacts/browser-page.png`, or under
/// `$SOCKWORKS_TEST_ARTIFACTS`).
final class HTTPBrowserTests: XCTestCase {
    static let chromium = "/usr/bin/chromium"

    func testHeadlessChromiumLoadsAPageAndEverythingOnIt() async throws {
        try XCTSkipUnless(access(Self.chromium, X_OK) == 0, "chromium is not installed (tools/install-deps)")
        let folder = try TemporaryFolder(prefix: "sockworks-browser")
        defer { folder.remove() }
        let root = folder.file("site")
        mkdir(root, 0o755)
        try writePage(in: root)
        let log = folder.file("access.log")
        let artifacts = ProcessInfoEnvironment.value("SOCKWORKS_TEST_ARTIFACTS") ?? ".build/test-artifacts"
        _ = try await runProgram("/bin/mkdir", ["-p", artifacts])
        let screenshot = artifacts + "/browser-page.png"
        unlink(screenshot)

        let (_, outcome) = try await withWebServer(.epoll, root: root, ["--access-log", log]) { server in
            let url = "http://127.0.0.1:\(server.port)/index.html"
            // Root needs --no-sandbox; the profile lives in the test's folder.
            let common = [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-sync", "--disable-component-update",
                "--user-data-dir=\(folder.file("profile"))",
            ]
            let dom = try await runProgram(
                FilePath(Self.chromium), common + ["--dump-dom", url], timeout: .seconds(60))
            XCTAssertTrue(
                dom.standardOutput.contains("script ran"),
                "DOM: \(dom.standardOutput.prefix(2000)) \(dom.standardError.suffix(2000))")
            let shot = try await runProgram(
                FilePath(Self.chromium), common + ["--window-size=800,600", "--screenshot=\(screenshot)", url],
                timeout: .seconds(60))
            XCTAssertEqual(shot.exitCode, 0, shot.standardError.suffix(2000).description)
        }
        XCTAssertEqual(outcome.exitCode, 0)
        let lines = String(decoding: try readFile(log), as: UTF8.self).split(separator: "\n")
        for path in ["/index.html", "/style.css", "/app.js", "/images/dot.png", "/images/logo.svg"] {
            XCTAssertTrue(
                lines.contains { $0.contains("\"GET \(path) HTTP/1.1\" 200 ") },
                "\(path) not served with 200:\n\(lines.joined(separator: "\n"))")
        }
        XCTAssertFalse(lines.contains { $0.contains("\" 5") }, "a 5xx response: \(lines)")
        let png = try readFile(screenshot)
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "not a PNG screenshot")
    }

    private func writePage(in root: String) throws {
        mkdir(root + "/images", 0o755)
        try writeFile(
            root + "/index.html",
            Array(
                """
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>Sockworks</title>
                <link rel="stylesheet" href="style.css"><link rel="icon" href="data:,">
                <script src="app.js" defer></script></head>
                <body><h1>Served by sockworks</h1>
                <img src="images/dot.png" width="64" height="64" alt="dot">
                <img src="images/logo.svg" width="64" height="64" alt="logo">
                <p id="status">script did not run</p></body></html>

                """.utf8))
        try writeFile(root + "/style.css", Array("body { background: #e8f0ff; font: 20px sans-serif }\n".utf8))
        try writeFile(
            root + "/app.js", Array("document.getElementById('status').textContent = 'script ran';\n".utf8))
        try writeFile(
            root + "/images/logo.svg",
            Array(
                ##"<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><circle cx="32" cy="32" r="30" fill="#36c"/></svg>"##
                    .utf8))
        try writeFile(root + "/images/dot.png", Self.redSquarePNG)
    }

    /// A 4x4 red PNG: signature, IHDR, one IDAT (zlib, stored), IEND.
    static var redSquarePNG: [UInt8] {
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let typed = Array(type.utf8) + data
            return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
        }
        let row: [UInt8] = [0] + Array(repeating: [255, 0, 0], count: 4).flatMap { $0 }
        let raw = Array(repeating: row, count: 4).flatMap { $0 }
        let stored: [UInt8] =
            [0x78, 0x01, 0x01] + littleEndian16(UInt16(raw.count)) + littleEndian16(~UInt16(raw.count))
        let zlib = stored + raw + bigEndian(adler32(raw))
        let header = bigEndian(4) + bigEndian(4) + [8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + chunk("IDAT", zlib)
            + chunk("IEND", [])
    }
}

private func bigEndian(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }
private func littleEndian16(_ value: UInt16) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }

private func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

private func adler32(_ bytes: [UInt8]) -> UInt32 {
    var a: UInt32 = 1
    var b: UInt32 = 0
    for byte in bytes {
        a = (a + UInt32(byte)) % 65521
        b = (b + a) % 65521
    }
    return b << 16 | a
}

/// An environment variable of the test process.
enum ProcessInfoEnvironment {
    static func value(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
}
