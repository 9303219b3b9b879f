import Glibc
import SocketCore
import Synchronization

/// N worker processes forked up front, all accepting on the one listener
/// they inherit (Apache's prefork); the parent only supervises: it starts a
/// new worker when one dies, and tells them all to stop.
///
/// Each worker multiplexes its connections with poll(2), as nginx workers
/// do, rather than serving one connection at a time as Apache's prefork MPM
/// does: with a few workers, one connection per process could not hold a
/// thousand open connections. All workers wake for a new connection and one
/// wins the accept (the others get EAGAIN): the thundering herd that this
/// model is known for, visible in its benchmark.
///
/// Workers learn of a stop through a lifeline, a socket pair whose parent
/// end only the parent holds: when the parent closes it, or dies, every
/// worker's end reads end-of-file, the worker stops accepting, finishes its
/// connections and exits. After the grace period the parent kills those
/// still serving.
public struct PreforkServer<Handler: StreamHandler>: StreamServer {
    public let handler: Handler
    public let control: ServerControl
    public let workers: Int

    public init(handler: Handler, control: ServerControl, workers: Int) {
        precondition(workers > 0, "a prefork server needs a worker")
        self.handler = handler
        self.control = control
        self.workers = workers
    }

    public func run(listener: Socket) throws(ServerError) {
        let lifeline: (parent: Socket, worker: Socket)
        let wake: SupervisorWakeup
        do {
            try listener.setNonBlocking(true)
            lifeline = try Socket.pair()
            wake = try SupervisorWakeup()
        } catch {
            throw ServerError("prefork: \(error)")
        }
        let running = Mutex(Workers())
        let scoreboard = control.scoreboard
        ChildReaper.shared.observe { pid, _ in
            running.withLock { $0.ended(pid) }
            // A worker that died with connections open never ended their records.
            scoreboard?.releaseSlots(ofProcess: pid)
            wake.wake()
        }
        control.whenStopping { wake.wake() }
        control.whenAborting {
            for pid in running.withLock({ Array($0.pids) }) { Processes.send(SIGKILL, to: pid) }
        }

        // Start and restart workers until a stop, each wake-up a child's
        // death or the stop itself.
        var buffer = [UInt8](repeating: 0, count: 64)
        while !control.isStopping {
            while let index = running.withLock({ $0.freeIndex(below: workers) }), !control.isStopping {
                guard let pid = startWorker(index, listener: listener, lifeline: lifeline, wake: wake) else {
                    // Out of processes: try again after a pause, not in a spin.
                    Pause.sleep(for: .milliseconds(100))
                    break
                }
                running.withLock { $0.started(pid, index: index) }
            }
            wake.wait(using: &buffer)
        }
        try? lifeline.parent.close()
        while !running.withLock({ $0.pids.isEmpty }) {
            ChildReaper.shared.reap()
            Pause.sleep(for: .milliseconds(10))
        }
        try? lifeline.worker.close()
        wake.close()
    }

    /// Forks worker `index` (a worker started in place of a dead one takes
    /// its number, and its counters); returns its pid in the parent (nil if
    /// fork failed), and never returns in the worker.
    private func startWorker(
        _ index: Int, listener: Socket, lifeline: (parent: Socket, worker: Socket), wake: SupervisorWakeup
    ) -> pid_t? {
        do {
            switch try Processes.fork() {
            case .parent(let pid):
                return pid
            case .child:
                // Only the parent may hold the lifeline's parent end, or the
                // workers would never see it close.
                try? lifeline.parent.close()
                wake.close()
                do {
                    let counters = control.counters(ofWorker: index)
                    counters?.runsInThisProcess()
                    var loop = try ReadinessLoop(
                        handler: handler, control: ServerControl(), backend: PollBackend(), counters: counters)
                    try loop.run(listener: listener, lifeline: lifeline.worker)
                } catch {
                    ServerLog.warning("prefork worker \(getpid()): \(error)")
                    Processes.exitNow(1)
                }
                Processes.exitNow(0)
            }
        } catch {
            ServerLog.warning("prefork: cannot start a worker: \(error)")
            return nil
        }
    }
}

/// The supervising loop's wake-ups: a socket pair that the reaper's and
/// the stop's callbacks write a byte to, and the loop waits on. The reaper
/// keeps its observers for the life of the process, and the last worker's
/// reaping lets the loop end and close the pair while that observer is
/// still running: a wake-up after `close()` is dropped, never sent on a
/// closed socket.
private final class SupervisorWakeup: Sendable {
    private let sender: Mutex<Socket?>
    private let receiver: Socket

    init() throws(SocketError) {
        let pair = try Socket.pair()
        sender = Mutex(pair.0)
        receiver = pair.1
    }

    func wake() {
        sender.withLock { _ = try? $0?.send([1]) }
    }

    /// Waits for a wake-up (or a signal), reading what is there.
    func wait(using buffer: inout [UInt8]) {
        _ = try? receiver.receive(into: &buffer)
    }

    /// Closes both ends; call it once.
    func close() {
        sender.withLock {
            try? $0?.close()
            $0 = nil
        }
        try? receiver.close()
    }
}

/// The live workers. A worker can die before its parent has recorded its
/// pid (the reaper runs on another thread): such a pid is kept in
/// `endedEarly` so that recording it later does not count a dead worker.
private struct Workers {
    /// Each live worker's number.
    private var indexes: [pid_t: Int] = [:]
    private var endedEarly = Set<pid_t>()

    var pids: Dictionary<pid_t, Int>.Keys { indexes.keys }

    /// The lowest worker number below `count` that no live worker has.
    func freeIndex(below count: Int) -> Int? {
        let taken = Set(indexes.values)
        return (0..<count).first { !taken.contains($0) }
    }

    mutating func started(_ pid: pid_t, index: Int) {
        if endedEarly.remove(pid) == nil { indexes[pid] = index }
    }

    mutating func ended(_ pid: pid_t) {
        if indexes.removeValue(forKey: pid) == nil { endedEarly.insert(pid) }
    }
}
