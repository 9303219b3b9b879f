import SocketCore
import Synchronization

/// Serves datagrams in batches on the C core's event loop: when the socket
/// is readable, up to 64 datagrams come in with one recvmmsg, each goes
/// through the handler (the same handler `DatagramServer` runs), and the
/// replies go back with one sendmmsg.
public struct BatchedDatagramServer<Handler: DatagramHandler>: Sendable {
    public let handler: Handler
    public let control: ServerControl

    /// Batches taken per wake-up at most: a socket that never drains (a
    /// flood) still lets the loop run its timers, the delayed replies.
    public static var batchesPerWakeUp: Int { 16 }

    /// This socket's worker's counters, when the server counts.
    let counters: WorkerCounters?

    public init(handler: Handler, control: ServerControl, worker: Int = 0) {
        self.handler = handler
        self.control = control
        self.counters = control.counters(ofWorker: worker)
    }

    /// Serves `socket` until `control.stop()`. Delayed replies are held in
    /// `DelayedReplies` and sent from a loop timer set for the earliest.
    public func run(socket: Socket) throws(ServerError) {
        let loop: EventLoop
        do { loop = try EventLoop() } catch { throw ServerError("datagram: cannot make the loop: \(error)") }
        let stopper = LoopStopper(loop.waker)
        control.whenStopping { stopper.stop() }
        defer { stopper.forget() }
        let worker = BatchedDatagramWorker(handler: handler, socket: socket, loop: loop, counters: counters)
        do throws(SocketError) {
            let watch = try socket.withUnsafeFileDescriptor { descriptor throws(SocketError) in
                try loop.watch(descriptor, for: .readable) { _ in worker.drain() }
            }
            defer {
                loop.unwatch(watch)
                worker.cancelTimer()
            }
            try loop.run()
        } catch {
            throw ServerError("datagram: \(error)")
        }
    }
}

/// One socket's loop state: its batch, the reply being built, the held
/// replies and the timer set for the earliest of them.
private final class BatchedDatagramWorker<Handler: DatagramHandler> {
    let handler: Handler
    let socket: Socket
    let loop: EventLoop
    let batch = DatagramBatch()
    var output: [UInt8] = []
    var delayed = DelayedReplies()
    var timer: (id: EventLoop.ID, due: MonotonicInstant)?
    let counters: WorkerCounters?

    init(handler: Handler, socket: Socket, loop: EventLoop, counters: WorkerCounters?) {
        self.handler = handler
        self.socket = socket
        self.loop = loop
        self.counters = counters
    }

    /// Takes batches until a receive finds none, or
    /// `batchesPerWakeUp` of them; the watch is level-triggered, so what is
    /// left wakes the loop again after its timers.
    func drain() {
        for _ in 0..<BatchedDatagramServer<Handler>.batchesPerWakeUp {
            let count: Int
            do throws(SocketError) {
                count = try batch.receive(on: socket)
            } catch {
                ServerLog.warning("datagram: \(error)")
                break
            }
            // Until the queue is empty, not merely until a batch comes back
            // short: a client that answers each reply at once keeps
            // sending while this batch is served, and waiting in epoll
            // for each few costs a sleep and a wake-up apiece.
            guard count > 0 else { break }
            for index in 0..<count { serve(index) }
            sendQueued()
        }
        armTimer()
    }

    private func serve(_ index: Int) {
        // A shut-down socket reads as an empty datagram with no sender.
        guard let sender = batch.sender(index) else { return }
        output.removeAll(keepingCapacity: true)
        let datagram = batch.datagram(index)
        counters?.datagramReceived(datagram.count)
        switch handler.received(datagram, from: sender, output: &output) {
        case .none:
            break
        case .now:
            // One reply per datagram received: the queue has room for all.
            if output.withUnsafeBytes({ batch.queueReply($0, toSenderOf: index) }) {
                counters?.datagramSent(output.count)
            } else {
                ServerLog.debug("datagram: a reply of \(output.count) bytes exceeds a datagram; dropped")
            }
        case .after(let delay):
            if !delayed.hold(output, for: sender, until: .now + delay) {
                ServerLog.debug("datagram: \(DelayedReplies.capacity) replies held already; dropped one")
            }
        }
    }

    private func sendQueued() {
        guard batch.queuedCount > 0 else { return }
        // One unreachable recipient (a refused reply) must not stop the service.
        for failure in batch.send(on: socket).failures { ServerLog.warning("datagram: \(failure.error)") }
    }

    /// Sends the held replies that are due, a batch at a time.
    private func sendDue() {
        let now = MonotonicInstant.now
        while let reply = delayed.popDue(now: now) {
            if batch.queuedCount == batch.capacity { sendQueued() }
            let queued: Result<Bool, SocketError> = reply.bytes.withUnsafeBytes { bytes in
                Result { () throws(SocketError) in try batch.queue(bytes, to: reply.recipient) }
            }
            switch queued {
            case .success(true): counters?.datagramSent(reply.bytes.count)
            case .success(false):
                ServerLog.debug("datagram: a reply of \(reply.bytes.count) bytes exceeds a datagram; dropped")
            case .failure(let error): ServerLog.warning("datagram: \(error)")
            }
        }
        sendQueued()
    }

    /// Sets the timer for the earliest held reply, unless one is set for it
    /// or earlier.
    private func armTimer() {
        guard let earliest = delayed.earliest else { return }
        if let timer {
            guard earliest < timer.due else { return }
            loop.cancelTimer(timer.id)
        }
        let wait = max(earliest - .now, .zero)
        do throws(SocketError) {
            let id = try loop.timer(after: wait) { [unowned self] in
                timer = nil
                sendDue()
                armTimer()
            }
            timer = (id, earliest)
        } catch {
            timer = nil
            ServerLog.warning("datagram: cannot set the reply timer: \(error)")
        }
    }

    func cancelTimer() {
        if let timer { loop.cancelTimer(timer.id) }
        timer = nil
    }
}

/// Stops a loop from another thread while the loop exists: a stop asked
/// for after the server has returned finds nothing to stop, instead of a
/// freed loop.
final class LoopStopper: Sendable {
    private let waker: Mutex<EventLoop.Waker?>

    init(_ waker: EventLoop.Waker) { self.waker = Mutex(waker) }

    func stop() { waker.withLock { $0?.stop() } }

    func forget() { waker.withLock { $0 = nil } }
}
