import Glibc
import SocketCore

/// Serves one connection with blocking calls, in the calling thread or
/// process, until either side is done: the body of the iterative, thread
/// and fork models.
enum BlockingConnection {
    /// Reads, hands the bytes to the session, sends its output, until end
    /// of file or the session closes. Errors end this connection only: a
    /// peer that resets mid-echo costs nothing else.
    static func serve<Handler: StreamHandler>(
        _ connection: Socket, peer: SocketAddress, handler: Handler, buffer: UnsafeMutableRawBufferPointer
    ) {
        var session = handler.open(peer: peer)
        var output: [UInt8] = []
        do throws(SocketError) {
            while true {
                let count = try connection.receive(into: buffer).value ?? 0
                let action = count == 0
                    ? session.peerFinished(output: &output)
                    : session.received(UnsafeRawBufferPointer(rebasing: buffer[..<count]), output: &output)
                if !output.isEmpty {
                    try connection.sendAll(output)
                    output.removeAll(keepingCapacity: true)
                }
                if count == 0 || action == .close { return }
            }
        } catch {
            ServerLog.warning("connection from \(peer) ended: \(error)")
        }
    }

    /// The read buffer of one blocking connection: 16 KiB, a few socket
    /// buffer segments' worth, so a thread per connection stays cheap.
    static let bufferSize = 16 * 1024
}

/// What a failed accept means for an accept loop.
enum AcceptErrors {
    /// Logs the failure; when the process is out of descriptors, takes the
    /// waiting connection off the backlog and closes it (the client sees a
    /// closed connection instead of waiting forever, and the loop does not
    /// spin on a listener that stays readable). Out of memory or buffers:
    /// pauses briefly, since nothing frees them at once.
    static func handle(_ error: SocketError, listener: Socket, reserve: AcceptReserve?) {
        if AcceptReserve.isOutOfDescriptors(error), let reserve {
            let shed = reserve.shed(from: listener)
            ServerLog.warning("accept failed: \(error); closed \(shed) waiting connection(s)")
            return
        }
        ServerLog.warning("accept failed: \(error)")
        if AcceptReserve.isOutOfDescriptors(error) || error.code == ENOBUFS || error.code == ENOMEM {
            usleep(100_000)
        }
    }
}
