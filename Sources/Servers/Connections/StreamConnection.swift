import SocketCore

/// What a multiplexing model should wait for next on a connection.
enum Interest: Equatable {
    /// Bytes from the peer.
    case read
    /// Room to send the queued output. Reading pauses meanwhile: a peer that
    /// sends without reading its replies gets no more of our memory than
    /// one reply's worth, and the kernel's flow control slows it down.
    case write
    /// The connection is done: close it.
    case close
}

/// One non-blocking connection of an event-driven model (select, poll,
/// epoll): the session and the output the peer has not taken yet.
///
/// An idle connection holds no buffer: reads go into a buffer the loop
/// shares, replies are built in a shared scratch array and sent from there,
/// and only what the kernel did not take is copied into `pending`, which is
/// released again once sent.
final class StreamConnection<Session: StreamSession> {
    let socket: Socket
    let descriptor: Int32
    let peer: SocketAddress
    /// What the loop waits for on it now.
    var interest = Interest.read
    private var session: Session
    private var pending: [UInt8] = []
    private var sent = 0
    private var closeWhenSent = false

    init(socket: Socket, descriptor: Int32, peer: SocketAddress, session: Session) {
        self.socket = socket
        self.descriptor = descriptor
        self.peer = peer
        self.session = session
    }

    /// The socket is readable: one receive (level-triggered readiness will
    /// report the rest), the session's reply sent or queued.
    func readable(buffer: UnsafeMutableRawBufferPointer, scratch: inout [UInt8]) -> Interest {
        defer { scratch.removeAll(keepingCapacity: true) }
        do throws(SocketError) {
            guard let count = try socket.receive(into: buffer).value else { return .read }
            let action = count == 0
                ? session.peerFinished(output: &scratch)
                : session.received(UnsafeRawBufferPointer(rebasing: buffer[..<count]), output: &scratch)
            let finished = count == 0 || action == .close
            if !scratch.isEmpty {
                let taken = try socket.send(scratch).value ?? 0
                if taken < scratch.count {
                    pending = Array(scratch[taken...])
                    sent = 0
                    closeWhenSent = finished
                    return .write
                }
            }
            return finished ? .close : .read
        } catch {
            ended(by: error)
            return .close
        }
    }

    /// The socket is writable: send what is queued.
    func writable() -> Interest {
        do throws(SocketError) {
            let taken = try pending.withUnsafeBytes { bytes in
                Result { () throws(SocketError) in try socket.send(UnsafeRawBufferPointer(rebasing: bytes[sent...])) }
            }.get().value ?? 0
            sent += taken
            guard sent == pending.count else { return .write }
            pending = []
            sent = 0
            return closeWhenSent ? .close : .read
        } catch {
            ended(by: error)
            return .close
        }
    }

    private func ended(by error: SocketError) {
        ServerLog.warning("connection from \(peer) ended: \(error)")
    }
}
