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
        ChildReaper.shared.observe { pid, _ in
            running.withLock { $0.ended(pid) }
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
            while running.withLock({ $0.pids.count }) < workers && !control.isStopping {
                guard let pid = startWorker(listener: listener, lifeline: lifeline, wake: wake) else {
                    // Out of processes: try again after a pause, not in a spin.
                    Pause.sleep(for: .milliseconds(100))
                    break
                }
                running.withLock { $0.started(pid) }
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

    /// Forks one worker; returns its pid in the parent (nil if fork failed),
    /// and never returns in the worker.
    private func startWorker(
        listener: Socket, lifeline: (parent: Socket, worker: Socket), wake: SupervisorWakeup
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
                    var loop = try ReadinessLoop(handler: handler, control: ServerControl(), backend: PollBackend())
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
    private(set) var pids = Set<pid_t>()
    private var endedEarly = Set<pid_t>()

    mutating func started(_ pid: pid_t) {
        if endedEarly.remove(pid) == nil { pids.insert(pid) }
    }

    mutating func ended(_ pid: pid_t) {
        if pids.remove(pid) == nil { endedEarly.insert(pid) }
    }
}
