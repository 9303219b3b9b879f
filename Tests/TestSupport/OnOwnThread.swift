import Glibc

/// Runs blocking work on a thread of its own and awaits it without holding a
/// thread of the cooperative pool: the socket loops of a test block in
/// poll(2) for seconds, while the pool's few threads also collect the output
/// of the processes under test. The work must bound itself by a deadline.
public func onOwnThread<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        let box = Unmanaged.passRetained(ThreadWork { continuation.resume(with: Result { try work() }) })
        var thread = pthread_t()
        let result = pthread_create(
            &thread, nil,
            { context in
                let work = Unmanaged<ThreadWork>.fromOpaque(context!).takeRetainedValue()
                work.run()
                return nil
            }, box.toOpaque())
        if result == 0 {
            pthread_detach(thread)
        } else {
            box.release()
            continuation.resume(throwing: TestSocketError("pthread_create", result))
        }
    }
}

private final class ThreadWork {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}
