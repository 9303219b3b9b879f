/// Answers the control port's lines: parses each, checks the port's rules
/// (token, read-only), and does what the command asks. It only reads the
/// scoreboard, sets the log level and asks the server to shut down, none
/// of which waits on the serving threads.
struct ControlCommandRunner: Sendable {
    let control: ServerControl
    let grace: Duration
    let token: [UInt8]?
    let readOnly: Bool

    /// What to send back, and what to do once it is on its way (a drain or
    /// a stop, which must not end the server before the reply is sent).
    struct Answer {
        var reply: String
        var afterReply: (@Sendable () -> Void)?
    }

    func answer(_ line: ArraySlice<UInt8>) -> Answer {
        switch ControlRequest.parse(line, token: token) {
        case .failure(let refusal): Answer(reply: ControlReplies.refusal(refusal.message))
        case .success(let command): run(command)
        }
    }

    func run(_ command: ControlCommand) -> Answer {
        if readOnly && command.isMutating {
            return Answer(reply: ControlReplies.refusal("read-only control port: only stats, connections and help"))
        }
        switch command {
        case .stats:
            guard let scoreboard = control.scoreboard else { return notCounting }
            return Answer(reply: ControlReplies.stats(scoreboard.statistics()))
        case .connections:
            guard let scoreboard = control.scoreboard else { return notCounting }
            return Answer(reply: ControlReplies.connections(scoreboard.connections()))
        case .logLevel(let name):
            let level = ServerLogLevel(name: name) ?? .info
            // Written at the old level, so that a move to warning is logged too.
            ServerLog.write("control: log level \(level.name)")
            ServerLog.level = level
            return Answer(reply: ControlReplies.logLevel(level))
        case .drain:
            let control = control
            let grace = grace
            return Answer(reply: ControlReplies.shuttingDown("draining", grace: grace)) {
                control.shutDown(grace: grace, reason: "control: drain")
            }
        case .stop:
            let control = control
            return Answer(reply: ControlReplies.shuttingDown("stopping", grace: .zero)) {
                control.shutDown(grace: .zero, reason: "control: stop")
            }
        case .help:
            return Answer(reply: ControlReplies.help())
        }
    }

    private var notCounting: Answer { Answer(reply: ControlReplies.refusal("this server keeps no counts")) }
}
