import Glibc
import SocketCore
import Streams
import SystemPackage
import Telnet

/// One run of `sockworks telnet` after its arguments were checked: connect,
/// then play the script, copy the pipes, or hand the terminal over.
struct TelnetRun {
    let plan: TelnetPlan

    /// The exit status: 0 when the script completed or the session ended,
    /// 1 when an expectation timed out or the connection failed, 2 when the
    /// host's name does not resolve.
    func run() -> Int32 {
        // Standard output may be a pipe whose reader leaves: EPIPE, not death.
        signal(SIGPIPE, SIG_IGN)
        let socket: Socket
        do throws(HostConnectError) {
            (socket, _) = try Socket.connectStream(toHost: plan.host, port: plan.port, deadline: .now + plan.timeout)
        } catch {
            CommandFailure.report("cannot connect to \(plan.host) port \(plan.port): \(error)")
            if case .cannotResolve = error { return 2 }
            return 1
        }
        var windowSize: TelnetWindowSize?
        if plan.mode == .interactive, let size = TerminalMode.size(of: 1) {
            windowSize = TelnetWindowSize(columns: size.columns, rows: size.rows)
        }
        let client = TelnetClient(
            stream: socket, session: TelnetSession(terminalType: plan.terminalType, windowSize: windowSize))
        defer { client.close() }
        do throws(TelnetError) {
            switch plan.mode {
            case .script(let steps):
                return try TelnetScriptRun(client: client, timeout: plan.timeout).play(steps)
            case .pipes:
                return try TelnetPipeRun(client: client, socket: socket, timeout: plan.timeout).run()
            case .interactive:
                return try TelnetInteractiveRun(client: client, socket: socket, plan: plan).run()
            }
        } catch {
            CommandFailure.report("\(plan.host) port \(plan.port): \(error)")
            return 1
        }
    }
}

/// Standard output as bytes, written as they arrive.
enum ReceivedOutput {
    static func write(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        try? FileDescriptorStream(FileDescriptor(rawValue: 1)).write(bytes)
    }
}

/// Waits until one of `descriptors` is readable (or hung up), or `deadline`
/// passes; returns which are ready, none on timeout.
func waitForInput(_ descriptors: [Int32], until deadline: MonotonicInstant?) throws(TelnetError) -> [Bool] {
    var polls = PollSet()
    for descriptor in descriptors { _ = polls.append(descriptor, events: .readable) }
    do {
        let left = deadline.map { MonotonicInstant.now.duration(to: $0) }
        if let left, left <= .zero { return descriptors.map { _ in false } }
        guard try polls.wait(timeout: left) > 0 else { return descriptors.map { _ in false } }
    } catch {
        throw .stream(.system(error))
    }
    return descriptors.indices.map { !polls.ready(at: $0).isEmpty }
}

/// Reads what the socket has (poll said it is readable) and shows its data.
func receiveWhatIsThere(_ client: TelnetClient) throws(TelnetError) {
    do {
        try client.receiveOnce(deadline: .now)
    } catch .timedOut {
        // Readable a moment ago, and nothing after all: poll again.
    }
    ReceivedOutput.write(client.takeReceived())
}
