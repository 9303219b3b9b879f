import Subprocess
import SystemPackage

/// Starts `launcher + [executable] + arguments`, hands it to `body` while it
/// runs, and makes sure it is gone afterwards: a process `body` left running
/// is killed by its PID and reported as `leftRunning`, so no test can leak a
/// server or hang on one.
///
/// `launcher` is a command that execs the program under the same PID
/// (`ip netns exec NAME`, `prlimit --nofile=64:64 --`). With
/// `ownProcessGroup` the program starts a process group of its own and every
/// signal goes to that group: a `socat ...,fork` server's children outlive
/// their parent otherwise.
/// `environment` adds to (or replaces in) the environment it inherits.
public func withProgram<Value: Sendable>(
    _ executable: FilePath, _ arguments: [String], launcher: [String] = [], ownProcessGroup: Bool = false,
    environment: [String: String] = [:], _ body: (LiveProcess) async throws -> Value
) async throws -> (value: Value, outcome: LiveOutcome) {
    ignoreSIGPIPEInTests()
    let command = launcher + [executable.string] + arguments
    var options = PlatformOptions()
    if ownProcessGroup { options.processGroupID = 0 }
    let result = try await run(
        .path(FilePath(command[0])),
        arguments: Arguments(Array(command.dropFirst())),
        environment: .inherit.updating(
            Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(stringLiteral: $0.key), $0.value) })),
        platformOptions: options,
        input: .none,
        output: .sequence,
        error: .string(limit: 1 << 20)
    ) { execution in
        let collector = OutputCollector()
        let live = LiveProcess(
            processIdentifier: execution.processIdentifier, output: collector,
            signal: { try execution.send(signal: $0, toProcessGroup: ownProcessGroup) })
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Ends at EOF, or with an error when swift-subprocess cancels
                // the read because the process has exited; either is the end.
                do {
                    for try await chunk in execution.standardOutput { collector.append(chunk) }
                } catch {}
                collector.end()
            }
            let value: Value
            do {
                value = try await body(live)
            } catch {
                try? execution.send(signal: .kill, toProcessGroup: ownProcessGroup)
                throw error
            }
            let leftRunning = live.isRunning
            if leftRunning { _ = try await live.stop(.kill, timeout: .seconds(10)) }
            try await group.waitForAll()
            return (value, leftRunning, collector.text)
        }
    }
    let (value, leftRunning, output) = result.closureResult
    let outcome = LiveOutcome(
        status: result.terminationStatus, standardOutput: output,
        standardError: result.standardError, leftRunning: leftRunning)
    return (value, outcome)
}
