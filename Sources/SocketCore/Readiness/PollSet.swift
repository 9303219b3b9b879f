import Glibc

/// What poll(2) reports for a descriptor.
public struct PollEvents: OptionSet, Sendable {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    /// Data to read, a connection to accept, or end-of-file. The C constant is `POLLIN`.
    public static let readable = PollEvents(rawValue: Int16(POLLIN))
    /// Room to write. The C constant is `POLLOUT`.
    public static let writable = PollEvents(rawValue: Int16(POLLOUT))
    /// An error is pending (reported even when not asked for). The C constant is `POLLERR`.
    public static let error = PollEvents(rawValue: Int16(POLLERR))
    /// The peer hung up (reported even when not asked for). The C constant is `POLLHUP`.
    public static let hangUp = PollEvents(rawValue: Int16(POLLHUP))
}

/// The array of `pollfd` that poll(2) takes, with the index of each entry
/// kept by its owner: removing an entry moves the last one into its place,
/// so adding and removing are O(1) and the array never has holes for the
/// kernel to walk.
public struct PollSet: Sendable {
    private var entries: [pollfd] = []

    public init() {}

    public var count: Int { entries.count }

    /// Adds `descriptor` and returns its index.
    public mutating func append(_ descriptor: Int32, events: PollEvents) -> Int {
        entries.append(pollfd(fd: descriptor, events: events.rawValue, revents: 0))
        return entries.count - 1
    }

    /// Removes the entry at `index`. Returns the descriptor that moved into
    /// `index` (the former last entry), whose owner must update its index;
    /// nil when the removed entry was the last.
    public mutating func remove(at index: Int) -> Int32? {
        let last = entries.count - 1
        if index != last { entries[index] = entries[last] }
        entries.removeLast()
        return index == last ? nil : entries[index].fd
    }

    public func descriptor(at index: Int) -> Int32 { entries[index].fd }

    /// What the last `wait` reported for the entry at `index`.
    public func ready(at index: Int) -> PollEvents { PollEvents(rawValue: entries[index].revents) }

    public mutating func setInterest(_ events: PollEvents, at index: Int) {
        entries[index].events = events.rawValue
    }

    /// Waits with poll(2) until an entry is ready or `timeout` passes (nil:
    /// no limit). Returns how many entries are ready; 0 on timeout.
    public mutating func wait(timeout: Duration? = nil) throws(SocketError) -> Int {
        let deadline = timeout.map { MonotonicInstant.now + $0 }
        let count = nfds_t(entries.count)
        let outcome: Result<Int32, SocketError> = entries.withUnsafeMutableBufferPointer { entries in
            let table = entries.baseAddress
            // Each retry after EINTR recomputes the time left.
            do throws(SocketError) {
                return .success(try syscallValue("poll") { Glibc.poll(table, count, milliseconds(until: deadline)) })
            } catch {
                return .failure(error)
            }
        }
        let ready = try outcome.get()
        return Int(ready)
    }

    /// Waits with poll(2) until an entry is ready, `deadline` passes (nil:
    /// none), or a signal arrives. Unlike `wait`, `EINTR` is not retried: a
    /// program that stops on SIGINT must see it at once, whatever it was
    /// waiting for (as `Socket.waitUntilReadable` does for one socket).
    public mutating func wait(until deadline: MonotonicInstant?) throws(SocketError) -> WaitOutcome {
        let count = nfds_t(entries.count)
        let outcome: Result<IOResult<Int32>, SocketError> = entries.withUnsafeMutableBufferPointer { entries in
            let table = entries.baseAddress
            do throws(SocketError) {
                return .success(
                    try syscall("poll", interrupt: .wouldBlock, wouldBlock: []) {
                        Glibc.poll(table, count, milliseconds(until: deadline))
                    })
            } catch {
                return .failure(error)
            }
        }
        switch try outcome.get() {
        case .wouldBlock: return .interrupted
        case .processed(let ready): return ready > 0 ? .ready : .timedOut
        }
    }
}
