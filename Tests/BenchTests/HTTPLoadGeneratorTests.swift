import CLoadGen
import Glibc
import SocketCore
import Synchronization
import XCTest

@testable import Bench

/// The load generator's HTTP mode against a web server of the test's own
/// that answers each request as told: right, with a wrong body or length,
/// cut short, chunked, or closing after each response.
final class HTTPLoadGeneratorTests: XCTestCase {
    /// What the server sends for one request, and whether it closes after.
    struct Reply: Sendable {
        var bytes: [UInt8]
        var close = false
    }

    /// A thread-per-connection server: reads each request head, answers it
    /// with `reply`, counts connections.
    final class TinyServer: Sendable {
        let listener: Socket
        let port: UInt16
        let accepted = Counter()

        final class Counter: Sendable {
            private let count = Atomic<Int>(0)
            func add() { count.add(1, ordering: .relaxed) }
            var value: Int { count.load(ordering: .relaxed) }
        }

        init(reply: @escaping @Sendable () -> Reply) throws {
            listener = try Socket(family: .ipv4, type: .stream)
            try listener.bind(to: .loopbackIPv4(port: 0))
            try listener.listen()
            guard case .ipv4(_, let port) = try listener.localAddress else { throw BenchError("no port") }
            self.port = port
            let listener = listener
            let accepted = accepted
            try PosixThread.startDetached {
                while let connection = try? listener.accept().value {
                    accepted.add()
                    try? PosixThread.startDetached {
                        Self.serve(connection, reply: reply)
                        try? connection.close()
                    }
                }
            }
        }

        static func serve(_ connection: Socket, reply: () -> Reply) {
            var pending: [UInt8] = []
            let end: [UInt8] = Array("\r\n\r\n".utf8)
            while let bytes = try? connection.receive(maxCount: 65536).value, !bytes.isEmpty {
                pending += bytes
                while let range = pending.firstRange(of: end) {
                    pending.removeSubrange(..<range.upperBound)
                    let answer = reply()
                    guard (try? connection.sendAll(answer.bytes)) != nil, !answer.close else { return }
                }
            }
        }

        func stop() { try? listener.shutdown(.read) }
    }

    static let body = HTTPFiles.content(size: 1024)

    static func response(body: [UInt8], length: Int? = nil, extra: String = "") -> [UInt8] {
        Array("HTTP/1.1 200 OK\r\nContent-Length: \(length ?? body.count)\r\n\(extra)\r\n".utf8) + body
    }

    func generator(port: UInt16, body: [UInt8] = body, connections: Int = 4) -> HTTPLoadGenerator {
        HTTPLoadGenerator(
            address: .loopbackIPv4(port: port), path: "/file-1k.bin", body: body, connections: connections,
            warmup: .milliseconds(100), duration: .milliseconds(400))
    }

    func testCountsEveryCorrectResponse() throws {
        let reply = Reply(bytes: Self.response(body: Self.body, extra: "Server: tiny\r\n"))
        let server = try TinyServer { reply }
        defer { server.stop() }
        let windows = Mutex<[Bool]>([])
        let report = try generator(port: server.port).run { opened in windows.withLock { $0.append(opened) } }
        XCTAssertEqual(windows.withLock { $0 }, [true, false])
        XCTAssertGreaterThan(report.requests, 100)
        XCTAssertEqual(report.corrupted, 0)
        XCTAssertEqual(report.failed, 0)
        XCTAssertEqual(report.unserved, 0)
        XCTAssertEqual(report.bodyBytes, report.requests * 1024, "every body counted, whole")
        XCTAssertEqual(server.accepted.value, 4, "keep-alive: one connection each")
        XCTAssertGreaterThanOrEqual(report.p99Ns, report.p50Ns)
    }

    func testABodyThatDiffersIsCorrupted() throws {
        var wrong = Self.body
        wrong[700] ^= 0x20
        let reply = Reply(bytes: Self.response(body: wrong))
        let server = try TinyServer { reply }
        defer { server.stop() }
        let report = try generator(port: server.port).run { _ in }
        XCTAssertGreaterThan(report.requests, 100)
        XCTAssertEqual(report.corrupted, report.requests, "every response had the wrong byte")
        XCTAssertEqual(report.failed, 0)
    }

    func testAWrongLengthIsCorruptedAndEndsTheConnection() throws {
        let reply = Reply(bytes: Self.response(body: Self.body + [0x41], length: 1025))
        let server = try TinyServer { reply }
        defer { server.stop() }
        let report = try generator(port: server.port, connections: 3).run { _ in }
        XCTAssertEqual(report.requests, 0)
        XCTAssertEqual(report.unserved, 3)
    }

    /// A server that answers after 50 ms: with no warm-up, the window is
    /// open before the first response of each connection comes.
    static func late(_ reply: Reply) -> @Sendable () -> Reply {
        {
            usleep(50_000)
            return reply
        }
    }

