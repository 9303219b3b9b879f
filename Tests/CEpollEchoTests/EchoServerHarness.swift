import CEpollEcho
import Foundation
import Glibc
import SocketCore
import Synchronization
import XCTest

/// One C echo server (CEpollEcho) on a loopback listener, run on a thread
/// of its own the way the `epoll-c` model runs each worker.
final class RunningEchoServer: @unchecked Sendable {
    // @unchecked: `server` is used from other threads only through the C
    // calls documented as thread-safe (stop, abort, counters); it is freed
    // after the run has returned, in `finish`.
    let listener: Socket
    let address: SocketAddress
    private let server: OpaquePointer
    private let result = Mutex<Int32?>(nil)
    private let finished = DispatchSemaphore(value: 0)
    private var freed = false

    init(backlog: Int32 = 512) throws {
        listener = try Socket(family: .ipv4, type: .stream)
        try listener.setOption(.reuseAddress, to: true)
        try listener.bind(to: .loopbackIPv4(port: 0))
        try listener.listen(backlog: backlog)
        address = try listener.localAddress
        var made: OpaquePointer?
        let created = listener.withUnsafeFileDescriptor { ee_server_new($0, &made) }
        guard created == 0, let made else { throw EchoTestFailure("ee_server_new: \(created)") }
        server = made
        let thread = Thread { [self] in
            let rc = ee_server_run(self.server)
            self.result.withLock { $0 = rc }
            self.finished.signal()
        }
        thread.start()
    }

    func stop() { ee_server_stop(server) }
    func abort() { ee_server_abort(server) }
    var counters: ee_counters { ee_server_counters(server) }

    /// The run's result once it has returned, nil if it has not within `timeout`.
    func waitForExit(timeout: Duration = .seconds(10)) -> Int32? {
        let (seconds, _) = timeout.components
        guard finished.wait(timeout: .now() + .seconds(Int(seconds))) == .success else { return nil }
        finished.signal() // for later callers
        return result.withLock { $0 }
    }

    /// Stops, waits for the run to return (aborting if connections linger),
    /// frees the server and closes the listener.
    func finish(file: StaticString = #filePath, line: UInt = #line) {
        guard !freed else { return }
        stop()
        if waitForExit(timeout: .seconds(5)) == nil {
            abort()
            XCTAssertNotNil(waitForExit(), "the server's run did not return after abort", file: file, line: line)
        }
        freed = true
        ee_server_free(server)
        try? listener.close()
    }

    deinit { finish() }

    /// A blocking client connected to the server, with a receive timeout so
    /// that a test fails instead of hanging.
    func client(receiveBuffer: Int? = nil) throws -> Socket {
        let socket = try Socket(family: .ipv4, type: .stream)
        if let receiveBuffer { try socket.setOption(.receiveBufferSize, to: receiveBuffer) }
        try socket.setOption(.receiveTimeout, to: .seconds(10))
        try socket.connect(to: address, timeout: .seconds(10))
        return socket
    }
}

struct EchoTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` every 2 ms until it holds or `timeout` passes.
func eventually(_ timeout: Duration = .seconds(10), _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if condition() { return true }
        usleep(2000)
    }
    return condition()
}

/// Receives exactly `count` bytes (fails on end of file or timeout).
func receiveExactly(_ socket: Socket, _ count: Int) throws -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count)
    while bytes.count < count {
        guard let chunk = try socket.receive(maxCount: min(65536, count - bytes.count)).value else {
            throw EchoTestFailure("receive timed out after \(bytes.count) of \(count) bytes")
        }
        guard !chunk.isEmpty else { throw EchoTestFailure("end of file after \(bytes.count) of \(count) bytes") }
        bytes += chunk
    }
    return bytes
}

/// Bytes that differ at every offset within a period of 251 (a prime), so a
/// lost, repeated or reordered chunk shows; `seed` shifts the pattern.
func pattern(count: Int, seed: Int = 0) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: ($0 + seed) % 251) }
}

/// How many descriptors this process has open.
func openDescriptorCount() throws -> Int {
    try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
}

/// Runs `body` on a thread of its own; `wait` returns its error, if any.
final class ClientThread: Sendable {
    private let failure = Mutex<(any Error)?>(nil)
    private let finished = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () throws -> Void) {
        let thread = Thread { [self] in
            do { try body() } catch { self.failure.withLock { $0 = error } }
            self.finished.signal()
        }
        thread.start()
    }

    func wait(timeout: Int = 30) throws {
        guard finished.wait(timeout: .now() + .seconds(timeout)) == .success else {
            throw EchoTestFailure("client thread still running after \(timeout) s")
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }
}
