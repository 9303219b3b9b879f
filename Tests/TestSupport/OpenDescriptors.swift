import Glibc

/// How many descriptors this process has open (the one that lists them
/// excluded: it is closed again when this returns).
public func openDescriptorCount() throws -> Int {
    let listed = directoryEntries("/proc/self/fd")
    guard !listed.isEmpty else { throw TestFailure("/proc/self/fd: errno \(errno)") }
    return listed.count - 1
}

/// How many sockets and pipes this process has open: what a test of a
/// server can leak, without the event descriptors (epoll, eventfd,
/// timerfd) that Foundation's run loops open lazily on their first use
/// and keep for the life of the process.
public func openSocketAndPipeCount() throws -> Int {
    let listed = directoryEntries("/proc/self/fd")
    guard !listed.isEmpty else { throw TestFailure("/proc/self/fd: errno \(errno)") }
    var count = 0
    for entry in listed {
        var target = [CChar](repeating: 0, count: 64)
        let length = readlink("/proc/self/fd/\(entry)", &target, target.count - 1)
        guard length > 0 else { continue }
        let text = String(decoding: target[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix("socket:") || text.hasPrefix("pipe:") { count += 1 }
    }
    return count
}
