import Servers
import SocketCore

/// A script's request whose body is still arriving.
struct PendingScript {
    let head: RequestHead
    let target: CGITarget
    var input: ScriptInput
}

/// How far a script's request body has come.
enum ScriptBodyProgress {
    /// All the input was body; more is due.
    case needMore
    /// The body ended after `used` bytes of the input; `action` is the
    /// response's.
    case complete(used: Int, action: SessionAction)
}

/// CGI (RFC 3875) in the session: a request for a script gets its body
/// read into a memory file, a script started with it, and the script's
/// response passed on as it comes (`ScriptExchange`), while the model
/// waits on the script's descriptors and serves the other connections.
/// Every way out (the end, a failure, the timeout, the client leaving)
/// goes through `endScript`, which kills the script's group, reaps it and
/// gives its slot back.
extension HTTPSession {
    static let scriptMethods = Array("Allow: GET, HEAD, POST\r\n".utf8)
    static let continueLine = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
    static let retryLine = Array("Retry-After: 1\r\n".utf8)
    /// Local redirects followed for one request before it is answered `500`.
    static let maxLocalRedirects = 5

    mutating func startScript(
        _ head: RequestHead, _ target: CGITarget, _ scripts: ScriptContext, _ io: inout SessionIO
    ) -> SessionAction {
        guard head.method == .get || head.method == .head || head.method == .post else {
            return respondStatically(
                to: head, answer: .error(.methodNotAllowed, extraFieldLines: Self.scriptMethods), &io)
        }
        let limit = scripts.options.maxRequestBody
        switch head.body {
        case .none, .length(0):
            return runScript(head, target, input: nil, &io)
        case .length(let length) where length > limit:
            refuse(.contentTooLarge, reason: "a request body of \(length) bytes for a script", &io)
            return linger(&io)
        case .length, .chunked:
            break
        }
        let input: ScriptInput
        do {
            input = try ScriptInput(head.body, limit: limit)
        } catch {
            refuse(.internalServerError, reason: "no memory file for a request body: \(error)", &io)
            return linger(&io)
        }
        // The client waits for this before it sends the body (RFC 9110
        // section 10.1.1); the static site never wants one, a script does.
        if head.version >= .http1_1 && head.fields.hasToken("100-continue", in: "expect") {
            io.output.append(contentsOf: Self.continueLine)
        }
        phase = .receivingScriptBody(PendingScript(head: head, target: target, input: input))
        arm(.script, &io)
        return .proceed
    }

    /// Takes the body's part of `bytes`; starts the script once it is whole.
    mutating func receiveScriptBody(
        _ pending: inout PendingScript, _ bytes: UnsafeRawBufferPointer, _ io: inout SessionIO
    ) -> ScriptBodyProgress {
        let used: Int
        do {
            used = try pending.input.consume(bytes)
        } catch {
            refuse(error.status, reason: error.reason, &io)
            return .complete(used: bytes.count, action: linger(&io))
        }
        guard pending.input.isComplete else {
            phase = .receivingScriptBody(pending)
            return .needMore
        }
        do {
            try pending.input.finish()
        } catch {
            refuse(.internalServerError, reason: "request body: \(error)", &io)
            return .complete(used: bytes.count, action: linger(&io))
        }
        phase = .awaitingHead
        return .complete(used: used, action: runScript(pending.head, pending.target, input: pending.input, &io))
    }

    /// Starts the script with its meta-variables and its body, or answers
    /// why it cannot run.
    private mutating func runScript(
        _ head: RequestHead, _ target: CGITarget, input: ScriptInput?, _ io: inout SessionIO
    ) -> SessionAction {
        let scripts = context.scripts!
        let path: String
        switch scripts.locate(target) {
        case .failure(let failure):
            return answerScriptFailure(head, failure.status, "cgi \(target.name): \(failure.reason)", &io)
        case .success(let located):
            path = located
        }
        guard scripts.slots.take() else {
            ServerLog.warning("cgi \(target.name): 503: \(scripts.slots.limit) scripts running already (--cgi-max)")
            return respondStatically(
                to: head.withoutBody, answer: .error(.serviceUnavailable, extraFieldLines: Self.retryLine), &io)
        }
        let environment = CGIEnvironment.variables(for: facts(head, target, input: input, scripts))
        let script: ScriptProcess
        do {
            script = try ScriptProcess(path: path, name: target.name, environment: environment, body: input?.file)
        } catch {
            scripts.slots.release()
            return answerScriptFailure(head, error.status, "cgi \(target.name): \(error.reason)", &io)
        }
        let persists = head.persists && served != context.options.maxRequestsPerConnection
        phase = .runningScript(ScriptExchange(script: script, request: head, persists: persists))
        io.pausesReading = true
        io.waitsOn = WaitedDescriptor(script.readiness.descriptor)
        arm(.script, &io)
        return .proceed
    }

    private func facts(
        _ head: RequestHead, _ target: CGITarget, input: ScriptInput?, _ scripts: ScriptContext
    ) -> CGIRequestFacts {
        CGIRequestFacts(
            method: head.method, version: head.version, target: target, fields: head.fields,
            contentLength: input?.length, documentRoot: scripts.documentRoot,
            serverName: head.host.map(Self.hostName) ?? scripts.serverAddress, serverPort: scripts.serverPort,
            remoteAddress: peer.ipAddress?.description ?? "", remotePort: peer.port ?? 0,
            serverSoftware: scripts.serverSoftware, path: scripts.path)
    }

