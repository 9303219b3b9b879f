import Glibc
import Synchronization
import TestSupport

/// A UDP server of the test's own on 127.0.0.1, on a thread of its own:
/// for each datagram, `answer` says what to send back and after how long
/// (the lab's upper-cased message at once, by default). Plain Glibc, so
/// that SocketCore is not on both sides of the test.
final class UDPPingTestServer: Sendable {
    /// A reply: its bytes, sent `delayMilliseconds` after the datagram came.
    struct Reply: Sendable {
        var bytes: [UInt8]
        var delayMilliseconds = 0
    }

    let port: UInt16
    private let descriptor: Int32
    private let shared = Shared()
    private let thread: BackgroundThread<Void>

    /// The message upper-cased, as the lab's server sends it.
    static func upperCased(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) ? $0 - 0x20 : $0 }
    }

    /// The sequence number of a probe `Ping SEQ TIME`, for tests that
    /// answer some probes otherwise.
    static func sequence(_ bytes: [UInt8]) -> Int? {
        let words = String(decoding: bytes, as: UTF8.self).split(separator: " ")
        return words.count >= 2 ? Int(words[1]) : nil
    }

    init(answer: @escaping @Sendable ([UInt8]) -> [Reply] = { [Reply(bytes: upperCased($0))] }) throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestSocketError("socket") }
        var address = loopbackAddress(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw TestSocketError("bind")
        }
        descriptor = fd
        port = UInt16(bigEndian: address.sin_port)
        let shared = shared
        thread = BackgroundThread { Self.serve(fd, answer: answer, shared: shared) }
    }

    /// Every datagram received so far.
    var datagrams: [[UInt8]] { shared.received.withLock { $0 } }

    /// Stops the thread (within 50 ms) and closes the socket.
    func stop() throws {
        shared.stopping.store(true, ordering: .relaxed)
        try thread.value(timeout: .seconds(5))
        close(descriptor)
    }

    /// Serves until `stopping`, or for 60 s at most.
    private static func serve(_ fd: Int32, answer: ([UInt8]) -> [Reply], shared: Shared) {
        var due: [(at: ContinuousClock.Instant, bytes: [UInt8], to: sockaddr_storage, length: socklen_t)] = []
        let end = ContinuousClock.now + .seconds(60)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !shared.stopping.load(ordering: .relaxed), ContinuousClock.now < end {
            let now = ContinuousClock.now
            for reply in due where reply.at <= now {
                var to = reply.to
                _ = reply.bytes.withUnsafeBytes { bytes in
                    withUnsafePointer(to: &to) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            sendto(fd, bytes.baseAddress, bytes.count, 0, $0, reply.length)
                        }
                    }
                }
            }
            due.removeAll { $0.at <= now }
            var poll = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            var wait = 50
            if let next = due.map(\.at).min() {
                let (seconds, attoseconds) = (next - now).components
                wait = min(wait, max(0, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)))
            }
            guard Glibc.poll(&poll, 1, Int32(wait)) > 0 else { continue }
            var from = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let count = buffer.withUnsafeMutableBytes { bytes in
                withUnsafeMutablePointer(to: &from) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(fd, bytes.baseAddress, bytes.count, Int32(MSG_DONTWAIT), $0, &length)
                    }
                }
            }
            guard count >= 0 else { continue }
            let datagram = Array(buffer[..<count])
            shared.received.withLock { $0.append(datagram) }
            let arrived = ContinuousClock.now
            for reply in answer(datagram) {
                due.append((arrived + .milliseconds(reply.delayMilliseconds), reply.bytes, from, length))
            }
        }
    }

    /// What the serving thread and the test share.
    private final class Shared: Sendable {
        let stopping = Atomic<Bool>(false)
        let received = Mutex<[[UInt8]]>([])
    }
}
