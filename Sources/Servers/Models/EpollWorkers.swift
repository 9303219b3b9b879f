import SocketCore
import Synchronization

/// The listeners of an epoll model's workers: the one it was given, and
/// for each further worker a socket bound to the same address with
/// SO_REUSEPORT, so that the kernel spreads new connections over them (the
/// given listener must have SO_REUSEPORT too, set before its bind), with
/// the given listener's TCP_NODELAY.
enum EpollWorkers {
    static func listeners(sharing listener: Socket, workers: Int, model: String) throws(ServerError) -> [Socket] {
        guard workers > 1 else { return [listener] }
        do {
            let address = try listener.localAddress
            guard address.family != .unix else {
                throw ServerError("\(model): --workers above 1 needs a TCP listener (SO_REUSEPORT)")
            }
            let noDelay = try listener.option(.noDelay)
            var all = [listener]
            for _ in 1..<workers {
                all.append(try ServiceBootstrap.listeningSocket(on: address, reusePort: true, noDelay: noDelay))
            }
            return all
        } catch let error as ServerError {
            throw error
        } catch {
            throw ServerError("\(model): \(error)")
        }
    }

    /// Runs `body(index)` on `count` threads (the first on the calling
    /// thread) and returns when all have returned, with the first error.
    static func run(_ count: Int, _ body: @escaping @Sendable (Int) -> ServerError?) throws(ServerError) {
        let finished = RunningCount()
        let failures = FirstFailure()
        for index in 1..<max(count, 1) {
            finished.add()
            do {
                try PosixThread.startDetached {
                    if let error = body(index) { failures.record(error) }
                    finished.remove()
                }
            } catch {
                finished.remove()
                failures.record(ServerError("cannot start worker \(index): \(error)"))
            }
        }
        if let error = body(0) { failures.record(error) }
        finished.waitUntilZero()
        if let error = failures.first { throw error }
    }
}

final class FirstFailure: Sendable {
    private let error = Mutex<ServerError?>(nil)
    func record(_ failure: ServerError) { error.withLock { if $0 == nil { $0 = failure } } }
    var first: ServerError? { error.withLock { $0 } }
}
