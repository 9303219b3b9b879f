import Glibc
import Subprocess

extension ProcessIdentifier {
    /// Whether the process has exited, without reaping it (swift-subprocess
    /// reaps). A pidfd becomes readable when its process terminates.
    public var hasExited: Bool {
        precondition(processDescriptor >= 0, "swift-subprocess gave no pidfd")
        var entry = pollfd(fd: processDescriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 1
    }

    /// Waits up to `timeout` for the process to exit; true when it has.
    public func waitForExit(timeout: Duration) async throws -> Bool {
        try await waitUntil(timeout: timeout, pollingEvery: .milliseconds(5)) { hasExited }
    }
}
