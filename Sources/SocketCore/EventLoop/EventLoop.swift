import CSockCore
import Glibc

/// What to watch a descriptor for, and what happened to it.
public struct LoopEvents: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The C constant is `SC_READABLE`.
    public static let readable = LoopEvents(rawValue: UInt32(SC_READABLE))
    /// The C constant is `SC_WRITABLE`.
    public static let writable = LoopEvents(rawValue: UInt32(SC_WRITABLE))
    /// Edge-triggered. The C constant is `SC_EDGE`.
    public static let edge = LoopEvents(rawValue: UInt32(SC_EDGE))
    /// Reported only: the peer hung up. The C constant is `SC_HANGUP`.
    public static let hangUp = LoopEvents(rawValue: UInt32(SC_HANGUP))
    /// Reported only: an error is pending. The C constant is `SC_ERROR`.
    public static let error = LoopEvents(rawValue: UInt32(SC_ERROR))
}

/// The C core's epoll loop (`sc_loop_*`) for Swift: descriptors and timers
/// with closures, run on the thread that calls `run`. Everything but
/// `waker` belongs to that thread; the loop is not Sendable.
///
/// Each registration's closure is boxed once, when it is made, and handed
/// to the C loop as its context, so dispatching an event costs a C callback
/// and a closure call, and no allocation or lookup.
public final class EventLoop {
    public typealias ID = UInt64

    let loop: OpaquePointer
    private var boxes: [ID: Unmanaged<Box>] = [:]

    final class Box {
        let io: ((LoopEvents) -> Void)?
        let timer: (() -> Void)?
        let repeats: Bool
        /// For a one-shot timer: the loop that forgets it once it has fired.
        unowned(unsafe) var owner: EventLoop?
        var id: ID = 0
        init(io: ((LoopEvents) -> Void)? = nil, timer: (() -> Void)? = nil, repeats: Bool = false) {
            self.io = io
            self.timer = timer
            self.repeats = repeats
        }
    }

    public init() throws(SocketError) {
        var made: OpaquePointer?
        let result = sc_loop_new(&made)
        guard result == 0, let made else { throw SocketError(code: -result, call: "sc_loop_new") }
        loop = made
    }

    deinit {
        for box in boxes.values { box.release() }
        wakeBox?.release()
        sc_loop_free(loop)
    }

    /// Watches `descriptor` (borrowed: the caller keeps it open while watched
    /// and unwatches it before closing it).
    public func watch(_ descriptor: Int32, for events: LoopEvents, _ handler: @escaping (LoopEvents) -> Void)
        throws(SocketError) -> ID
    {
        let box = Unmanaged.passRetained(Box(io: handler))
        var id: sc_watch_id = 0
        let result = sc_loop_watch(
            loop, descriptor, events.rawValue,
            { _, _, _, events, context in
                Unmanaged<Box>.fromOpaque(context!).takeUnretainedValue().io!(LoopEvents(rawValue: events))
            }, box.toOpaque(), &id)
        guard result == 0 else {
            box.release()
            throw SocketError(code: -result, call: "sc_loop_watch", detail: "descriptor \(descriptor)")
        }
        boxes[id] = box
        return id
    }

    /// Watches `descriptor`, appending what happens to it to `report`
    /// instead of calling a closure: for a caller that runs its own loop
    /// around `runOnce` and goes through the report after each round. One
    /// C callback per event, and nothing allocated per registration; the
    /// caller keeps `report` alive while any such watch exists.
    public func watch(_ descriptor: Int32, for events: LoopEvents, reportingTo report: LoopReport)
        throws(SocketError) -> ID
    {
        var id: sc_watch_id = 0
        let result = sc_loop_watch(
            loop, descriptor, events.rawValue,
            { _, _, fd, events, context in
                let events = LoopEvents(rawValue: events)
                Unmanaged<LoopReport>.fromOpaque(context!).takeUnretainedValue().append(
                    ReadyDescriptor(
                        descriptor: fd, readable: !events.isDisjoint(with: [.readable, .error, .hangUp]),
                        writable: events.contains(.writable)))
            }, Unmanaged.passUnretained(report).toOpaque(), &id)
        guard result == 0 else {
            throw SocketError(code: -result, call: "sc_loop_watch", detail: "descriptor \(descriptor)")
        }
        return id
    }

    /// Stops a watch made with `reportingTo`.
    public func unwatchReported(_ id: ID) { _ = sc_loop_unwatch(loop, id) }

    /// Stops a watch made with `reportingTo` whose descriptor the caller
    /// closes next, leaving the registration to the close (`sc_loop_forget`:
    /// one epoll_ctl fewer). Not for a descriptor that stays open.
    public func forgetReported(_ id: ID) { _ = sc_loop_forget(loop, id) }

    /// Changes what a watch waits for.
    public func modify(_ id: ID, to events: LoopEvents) throws(SocketError) {
        let result = sc_loop_modify(loop, id, events.rawValue)
        guard result == 0 else { throw SocketError(code: -result, call: "sc_loop_modify") }
    }

    /// Stops a watch (safe inside any callback, for any watch).
    public func unwatch(_ id: ID) {
        guard sc_loop_unwatch(loop, id) == 0 else { return }
        boxes.removeValue(forKey: id)?.release()
    }

