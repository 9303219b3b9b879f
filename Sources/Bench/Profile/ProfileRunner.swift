import Glibc
import Subprocess
import SystemPackage

/// `sockworks profile`: K requests against one server model, seen three
/// ways. System calls by name from `strace -c -f` (every thread and child),
/// with the calls of a run without requests subtracted so that start-up and
/// shutdown do not count; instructions and allocations from callgrind,
/// instrumenting only while the load runs (`--instr-atstart=no`, then `callgrind_control -i on` and `off`), on a copy
/// of the executable without DWARF (valgrind 3.19 cannot read the DWARF 5
/// that Swift's toolchain writes, and the symbols are enough).
public struct ProfileRunner: Sendable {
    public var serverCommand: [String]
    public var loadCommand: [String]
    public var connections: Int
    public var requests: Int
    public var folder: String
    public var serverCPU: Int?
    public var loadCPU: Int?

    public init(
        serverCommand: [String], loadCommand: [String], connections: Int, requests: Int, folder: String,
        serverCPU: Int?, loadCPU: Int?
    ) {
        self.serverCommand = serverCommand
        self.loadCommand = loadCommand
        self.connections = connections
        self.requests = requests
        self.folder = folder
        self.serverCPU = serverCPU
        self.loadCPU = loadCPU
    }

    public struct Result: Sendable {
        public var requests: Int
        /// The requests the system-call difference covers.
        public var syscallRequests: Int
        public var syscalls: StraceSummary
        public var profile: CallgrindProfile
        public var callgrindFile: String
    }

    public func run(progress: @Sendable (String) -> Void) async throws -> Result {
        // Two runs that differ only in the number of requests: their
        // difference is the requests' own calls, start-up and shutdown cancel.
        let fewer = max(requests / 10, 1)
        progress("system calls: strace -c -f, \(requests) requests, and \(fewer) to subtract")
        let straceLoaded = try await straceRun(requests: requests, file: folder + "/strace-loaded.txt")
        let straceIdle = try await straceRun(requests: fewer, file: folder + "/strace-baseline.txt")
        progress("instructions: callgrind over \(requests) requests (slow: valgrind runs the server ~50x slower)")
        let (callgrindFile, profile) = try await callgrindRun()
        return Result(
            requests: requests, syscallRequests: requests - fewer,
            syscalls: straceLoaded.subtracting(straceIdle), profile: profile, callgrindFile: callgrindFile)
    }

    private func target(_ prefix: [String]) -> EchoTarget {
        EchoTarget(name: "profiled", isPeer: false, command: prefix + serverCommand)
    }

    private func load(_ server: RunningServer, requests: Int) async throws {
        // No warm-up and no time limit: exactly `requests` requests.
        let arguments = [
            "--port", "\(server.port)", "--connections", "\(connections)", "--size", "64",
            "--warmup", "0", "--duration", "600", "--requests", "\(requests)",
        ]
        _ = try await LoadRun(command: loadCommand + arguments, cpu: loadCPU).run(against: server)
    }

    private func straceRun(requests: Int, file: String) async throws -> StraceSummary {
        let loadRequests = requests
        _ = try await withServer(target(["strace", "-c", "-f", "-o", file, "--"]), cpu: serverCPU) { server in
            try await load(server, requests: loadRequests)
            // strace ignores SIGTERM while it traces: stop the server, its
            // child, and strace writes the table and exits with it.
            for child in ProcessTree(root: server.pid).processes() where child != server.pid {
                kill(child, SIGTERM)
                break
            }
            for _ in 0..<1000 where ProcFiles.read("/proc/\(server.pid)/stat") != nil {
                if let state = ProcFiles.read("/proc/\(server.pid)/stat"), state.contains(") Z") { break }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        guard let text = ProcFiles.read(file) else { throw BenchError("strace wrote no \(file)") }
        return StraceSummary(parsing: text)
    }

    private func callgrindRun() async throws -> (String, CallgrindProfile) {
        let executable = serverCommand[0]
        let stripped = folder + "/server-nodebug"
        let strip = try await Subprocess.run(
            .name("objcopy"), arguments: ["--strip-debug", executable, stripped],
            output: .discarded, error: .string(limit: 1 << 16))
        guard strip.terminationStatus == .exited(0) else {
            throw BenchError("objcopy --strip-debug failed: \(strip.standardError)")
        }
        let out = folder + "/callgrind.out"
        let valgrind = [
            "valgrind", "--tool=callgrind", "--trace-children=yes", "--instr-atstart=no",
            "--callgrind-out-file=\(out).%p",
        ]
        let command = valgrind + [stripped] + serverCommand.dropFirst()
        let pid = try await withServer(EchoTarget(name: "profiled", isPeer: false, command: command), cpu: serverCPU) {
            server in
            try await control(["-i", "on", "\(server.pid)"])
            try await load(server, requests: requests)
            try await control(["-i", "off", "\(server.pid)"])
            return server.pid
        }
        // The dump at exit goes to callgrind.out.<pid>, one file per process
        // (valgrind runs the server itself, so its pid is the server's).
        guard let text = ProcFiles.read("\(out).\(pid)") else {
            throw BenchError("callgrind wrote no \(out).<pid>")
        }
        return ("\(out).\(pid)", CallgrindProfile(parsing: text))
    }

    private func control(_ arguments: [String]) async throws {
        let result = try await Subprocess.run(
            .name("callgrind_control"), arguments: Arguments(arguments),
            output: .discarded, error: .string(limit: 1 << 16))
        guard result.terminationStatus == .exited(0) else {
            throw BenchError("callgrind_control \(arguments.joined(separator: " ")) failed: \(result.standardError)")
        }
    }
}

/// Swift symbol names made readable by `swift demangle --simplified`
/// (from the toolchain); an empty map when it is not there.
public func demangle(_ names: [String]) async -> [String: String] {
    let mangled = names.filter { $0.hasPrefix("$s") }
    guard !mangled.isEmpty,
        let result = try? await Subprocess.run(
            .name("swift"), arguments: Arguments(["demangle", "--simplified", "--compact"] + mangled),
            output: .string(limit: 1 << 20), error: .discarded),
        result.terminationStatus == TerminationStatus.exited(0)
    else { return [:] }
    let lines = result.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard lines.count >= mangled.count else { return [:] }
    return Dictionary(zip(mangled, lines.prefix(mangled.count)), uniquingKeysWith: { first, _ in first })
}
