import CSystemShims

/// How many CGI scripts may run at once in the whole server (`--cgi-max`):
/// every script is a process, and a flood of requests must not become a
/// flood of processes. A request that finds no slot gets `503`.
///
/// The count lives in memory shared across fork(2), so the fork models'
/// connection processes, each running its own scripts, share one bound
/// with each other as the threads of the other models do.
final class ScriptSlots: @unchecked Sendable {
    let limit: Int
    /// One int in a shared page, only touched atomically (C11 atomics in
    /// CSystemShims): nothing here is guarded by a lock.
    private let counter: UnsafeMutablePointer<Int32>

    /// Slots for `limit` scripts. Without shared memory (mmap failing) the
    /// bound holds per process.
    init(limit: Int) {
        self.limit = limit
        counter = shim_shared_counter_create() ?? .allocate(capacity: 1).initialized(to: 0)
    }

    /// Takes a slot; false when all are taken.
    func take() -> Bool { shim_shared_counter_take(counter, Int32(clamping: limit)) == 1 }

    /// Gives back a slot that `take` gave.
    func release() { shim_shared_counter_release(counter) }

    /// The scripts running now, across the server.
    var running: Int { Int(shim_shared_counter_value(counter)) }
}

extension UnsafeMutablePointer {
    fileprivate func initialized(to value: Pointee) -> Self {
        initialize(to: value)
        return self
    }
}
