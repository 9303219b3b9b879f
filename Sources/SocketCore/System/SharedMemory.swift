import Glibc

/// Zeroed memory that a process shares with the children it forks after
/// making it (mmap(2) of anonymous shared pages): how a server's worker
/// processes and its supervisor see the same counters.
///
/// Pages the program never touches cost nothing (MAP_NORESERVE): a region
/// sized for the most connections a server could hold is cheap while it
/// holds few. Unmapped by `deinit`; a forked child keeps its mapping until
/// it exits.
public final class SharedMemory: @unchecked Sendable {
    /// The start of the region, page-aligned.
    public let base: UnsafeMutableRawPointer
    public let byteCount: Int

    public init(byteCount: Int) throws(SystemError) {
        precondition(byteCount > 0, "a shared region needs a size")
        let mapped = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let mapped, mapped != MAP_FAILED else {
            throw SystemError(code: errno, call: "mmap", detail: "\(byteCount) bytes shared")
        }
        base = mapped
        self.byteCount = byteCount
    }

    deinit {
        munmap(base, byteCount)
    }
}
