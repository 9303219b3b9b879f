import Glibc

extension Socket {
    /// How many connections wait in a listening TCP socket's accept queue
    /// (TCP_INFO, whose `tcpi_unacked` a listener fills with its queue's
    /// length); nil for a socket that is not a TCP listener.
    ///
    /// An event loop accepts that many and no more: an accept that finds the
    /// queue empty costs the kernel a socket and a file made and thrown away
    /// (about 3.5 µs here, as much as a tenth of a whole short connection),
    /// where this call only copies a structure.
    public var pendingConnectionCount: Int? {
        var info = tcp_info()
        var length = socklen_t(MemoryLayout<tcp_info>.size)
        let answered = try? withUnsafeFileDescriptor { descriptor throws(SocketError) in
            try syscallValue("getsockopt", "TCP_INFO") {
                getsockopt(descriptor, Int32(IPPROTO_TCP), TCP_INFO, &info, &length)
            }
        }
        guard answered != nil, Int(length) >= Self.lengthThroughUnacked, Int(info.tcpi_state) == Int(TCP_LISTEN)
        else { return nil }
        return Int(info.tcpi_unacked)
    }

    /// The bytes of `tcp_info` a kernel must fill for `tcpi_unacked` to be there.
    private static let lengthThroughUnacked =
        MemoryLayout<tcp_info>.offset(of: \tcp_info.tcpi_unacked)! + MemoryLayout<UInt32>.size
}
