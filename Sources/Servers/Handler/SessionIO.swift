import SocketCore

/// A session's side of its connection: the output it queues, and what it
/// asks of the model that runs it. The model keeps the requests
/// (`deadline`, `pausesReading`, `wantsDrained`, `waitsOn`) from one
/// callback to the next until the session changes them.
public struct SessionIO {
    /// What to send, in order, after the callback returns.
    public var output = OutputQueue()
    /// The standing requests; see the properties below.
    @usableFromInline var wants = SessionWants()
    /// Where a `SessionWaker` made by this connection posts its wake-ups.
    let wakeInbox: WakeInbox
    /// This connection among those of `wakeInbox`.
    var wakeToken: UInt64 = 0
    /// Requests answered in this callback (see `finishedRequest`).
    @usableFromInline var finishedRequests = 0

    init(wakeInbox: WakeInbox) {
        self.wakeInbox = wakeInbox
    }

    /// When the model calls `deadlinePassed` (nil: never). A header-read
    /// timeout sets it when a connection opens; a keep-alive timeout when a
    /// response has gone out. Event models keep it in a timer; blocking
    /// models wait with poll(2) until it.
    public var deadline: MonotonicInstant? {
        get { wants.deadline }
        set { wants.deadline = newValue }
    }

    /// Stop reading from the peer even with no output queued (a web server
    /// waiting for a CGI script before it reads the next request). The
    /// model never reads while output is queued anyway: a peer that sends
    /// without reading its replies gets no more of our memory than one
    /// reply's worth.
    public var pausesReading: Bool {
        get { wants.pausesReading }
        set { wants.pausesReading = newValue }
    }

    /// Call `drained` whenever everything queued has been sent: a producer
    /// adds the next part of a large or slow body only when the socket has
    /// taken the last, so memory stays bounded however slow the peer.
    public var wantsDrained: Bool {
        get { wants.wantsDrained }
        set { wants.wantsDrained = newValue }
    }

    /// Another descriptor to wait on beside the connection (a CGI child's
    /// pipe): when it is ready the model calls `woken`. The session owns the
    /// descriptor; it clears this before closing it.
    public var waitsOn: WaitedDescriptor? {
        get { wants.waitsOn }
        set { wants.waitsOn = newValue }
    }

    /// Counts a request as answered, for the server's statistics (an echo
    /// per chunk received, an HTTP response once it is queued): its duration
    /// runs from the bytes that began it to the end of this callback.
    @inlinable
    public mutating func finishedRequest() { finishedRequests &+= 1 }

    /// A handle that any thread may use to have `woken` called on this
    /// session's thread (a worker thread that has finished its part).
    public func makeWaker() -> SessionWaker {
        wakeInbox.enable()
        return SessionWaker(inbox: wakeInbox, token: wakeToken)
    }
}

/// The standing requests of a session, kept by the model per connection.
@usableFromInline
struct SessionWants {
    @usableFromInline var deadline: MonotonicInstant?
    @usableFromInline var waitsOn: WaitedDescriptor?
    @usableFromInline var pausesReading = false
    @usableFromInline var wantsDrained = false

    @usableFromInline init() {}

    /// Nothing asked beyond reading and writing: a blocking model may
    /// simply block in receive.
    @inline(__always)
    var asksOnlyToRead: Bool { deadline == nil && waitsOn == nil && !pausesReading && !wantsDrained }
}

/// A descriptor a session waits on, and for what.
public struct WaitedDescriptor: Sendable, Equatable {
    public enum Readiness: Sendable, Equatable {
        case readable
        case writable
    }

    public var descriptor: Int32
    public var readiness: Readiness

    public init(_ descriptor: Int32, for readiness: Readiness = .readable) {
        self.descriptor = descriptor
        self.readiness = readiness
    }
}