    /// Runs `handler` after `delay`, and every `period` after that if given.
    @discardableResult
    public func timer(after delay: Duration, every period: Duration? = nil, _ handler: @escaping () -> Void)
        throws(SocketError) -> ID
    {
        let box = Unmanaged.passRetained(Box(timer: handler, repeats: period != nil))
        var id: sc_watch_id = 0
        let result = sc_loop_timer(
            loop, Self.nanoseconds(delay), period.map(Self.nanoseconds) ?? 0,
            { loop, id, context in
                let box = Unmanaged<Box>.fromOpaque(context!).takeUnretainedValue()
                box.timer!()
                // The C loop has released a one-shot timer before calling it.
                if !box.repeats, let owner = box.owner { owner.boxes.removeValue(forKey: box.id)?.release() }
            }, box.toOpaque(), &id)
        guard result == 0 else {
            box.release()
            throw SocketError(code: -result, call: "sc_loop_timer")
        }
        box.takeUnretainedValue().owner = self
        box.takeUnretainedValue().id = id
        boxes[id] = box
        return id
    }

    /// Cancels a timer.
    public func cancelTimer(_ id: ID) {
        guard sc_loop_timer_cancel(loop, id) == 0 else { return }
        boxes.removeValue(forKey: id)?.release()
    }

    /// Runs until `stop` (from any thread, through `waker`, or from a callback).
    public func run() throws(SocketError) {
        let result = sc_loop_run(loop, SC_RUN_DEFAULT)
        guard result == 0 else { throw SocketError(code: -result, call: "sc_loop_run") }
    }

    /// Waits once for events, timers or a wake-up, dispatches them, and
    /// returns (`SC_RUN_ONCE`): for a caller that runs its own loop around
    /// the C one.
    public func runOnce() throws(SocketError) {
        let result = sc_loop_run(loop, SC_RUN_ONCE)
        guard result == 0 else { throw SocketError(code: -result, call: "sc_loop_run") }
    }

    /// Registrations still active (descriptors and pending timers).
    public var active: Int { sc_loop_active(loop) }

    /// Calls `handler` on the loop's thread after each wake-up.
    public func onWake(_ handler: @escaping () -> Void) {
        let box = Unmanaged.passRetained(Box(timer: handler))
        if let old = wakeBox { old.release() }
        wakeBox = box
        sc_loop_on_wake(
            loop,
            { _, context in
                Unmanaged<Box>.fromOpaque(context!).takeUnretainedValue().timer!()
            }, box.toOpaque())
    }
    private var wakeBox: Unmanaged<Box>?

    /// What other threads may use: wake the loop, or stop it.
    public var waker: Waker { Waker(loop: loop) }

    /// `sc_loop_wake` and `sc_loop_stop` are the loop's thread-safe calls
    /// (an atomic flag and an eventfd write), so this handle may cross
    /// threads; the loop must outlive its use.
    public struct Waker: @unchecked Sendable {
        let loop: OpaquePointer
        public func wake() { _ = sc_loop_wake(loop) }
        public func stop() { sc_loop_stop(loop) }
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}

/// The descriptors a readiness mechanism reported in one wait, in order:
/// what the watches made with `EventLoop.watch(_:for:reportingTo:)` append
/// during `runOnce`, or what a poll or select backend fills in. The room is
/// reserved before a wait and kept, so filling it needs no growth check per
/// event, and a loop reads it in place until its next wait.
public final class LoopReport {
    private var entries: UnsafeMutablePointer<ReadyDescriptor>
    private let filled: UnsafeMutablePointer<Int>
    private var capacity: Int

    /// Room for `capacity` descriptors; the C loop's one round reports at
    /// most 256 (its `SC__EVENTS`).
    public init(capacity: Int = 256) {
        self.capacity = max(capacity, 1)
        entries = .allocate(capacity: self.capacity)
        filled = .allocate(capacity: 1)
        filled.initialize(to: 0)
    }

    deinit {
        entries.deallocate()
        filled.deallocate()
    }

    /// What was reported since the last `clear`; valid until the next change.
    public var ready: UnsafeBufferPointer<ReadyDescriptor> {
        UnsafeBufferPointer(start: entries, count: filled.pointee)
    }

    /// Empties the report and makes room for at least `count` descriptors.
    public func clear(reserving count: Int = 0) {
        filled.pointee = 0
        guard count > capacity else { return }
        entries.deallocate()
        capacity = max(count, capacity * 2)
        entries = .allocate(capacity: capacity)
    }

    @inline(__always)
    public func append(_ entry: ReadyDescriptor) {
        let count = filled.pointee
        // More than was reserved: the caller's bug; dropping would lose events.
        precondition(count < capacity, "more ready descriptors than reserved")
        (entries + count).initialize(to: entry)
        filled.pointee = count + 1
    }
}

/// A descriptor a readiness mechanism (select, poll, epoll) reported. An
/// error or a hang-up counts as readable: the next receive reports it.
public struct ReadyDescriptor: Sendable {
    public var descriptor: Int32
    public var readable: Bool
    public var writable: Bool

    public init(descriptor: Int32, readable: Bool, writable: Bool) {
        self.descriptor = descriptor
        self.readable = readable
        self.writable = writable
    }
}
