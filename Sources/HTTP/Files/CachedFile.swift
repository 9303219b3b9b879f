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

    /// `file`, served under a name whose last segment is `name` (its type).
    init(file: OpenFile, name: Substring) {
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
