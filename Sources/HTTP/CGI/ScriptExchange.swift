import Servers
import SocketCore

/// One request answered by a running script (RFC 3875 section 6): its
/// output read as it comes, the header parsed, the response's head
/// written, and the body passed to the client as the script writes it,
/// never gathered whole. The session drives it from the model's callbacks
/// (`woken` when the script's descriptors are ready, `drained` when the
/// client has taken what was queued) and does what each `Step` says.
struct ScriptExchange {
    let script: ScriptProcess
    /// The request being answered, for the response's framing and the log.
    let request: RequestHead
    private var parser = CGIHeaderParser()
    private(set) var errorLog: ScriptErrorLog
    private(set) var state = State.awaitingHead
    /// The status sent, once the head has gone.
    private(set) var status: HTTPStatus?
    /// Body bytes sent to the client, for the access log.
    private(set) var bodyBytes: Int64 = 0
    /// Whether the connection stays open after this response.
    private(set) var persists: Bool
    /// A local redirect (section 6.2.2) to serve once the script has ended.
    private(set) var redirect: String?

    enum State: Equatable {
        case awaitingHead
        /// Passing the body on, framed as the head said.
        case streaming(Framing)
        /// Reading the script's output to its end and dropping it (HEAD,
        /// a redirect, a status without content).
        case skipping
        /// The output has ended; the script's own end is awaited.
        case outputDone
    }

    enum Framing: Equatable {
        /// The script gave a Content-Length: that many bytes, no more.
        case length(remaining: Int64)
        /// An HTTP/1.1 client without a length from the script.
        case chunked
        /// An HTTP/1.0 client without a length: the close ends the body.
        case untilClose
    }

    /// What the session does next.
    enum Step: Equatable {
        /// Wait on `script.readiness` again.
        case waitForScript
        /// Output is queued: wait until the client has taken it.
        case waitForClient
        /// The response is complete and the script has ended.
        case finished
        /// The script failed before its head: answer `status` instead.
        case failed(HTTPStatus, reason: String)
        /// The script failed after the head had gone: the response cannot
        /// be completed, so the connection ends.
        case broken(reason: String)
    }

    /// Bytes read from the script per wake-up: a bound on what one
    /// connection queues before the client has taken it.
    static let readSize = 64 << 10

    /// `persists`: whether the request lets the connection stay open.
    init(script: ScriptProcess, request: RequestHead, persists: Bool) {
        self.script = script
        self.request = request
        self.errorLog = ScriptErrorLog(name: script.name)
        self.persists = persists
    }

    /// Reads what the script has written (a bounded amount) and acts on it.
    mutating func advance(_ io: inout SessionIO, date: [UInt8], server: [UInt8]) -> Step {
        script.readErrors(into: &errorLog)
        if state == .outputDone { return awaitEnd() }
        guard let bytes = script.readOutput() else {
            // Nothing to read: the script may have ended with its output
            // held open by something it started; `hasEnded` takes its
            // notice out of the wait, and the timeout ends the rest.
            _ = script.hasEnded()
            return .waitForScript
        }
        if bytes.isEmpty { return outputEnded(&io) }
        if state == .awaitingHead {
            switch parser.parse(bytes) {
            case .incomplete:
                return .waitForScript
            case .malformed(let reason):
                return .failed(.badGateway, reason: "a malformed header: \(reason)")
            case .head(let head, let consumed):
                startResponse(head, &io, date: date, server: server)
                pass(UnsafeRawBufferPointer(rebasing: bytes[consumed...]), &io)
            }
        } else {
            pass(bytes, &io)
        }
        return io.output.isEmpty ? .waitForScript : .waitForClient
    }

    /// The script's error output, read to its end once the script is stopped.
    mutating func finishErrorLog() {
        script.readErrors(into: &errorLog)
        errorLog.finish()
    }

    /// Whether the head has gone: a failure after it can only close.
    var hasSentHead: Bool { status != nil }

    // MARK: - The head

