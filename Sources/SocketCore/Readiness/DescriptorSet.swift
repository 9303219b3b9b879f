import Glibc

/// The `fd_set` of select(2): one bit per descriptor number below
/// `FD_SETSIZE` (1024).
///
/// The C macros `FD_SET` and `FD_ISSET` do not check their argument, and a
/// descriptor of 1024 or more writes past the end of the set: the classic
/// memory corruption of select servers. Here such a descriptor cannot be
/// inserted (`insert` returns false), so a caller has to decide what to do
/// with it, and `contains` answers false.
public struct DescriptorSet: Sendable {
    /// The C constant is `FD_SETSIZE`.
    public static let capacity = Int32(FD_SETSIZE)

    var raw = fd_set()

    public init() {}

    /// Adds `descriptor`; false (and nothing written) when it is negative or
    /// not below `capacity`.
    @discardableResult
    public mutating func insert(_ descriptor: Int32) -> Bool {
        guard Self.fits(descriptor) else { return false }
        withUnsafeMutableBytes(of: &raw) { bits in
            let (word, mask) = Self.position(descriptor)
            bits.storeBytes(
                of: bits.load(fromByteOffset: word, as: UInt.self) | mask, toByteOffset: word, as: UInt.self)
        }
        return true
    }

    public mutating func remove(_ descriptor: Int32) {
        guard Self.fits(descriptor) else { return }
        withUnsafeMutableBytes(of: &raw) { bits in
            let (word, mask) = Self.position(descriptor)
            bits.storeBytes(
                of: bits.load(fromByteOffset: word, as: UInt.self) & ~mask, toByteOffset: word, as: UInt.self)
        }
    }

    public func contains(_ descriptor: Int32) -> Bool {
        guard Self.fits(descriptor) else { return false }
        return withUnsafeBytes(of: raw) { bits in
            let (word, mask) = Self.position(descriptor)
            return bits.load(fromByteOffset: word, as: UInt.self) & mask != 0
        }
    }

    public static func fits(_ descriptor: Int32) -> Bool { descriptor >= 0 && descriptor < capacity }

    /// The byte offset of the word holding `descriptor`'s bit, and the bit.
    /// glibc lays `fd_set` out as an array of `long`, bit `fd % 64` of word
    /// `fd / 64` (sys/select.h, `__FD_ELT` and `__FD_MASK`).
    private static func position(_ descriptor: Int32) -> (Int, UInt) {
        let bitsPerWord = Int32(UInt.bitWidth)
        return (Int(descriptor / bitsPerWord) * MemoryLayout<UInt>.size, 1 << UInt(descriptor % bitsPerWord))
    }
}

/// Waits with select(2) until a descriptor in `reading` is readable or one
/// in `writing` is writable, or `timeout` passes (nil: no limit). The sets
/// are replaced by the ready descriptors. Returns how many are ready; 0 on
/// timeout. `limit` is one more than the highest descriptor in either set.
///
/// EINTR is retried with the full timeout again (Linux select updates the
/// timeout it is given, but servers here wait without one).
public func select(
    reading: inout DescriptorSet, writing: inout DescriptorSet, limit: Int32, timeout: Duration? = nil
) throws(SocketError) -> Int {
    let wantedReading = reading
    let wantedWriting = writing
    let ready = try syscallValue("select") {
        reading = wantedReading
        writing = wantedWriting
        guard let timeout else { return Glibc.select(limit, &reading.raw, &writing.raw, nil, nil) }
        var interval = timeval(timeout)
        return Glibc.select(limit, &reading.raw, &writing.raw, nil, &interval)
    }
    return Int(ready)
}
