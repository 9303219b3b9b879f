import SocketCore

/// A connected stream socket is a byte stream.
///
/// Deadlines are waits in poll(2), not the socket's `SO_RCVTIMEO` and
/// `SO_SNDTIMEO`. Those are durations that restart with every system call,
/// so a peer that trickles a byte at a time keeps a read going for ever,
/// and a deadline for a whole exchange would cost a setsockopt before each
/// call; they are also state of the socket, shared by every thread and
/// caller using it, and they do nothing on a non-blocking socket, which a
/// TLS stream or an event loop may hand over. A poll before the call works
/// in both modes and takes the instant as it is.
///
/// Reading waits first, then receives without waiting (`MSG_DONTWAIT`): a
/// buffered reader only reads when it has run dry, when the bytes are
/// usually still on their way, and the receive cannot block past the
/// deadline should poll's news be stale. Writing sends first, without
/// waiting, and polls only when the send buffer is full, which is rare.
/// With no deadline, both make the plain call (it waits on a blocking
/// socket) and poll only on a non-blocking one; a timeout set with
/// `SO_RCVTIMEO` or `SO_SNDTIMEO` then only ends one wait, and the call
/// waits again.
extension Socket: ByteStream {
    public func read(into buffer: UnsafeMutableRawBufferPointer, deadline: MonotonicInstant?)
        throws(StreamError) -> Int
    {
        while true {
            if deadline != nil, try !waitUntil(.readable, deadline: deadline) { throw .timedOut }
            let received = try streamCall { () throws(SocketError) in
                try receive(into: buffer, waiting: deadline == nil)
            }
            if let count = received.value { return count }
            // Non-blocking with no deadline, or the bytes went elsewhere.
            if deadline == nil { _ = try waitUntil(.readable, deadline: nil) }
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer, deadline: MonotonicInstant?) throws(StreamError) {
        var sent = 0
        while sent < bytes.count {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[sent...])
            let result = try streamCall { () throws(SocketError) in try send(rest, waiting: deadline == nil) }
            if let count = result.value {
                sent += count
            } else if try !waitUntil(.writable, deadline: deadline) {
                throw .timedOut
            }
        }
    }

    /// shutdown(2) with `SHUT_WR` or `SHUT_RDWR`; it never waits.
    public func shutdown(_ direction: StreamShutdown, deadline: MonotonicInstant?) throws(StreamError) {
        try streamCall { () throws(SocketError) in try shutdown(direction == .write ? ShutdownHow.write : .both) }
    }

    /// close(2); it never waits (no `SO_LINGER` is set).
    public func close(deadline: MonotonicInstant?) throws(StreamError) {
        try streamCall { () throws(SocketError) in try close() }
    }

    /// Waits for `readiness` until `deadline`; false when it passed. A
    /// signal only ends the wait early: the next wait recomputes the time left.
    private func waitUntil(_ readiness: StreamReadiness, deadline: MonotonicInstant?) throws(StreamError) -> Bool {
        while true {
            let outcome = try streamCall { () throws(SocketError) in
                switch readiness {
                case .readable: try waitUntilReadable(until: deadline)
                case .writable: try waitUntilWritable(until: deadline)
                }
            }
            switch outcome {
            case .ready: return true
            case .timedOut: return false
            case .interrupted: continue
            }
        }
    }
}

private enum StreamReadiness {
    case readable, writable
}
