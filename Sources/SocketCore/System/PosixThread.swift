import Glibc

/// Plain POSIX threads, for what servers and clients need besides a task
/// pool: a thread per connection, a signal watcher, a sender beside a
/// receiver.
public enum PosixThread {
    /// Starts a detached thread running `body`. Throws `SocketError` with
    /// the errno of pthread_create(3) (EAGAIN when out of threads).
    public static func startDetached(_ body: @escaping @Sendable () -> Void) throws(SocketError) {
        pthread_detach(try create(body))
    }

    /// pthread_create(3) with `body` as the thread's function.
    fileprivate static func create(_ body: @escaping @Sendable () -> Void) throws(SocketError) -> pthread_t {
        let box = Unmanaged.passRetained(Body(body))
        var thread = pthread_t()
        let result = pthread_create(
            &thread, nil,
            { context in
                Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, box.toOpaque())
        guard result == 0 else {
            box.release()
            throw SocketError(code: result, call: "pthread_create")
        }
        return thread
    }

    private final class Body: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}

extension PosixThread {
    /// A thread someone waits for with `join()`.
    public final class Joinable: @unchecked Sendable {
        // Written once by `start`, read once by `join`, both on the
        // starting thread.
        private let thread: pthread_t

        fileprivate init(_ thread: pthread_t) { self.thread = thread }

        /// Waits until the thread's body has returned. Call exactly once.
        public func join() {
            pthread_join(thread, nil)
        }
    }

    /// Starts a thread running `body`, to be waited for with `join()`.
    /// Throws `SocketError` with the errno of pthread_create(3).
    public static func start(_ body: @escaping @Sendable () -> Void) throws(SocketError) -> Joinable {
        Joinable(try create(body))
    }
}
