import Glibc
import SocketCore

/// A process per connection: the calling process accepts and forks; the
/// child closes the listener and serves, the parent closes the connection
/// and goes back to accept. Ended children are reaped as SIGCHLD arrives
/// (`ChildReaper`), so none lingers as a zombie.
///
/// With `doubleFork`, the classic variant that needs no reaping of its
/// servers: the child forks a grandchild to serve and exits at once, the
/// parent reaps that child right away, and the grandchild is an orphan.
/// Orphans would normally go to init; this process makes itself their
/// subreaper, so it can still wait for them at shutdown and reap them.
public struct ForkServer<Handler: StreamHandler>: StreamServer {
    public let handler: Handler
    public let control: ServerControl
    public let doubleFork: Bool

    public init(handler: Handler, control: ServerControl, doubleFork: Bool = false) {
        self.handler = handler
        self.control = control
        self.doubleFork = doubleFork
    }

    public func run(listener: Socket) throws(ServerError) {
        if doubleFork {
            do { try Processes.becomeSubreaper() } catch { throw ServerError("fork2: \(error)") }
        }
        // After the grace period, children still serving are ended; they
        // keep SIGINT and SIGTERM blocked (inherited), so only SIGKILL does.
        control.whenAborting {
            for child in Processes.children() { Processes.send(SIGKILL, to: child) }
        }
        // A child killed (or crashed) before it ended its connection's record.
        if let scoreboard = control.scoreboard {
            ChildReaper.shared.observe { pid, _ in scoreboard.releaseSlots(ofProcess: pid) }
        }
        acceptUntilStopped(listener, control: control) { connection, peer, record in
            serveInChild(connection, peer: peer, listener: listener, record: record)
            try? connection.close()
        }
        waitForChildren()
    }

    /// The connection's record is the child's to write and end; the parent
    /// only claimed its slot.
    private func serveInChild(_ connection: Socket, peer: SocketAddress, listener: Socket, record: ConnectionRecord?) {
        do {
            switch try Processes.fork() {
            case .child:
                try? listener.close()
                if doubleFork { forkAgainAndLeave(peer: peer) }
                record?.servedHere()
                let buffer = UnsafeMutableRawBufferPointer.allocate(
                    byteCount: BlockingConnection.bufferSize, alignment: 16)
                BlockingConnection.serve(connection, peer: peer, handler: handler, buffer: buffer, record: record)
                try? connection.close()
                Processes.exitNow(0)
            case .parent(let child):
                // The intermediate child exits at once; the SIGCHLD reaper
                // may have reaped it first (ECHILD), which is as good.
                if doubleFork { _ = try? Processes.wait(for: child) }
            }
        } catch {
            // Out of processes (EAGAIN) or memory: this client is turned away.
            ServerLog.warning("connection from \(peer) refused: \(error)")
            record?.end(byError: true)
        }
    }

    /// In the first child of a double fork: forks the grandchild that will
    /// serve, and exits; only the grandchild returns.
    private func forkAgainAndLeave(peer: SocketAddress) {
        do {
            if case .parent = try Processes.fork() { Processes.exitNow(0) }
        } catch {
            ServerLog.warning("connection from \(peer) refused: \(error)")
            Processes.exitNow(1)
        }
    }

    /// Returns when no child (or re-parented grandchild) is left: they end
    /// on their own, or by the abort after the grace period.
    private func waitForChildren() {
        while true {
            ChildReaper.shared.reap()
            if Processes.children().isEmpty { return }
            Pause.sleep(for: .milliseconds(10))
        }
    }
}
