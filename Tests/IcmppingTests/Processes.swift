import Glibc
import Subprocess
import SystemPackage
import XCTest

/// What one run of a program did.
struct ProcessRun {
    let status: TerminationStatus
    let standardOutput: String
    let standardError: String

    var exitCode: Int32? {
        if case .exited(let code) = status { return code }
        return nil
    }
}

/// The `icmpping` executable built beside this test bundle.
func icmppingExecutable() throws -> String {
    var folder = FilePath(CommandLine.arguments[0])
    folder.removeLastComponent()
    for candidate in [folder.appending("icmpping"), folder.removingLastComponent().appending("icmpping")]
    where access(candidate.string, X_OK) == 0 {
        return candidate.string
    }
    throw XCTSkip("icmpping is not built beside \(folder)")
}

/// Tests that open raw sockets, change iptables or make namespaces.
func requireRoot() throws {
    guard geteuid() == 0 else { throw XCTSkip("needs root: raw ICMP sockets, iptables and network namespaces") }
}

/// A program that must be installed (tools/install-deps installs it).
func requireProgram(_ path: String) throws {
    guard access(path, X_OK) == 0 else { throw XCTSkip("\(path) is missing: run tools/install-deps") }
}

/// Runs `executable ARGUMENTS` to completion, in network namespace
/// `namespace` when given.
func runProgram(_ executable: String, _ arguments: [String], namespace: String? = nil) async throws -> ProcessRun {
    let command = namespace.map { ["/usr/sbin/ip", "netns", "exec", $0, executable] } ?? [executable]
    let result = try await run(
        .path(FilePath(command[0])),
        arguments: Arguments(Array(command.dropFirst()) + arguments),
        output: .string(limit: 1 << 22),
        error: .string(limit: 1 << 20)
    )
    return ProcessRun(status: result.terminationStatus, standardOutput: result.standardOutput,
                      standardError: result.standardError)
}

func icmpping(_ arguments: [String], namespace: String? = nil) async throws -> ProcessRun {
    try await runProgram(try icmppingExecutable(), arguments, namespace: namespace)
}

func iputilsPing(_ arguments: [String], namespace: String? = nil) async throws -> ProcessRun {
    try requireProgram("/usr/bin/ping")
    return try await runProgram("/usr/bin/ping", arguments, namespace: namespace)
}

/// A network namespace with loopback up, removed by `remove()`.
struct NetworkNamespace {
    let name: String

    init(_ purpose: String) async throws {
        try requireRoot()
        try requireProgram("/usr/sbin/ip")
        name = "icmpping-\(purpose)-\(getpid())"
        _ = try? await runProgram("/usr/sbin/ip", ["netns", "del", name])
        try await checked("/usr/sbin/ip", ["netns", "add", name])
        try await shell("ip link set lo up")
    }

    /// Runs a command line inside the namespace; fails the test when it fails.
    func shell(_ line: String) async throws {
        try await run(line.split(separator: " ").map(String.init))
    }

    /// Runs a command given word by word inside the namespace.
    func run(_ words: [String]) async throws {
        let line = words.joined(separator: " ")
        let program = words[0] == "ip" ? "/usr/sbin/ip" : "/usr/sbin/\(words[0])"
        try requireProgram(program)
        let run = try await runProgram(program, Array(words.dropFirst()), namespace: name)
        guard run.exitCode == 0 else { throw Failure("\(line): \(run.standardError)") }
    }

    /// Standard output of a command line inside the namespace.
    func output(_ line: String) async throws -> String {
        let words = line.split(separator: " ").map(String.init)
        return try await runProgram("/usr/sbin/\(words[0])", Array(words.dropFirst()), namespace: name).standardOutput
    }

    func remove() async {
        _ = try? await runProgram("/usr/sbin/ip", ["netns", "del", name])
    }

    private func checked(_ program: String, _ arguments: [String]) async throws {
        let run = try await runProgram(program, arguments)
        guard run.exitCode == 0 else { throw Failure("\(program) \(arguments): \(run.standardError)") }
    }
}

struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Output with what varies between runs masked: round-trip figures, the
/// run's duration, `-D` stamps; our extra percentile line dropped (iputils
/// has none).
func masked(_ output: String) -> [String] {
    output.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line -> String? in
        var text = String(line)
        if text.hasPrefix("rtt p50/p90/p99/jitter") { return nil }
        text = text.replacing(/time=[0-9.]+ ms/, with: "time=T ms")
        text = text.replacing(/time [0-9]+ms/, with: "time Tms")
        text = text.replacing(/= [0-9.\/]+ ms/, with: "= T ms")
        text = text.replacing(/ipg\/ewma [0-9.\/]+ ms/, with: "ipg/ewma T ms")
        text = text.replacing(#/^\[[0-9]+\.[0-9]{6}\] /#, with: "[S] ")
        return text
    }
}