    private mutating func startResponse(
        _ head: CGIResponseHead, _ io: inout SessionIO, date: [UInt8], server: [UInt8]
    ) {
        var status = head.status
        var fieldLines: [UInt8] = []
        var contentLength = head.contentLength
        var sendsBody = request.method != .head
        switch head.kind {
        case .localRedirect(let path):
            // Section 6.2.2: the response is the one for `path`, served once
            // the script has ended; the script's output is dropped.
            redirect = path
            state = .skipping
            return
        case .clientRedirect where head.contentType == nil:
            // Section 6.2.3: nothing but the Location is passed on.
            fieldLines = Array("Location: \(head.location ?? "/")\r\n".utf8)
            contentLength = 0
            sendsBody = false
        case .clientRedirect, .document:
            if let contentType = head.contentType { fieldLines += Array("Content-Type: \(contentType)\r\n".utf8) }
            if let location = head.location { fieldLines += Array("Location: \(location)\r\n".utf8) }
        }
        fieldLines += head.fieldLines
        if status.forbidsContent {
            contentLength = nil
            sendsBody = false
        }
        let framing: Framing =
            if let contentLength { .length(remaining: contentLength) } else if request.version == .http1_1 {
                .chunked
            } else { .untilClose }
        if framing == .chunked && !status.forbidsContent && request.method != .head {
            fieldLines += Self.chunkedLine
        }
        if framing == .untilClose && sendsBody { persists = false }
        if let reason = head.reason, !reason.isEmpty { status = HTTPStatus(status.code, reason) }
        let persistence: ResponseHeadWriter.Persistence =
            !persists ? .close : request.version.persistsByDefault ? .implied : .keepAlive
        ResponseHeadWriter.write(
            status: status, contentLength: contentLength, fieldLines: fieldLines, persistence: persistence,
            date: date, server: server, to: &io.output)
        self.status = status
        state = sendsBody ? .streaming(framing) : .skipping
    }

    private static let chunkedLine = Array("Transfer-Encoding: chunked\r\n".utf8)

    // MARK: - The body

    /// Queues `bytes` of the script's body, framed.
    private mutating func pass(_ bytes: UnsafeRawBufferPointer, _ io: inout SessionIO) {
        guard !bytes.isEmpty, case .streaming(let framing) = state else { return }
        switch framing {
        case .length(let remaining):
            // Bytes past the declared length are not ours to send.
            let taken = Int(min(Int64(bytes.count), remaining))
            io.output.append(UnsafeRawBufferPointer(rebasing: bytes[..<taken]))
            bodyBytes += Int64(taken)
            state = .streaming(.length(remaining: remaining - Int64(taken)))
        case .chunked:
            io.output.append(contentsOf: Array(String(bytes.count, radix: 16).utf8))
            io.output.append(contentsOf: Self.lineEnd)
            io.output.append(bytes)
            io.output.append(contentsOf: Self.lineEnd)
            bodyBytes += Int64(bytes.count)
        case .untilClose:
            io.output.append(bytes)
            bodyBytes += Int64(bytes.count)
        }
    }

    private static let lineEnd: [UInt8] = [0x0D, 0x0A]
    private static let lastChunk = Array("0\r\n\r\n".utf8)

    /// The script's output has ended.
    private mutating func outputEnded(_ io: inout SessionIO) -> Step {
        switch state {
        case .awaitingHead:
            script.readErrors(into: &errorLog)
            return .failed(.badGateway, reason: "the script ended its output before its header")
        case .streaming(.length(let remaining)) where remaining > 0:
            return .broken(reason: "the script wrote \(remaining) bytes less than its Content-Length")
        case .streaming(.chunked):
            io.output.append(contentsOf: Self.lastChunk)
        case .streaming(.untilClose):
            persists = false
        case .streaming, .skipping, .outputDone:
            break
        }
        state = .outputDone
        return awaitEnd()
    }

    /// The response is complete once the script has ended too (its pidfd
    /// wakes the session), so that the next request never overlaps it.
    private func awaitEnd() -> Step {
        script.hasEnded() ? .finished : .waitForScript
    }
}
