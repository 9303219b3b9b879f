import Glibc

/// How many descriptors this process has open (the one that lists them
/// excluded: it is closed again when this returns).
public func openDescriptorCount() throws -> Int {
    let listed = directoryEntries("/proc/self/fd")
    guard !listed.isEmpty else { throw TestFailure("/proc/self/fd: errno \(errno)") }
    return listed.count - 1
}
