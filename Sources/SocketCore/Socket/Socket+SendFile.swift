import Glibc

extension Socket {
    /// Sends up to `count` bytes of `file` from `offset` with sendfile(2):
    /// the kernel copies from the page cache to the socket, so a file of any
    /// size is sent without being read into memory. Returns how many bytes
    /// the kernel took (fewer than asked on a full non-blocking socket, 0 at
    /// the file's end), or `.wouldBlock`. The file's own offset is not used,
    /// so ranges of one file may be sent to several sockets at once.
    public func sendFile(_ file: OpenFile, offset: Int64, count: Int) throws(SocketError) -> IOResult<Int> {
        try withUnsafeFileDescriptor { descriptor throws(SocketError) in
            var position = off_t(offset)
            return try syscall("sendfile", file.path) { Glibc.sendfile(descriptor, file.descriptor, &position, count) }
        }
    }
}
