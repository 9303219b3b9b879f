import Glibc

/// Plain POSIX threads, for what servers and clients need besides a task
/// pool: a thread per connection, a signal watcher, a sender beside a
/// receiver.
public enum PosixThread {
    /// Starts a detached thread running `body`. Throws `SocketError` with
    /// the errno of pthread_create(3) (EAGAIN when out of threads).
    public static func startDetached(_ body: @escaping @Sendable () -> Void) throws(SocketError) {
        let box = Unmanaged.passRetained(Body(body))
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { context in
            Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, box.toOpaque())
        guard result == 0 else {
            box.release()
            throw SocketError(code: result, call: "pthread_create")
        }
        pthread_detach(thread)
    }

    private final class Body: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}
