/// What a spawned child's standard input, output or error is.
public enum StandardStream: Sendable, Equatable {
    /// The parent's own descriptor of the same number (its terminal, its log).
    case inherited
    /// /dev/null: reads see end of file, writes vanish.
    case nullDevice
    /// A new pipe, whose other end `SpawnedProcess` hands the caller.
    case pipe
}
