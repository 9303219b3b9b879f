import Foundation
import Synchronization

/// Runs `body` on a thread of its own (blocking socket calls must not sit on
/// the Swift concurrency pool, which has one thread per core here); `value`
/// waits for its result with a deadline.
public final class BackgroundThread<Value: Sendable>: Sendable {
    private let outcome = Mutex<Result<Value, any Error>?>(nil)
    private let finished = DispatchSemaphore(value: 0)

    public init(_ body: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            let result = Result { try body() }
            self.outcome.withLock { $0 = result }
            self.finished.signal()
        }
        thread.start()
    }

    /// The thread's result (its error rethrown); fails the test instead of
    /// hanging for ever.
    public func value(timeout: Duration = .seconds(20)) throws -> Value {
        let (seconds, _) = timeout.components
        guard finished.wait(timeout: .now() + .seconds(Int(seconds))) == .success else {
            throw TestFailure("background thread still running after \(timeout)")
        }
        finished.signal()  // for later callers
        return try outcome.withLock { $0! }.get()
    }
}
