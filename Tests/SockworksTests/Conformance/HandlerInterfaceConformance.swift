import Glibc
import Servers
import SocketCore
import SystemPackage
import TestSupport
import Testing

extension Conformance {
    /// The handler interface beyond plain echo, on every model that serves
    /// any handler (epoll-c is the echo server in C): `conformance-server`
    /// runs a probe handler whose commands each use one part of it.
    @Suite struct HandlerInterface {
        static let models = ServerModel.allCases.filter { $0 != .epollC }

        /// Bytes and a file range in order; the file sent with sendfile from
        /// an offset, a 2 MiB range and an empty one.
        @Test(arguments: models)
        func bytesAndFileRangesGoOutInOrder(model: ServerModel) async throws {
            let fixture = try ProbeFixture()
            defer { fixture.remove() }
            let ending = try await withProbeServer(model, fixture: fixture) { port in
                try await onOwnThread {
                    let client = try ProbeClient(port: port)
                    defer { client.close() }
                    for (offset, count) in [(5, 2_000_000), (0, 0), (1_000_000, 17)] {
                        try client.send("file \(offset) \(count)")
                        let expected =
                            Array("<file>\n".utf8) + fixture.bytes[offset..<offset + count]
                            + Array("</file>\n".utf8)
                        #expect(try client.receive(exactly: expected.count) == expected, "range \(offset)+\(count)")
                    }
                }
            }
            expectExitedZero(ending)
        }

        /// A deadline the session sets fires once, at its time; one moved
        /// later fires at the later time only, one moved earlier at the
        /// earlier time only.
        @Test(arguments: models)
        func deadlineFiresOnTime(model: ServerModel) async throws {
            let ending = try await withProbeServer(model) { port in
                try await onOwnThread {
                    let client = try ProbeClient(port: port)
                    defer { client.close() }
                    var start = MonotonicInstant.now
                    try client.send("deadline 200")
                    #expect(try client.line() == "deadline")
                    var waited = MonotonicInstant.now - start
                    #expect(waited >= .milliseconds(190) && waited < .seconds(2), "fired after \(waited)")

                    start = .now
                    try client.send("deadline 100")
                    usleep(30_000)
                    try client.send("deadline 400")
                    #expect(try client.line() == "deadline")
                    waited = MonotonicInstant.now - start
                    #expect(waited >= .milliseconds(390) && waited < .seconds(2), "moved later, fired after \(waited)")

                    start = .now
                    try client.send("deadline 1000")
                    usleep(30_000)
                    try client.send("deadline 200")
                    #expect(try client.line() == "deadline")
                    waited = MonotonicInstant.now - start
                    #expect(waited >= .milliseconds(220) && waited < .milliseconds(900), "moved earlier: \(waited)")
                    usleep(1_000_000)  // past the first deadline, which must not fire
                    try client.send("echo still here")
                    #expect(try client.line() == "still here")
                }
            }
            expectExitedZero(ending)
        }

        /// A producer adds each 16 KiB block only when the last has gone: a
        /// client that reads slowly gets all of them, in order, and another
        /// client is served meanwhile (except by the iterative model).
        @Test(arguments: models)
        func producerIsAskedForMoreAsTheSocketDrains(model: ServerModel) async throws {
            let ending = try await withProbeServer(model) { port in
                try await onOwnThread {
                    let client = try ProbeClient(port: port)
                    defer { client.close() }
                    try client.send("produce 200")
                    usleep(200_000)  // the socket buffers fill; the producer must wait
                    if model != .iterative {
                        let other = try ProbeClient(port: port)
                        defer { other.close() }
                        try other.send("echo meanwhile")
                        #expect(try other.line() == "meanwhile")
                    }
                    for block in 0..<200 {
                        let bytes = try client.receive(exactly: 16 * 1024)
                        #expect(bytes.allSatisfy { $0 == UInt8(block % 251) }, "block \(block)")
                        if block % 50 == 0 { usleep(20_000) }
                    }
                    #expect(try client.line() == "produced 200")
                }
            }
            expectExitedZero(ending)
        }

