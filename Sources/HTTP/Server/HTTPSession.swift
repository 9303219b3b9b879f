import Servers
import SocketCore

/// One connection of the web server: requests parsed as they arrive,
/// answered in order (pipelined ones too), and the connection kept or
/// closed as HTTP/1.1 says (RFC 9112 section 9).
///
/// The session never holds more than one request's head of input: the
/// model does not read while a response is queued, and pipelined requests
/// found in one read are answered a bounded number at a time.
public struct HTTPSession: StreamSession {
    let context: HTTPContext
    let peer: SocketAddress
    var parser: RequestParser
    /// Received bytes not yet parsed: a head still arriving, or pipelined
    /// requests left for the next round.
    var pending: [UInt8] = []
    var phase = Phase.awaitingHead
    var timer = Timer.header
    /// Requests answered on this connection.
    var served = 0
    var clock: WallClock
    /// The rest of a large file body, queued a piece at a time.
    var producing: FileRemainder?
    /// The peer has finished sending: close once the last response is out.
    var peerDone = false
    /// Local redirects followed for the current request (RFC 3875 section
    /// 6.2.2), bounded so that scripts redirecting to each other end.
    var localRedirects = 0

    enum Phase {
        case awaitingHead
        /// Reading past a request body the server does not want.
        case discarding(UnwantedBody)
        /// The final response is queued; what the peer still sends is
        /// read and dropped until it closes or the linger timeout passes.
        case lingering
        /// Reading a request body for a script.
        case receivingScriptBody(PendingScript)
        /// A script is answering; reading waits until it is done.
        case runningScript(ScriptExchange)
    }

    /// What the session's deadline, when set, stands for.
    enum Timer {
        case header, keepAlive, send, linger
        /// A script's time (`--cgi-timeout`), from its start; a script's
        /// request body gets as long to arrive.
        case script
    }

    /// Pipelined requests answered in one callback; the rest wait until
    /// these responses have gone.
    static let requestsPerRound = 32
    /// A file body larger than this is queued in pieces of this size, so the
    /// send timeout measures the peer's progress, not the whole transfer.
    static let filePiece: Int64 = 4 << 20

    init(context: HTTPContext, peer: SocketAddress) {
        self.context = context
        self.peer = peer
        self.parser = RequestParser(limits: context.options.limits)
        self.clock = WallClock(texts: context.dateTexts)
    }

    // MARK: - The model's callbacks

    /// The first request's head is due within the header timeout too.
    public mutating func opened(_ io: inout SessionIO) -> SessionAction {
        arm(.header, &io)
        return .proceed
    }