    func testAShortBodyOrACloseMidResponseFails() throws {
        // Half the body, then the connection closes.
        let reply = Reply(bytes: Self.response(body: Array(Self.body[..<512]), length: 1024), close: true)
        let server = try TinyServer(reply: Self.late(reply))
        defer { server.stop() }
        var load = generator(port: server.port, connections: 2)
        load.warmup = .zero
        let report = try load.run { _ in }
        XCTAssertEqual(report.requests, 0)
        XCTAssertEqual(report.unserved, 2)
        XCTAssertEqual(report.corrupted, 0)
        XCTAssertEqual(report.failed, 2)
    }

    func testAChunkedResponseFails() throws {
        let chunked =
            Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n".utf8) + Self.body
            + Array("\r\n0\r\n\r\n".utf8)
        let server = try TinyServer(reply: Self.late(Reply(bytes: chunked)))
        defer { server.stop() }
        var load = generator(port: server.port, connections: 2)
        load.warmup = .zero
        let report = try load.run { _ in }
        XCTAssertEqual(report.requests, 0)
        XCTAssertEqual(report.failed, 2, "the first response of each connection, in the window")
    }

    func testAnErrorStatusFails() throws {
        let reply = Reply(bytes: Array("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".utf8))
        let server = try TinyServer(reply: Self.late(reply))
        defer { server.stop() }
        var load = generator(port: server.port, connections: 3)
        load.warmup = .zero
        let report = try load.run { _ in }
        XCTAssertEqual(report.requests, 0)
        XCTAssertEqual(report.failed, 3)
    }

    func testANewConnectionPerRequest() throws {
        let reply = Reply(bytes: Self.response(body: Self.body, extra: "Connection: close\r\n"), close: true)
        let server = try TinyServer { reply }
        defer { server.stop() }
        var load = generator(port: server.port, connections: 2)
        load.connectionPerRequest = true
        let report = try load.run { _ in }
        XCTAssertGreaterThan(report.requests, 20)
        XCTAssertEqual(report.corrupted, 0)
        XCTAssertEqual(report.failed, 0)
        XCTAssertGreaterThanOrEqual(
            server.accepted.value, Int(report.requests), "a connection for every response")
    }

    func testAServerThatClosesAfterAnHTTP10ResponseIsFollowedOnANewConnection() throws {
        // HTTP/1.0 without keep-alive: the connection ends with the response
        // (RFC 9112 section 9.3), and the generator opens the next one.
        let head = Array("HTTP/1.0 200 OK\r\nContent-Length: 1024\r\n\r\n".utf8)
        let server = try TinyServer { Reply(bytes: head + Self.body, close: true) }
        defer { server.stop() }
        let report = try generator(port: server.port, connections: 2).run { _ in }
        XCTAssertGreaterThan(report.requests, 20)
        XCTAssertEqual(report.failed + report.corrupted, 0)
    }

    func testALargeBodyIsCheckedByChecksum() throws {
        let large = HTTPFiles.content(size: 8 << 20)
        var wrong = large
        wrong[5_000_001] ^= 0x01
        for (served, corrupted) in [(large, false), (wrong, true)] {
            let reply = Reply(bytes: Self.response(body: served))
            let server = try TinyServer { reply }
            defer { server.stop() }
            var load = generator(port: server.port, body: large, connections: 1)
            load.checksumOnly = true
            let report = try load.run { _ in }
            XCTAssertGreaterThan(report.requests, 2)
            XCTAssertEqual(report.corrupted, corrupted ? report.requests : 0)
            // Bodies under way as the window opens and closes count in part.
            let size = UInt64(8 << 20)
            XCTAssertGreaterThan(report.bodyBytes ?? 0, (report.requests - 1) * size)
            XCTAssertLessThan(report.bodyBytes ?? 0, (report.requests + 1) * size)
        }
    }

    func testTheChecksumDoesNotDependOnHowTheStreamIsCut() {
        let bytes = HTTPFiles.content(size: 10_007)
        func checksum(pieces: [Int]) -> UInt64 {
            var sum = lg_checksum()
            lg_checksum_init(&sum)
            var offset = 0
            bytes.withUnsafeBufferPointer { buffer in
                for piece in pieces + [bytes.count] where offset < bytes.count {
                    let count = min(piece, bytes.count - offset)
                    lg_checksum_add(&sum, buffer.baseAddress! + offset, count)
                    offset += count
                }
            }
            return lg_checksum_value(&sum)
        }
        let whole = checksum(pieces: [])
        XCTAssertEqual(checksum(pieces: [1, 2, 3, 5, 7, 11, 13, 4096]), whole)
        XCTAssertEqual(checksum(pieces: Array(repeating: 3, count: 4000)), whole)
        var swapped = bytes
        swapped.swapAt(16, 24)
        var sum = lg_checksum()
        lg_checksum_init(&sum)
        lg_checksum_add(&sum, swapped, swapped.count)
        XCTAssertNotEqual(lg_checksum_value(&sum), whole, "two words swapped")
    }
}