        /// A session that pauses reading does not see what arrives meanwhile
        /// until it resumes.
        @Test(arguments: models)
        func pausedReadingResumes(model: ServerModel) async throws {
            let ending = try await withProbeServer(model) { port in
                try await onOwnThread {
                    let client = try ProbeClient(port: port)
                    defer { client.close() }
                    let start = MonotonicInstant.now
                    try client.send("pause 300")
                    usleep(50_000)
                    try client.send("echo after")
                    #expect(try client.line() == "resumed")
                    #expect(try client.line() == "after")
                    #expect(MonotonicInstant.now - start >= .milliseconds(290))
                }
            }
            expectExitedZero(ending)
        }

        /// A session waiting on another descriptor (as on a CGI child's pipe)
        /// is woken when it is ready; a single-threaded model serves other
        /// connections meanwhile.
        @Test(arguments: models)
        func waitOnAnotherDescriptorBlocksNobodyElse(model: ServerModel) async throws {
            let ending = try await withProbeServer(model) { port in
                try await onOwnThread {
                    let client = try ProbeClient(port: port)
                    defer { client.close() }
                    let start = MonotonicInstant.now
                    try client.send("pipe 500")
                    try client.send("echo next")
                    if model != .iterative {
                        let other = try ProbeClient(port: port)
                        defer { other.close() }
                        try other.send("echo other")
                        #expect(try other.line() == "other")
                        #expect(MonotonicInstant.now - start < .milliseconds(400), "the other client waited")
                    }
                    #expect(try client.line() == "piped")
                    #expect(MonotonicInstant.now - start >= .milliseconds(490))
                    #expect(try client.line() == "next")
                }
            }
            expectExitedZero(ending)
        }

        /// A waker handed to another thread wakes the session on its own.
        @Test(arguments: models)
        func wakerFromAnotherThread(model: ServerModel) async throws {
            let ending = try await withProbeServer(model) { port in
                try await onOwnThread {
                    let client = try ProbeClient(port: port)
                    defer { client.close() }
                    let start = MonotonicInstant.now
                    try client.send("wake 200")
                    #expect(try client.line() == "woken")
                    #expect(MonotonicInstant.now - start >= .milliseconds(190))
                    try client.send("quit")
                    try client.socket.receiveEndOfStream()
                }
            }
            expectExitedZero(ending)
        }
    }
}

/// Starts `conformance-server --model M` (2 workers where the model has
/// them), runs `body` with its port, stops it with SIGTERM and returns how
/// it ended.
private func withProbeServer(
    _ model: ServerModel, fixture: ProbeFixture? = nil, _ body: (UInt16) async throws -> Void
) async throws -> LiveOutcome {
    var arguments = ["--model", model.rawValue, "--file", fixture?.path ?? "/dev/null"]
    if model.hasWorkers { arguments += ["--workers", String(ServerModel.conformanceWorkers)] }
    return try await withProgram(try builtExecutable("conformance-server"), arguments) { process in
        let line = try #require(try await process.firstLine(), "conformance-server printed nothing")
        let port = try #require(line.split(separator: ":").last.flatMap { UInt16($0) }, "first line: \(line)")
        try await body(port)
        #expect(try await process.stop(), "conformance-server did not stop on SIGTERM")
    }.outcome
}

/// A file of random bytes for the file-range scenario.
private struct ProbeFixture {
    let folder: TemporaryFolder
    let bytes: [UInt8]
    var path: String { folder.file("fixture") }

    init() throws {
        folder = try TemporaryFolder()
        bytes = randomBytes(3_000_000)
        try writeFile(folder.file("fixture"), bytes)
    }

    func remove() { folder.remove() }
}

/// A line-protocol client of the probe handler over loopback.
private struct ProbeClient {
    let socket: TestSocket

    init(port: UInt16) throws {
        socket = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
        guard socket.connect(port: port) == 0 else { throw TestSocketError("connect") }
    }

    func send(_ line: String) throws { try socket.sendAll(Array((line + "\n").utf8)) }

    func receive(exactly count: Int) throws -> [UInt8] { try socket.receive(exactly: count) }

    /// The next line, without its newline; 5 s at most for each byte.
    func line() throws -> String {
        var bytes: [UInt8] = []
        while true {
            let byte = try socket.receive(exactly: 1)[0]
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
    }

    func close() { socket.close() }
}
