import Glibc

/// Checks `condition` every `interval` until it holds (true) or `timeout`
/// passes (false), sleeping the task in between.
public func waitUntil(
    timeout: Duration = .seconds(10), pollingEvery interval: Duration = .milliseconds(10),
    _ condition: () throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while try !condition() {
        if ContinuousClock.now >= deadline { return false }
        try await Task.sleep(for: interval)
    }
    return true
}

/// `waitUntil` for code on a thread of its own: blocks the thread between
/// checks instead of suspending a task.
public func blockUntil(
    timeout: Duration = .seconds(10), pollingEvery interval: Duration = .milliseconds(2),
    _ condition: () throws -> Bool
) rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    let (seconds, attoseconds) = interval.components
    let microseconds = UInt32(seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
    while try !condition() {
        if ContinuousClock.now >= deadline { return false }
        usleep(microseconds)
    }
    return true
}
