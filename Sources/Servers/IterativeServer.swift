import Glibc
import SocketCore

/// The iterative model: one connection at a time, in the calling thread.
/// The next client waits in the listen backlog until this one is done.
public struct IterativeServer<Handler: StreamHandler>: Sendable {
    public let handler: Handler
    public let control: ServerControl

    public init(handler: Handler, control: ServerControl) {
        self.handler = handler
        self.control = control
    }

    /// Accepts and serves until `control.stop()`.
    public func run(listener: Socket) {
        control.serve(listener: listener)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !control.isStopping {
            let connection: Socket
            do {
                guard let accepted = try listener.accept().value else { continue }
                connection = accepted
            } catch {
                if control.isStopping { break }
                AcceptErrors.handle(error)
                continue
            }
            control.track(connection)
            serve(connection, buffer: &buffer)
            control.untrack(connection)
            try? connection.close()
        }
    }

    /// Runs one session until either side is done. Errors end this
    /// connection only: a peer that resets mid-echo costs nothing else.
    private func serve(_ connection: Socket, buffer: inout [UInt8]) {
        let peer = (try? connection.peerAddress) ?? .unix(path: "")
        var session = handler.open(peer: peer)
        var output: [UInt8] = []
        do throws(SocketError) {
            while true {
                let count = try connection.receive(into: &buffer).value ?? 0
                let action = count == 0
                    ? session.peerFinished(output: &output)
                    : buffer.withUnsafeBytes { session.received(UnsafeRawBufferPointer(rebasing: $0[..<count]), output: &output) }
                if !output.isEmpty {
                    try connection.sendAll(output)
                    output.removeAll(keepingCapacity: true)
                }
                if count == 0 || action == .close { return }
            }
        } catch {
            ServerLog.write("connection from \(peer) ended: \(error)")
        }
    }
}

/// What a failed accept means for the loop.
enum AcceptErrors {
    static func handle(_ error: SocketError) {
        ServerLog.write("accept failed: \(error)")
        // Out of descriptors or memory: the pending connection stays in the
        // backlog and accept would fail again at once, so pause instead of
        // spinning on it. (An event-loop model can do better: libuv keeps a
        // spare descriptor to accept and drop such a connection.)
        if [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error.code) {
            usleep(100_000)
        }
    }
}
