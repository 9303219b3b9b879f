import Servers
import Testing

/// One conformance suite, every server model: each scenario is a test with
/// one case per model (`ServerModel.allCases`, so a model added to the enum
/// is tested without touching this folder), the way libevent's
/// `test/test.sh` runs one regression suite per backend. Scenarios run one
/// after another, never side by side: they load the machine, count a
/// server's descriptors and CPU time, and time a prompt reply.
@Suite(.serialized, .timeLimit(.minutes(2)))
enum Conformance {}

/// The scenarios, and which models sit one out and why. Only a scenario
/// that needs connections served at the same time leaves a model out, and
/// only the iterative one, which serves one connection at a time by design.
enum ConformanceScenario: CaseIterable {
    /// 200 concurrent clients, 64 KiB of random bytes each.
    case concurrentClients
    /// 1000 connections open at once, a small round trip on each.
    case openConnections
    /// Send, shut down the write side, read everything, then end of file.
    case halfClose
    /// A client resets mid-echo; the server serves on and leaks no descriptor.
    case resetMidEcho
    /// A client that does not read must not hold up another.
    case slowReader
    /// RLIMIT_NOFILE 64 and 200 connection attempts.
    case descriptorLimit
    /// SIGTERM with a connection mid-echo.
    case termination

    /// Why `model` does not run this scenario; nil when it does.
    func exclusion(of model: ServerModel) -> String? {
        guard model == .iterative else { return nil }
        switch self {
        case .openConnections:
            return "one connection at a time: the second of 1000 open connections is never served"
        case .slowReader:
            return "one connection at a time: the prompt client waits in the backlog behind the slow one"
        case .descriptorLimit:
            return "one connection at a time: it never holds more than one client's descriptor, and attempts "
                + "held open wait in the backlog behind the first"
        case .concurrentClients, .halfClose, .resetMidEcho, .termination:
            // The 200 clients half-close after sending, so the iterative
            // server serves them one after another from the backlog.
            return nil
        }
    }

    /// The models that run this scenario.
    var models: [ServerModel] { ServerModel.allCases.filter { exclusion(of: $0) == nil } }
}

extension ServerModel {
    /// How many connections of the 1000-connection scenario this model
    /// gets. The forking models serve each connection in a process of its
    /// own, so no process of theirs ever holds more than one connection and
    /// 1000 shows nothing that 100 do not; but 1000 processes, each a copy
    /// of a server built with AddressSanitizer, took 27 s for fork and fork2
    /// together on a 2-core machine (both passed), against under 5 s for
    /// 100. The limits that 1000 is for (FD_SETSIZE, a descriptor and a
    /// thread per connection in one process) are the other models', and
    /// they get all of it.
    var openConnectionCount: Int {
        switch self {
        case .fork, .fork2: 100
        default: 1000
        }
    }

    /// The server's arguments: this model, two workers where it has workers
    /// (so that idle process counts are known, and the epoll models run
    /// more than one loop), and `extra`.
    func serverArguments(_ extra: [String] = []) -> [String] {
        ["--model", rawValue] + (hasWorkers ? ["--workers", String(Self.conformanceWorkers)] : []) + extra
    }

    static let conformanceWorkers = 2

    /// The server's descendants while no client is connected: prefork's
    /// worker processes (the epoll models' workers are threads); nobody
    /// else keeps a process between connections.
    var idleDescendants: Int { self == .prefork ? Self.conformanceWorkers : 0 }

    /// Whether the model serves each connection in a process of its own.
    var forksPerConnection: Bool { self == .fork || self == .fork2 }
}