    /// The Host field without its port: `example.com:8080` → `example.com`,
    /// `[::1]:8080` → `[::1]`.
    static func hostName(_ host: String) -> String {
        guard let colon = host.lastIndex(of: ":"), !host.hasSuffix("]") else { return host }
        return String(host[..<colon])
    }

    // MARK: - The running script

    mutating func scriptWoken(_ io: inout SessionIO) -> SessionAction {
        guard case .runningScript(var exchange) = phase else { return .proceed }
        clock.update()
        let step = exchange.advance(&io, date: clock.dateLine, server: context.serverLine)
        phase = .runningScript(exchange)
        switch step {
        case .waitForScript:
            return .proceed
        case .waitForClient:
            io.waitsOn = nil
            io.wantsDrained = true
            return .proceed
        case .finished:
            return finishScript(&io)
        case .failed(let status, let reason):
            let (ended, exit) = endScript(&io)
            return answerScriptFailure(ended.request, status, failureLine(ended, status, reason, exit), &io)
        case .broken(let reason):
            let (ended, exit) = endScript(&io)
            ServerLog.warning(failureLine(ended, nil, reason, exit))
            log(ended.request, status: ended.status ?? .badGateway, bodyBytes: ended.bodyBytes)
            io.finishedRequest()
            return .close
        }
    }

    /// The timeout: the script's group is killed; the client gets `504`
    /// unless the response had begun, when only a close can tell it.
    mutating func scriptTimedOut(_ io: inout SessionIO) -> SessionAction {
        let seconds = context.scripts.map { "\($0.options.timeout)" } ?? ""
        switch phase {
        case .receivingScriptBody:
            refuse(.requestTimeout, reason: "a script's request body not received within \(seconds)", &io)
            return linger(&io)
        case .runningScript:
            let (ended, exit) = endScript(&io)
            let why = "killed after the timeout of \(seconds)"
            guard !ended.hasSentHead else {
                ServerLog.warning(failureLine(ended, nil, why + ", its response cut off", exit))
                log(ended.request, status: ended.status ?? .gatewayTimeout, bodyBytes: ended.bodyBytes)
                io.finishedRequest()
                return .close
            }
            return answerScriptFailure(
                ended.request, .gatewayTimeout, failureLine(ended, .gatewayTimeout, why, exit), &io)
        default:
            return .close
        }
    }

    /// The script's response is complete: the connection goes on to the
    /// next request, or to the path of a local redirect.
    private mutating func finishScript(_ io: inout SessionIO) -> SessionAction {
        let (ended, exit) = endScript(&io)
        if let exit, exit != .exited(0) {
            ServerLog.warning("cgi \(ended.script.name): ended with \(exit) after its response")
        }
        if let path = ended.redirect {
            localRedirects += 1
            guard localRedirects <= Self.maxLocalRedirects else {
                return answerScriptFailure(
                    ended.request, .internalServerError,
                    "cgi \(ended.script.name): more than \(Self.maxLocalRedirects) local redirects", &io)
            }
            // RFC 3875 section 6.2.2: answered as a GET of the new path (the
            // body went to the first script).
            var redirected = ended.request.withoutBody
            redirected.target = path
            if redirected.method != .head { redirected.method = .get }
            return respond(to: redirected, &io)
        }
        log(ended.request, status: ended.status ?? .ok, bodyBytes: ended.bodyBytes)
        io.finishedRequest()
        guard ended.persists else { return .close }
        return resumeAfterScript(&io)
    }

    /// Reading resumes: pipelined requests that waited are answered once
    /// this response has gone.
    private mutating func resumeAfterScript(_ io: inout SessionIO) -> SessionAction {
        arm(.keepAlive, &io)
        if !pending.isEmpty { io.wantsDrained = true }
        return .proceed
    }

    /// Answers `head` with `status` after a script could not answer it,
    /// and logs `line`.
    private mutating func answerScriptFailure(
        _ head: RequestHead, _ status: HTTPStatus, _ line: String, _ io: inout SessionIO
    ) -> SessionAction {
        ServerLog.warning(line)
        return respondStatically(to: head.withoutBody, answer: .error(status), &io)
    }

    private func failureLine(_ ended: ScriptExchange, _ status: HTTPStatus?, _ reason: String, _ exit: ChildExit?)
        -> String
    {
        var line = "cgi \(ended.script.name): "
        if let status { line += "\(status.code): " }
        line += reason
        if let exit { line += " (the script: \(exit))" }
        if let last = ended.errorLog.lastLine { line += "; its last error line: \(last)" }
        return line
    }

    /// Ends the running script (its group killed, the script reaped, its
    /// slot given back) and stops waiting on it.
    private mutating func endScript(_ io: inout SessionIO) -> (ScriptExchange, ChildExit?) {
        guard case .runningScript(var exchange) = phase else { preconditionFailure("no script is running") }
        let exit = exchange.script.stop()
        exchange.finishErrorLog()
        context.scripts?.slots.release()
        phase = .awaitingHead
        io.waitsOn = nil
        io.pausesReading = false
        io.wantsDrained = false
        return (exchange, exit)
    }

    /// The connection has ended under a running script: it is stopped.
    mutating func abandonScript() {
        guard case .runningScript(let exchange) = phase else { return }
        exchange.script.stop()
        context.scripts?.slots.release()
        phase = .awaitingHead
    }
}

extension RequestHead {
    /// The head with its body already read (or none): answered without
    /// skipping a body again.
    var withoutBody: RequestHead {
        var head = self
        head.body = .none
        return head
    }
}
