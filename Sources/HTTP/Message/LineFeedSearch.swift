/// Where the next line of a message head ends: the search every line of
/// every request goes through, so it looks at eight bytes at a time.
enum LineFeedSearch {
    /// The index of the first LF in `bytes` at or after `start`, or
    /// `bytes.count` when there is none.
    @inline(__always)
    static func firstLineFeed(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let lineFeeds = ones &* UInt64(lineFeed)
        var index = start
        while index + 8 <= bytes.count {
            // XOR turns an LF into a zero byte; (w - 1s) & ~w & 0x80s is
            // nonzero exactly when w has a zero byte (Hacker's Delight,
            // section 6-1). The byte loop below then finds which one.
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ lineFeeds
            if (word &- ones) & ~word & highBits != 0 { break }
            index += 8
        }
        while index < bytes.count && bytes[index] != lineFeed { index += 1 }
        return index
    }

    private static let lineFeed: UInt8 = 0x0A
}
