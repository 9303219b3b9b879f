import Glibc
import SocketCore
import TestSupport
import XCTest

@testable import HTTP

/// A web root in a temporary folder with every kind of entry the static
/// site must tell apart, and a folder beside it that must stay out of reach:
///
///     outside/secret.txt
///     root/index.html, hello.txt, page.HTML, .secret, data.bin (4096 bytes)
///     root/dir/index.html, root/a dir/index.html
///     root/bare/a b.txt, <x>&'.txt, .hidden, sub/
///     root/fifo (a FIFO), root/socket (a UNIX socket file)
///     root/inside -> hello.txt, root/inside-dir -> dir
///     root/out-file -> ../outside/secret.txt, root/out-dir -> /ABSOLUTE/outside
///     root/proc-link -> /proc/self/root/etc
final class StaticSiteFixture {
    let folder: TemporaryFolder
    var root: String { folder.file("root") }
    static let hello = Array("hello, world\n".utf8)
    static let data = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }

    init() throws {
        folder = try TemporaryFolder(prefix: "static-site")
        for directory in ["outside", "root", "root/dir", "root/a dir", "root/bare", "root/bare/sub"] {
            XCTAssertEqual(mkdir(folder.file(directory), 0o755), 0, directory)
        }
        try writeFile(folder.file("outside/secret.txt"), Array("secret\n".utf8))
        try writeFile(folder.file("root/index.html"), Array("<p>home</p>\n".utf8))
        try writeFile(folder.file("root/hello.txt"), Self.hello)
        try writeFile(folder.file("root/page.HTML"), Array("<p>page</p>\n".utf8))
        try writeFile(folder.file("root/.secret"), Array("dot\n".utf8))
        try writeFile(folder.file("root/data.bin"), Self.data)
        try writeFile(folder.file("root/dir/index.html"), Array("<p>dir</p>\n".utf8))
        try writeFile(folder.file("root/a dir/index.html"), Array("<p>a dir</p>\n".utf8))
        try writeFile(folder.file("root/bare/a b.txt"), [])
        try writeFile(folder.file("root/bare/<x>&'.txt"), [])
        try writeFile(folder.file("root/bare/.hidden"), [])
        XCTAssertEqual(mkfifo(folder.file("root/fifo"), 0o644), 0)
        try Self.makeSocketFile(folder.file("root/socket"))
        XCTAssertEqual(symlink("hello.txt", folder.file("root/inside")), 0)
        XCTAssertEqual(symlink("dir", folder.file("root/inside-dir")), 0)
        XCTAssertEqual(symlink("../outside/secret.txt", folder.file("root/out-file")), 0)
        XCTAssertEqual(symlink(folder.file("outside"), folder.file("root/out-dir")), 0)
        XCTAssertEqual(symlink("/proc/self/root/etc", folder.file("root/proc-link")), 0)
    }

    func site(
        containment: RootDirectory.Containment? = nil, configure: (inout StaticSiteOptions) -> Void = { _ in }
    ) throws -> StaticSite {
        var options = StaticSiteOptions()
        configure(&options)
        return try StaticSite(root: root, options: options, containment: containment)
    }

    /// A socket file, as a UNIX socket server leaves at its path.
    private static func makeSocketFile(_ path: String) throws {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            for (index, byte) in path.utf8.enumerated() { bytes[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        XCTAssertEqual(bound, 0, "bind \(path): errno \(errno)")
    }
}

extension StaticSite {
    func get(_ target: String, _ fields: [(String, String)] = []) -> StaticResponse {
        respond(method: .get, target: target, fields: HTTPFields(fields))
    }
}

extension StaticResponse {
    /// The header lines as name and value pairs, checking each line's form.
    var fields: [(name: String, value: String)] {
        let text = String(decoding: fieldLines, as: UTF8.self)
        XCTAssertTrue(text.isEmpty || text.hasSuffix("\r\n"), text)
        return text.split(separator: "\r\n", omittingEmptySubsequences: true).map { line in
            let parts = line.split(separator: ":", maxSplits: 1)
            XCTAssertEqual(parts.count, 2, String(line))
            return (String(parts[0]), String(parts.last!.dropFirst()))
        }
    }

    func field(_ name: String) -> String? {
        fields.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body's bytes: a file range is read with pread.
    var bodyBytes: [UInt8] {
        switch body {
        case .empty: return []
        case .bytes(let bytes): return bytes
        case .file(let file, let offset, let count):
            var bytes = [UInt8](repeating: 0, count: Int(count))
            let read = bytes.withUnsafeMutableBytes { pread(file.descriptor, $0.baseAddress, Int(count), Int(offset)) }
            XCTAssertEqual(read, Int(count))
            return bytes
        }
    }

    var bodyText: String { String(decoding: bodyBytes, as: UTF8.self) }
}
