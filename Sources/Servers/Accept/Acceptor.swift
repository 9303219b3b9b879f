import SocketCore

/// Every model's accept: through the process's spare descriptor
/// (`AcceptReserve`), so that running out of descriptors sheds the waiting
/// connections in one place for every model, with the failure logged the
/// same way (`AcceptErrors`).
enum Acceptor {
    enum Outcome {
        case accepted(Socket, SocketAddress)
        /// Nothing waiting (a non-blocking listener), or a failure worth
        /// trying again at once; after a stop, the listener's shutdown.
        case none
        /// Out of descriptors with nothing to shed, or out of memory: wait
        /// `AcceptErrors.pause` before accepting again, or the loop would spin.
        case pause
    }

    /// One accept on `listener`. The new socket is non-blocking when
    /// `nonBlocking` (the event models), blocking otherwise.
    /// `counters`, when the server counts, are the accepting worker's.
    static func accept(
        on listener: Socket, control: ServerControl, nonBlocking: Bool = true, counters: WorkerCounters? = nil
    ) -> Outcome {
        switch AcceptReserve.shared.accept(on: listener, nonBlocking: nonBlocking) {
        case .accepted(let socket, let peer):
            counters?.accepted()
            return .accepted(socket, peer)
        case .none:
            return .none
        case .shed(let count, let error):
            counters?.shed(count)
            return AcceptErrors.shed(count, after: error) == .pause ? .pause : .none
        case .failed(let error):
            // After a stop the listener is shut down and accept fails: not
            // worth a log line.
            if control.isStopping { return .none }
            return AcceptErrors.handle(error) == .pause ? .pause : .none
        }
    }
}
