import SocketCore
import Streams

/// What a message body is written to between DATA and its end: the bytes
/// are encoded as they come (see `MessageDataEncoder`: line endings made
/// CR LF, leading dots doubled) and streamed to the server, so a message of
/// any size goes out in bounded memory. The client ends the data itself
/// once the body closure returns.
///
/// Each write has the client's timeout for the server to take its bytes:
/// a long message is bounded per piece, not as a whole.
public final class SMTPDataWriter {
    private let writer: BufferedWriter
    private let timeout: Duration
    private var encoder = MessageDataEncoder()
    private var encoded: [UInt8] = []
    private var isFinished = false
    /// The octets sent so far, dots and line ends added, the end not counted.
    private(set) var octetCount = 0

    init(writer: BufferedWriter, timeout: Duration) {
        self.writer = writer
        self.timeout = timeout
    }

    /// Writes the next piece of the message.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(StreamError) {
        precondition(!isFinished, "a message written to after its end")
        encoded.removeAll(keepingCapacity: true)
        encoder.encode(bytes, into: &encoded)
        octetCount += encoded.count
        try writer.write(encoded, deadline: .now + timeout)
    }

    public func write(_ bytes: [UInt8]) throws(StreamError) {
        try bytes.withUnsafeBytes { raw in Result { () throws(StreamError) in try write(raw) } }.get()
    }

    /// Writes the UTF-8 bytes of `text`.
    public func write(_ text: String) throws(StreamError) {
        try write(Array(text.utf8))
    }

    /// Ends the data ("CR LF . CR LF", the CR LF only if the last line
    /// lacked one) and sends everything buffered.
    func finish() throws(StreamError) {
        precondition(!isFinished, "a message ended twice")
        isFinished = true
        encoded.removeAll(keepingCapacity: true)
        encoder.finish(into: &encoded)
        octetCount += encoded.count - 3
        try writer.write(encoded, deadline: .now + timeout)
        try writer.flush(deadline: .now + timeout)
    }
}
