import SocketCore

/// Entity tags (RFC 9110 section 8.8.3) of files, and the comparisons of
/// the conditional fields that carry them.
enum EntityTag {
    /// The strong tag of a file's version: its inode, size and modification
    /// time to the nanosecond, in hex (`"1a2b-400-1869f0c3d2e1a000"`). A file
    /// replaced by another, or changed in place, gets another tag.
    static func of(_ status: FileStatus) -> String {
        let nanoseconds = UInt64(bitPattern: status.modifiedSeconds &* 1_000_000_000 &+ status.modifiedNanoseconds)
        return
            "\"\(String(status.inode, radix: 16))-\(String(status.size, radix: 16))-\(String(nanoseconds, radix: 16))\""
    }

    /// Whether a list of tags (an `If-None-Match` or `If-Match` value) holds
    /// `tag`, or is `*`. `weak`: the weak comparison (section 8.8.3.2),
    /// where `W/"x"` matches `"x"`; otherwise a weak tag never matches.
    static func list(_ value: ArraySlice<UInt8>, contains tag: String, weak: Bool) -> Bool {
        let trimmed = value.trimmingWhitespace()
        if trimmed.elementsEqual("*".utf8) { return true }
        for element in trimmed.split(separator: UInt8(ascii: ",")) {
            var candidate = element.trimmingWhitespace()
            if candidate.starts(with: "W/".utf8) {
                guard weak else { continue }
                candidate = candidate.dropFirst(2)
            }
            if candidate.elementsEqual(tag.utf8) { return true }
        }
        return false
    }
}

extension ArraySlice<UInt8> {
    /// Without the optional whitespace (RFC 9110 section 5.6.3) at either end.
    func trimmingWhitespace() -> ArraySlice<UInt8> {
        guard let first = firstIndex(where: { !FieldSyntax.isWhitespace($0) }),
            let last = lastIndex(where: { !FieldSyntax.isWhitespace($0) })
        else { return [] }
        return self[first...last]
    }
}
