import SocketCore

/// One connection to the control port: the line it is sending, the replies
/// it has not read yet, and when it last did anything. Its socket is
/// non-blocking; the control loop owns it and closes it.
final class ControlClient {
    let socket: Socket
    let descriptor: Int32
    var reader: ControlLineReader
    /// Replies not yet sent, from `outputStart` on.
    private(set) var output: [UInt8] = []
    private var outputStart = 0
    /// The client has closed its side: the replies owed are sent, then the
    /// connection is closed.
    var inputEnded = false
    private(set) var lastActivity: MonotonicInstant

    init(socket: Socket, lineLimit: Int) {
        self.socket = socket
        self.descriptor = socket.withUnsafeFileDescriptor { $0 }
        self.reader = ControlLineReader(limit: lineLimit)
        self.lastActivity = .now
    }

    var pendingOutput: Int { output.count - outputStart }

    func touch() { lastActivity = .now }

    func queue(_ reply: String) {
        output.append(contentsOf: reply.utf8)
        output.append(UInt8(ascii: "\n"))
    }

    /// Sends what the socket takes now. Returns false when the connection
    /// failed (the peer reset it, or went away).
    func flush() -> Bool {
        while pendingOutput > 0 {
            let result: IOResult<Int>
            do {
                result = try output.withUnsafeBytes { bytes throws(SocketError) in
                    try socket.send(UnsafeRawBufferPointer(rebasing: bytes[outputStart...]), waiting: false)
                }
            } catch {
                return false
            }
            guard case .processed(let count) = result else { return true }
            outputStart += count
            touch()
        }
        output.removeAll(keepingCapacity: true)
        outputStart = 0
        return true
    }
}
