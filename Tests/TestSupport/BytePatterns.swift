import Glibc

/// Bytes that differ at every offset within a period of 251 (a prime), so a
/// lost, repeated or reordered chunk shows; `seed` shifts the pattern.
public func pattern(count: Int, seed: Int = 0) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: ($0 + seed) % 251) }
}

/// `count` random bytes, read from /dev/urandom in large chunks: a loop over
/// 8-byte words is slow in a sanitized debug build.
public func randomBytes(_ count: Int) -> [UInt8] {
    let source = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
    precondition(source >= 0, "/dev/urandom: errno \(errno)")
    defer { close(source) }
    var bytes = [UInt8](repeating: 0, count: count)
    bytes.withUnsafeMutableBytes { raw in
        var offset = 0
        while offset < raw.count {
            let n = read(source, raw.baseAddress! + offset, min(raw.count - offset, 1 << 24))
            if n > 0 { offset += n } else { precondition(n < 0 && errno == EINTR, "/dev/urandom: errno \(errno)") }
        }
    }
    return bytes
}
