import Glibc
import Synchronization
import TestSupport

/// A UDP relay of the test's own on loopback, between `sockworks heartbeat`
/// and the monitor: it forwards each heartbeat, except those whose sequence
/// number is in `drop`, and holds back those in `hold` until `releaseAfter`
/// more have gone by (so they arrive after a later one: reordered). It runs
/// on a thread of its own until `stop()`, and for at most `lifetime`.
final class HeartbeatRelay: Sendable {
    let port: UInt16
    private let done = StopFlag()
    private let thread: BackgroundThread<Void>

    init(
        to monitorPort: UInt16, drop: Set<UInt64>, hold: Set<UInt64> = [], releaseAfter: Int = 2,
        lifetime: Duration = .seconds(20)
    ) throws {
        let probe = try TestSocket(type: Int32(SOCK_DGRAM.rawValue))
        port = try probe.bind()
        let socket = fcntl(probe.fd, F_DUPFD_CLOEXEC, 0)
        probe.close()
        guard socket >= 0 else { throw TestSocketError("fcntl") }
        try Self.setReceiveTimeout(socket, milliseconds: 50)
        let done = done
        let deadline = ContinuousClock.now + lifetime
        thread = BackgroundThread {
            var held: [(bytes: [UInt8], countdown: Int)] = []
            var buffer = [UInt8](repeating: 0, count: 2048)
            while !done.value.load(ordering: .relaxed) && ContinuousClock.now < deadline {
                let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { continue }
                let bytes = Array(buffer[..<count])
                let sequence = Self.sequence(of: bytes)
                if let sequence, drop.contains(sequence) { continue }
                if let sequence, hold.contains(sequence) {
                    held.append((bytes, releaseAfter))
                    continue
                }
                Self.send(bytes, on: socket, to: monitorPort)
                for index in held.indices { held[index].countdown -= 1 }
                for late in held where late.countdown <= 0 { Self.send(late.bytes, on: socket, to: monitorPort) }
                held.removeAll { $0.countdown <= 0 }
            }
            Glibc.close(socket)
        }
    }

    /// Stops the relay and waits for its thread, which closes its socket.
    func stop() throws {
        done.value.store(true, ordering: .relaxed)
        try thread.value(timeout: .seconds(5))
    }

    private static func setReceiveTimeout(_ socket: Int32, milliseconds: Int) throws {
        var timeout = timeval(tv_sec: 0, tv_usec: milliseconds * 1000)
        guard setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size)) == 0
        else { throw TestSocketError("setsockopt") }
    }

    /// The SEQ of `Heartbeat SEQ TIME ID`.
    static func sequence(of bytes: [UInt8]) -> UInt64? {
        let fields = bytes.split(separator: UInt8(ascii: " "))
        guard fields.count >= 2 else { return nil }
        return UInt64(String(decoding: fields[1], as: UTF8.self))
    }

    static func send(_ bytes: [UInt8], on socket: Int32, to port: UInt16) {
        var address = loopbackAddress(port: port)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { target in
                bytes.withUnsafeBytes {
                    sendto(socket, $0.baseAddress, $0.count, 0, target, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }
}

private final class StopFlag: Sendable {
    let value = Atomic(false)
}
