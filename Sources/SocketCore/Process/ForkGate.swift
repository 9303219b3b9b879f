import Glibc

/// One lock between fork(2) and the work of the process's other threads.
///
/// A forked child is a copy of the forking thread alone: a lock that any
/// other thread held at that instant stays held in the child for ever.
/// glibc guards its own (malloc's arenas); the Swift runtime's metadata and
/// conformance caches are not guarded, and a child that instantiates a type
/// while the copy of such a lock is held waits for ever. A forking server's
/// signal-watcher thread reaps children and logs while the accept loop
/// forks: a grandchild of the fork2 model, forked in the instant the watcher
/// held a runtime lock, hung before serving its client.
///
/// So a fork takes the gate, and the other threads' work runs holding it
/// (`Processes.withoutForking`): at the fork they are waiting, holding
/// nothing. Both sides release the gate after the fork, as a
/// pthread_atfork(3) handler would (the child's copy is held too).
final class ForkGate: @unchecked Sendable {
    static let shared = ForkGate()

    // A plain (not error-checking) pthread mutex: the child, whose thread
    // is not the one that locked it, may still unlock its copy. Allocated
    // once, never moved, never freed.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    private init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
}
