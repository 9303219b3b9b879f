import Glibc

extension OpenFile {
    /// Reads up to `buffer.count` bytes from `offset` (pread(2): the
    /// file's own offset is left alone); 0 at the end of the file.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(SocketError) -> Int {
        try syscallValue("pread", path) { Glibc.pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset)) }
    }
}
