/// What a spawned child's standard input, output or error is.
public enum StandardStream: Sendable, Equatable {
    /// The parent's own descriptor of the same number (its terminal, its log).
    case inherited
    /// /dev/null: reads see end of file, writes vanish.
    case nullDevice
    /// A new pipe, whose other end `SpawnedProcess` hands the caller.
    case pipe
    /// A descriptor of the caller's (a `MemoryFile` holding a request
    /// body), borrowed until `spawn` returns: the child gets a copy, at the
    /// same file position.
    case descriptor(Int32)
}