    public mutating func received(_ input: UnsafeRawBufferPointer, _ io: inout SessionIO) -> SessionAction {
        if case .lingering = phase { return .proceed }
        guard pending.isEmpty else {
            pending.append(contentsOf: input)
            return processPending(&io)
        }
        let (action, used) = process(input, &io)
        if action == .proceed && used < input.count {
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[used...]))
        }
        return action
    }

    public mutating func peerFinished(_ io: inout SessionIO) -> SessionAction {
        peerDone = true
        // A client that leaves while its script runs or its body arrives
        // ends the script (closed() stops it).
        switch phase {
        case .runningScript, .receivingScriptBody: return .close
        default: break
        }
        // A response still being produced is finished first; a request cut
        // off mid-head gets nothing (the peer will not read it).
        return producing == nil ? .close : .proceed
    }

    public mutating func drained(_ io: inout SessionIO) -> SessionAction {
        if case .runningScript(let exchange) = phase {
            io.wantsDrained = false
            io.waitsOn = WaitedDescriptor(exchange.script.readiness.descriptor)
            return .proceed
        }
        if producing != nil {
            queueNextPiece(&io)
            if producing != nil { return .proceed }
            if peerDone { return .close }
        }
        io.wantsDrained = false
        if case .lingering = phase { return .proceed }
        return pending.isEmpty ? .proceed : processPending(&io)
    }

    public mutating func deadlinePassed(_ io: inout SessionIO) -> SessionAction {
        switch timer {
        case .header:
            guard case .awaitingHead = phase else { return .close }
            // Slowloris: a head that takes longer than the timeout.
            refuse(.requestTimeout, reason: "request header not received within the header timeout", &io)
            return .close
        case .keepAlive, .send, .linger:
            return .close
        case .script:
            return scriptTimedOut(&io)
        }
    }

    public mutating func woken(_ io: inout SessionIO) -> SessionAction {
        scriptWoken(&io)
    }

    public mutating func closed() {
        abandonScript()
        producing = nil
        pending = []
    }

    // MARK: - Requests

    mutating func processPending(_ io: inout SessionIO) -> SessionAction {
        let bytes = pending
        let (action, used) = bytes.withUnsafeBytes { process($0, &io) }
        if used >= pending.count {
            pending = []
        } else {
            pending.removeFirst(used)
        }
        return action
    }

    /// Handles what `bytes` holds: heads parsed and answered, unwanted
    /// bodies skipped. Returns how much was used; the rest starts a request
    /// still arriving, or one left for the next round.
    private mutating func process(_ bytes: UnsafeRawBufferPointer, _ io: inout SessionIO) -> (SessionAction, Int) {
        var offset = 0
        var answered = 0
        while offset < bytes.count {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            switch phase {
            case .lingering:
                return (.proceed, bytes.count)
            case .runningScript:
                // Pipelined requests wait for the script's response.
                return (.proceed, offset)
            case .receivingScriptBody(var body):
                switch receiveScriptBody(&body, rest, &io) {
                case .needMore:
                    return (.proceed, bytes.count)
                case .complete(let used, let action):
                    offset += used
                    if action == .close { return (.close, bytes.count) }
                    if case .lingering = phase { return (.proceed, bytes.count) }
                }
            case .discarding(var body):
                do {
                    offset += try body.consume(rest)
                } catch {
                    // The response went out already; the framing is lost.
                    return (.close, bytes.count)
                }
                guard body.isComplete else {
                    phase = .discarding(body)
                    return (.proceed, bytes.count)
                }
                phase = .awaitingHead
            case .awaitingHead:
                if answered == Self.requestsPerRound || producing != nil {
                    io.wantsDrained = true
                    return (.proceed, offset)
                }
                switch parser.parse(rest) {
                case .incomplete:
                    if timer != .header { arm(.header, &io) }
                    return (.proceed, offset)
                case .refused(let refusal):
                    refuse(refusal.status, reason: refusal.reason, &io)
                    return (linger(&io), bytes.count)
                case .head(let head, let consumed):
                    offset += consumed
                    answered += 1
                    served += 1
                    localRedirects = 0
                    if respond(to: head, &io) == .close { return (.close, bytes.count) }
                    if case .lingering = phase { return (.proceed, bytes.count) }
                }
            }
        }
        return (.proceed, offset)
    }

    /// Answers one request: a script's, or the static site's. Returns
    /// `.close` when the connection ends with this response.
    mutating func respond(to head: RequestHead, _ io: inout SessionIO) -> SessionAction {
        var answer: StaticResponse?
        if let scripts = context.scripts {
            switch scripts.options.route(target: head.target) {
            case .notScript: break
            case .script(let target): return startScript(head, target, scripts, &io)
            case .refused(let status, let reason):
                ServerLog.write("http: \(status.code) to \(peer): \(reason)")
                answer = .error(status)
            }
        }
        return respondStatically(to: head, answer: answer, &io)
    }

    /// Answers `head` with `answer`, or with the static site's response.
    mutating func respondStatically(to head: RequestHead, answer: StaticResponse?, _ io: inout SessionIO)
        -> SessionAction
    {
        let options = context.options
        var persists = head.persists && served != options.maxRequestsPerConnection
        // A body the server does not want: skipped when small, refused when
        // large. A client waiting for `100 Continue` will not send it at all
        // once it has the final response, so that connection must end.
        var lingers = false
        switch head.body {
        case .none, .length(0):
            break
        case .length(let length) where length > options.maxDiscardedBody:
            refuse(.contentTooLarge, reason: "a request body of \(length) bytes", &io)
            return linger(&io)
        case .length(let length):
            phase = .discarding(.length(remaining: length))
        case .chunked:
            phase = .discarding(.chunked(ChunkedDecoder(maxBodyBytes: options.maxDiscardedBody)))
        }
        if head.body != .none && head.fields.hasToken("100-continue", in: "expect") {
            persists = false
            lingers = true
        }

        let response: StaticResponse
        // The site answers the methods RFC 9110 defines (405 with Allow for
        // all but GET and HEAD); one it has never heard of is not implemented.
        if let answer {
            response = answer
        } else if case .other = head.method {
            response = .error(.notImplemented)
        } else {
            response = context.site.respond(method: head.method, target: head.target, fields: head.fields)
        }
        let persistence: ResponseHeadWriter.Persistence =
            !persists ? .close : head.version.persistsByDefault ? .implied : .keepAlive
        let sendsBody = head.method != .head && !response.status.forbidsContent
        clock.update()
        ResponseHeadWriter.write(
            status: response.status,
            contentLength: response.status.forbidsContent ? nil : response.contentLength,
            fieldLines: response.fieldLines, persistence: persistence, date: clock.dateLine,
            server: context.serverLine, to: &io.output)
        if sendsBody { queueBody(response.body, &io) }
        log(head, status: response.status, bodyBytes: sendsBody ? response.contentLength : 0)
        io.finishedRequest()

        if lingers { return linger(&io) }
        guard persists else { return producing == nil ? .close : closeAfterProducing(&io) }
        arm(producing == nil ? .keepAlive : .send, &io)
        return .proceed
    }

    mutating func queueBody(_ body: StaticBody, _ io: inout SessionIO) {
        switch body {
        case .empty:
            break
        case .bytes(let bytes):
            io.output.append(contentsOf: bytes)
        case .file(let file, let offset, let count):
            producing = FileRemainder(file: file, offset: offset, count: count)
            queueNextPiece(&io)
        }
    }

    /// Queues the next piece of the file body being sent; asks to hear when
    /// it has gone if more is left.
    private mutating func queueNextPiece(_ io: inout SessionIO) {
        guard var remainder = producing else { return }
        let piece = min(remainder.count, Self.filePiece)
        io.output.append(file: remainder.file, offset: remainder.offset, count: piece)
        remainder.offset += piece
        remainder.count -= piece
        if remainder.count == 0 {
            producing = nil
            if timer == .send { arm(.keepAlive, &io) }
        } else {
            producing = remainder
            io.wantsDrained = true
            arm(.send, &io)
        }
    }

    /// The connection ends once the body being produced has gone.
    private mutating func closeAfterProducing(_ io: inout SessionIO) -> SessionAction {
        peerDone = true
        phase = .lingering
        arm(.send, &io)
        return .proceed
    }

    /// Queues an error response that ends the connection.
    mutating func refuse(_ status: HTTPStatus, reason: String, _ io: inout SessionIO) {
        let response = StaticResponse.error(status)
        clock.update()
        ResponseHeadWriter.write(
            status: status, contentLength: response.contentLength, fieldLines: response.fieldLines,
            persistence: .close, date: clock.dateLine, server: context.serverLine, to: &io.output)
        queueBody(response.body, &io)
        ServerLog.write("http: \(status.code) to \(peer): \(reason)")
        logRefusal(status: status, bodyBytes: response.contentLength)
        io.finishedRequest()
    }

    /// Ends the connection after the queued response without a reset: the
    /// peer may still be sending (a body, pipelined requests), and a close
    /// with unread input makes the kernel reset the connection, which can
    /// destroy the response before the peer reads it.
    mutating func linger(_ io: inout SessionIO) -> SessionAction {
        phase = .lingering
        pending = []
        arm(.linger, &io)
        return .proceed
    }

    mutating func arm(_ kind: Timer, _ io: inout SessionIO) {
        let options = context.options
        let duration: Duration =
            switch kind {
            case .header: options.headerTimeout
            case .keepAlive: options.keepAliveTimeout
            case .send: options.sendTimeout
            case .linger: options.lingerTimeout
            case .script: context.scripts?.options.timeout ?? options.sendTimeout
            }
        timer = kind
        io.deadline = .now + duration
    }

    // MARK: - The access log

    mutating func log(_ head: RequestHead, status: HTTPStatus, bodyBytes: Int64) {
        guard let accessLog = context.accessLog else { return }
        let entry = AccessLogEntry(
            client: peer.ipAddress?.description ?? "-",
            requestLine: "\(head.method) \(head.target) \(head.version)", status: status.code,
            bodyBytes: bodyBytes, referer: head.fields.first("referer"), userAgent: head.fields.first("user-agent"))
        accessLog.write(entry, timestamp: clock.logTimestamp)
    }

    private mutating func logRefusal(status: HTTPStatus, bodyBytes: Int64) {
        guard let accessLog = context.accessLog else { return }
        let entry = AccessLogEntry(
            client: peer.ipAddress?.description ?? "-", requestLine: "-", status: status.code, bodyBytes: bodyBytes,
            referer: nil, userAgent: nil)
        accessLog.write(entry, timestamp: clock.logTimestamp)
    }
}

/// What is left of a file body: queued a piece at a time.
struct FileRemainder {
    let file: OpenFile
    var offset: Int64
    var count: Int64
}
