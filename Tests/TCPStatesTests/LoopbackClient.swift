import Glibc
import SocketCore
import Synchronization
import TestSupport
import XCTest

// A client's side of the loopback tests: connect, send, read what comes
// back, each bounded by a timeout so a broken server fails a test rather
// than hangs it. Only 127.0.0.1 is ever used.

/// A connected client socket whose receives give up after five seconds.
func connectClient(to address: SocketAddress) throws -> Socket {
    let socket = try Socket(family: address.family, type: .stream)
    try socket.setOption(.receiveTimeout, to: .seconds(5))
    try socket.connect(to: address, timeout: .seconds(5))
    return socket
}

/// Reads until `count` bytes have come, the peer closes, or a receive times out.
func receive(_ count: Int, from socket: Socket) throws -> [UInt8] {
    var received: [UInt8] = []
    while received.count < count {
        guard let bytes = try socket.receive(maxCount: count - received.count).value, !bytes.isEmpty else { break }
        received += bytes
    }
    return received
}

/// True when the peer has closed: the next receive is the end of file.
func peerClosed(_ socket: Socket) throws -> Bool {
    try socket.receive(maxCount: 1).value == []
}

/// Whether connecting to `address` is refused now (nobody listens there).
func isRefused(_ address: SocketAddress) throws -> Bool {
    let socket = try Socket(family: address.family, type: .stream)
    defer { try? socket.close() }
    do {
        try socket.connect(to: address, timeout: .seconds(5))
        return false
    } catch {
        return error.code == ECONNREFUSED
    }
}

/// A call that blocks (`establishConnection`), run on a thread of its own so
/// that the test can watch for its return.
final class BlockingCall<Failure: Error>: Sendable {
    private final class Outcome: Sendable {
        let result = Mutex<Result<Void, Failure>?>(nil)
    }
    private let outcome = Outcome()
    private let thread: PosixThread.Joinable

    init(_ body: @escaping @Sendable () throws(Failure) -> Void) throws {
        let outcome = outcome
        thread = try PosixThread.start {
            let result: Result<Void, Failure>
            do throws(Failure) {
                try body()
                result = .success(())
            } catch {
                result = .failure(error)
            }
            outcome.result.withLock { $0 = result }
        }
    }

    /// Whether the call has returned.
    var hasReturned: Bool { outcome.result.withLock { $0 != nil } }

    /// How the call ended, once it has within `timeout` (the thread is then
    /// joined); nil when it is still running. Call it once.
    func waitForReturn(within timeout: Duration = .seconds(5)) -> Result<Void, Failure>? {
        guard blockUntil(timeout: timeout, pollingEvery: .milliseconds(1), { hasReturned }) else { return nil }
        thread.join()
        return outcome.result.withLock { $0 }
    }
}
