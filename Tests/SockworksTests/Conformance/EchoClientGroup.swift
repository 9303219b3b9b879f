import Glibc
import TestSupport

/// How one echo client of a group ended.
enum EchoOutcome: Equatable, CustomStringConvertible {
    /// Every byte came back, identical (then end of file, after a half-close).
    case echoed
    /// connect failed with this errno.
    case connectFailed(Int32)
    /// The server closed the connection before the whole echo was back.
    case closedEarly(received: Int)
    /// The server reset the connection (ECONNRESET, or EPIPE on a send).
    case reset(received: Int)
    /// The echo differs from what was sent, first at this offset.
    case differs(at: Int)
    /// Another failure of a socket call.
    case failed(String)
    /// The deadline passed first.
    case timedOut(received: Int)

    /// The server turned the client away: closed or reset it unserved.
    var turnedAway: Bool {
        switch self {
        case .closedEarly, .reset, .connectFailed: true
        default: false
        }
    }

    var description: String {
        switch self {
        case .echoed: "echoed"
        case .connectFailed(let code): "connect failed: \(String(cString: strerror(code)))"
        case .closedEarly(let received): "closed by the server after \(received) bytes"
        case .reset(let received): "reset by the server after \(received) bytes"
        case .differs(let offset): "echo differs at byte \(offset)"
        case .failed(let why): why
        case .timedOut(let received): "timed out after \(received) bytes"
        }
    }
}

/// Echo clients on loopback TCP, all driven at once by one poll(2) loop in
/// the calling thread, every socket non-blocking: each sends its payload
/// while reading the echo back (so neither side can deadlock on full
/// buffers), and every wait ends at a deadline.
final class EchoClientGroup {
    private struct Client {
        let socket: TestSocket
        let payload: [UInt8]
        var connected = false
        var sent = 0
        var received = 0
        var writeShut = false
        var outcome: EchoOutcome?
    }

    private var clients: [Client] = []
    private var buffer = [UInt8](repeating: 0, count: 64 << 10)

    /// Starts a non-blocking connect to 127.0.0.1:PORT for each payload;
    /// `receiveBuffer` sets SO_RCVBUF first (before the window is agreed).
    init(port: UInt16, payloads: [[UInt8]], receiveBuffer: Int32? = nil) throws {
        clients.reserveCapacity(payloads.count)
        for payload in payloads {
            let socket = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
            try socket.setNonBlocking()
            if let receiveBuffer { try socket.setOption(SOL_SOCKET, SO_RCVBUF, receiveBuffer) }
            var client = Client(socket: socket, payload: payload)
            switch socket.connect(port: port) {
            case 0: client.connected = true
            case EINPROGRESS: break
            case let code: client.outcome = .connectFailed(code)
            }
            clients.append(client)
        }
    }

    /// How each client ended; nil for one still open and unfinished.
    var outcomes: [EchoOutcome?] { clients.map(\.outcome) }

    /// The bytes each client has sent so far.
    var sentCounts: [Int] { clients.map(\.sent) }

    /// Waits until every connect has completed (or failed, or `deadline`
    /// passed: `timedOut`). Returns how many are connected.
    @discardableResult
    func awaitConnections(until deadline: ContinuousClock.Instant) -> Int {
        drive(until: deadline) { client in
            client.connected ? 0 : Int16(POLLOUT)
        } onReady: { client, _ in
            let code = client.socket.pendingError()
            if code == 0 { client.connected = true } else { client.outcome = .connectFailed(code) }
        }
        return clients.count { $0.connected && $0.outcome == nil }
    }

    /// Sends without reading anything, until every payload is out or no
    /// client got a byte further for `stall`: how a peer that never reads
    /// fills every buffer between it and the server. Returns the bytes sent.
    @discardableResult
    func sendWithoutReading(stall: Duration, until deadline: ContinuousClock.Instant) -> Int {
        awaitConnections(until: deadline)
        var lastProgress = ContinuousClock.now
        while ContinuousClock.now < deadline && ContinuousClock.now - lastProgress < stall {
            var progressed = false
            for index in clients.indices where clients[index].outcome == nil && clients[index].connected {
                if sendSome(&clients[index]) { progressed = true }
            }
            if progressed { lastProgress = .now } else { usleep(5_000) }
        }
        return clients.reduce(0) { $0 + $1.sent }
    }

