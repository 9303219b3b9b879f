import CEpollEcho
import Foundation
import Glibc
import SocketCore
import Synchronization
import TestSupport
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
        guard created == 0, let made else { throw TestFailure("ee_server_new: \(created)") }
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
        finished.signal()  // for later callers
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
