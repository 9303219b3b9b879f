import HTTP
import SocketCore

/// One connection to the metrics endpoint (a non-blocking socket), served
/// without waiting by the endpoint's thread beside the others: it reads one
/// request head (within the head's size limit and the header timeout),
/// answers it, and closes. When bytes the answer did not read may still
/// come (a refused head, a body), it closes its sending side first and reads
/// what the client sends for a moment: closing a socket with unread bytes
/// sends a reset, which can destroy the answer before the client reads it.
final class ScrapeConnection {
    enum Phase {
        case reading, writing, draining, done
    }

    /// How long a client has to send its request head.
    static let headerTimeout: Duration = .seconds(5)
    /// How long the whole exchange may take.
    static let exchangeTimeout: Duration = .seconds(10)
    /// After the answer: how long, and how much, is read and dropped.
    static let drainTime: Duration = .seconds(1)
    static let drainLimit = 256 * 1024
    /// A request head is at most this long: ample for a scraper's GET.
    static let headLimit = 8 * 1024

    let socket: Socket
    private(set) var phase = Phase.reading
    /// When the current phase must be over.
    private(set) var deadline: MonotonicInstant
    private let closesBy: MonotonicInstant
    private var received: [UInt8] = []
    private var parser: RequestParser
    private var output: [UInt8] = []
    private var sent = 0
    private var drained = 0
    /// Whether the client may send more after the head that was answered.
    private var lingers = false

    init(socket: Socket, now: MonotonicInstant) {
        self.socket = socket
        deadline = now + Self.headerTimeout
        closesBy = now + Self.exchangeTimeout
        var limits = RequestLimits()
        limits.maxRequestLine = Self.headLimit
        limits.maxHeaderBytes = Self.headLimit
        parser = RequestParser(limits: limits)
    }

    /// What the connection waits for.
    var interest: PollEvents { phase == .writing ? .writable : .readable }

    /// Goes as far as the socket allows without waiting. `answer` makes the
    /// response to a complete head.
    func advance(answer: (RequestHead) -> [UInt8]) {
        do {
            switch phase {
            case .reading: try read(answer: answer)
            case .writing: try write()
            case .draining: try drain()
            case .done: break
            }
        } catch {
            // A reset or a broken pipe: the client has gone.
            phase = .done
        }
    }

    /// Ends a connection whose time is up (a client that sent nothing, or
    /// too slowly, or does not read its answer).
    func expire(now: MonotonicInstant) {
        if deadline <= now { phase = .done }
    }

    private func read(answer: (RequestHead) -> [UInt8]) throws(SocketError) {
        var chunk = [UInt8](repeating: 0, count: 4096)
        guard case .processed(let count) = try socket.receive(into: &chunk) else { return }
        guard count > 0 else {
            phase = .done
            return
        }
        received += chunk[0..<count]
        let parse = received.withUnsafeBytes { parser.parse($0) }
        switch parse {
        case .incomplete: return
        case .head(let head, let consumed):
            respond(with: answer(head), lingers: consumed < received.count || head.body != BodyFraming.none)
        case .refused(let refusal):
            respond(with: ScrapeResponse.refusal(refusal), lingers: true)
        }
        try write()
    }

    private func respond(with response: [UInt8], lingers: Bool) {
        output = response
        self.lingers = lingers
        received = []
        phase = .writing
        deadline = closesBy
    }

    private func write() throws(SocketError) {
        while sent < output.count {
            let result = output.withUnsafeBytes { bytes in
                Result { () throws(SocketError) in try socket.send(UnsafeRawBufferPointer(rebasing: bytes[sent...])) }
            }
            guard case .processed(let count) = try result.get() else { return }
            sent += count
        }
        guard lingers else {
            phase = .done
            return
        }
        try socket.shutdown(.write)
        phase = .draining
        deadline = min(closesBy, MonotonicInstant.now + Self.drainTime)
    }

    private func drain() throws(SocketError) {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        guard case .processed(let count) = try socket.receive(into: &chunk) else { return }
        drained += count
        if count == 0 || drained > Self.drainLimit { phase = .done }
    }
}