    /// Sends every payload while reading the echo, comparing each byte as
    /// it arrives. With `halfClose`, a client shuts its write side down
    /// once all is sent and counts as echoed only when end of file follows
    /// the whole echo; without, as soon as the whole echo is back (and its
    /// connection stays open). Clients still unfinished at `deadline`
    /// time out.
    func exchange(halfClose: Bool, until deadline: ContinuousClock.Instant) {
        drive(until: deadline) { client in
            guard client.connected else { return Int16(POLLOUT) }
            return Int16(POLLIN) | (client.sent < client.payload.count ? Int16(POLLOUT) : 0)
        } onReady: { client, events in
            if !client.connected {
                let code = client.socket.pendingError()
                guard code == 0 else {
                    client.outcome = .connectFailed(code)
                    return
                }
                client.connected = true
            }
            if events & Int16(POLLOUT) != 0 { _ = self.sendSome(&client) }
            if client.outcome == nil && client.sent == client.payload.count && halfClose && !client.writeShut {
                do throws(TestSocketError) {
                    try client.socket.shutdownWrite()
                    client.writeShut = true
                } catch {
                    // ENOTCONN: the server has reset the connection already.
                    client.outcome = error.code == ENOTCONN ? .reset(received: client.received) : .failed("\(error)")
                }
            }
            if client.outcome == nil && events & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                self.receiveSome(&client, halfClose: halfClose)
            }
            if client.outcome == nil && !halfClose && client.received == client.payload.count {
                client.outcome = .echoed
            }
        }
    }

    /// Closes every connection.
    func closeAll() { for client in clients { client.socket.close() } }

    /// One poll(2) round after another over the unfinished clients that
    /// want something (`events` nonzero), until none is left or `deadline`
    /// passes; those left then time out.
    private func drive(
        until deadline: ContinuousClock.Instant,
        events: (Client) -> Int16, onReady: (inout Client, Int16) -> Void
    ) {
        var entries: [pollfd] = []
        var indices: [Int] = []
        while true {
            entries.removeAll(keepingCapacity: true)
            indices.removeAll(keepingCapacity: true)
            for (index, client) in clients.enumerated() where client.outcome == nil {
                let wanted = events(client)
                if wanted != 0 {
                    entries.append(pollfd(fd: client.socket.fd, events: wanted, revents: 0))
                    indices.append(index)
                }
            }
            if entries.isEmpty { return }
            let left = deadline - .now
            if left <= .zero {
                for index in indices { clients[index].outcome = .timedOut(received: clients[index].received) }
                return
            }
            let milliseconds = Int32(min(left / .milliseconds(1), 100).rounded(.up))
            let ready = poll(&entries, nfds_t(entries.count), milliseconds)
            if ready < 0 && errno == EINTR { continue }
            guard ready >= 0 else {
                for index in indices { clients[index].outcome = .failed("poll: \(String(cString: strerror(errno)))") }
                return
            }
            for (entry, index) in zip(entries, indices) where entry.revents != 0 {
                onReady(&clients[index], entry.revents)
            }
        }
    }

    /// Sends what the kernel takes now; true when it took something.
    private func sendSome(_ client: inout Client) -> Bool {
        guard client.sent < client.payload.count else { return false }
        let chunk = min(client.payload.count - client.sent, 64 << 10)
        let count = client.payload.withUnsafeBytes { bytes in
            send(client.socket.fd, bytes.baseAddress! + client.sent, chunk, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
        }
        if count > 0 {
            client.sent += count
            return true
        }
        switch errno {
        case EAGAIN, EWOULDBLOCK, EINTR: break
        case ECONNRESET, EPIPE: client.outcome = .reset(received: client.received)
        case let code: client.outcome = .failed("send: \(String(cString: strerror(code)))")
        }
        return false
    }

    /// Receives what is there and compares it with the payload.
    private func receiveSome(_ client: inout Client, halfClose: Bool) {
        let count = buffer.withUnsafeMutableBytes {
            recv(client.socket.fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT))
        }
        if count < 0 {
            switch errno {
            case EAGAIN, EWOULDBLOCK, EINTR: break
            case ECONNRESET, EPIPE: client.outcome = .reset(received: client.received)
            case let code: client.outcome = .failed("recv: \(String(cString: strerror(code)))")
            }
            return
        }
        if count == 0 {
            let complete = client.received == client.payload.count && client.writeShut
            client.outcome = complete ? .echoed : .closedEarly(received: client.received)
            return
        }
        let expected = client.payload.count - client.received
        let compared = min(count, expected)
        let mismatch = client.payload.withUnsafeBytes { payload in
            buffer.withUnsafeBytes { arrived -> Int? in
                let expected = payload.baseAddress! + client.received
                guard memcmp(arrived.baseAddress!, expected, compared) != 0 else { return nil }
                return (0..<compared).first { arrived[$0] != payload[client.received + $0] }
            }
        }
        if let mismatch {
            client.outcome = .differs(at: client.received + mismatch)
        } else if count > expected {
            client.outcome = .differs(at: client.payload.count)
        } else {
            client.received += count
        }
    }
}
