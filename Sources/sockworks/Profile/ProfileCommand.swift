import ArgumentParser
import Bench
import Glibc
import Servers

struct ProfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Where one server model spends its time: syscalls, instructions and allocations per request.",
        discussion: """
            Runs --requests echo requests of 64 bytes over --connections connections against \
            `sockworks serve echo --model M`, three times: under strace -c -f (and once with no \
            requests, subtracted, so start-up and shutdown do not count), and under valgrind's \
            callgrind, collecting only while the load runs. Prints per request: system calls by \
            name, instructions, allocations, and the functions that execute most instructions \
            themselves, with the command that opens the callgrind file. Needs strace, valgrind \
            and objcopy (tools/install-deps installs them).
            """
    )

    @Option(help: "The server model to profile.")
    var model: ServerModel = .epoll

    @Option(help: "Concurrent connections.")
    var connections = 16

    @Option(help: "Echo requests to profile.")
    var requests = 20_000

    @Option(help: "Functions to list.")
    var top = 15

    @Flag(
        help: ArgumentHelp(
            "Serve with --control and --metrics on, so the figures include what counting costs.",
            discussion: "Compare with a run without it: the difference is the scoreboard's cost per request."))
    var withControl = false

    @Option(
        help:
            "Folder for the strace tables and the callgrind file (default: bench-results/profile-<model>-<UTC timestamp>)."
    )
    var out: String?

    func validate() throws {
        guard (1...10_000).contains(connections) else { throw ValidationError("--connections must be in 1...10000") }
        guard (100...10_000_000).contains(requests) else {
            throw ValidationError("--requests must be in 100...10000000")
        }
        guard (1...200).contains(top) else { throw ValidationError("--top must be in 1...200") }
    }

    func run() async throws {
        raiseDescriptorLimit()
        let executable = try BenchPaths.ownExecutable()
        let folder = out ?? "bench-results/profile-\(model.rawValue)-\(BenchPaths.timestamp())"
        try BenchPaths.makeFolder(folder)
        let pinned = sysconf(Int32(_SC_NPROCESSORS_ONLN)) >= 2
        var serverCommand =
            [executable, "serve", "echo", "--model", model.rawValue, "--port", "0"]
            + (model.hasWorkers ? ["--workers", "1"] : [])
        if withControl {
            let endpoints = ControlEndpoints(
                controlPath: folder + "/control.sock", metricsPort: try ControlEndpoints.freePort())
            serverCommand += endpoints.arguments
        }
        let runner = ProfileRunner(
            serverCommand: serverCommand,
            loadCommand: [executable, "loadgen"], connections: connections, requests: requests,
            folder: folder, serverCPU: pinned ? 0 : nil, loadCPU: pinned ? 1 : nil)
        let result = try await runner.run { writeStandardError($0 + "\n") }
        let names = await demangle(result.profile.functions.prefix(top).map(\.name))
        writeStandardOutput(ProfileReport(model: model.rawValue, result: result, top: top, demangled: names).text)
    }
}
