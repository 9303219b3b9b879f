import SocketCore

/// A readiness mechanism (select, poll, epoll) as the event-driven models
/// use it: level-triggered, one interest per descriptor. Four calls, as
/// redis keeps `ae_epoll.c` behind a handful of functions: the loop above
/// them (`ReadinessLoop`) is the same for every mechanism.
protocol ReadinessBackend {
    /// For log lines: "select", "poll", "epoll".
    static var name: String { get }
    /// Starts watching `descriptor`; false when this mechanism cannot hold it
    /// (select: a descriptor not below FD_SETSIZE; epoll: epoll_ctl failed).
    mutating func watch(_ descriptor: Int32, for interest: Interest) -> Bool
    /// Changes what a watched descriptor is watched for (`.idle`: nothing
    /// but errors and hang-ups, which poll and epoll always report).
    mutating func change(_ descriptor: Int32, to interest: Interest)
    mutating func unwatch(_ descriptor: Int32)
    /// Stops watching a descriptor that is closed right after; a mechanism
    /// whose close does the rest (epoll) can skip a system call.
    mutating func forget(_ descriptor: Int32)
    /// Waits until something is ready or `deadline` passes (nil: no limit),
    /// and returns the ready descriptors, valid until the next wait. An error
    /// or hang-up counts as readable: the next receive reports it.
    mutating func wait(until deadline: MonotonicInstant?) throws(SocketError) -> UnsafeBufferPointer<ReadyDescriptor>
}

extension ReadinessBackend {
    mutating func forget(_ descriptor: Int32) { unwatch(descriptor) }
}
