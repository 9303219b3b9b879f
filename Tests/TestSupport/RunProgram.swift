import Glibc
import Subprocess
import SystemPackage

/// The test process writes to pipes and sockets whose readers may be gone; it
/// must see EPIPE, not die. Children start with default dispositions again
/// (swift-subprocess spawns with POSIX_SPAWN_SETSIGDEF), so a server that
/// forgets MSG_NOSIGNAL still dies of SIGPIPE and the tests notice.
public func ignoreSIGPIPEInTests() {
    signal(SIGPIPE, SIG_IGN)
}

/// Runs `launcher + [executable] + arguments` to completion and collects what
/// it printed; kills it by PID when `timeout` passes (`timedOut` says so).
///
/// `input` goes to standard input from an unlinked file, not a pipe, so a
/// program that stops reading early never makes the test's writer fail;
/// without input, standard input is /dev/null.
/// `launcher` is a command that execs the program in the same process
/// (`ip netns exec NAME`, `prlimit --nofile=64:64 --`).
public func runProgram(
    _ executable: FilePath, _ arguments: [String], launcher: [String] = [], input: [UInt8] = [],
    timeout: Duration = .seconds(10)
) async throws -> ProcessRun {
    ignoreSIGPIPEInTests()
    let command = launcher + [executable.string] + arguments
    let inputFile =
        try input.isEmpty
        ? FileDescriptor.open("/dev/null", .readOnly, options: .closeOnExec) : unlinkedFile(holding: input)
    let result = try await run(
        .path(FilePath(command[0])),
        arguments: Arguments(Array(command.dropFirst())),
        input: .fileDescriptor(inputFile, closeAfterSpawningProcess: true),
        output: .bytes(limit: 64 << 20),
        error: .string(limit: 1 << 20)
    ) { execution in
        if try await execution.processIdentifier.waitForExit(timeout: timeout) { return false }
        try? execution.send(signal: .kill)
        return true
    }
    return ProcessRun(
        status: result.terminationStatus, standardOutputBytes: result.standardOutput,
        standardError: result.standardError, timedOut: result.closureResult)
}

/// A descriptor, at offset 0, of a file in /tmp that holds `bytes` and has no
/// name any more: nothing to clean up. It is made close-on-exec at once
/// (O_EXCL, so never someone else's file): other tests spawn programs
/// meanwhile, and only this run's child may get it.
private func unlinkedFile(holding bytes: [UInt8]) throws -> FileDescriptor {
    let path = FilePath("/tmp/sockworks-input-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
    let file = try FileDescriptor.open(
        path, .readWrite, options: [.create, .exclusiveCreate, .closeOnExec],
        permissions: [.ownerReadWrite])
    unlink(path.string)
    do {
        _ = try file.writeAll(bytes)
        _ = try file.seek(offset: 0, from: .start)
    } catch {
        try? file.close()
        throw error
    }
    return file
}
