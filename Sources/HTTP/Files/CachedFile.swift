import Glibc
import SocketCore

/// A file opened once and served to many requests: the open descriptor and
/// the header lines of its responses, made when it was opened.
struct CachedFile: Sendable {
    let file: OpenFile
    let tag: String
    /// Content-Type, Last-Modified, ETag and Accept-Ranges: the lines of a
    /// `200` (and, with a Content-Range after them, of a `206`).
    let fieldLines: [UInt8]
    /// ETag and Last-Modified: the lines of a `304` (RFC 9110 section 15.4.5).
    let notModifiedFieldLines: [UInt8]
    /// The file's bytes, for a file within the site's `copiedFileLimit`
    /// (read when it entered the cache); nil: sent with sendfile.
    let contents: [UInt8]?

    /// `file`, served under a name whose last segment is `name` (its type),
    /// its bytes read now if there are at most `copyLimit` of them.
    init(file: OpenFile, name: Substring, copyLimit: Int64) {
        self.file = file
        tag = EntityTag.of(file.status)
        var lines = FieldLines()
        lines.append("Content-Type", MediaType.forFileName(name))
        lines.append("Last-Modified", epochSeconds: file.status.modifiedSeconds)
        lines.append("ETag", tag)
        lines.append("Accept-Ranges", "bytes")
        fieldLines = lines.bytes
        var notModified = FieldLines()
        notModified.append("ETag", tag)
        notModified.append("Last-Modified", epochSeconds: file.status.modifiedSeconds)
        notModifiedFieldLines = notModified.bytes
        contents = file.status.size <= copyLimit ? Self.read(file) : nil
    }

    /// The whole file, or nil if it cannot be read whole now (it shrank):
    /// sendfile then finds that out for the response.
    private static func read(_ file: OpenFile) -> [UInt8]? {
        let size = Int(file.status.size)
        var bytes = [UInt8](repeating: 0, count: size)
        let count = try? bytes.withUnsafeMutableBytes { buffer throws(SystemError) in
            try SystemCall.value("pread", file.path) { pread(file.descriptor, buffer.baseAddress, size, 0) }
        }
        return count == size ? bytes : nil
    }

    /// Whether `status` describes the same version of the same file: same
    /// device and inode, size and modification time to the nanosecond.
    func isCurrent(_ status: FileStatus) -> Bool {
        let held = file.status
        return held.device == status.device && held.inode == status.inode && held.size == status.size
            && held.modifiedSeconds == status.modifiedSeconds
            && held.modifiedNanoseconds == status.modifiedNanoseconds
    }
}
