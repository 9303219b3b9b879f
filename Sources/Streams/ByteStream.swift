import SocketCore

/// A two-way stream of bytes: a connected stream socket, a TLS session over
/// one, a plain descriptor. Line protocols (HTTP, SMTP, FTP, telnet) are
/// written against this protocol, so that STARTTLS can swap the socket for a
/// TLS stream over it in the middle of a conversation.
///
/// Deadlines are given with each call, as an absolute instant rather than a
/// duration: a protocol's timeout covers a whole exchange (an SMTP reply of
/// several lines, an HTTP header block), which may take many reads, and the
/// same instant passed to each of them bounds the whole. A TLS stream passes
/// its caller's deadline on to the reads and writes of the socket below it
/// (a TLS read may have to write, and the other way round), with no timeout
/// state on the socket to save and restore. nil means no deadline.
///
/// A stream is a class: a reader and a writer over one connection share it.
/// Every call either completes or throws a `StreamError` saying why.
public protocol ByteStream: AnyObject {
    /// Reads what has arrived, at most `buffer.count` bytes, waiting until
    /// something has (or `deadline` passes). Returns the count, 0 at end of
    /// stream (and for an empty buffer).
    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: MonotonicInstant?) throws(StreamError) -> Int

    /// Writes all of `bytes`, waiting for room as needed. When it throws,
    /// some of the bytes may have been written: the stream is then of no
    /// further use to a protocol and should be closed.
    func write(_ bytes: UnsafeRawBufferPointer, deadline: MonotonicInstant?) throws(StreamError)

    /// Ends the writing side (the peer reads end of stream) or both sides.
    /// A TLS stream sends its close notification first, which may have to
    /// wait: hence the deadline.
    func shutdown(_ direction: StreamShutdown, deadline: MonotonicInstant?) throws(StreamError)

    /// Closes the stream; call it once. No other call may follow.
    func close(deadline: MonotonicInstant?) throws(StreamError)
}

extension ByteStream {
    /// Writes all of `bytes` (see `write(_:deadline:)`).
    public func write(_ bytes: [UInt8], deadline: MonotonicInstant? = nil) throws(StreamError) {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(StreamError) in try write(raw, deadline: deadline) }
        }.get()
    }

    /// Reads into the whole of a reusable array and returns how many of its
    /// first bytes were filled; 0 at end of stream.
    public func read(into buffer: inout [UInt8], deadline: MonotonicInstant? = nil) throws(StreamError) -> Int {
        try buffer.withUnsafeMutableBytes { raw in
            Result { () throws(StreamError) in try read(into: raw, deadline: deadline) }
        }.get()
    }
}
