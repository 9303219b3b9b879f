import Glibc
import XCTest

/// What `getent DATABASE KEY` printed, split into whitespace-separated fields
/// per line; nil when getent found nothing (exit status 2).
///
/// getent reads the same nsswitch.conf sources as the C library, so it is the
/// oracle for what the machine's databases hold. It is run with posix_spawn:
/// this test target has no process library, and Foundation.Process leaks under LSan.
func getent(_ database: String, _ key: String) throws -> [[String]]? {
    let (status, output) = try spawnAndRead(["getent", database, key])
    if status == 2 { return nil }  // "one or more supplied key could not be found"
    guard status == 0 else { throw XCTSkip("getent \(database) \(key) exited \(status)") }
    return output.split(separator: "\n").map { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
}

/// Runs a program found on PATH with stdin closed, returning its exit status
/// and standard output.
private func spawnAndRead(_ arguments: [String]) throws -> (Int32, String) {
    var pipeEnds: [Int32] = [0, 0]
    guard pipe(&pipeEnds) == 0 else { throw XCTSkip("pipe: errno \(errno)") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
    posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
    posix_spawn_file_actions_addclose(&actions, pipeEnds[1])

    var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { cArguments.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, &cArguments, environ)
    close(pipeEnds[1])
    defer { close(pipeEnds[0]) }
    guard spawned == 0 else { throw XCTSkip("\(arguments[0]) cannot be started: errno \(spawned)") }

    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = read(pipeEnds[0], &chunk, chunk.count)
        if count < 0 && errno == EINTR { continue }
        if count <= 0 { break }
        output += chunk[..<count]
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    // WIFEXITED / WEXITSTATUS are macros: decode by hand.
    let exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return (exitStatus, String(decoding: output, as: UTF8.self))
}
