import Glibc
import SystemPackage
import TestSupport
import XCTest

/// The `icmpping` executable built beside this test bundle.
func icmppingExecutable() throws -> String {
    try builtExecutable("icmpping").string
}

/// The command that execs a program in network namespace `namespace` under
/// the same pid; none when `namespace` is nil.
func launcher(namespace: String?) -> [String] {
    namespace.map { ["/usr/sbin/ip", "netns", "exec", $0] } ?? []
}

/// Runs `executable ARGUMENTS` to completion, in network namespace
/// `namespace` when given. A flood or a long run takes minutes at most: one
/// still running after five is killed.
func runCommand(_ executable: String, _ arguments: [String], namespace: String? = nil) async throws -> ProcessRun {
    try await runProgram(
        FilePath(executable), arguments, launcher: launcher(namespace: namespace),
        timeout: .seconds(300))
}

func icmpping(_ arguments: [String], namespace: String? = nil) async throws -> ProcessRun {
    try await runCommand(try icmppingExecutable(), arguments, namespace: namespace)
}

func iputilsPing(_ arguments: [String], namespace: String? = nil) async throws -> ProcessRun {
    try requireProgram("/usr/bin/ping")
    return try await runCommand("/usr/bin/ping", arguments, namespace: namespace)
}

/// A network namespace with loopback up, removed by `remove()`.
struct NetworkNamespace {
    let name: String

    init(_ purpose: String) async throws {
        try requireRoot()
        try requireProgram("/usr/sbin/ip")
        name = "icmpping-\(purpose)-\(getpid())"
        _ = try? await runCommand("/usr/sbin/ip", ["netns", "del", name])
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
        let run = try await runCommand(program, Array(words.dropFirst()), namespace: name)
        guard run.exitCode == 0 else { throw TestFailure("\(line): \(run.standardError)") }
    }

    /// Standard output of a command line inside the namespace.
    func output(_ line: String) async throws -> String {
        let words = line.split(separator: " ").map(String.init)
        return try await runCommand("/usr/sbin/\(words[0])", Array(words.dropFirst()), namespace: name).standardOutput
    }

    func remove() async {
        _ = try? await runCommand("/usr/sbin/ip", ["netns", "del", name])
    }

    private func checked(_ program: String, _ arguments: [String]) async throws {
        let run = try await runCommand(program, arguments)
        guard run.exitCode == 0 else { throw TestFailure("\(program) \(arguments): \(run.standardError)") }
    }
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
