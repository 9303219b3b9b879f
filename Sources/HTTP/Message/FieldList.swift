/// The comma-separated lists many field values are (RFC 9110 section
/// 5.6.1), read from raw bytes without making Strings.
enum FieldList {
    /// Calls `body` with each element of `value`, without its surrounding
    /// whitespace (an element may be empty: `a, ,b` has three), until `body`
    /// returns false. Returns whether every element was visited.
    @discardableResult
    static func forEachElement(_ value: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        var start = 0
        while start <= value.count {
            var end = start
            while end < value.count && value[end] != comma { end += 1 }
            var first = start
            var last = end
            while first < last && FieldSyntax.isWhitespace(value[first]) { first += 1 }
            while last > first && FieldSyntax.isWhitespace(value[last - 1]) { last -= 1 }
            guard body(UnsafeRawBufferPointer(rebasing: value[first..<last])) else { return false }
            start = end + 1
        }
        return true
    }

    /// Whether `bytes` spell `lowercaseName`, ignoring ASCII case.
    @inline(__always)
    static func matches(_ bytes: UnsafeRawBufferPointer, _ lowercaseName: StaticString) -> Bool {
        guard bytes.count == lowercaseName.utf8CodeUnitCount else { return false }
        let name = lowercaseName.utf8Start
        for index in 0..<bytes.count where FieldSyntax.lowercased(bytes[index]) != name[index] { return false }
        return true
    }

    private static let comma: UInt8 = 0x2C
}
