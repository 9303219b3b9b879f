import SocketCore

/// The C core's epoll loop (`sc_loop_*`) as a readiness backend. Each
/// registration carries a generation in its epoll data, so events of a
/// descriptor unwatched earlier in the same round are dropped by the C loop
/// before they reach us. A wait's time limit is a one-shot timer of the same
/// loop, armed again only when the limit comes earlier than the armed one or
/// that one has fired: with a connection a request, the earliest deadline
/// moves later at almost every close, and a timer made and cancelled each
/// round cost more than the rare early wake-up that keeping it brings (the
/// loop then finds nothing due and waits again).
struct EpollBackend: ReadinessBackend {
    static let name = "epoll"
    private let loop: EventLoop
    /// What the registrations report during `runOnce`.
    private let report = LoopReport()
    /// The registration of each watched descriptor, 0 for none.
    private var registrations: [EventLoop.ID] = []
    /// The timer that ends a wait at its limit, while it has not fired.
    private var limitTimer: (id: EventLoop.ID, at: MonotonicInstant)?

    init() throws(SocketError) {
        loop = try EventLoop()
    }

    mutating func watch(_ descriptor: Int32, for interest: Interest) -> Bool {
        guard descriptor >= 0 else { return false }
        let id: EventLoop.ID
        do {
            id = try loop.watch(descriptor, for: Self.events(interest), reportingTo: report)
        } catch {
            ServerLog.warning("epoll: cannot watch descriptor \(descriptor): \(error)")
            return false
        }
        if Int(descriptor) >= registrations.count {
            registrations.append(contentsOf: repeatElement(0, count: Int(descriptor) + 1 - registrations.count))
        }
        registrations[Int(descriptor)] = id
        return true
    }

    mutating func change(_ descriptor: Int32, to interest: Interest) {
        // Fails only for a descriptor closed while watched, which the loop
        // never does; the next event or its absence shows it anyway.
        try? loop.modify(registrations[Int(descriptor)], to: Self.events(interest))
    }

    mutating func unwatch(_ descriptor: Int32) {
        guard Int(descriptor) < registrations.count, registrations[Int(descriptor)] != 0 else { return }
        loop.unwatchReported(registrations[Int(descriptor)])
        registrations[Int(descriptor)] = 0
    }

    /// A connection's socket, closed next: the close ends its registration,
    /// so the epoll_ctl(EPOLL_CTL_DEL) is skipped. Should the socket outlive
    /// the close in a child not yet through its exec (a CGI script's spawn
    /// on another thread), the registration reports on for that while, under
    /// the id's old generation, and the C loop drops those reports.
    mutating func forget(_ descriptor: Int32) {
        guard Int(descriptor) < registrations.count, registrations[Int(descriptor)] != 0 else { return }
        loop.forgetReported(registrations[Int(descriptor)])
        registrations[Int(descriptor)] = 0
    }

    mutating func wait(until deadline: MonotonicInstant?) throws(SocketError) -> UnsafeBufferPointer<ReadyDescriptor> {
        if let deadline, limitTimer.map({ deadline < $0.at }) ?? true {
            if let armed = limitTimer { loop.cancelTimer(armed.id) }
            limitTimer = nil
            let delay = max(.zero, MonotonicInstant.now.duration(to: deadline))
            limitTimer = (try loop.timer(after: delay) {}, deadline)
        }
        report.clear()
        try loop.runOnce()
        // A one-shot timer that has come due has fired in this round and is
        // gone from the C loop.
        if let armed = limitTimer, armed.at <= .now { limitTimer = nil }
        return report.ready
    }

    private static func events(_ interest: Interest) -> LoopEvents {
        switch interest {
        case .read: .readable
        case .write: .writable
        // epoll reports errors and hang-ups whatever is asked.
        case .idle, .close: []
        }
    }
}
