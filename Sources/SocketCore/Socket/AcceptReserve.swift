import Glibc
import Synchronization

/// One spare descriptor, kept open so that a server that has run out of
/// descriptors can still take a pending connection off the backlog and
/// close it.
///
/// When accept(2) fails with `EMFILE` or `ENFILE`, the connection stays in
/// the listen backlog and the listener stays readable: an event loop would
/// wake again at once and spin, and the client would wait forever. libuv's
/// answer (`uv__emfile_trick` in src/unix/stream.c): close the spare, which
/// frees one slot, accept the waiting connections one by one and close each
/// (the client sees its connection closed, not a hang), then open the spare
/// again.
public final class AcceptReserve: Sendable {
    private let spare: Mutex<Int32>

    /// The process's spare. One per process is right: the descriptor table
    /// is the process's, so spares kept per thread would take each other's
    /// freed slots. Servers touch it when they start (`prepare`), while
    /// descriptors are still to be had.
    public static let shared = AcceptReserve()

    /// A reserve whose spare is opened now if it can be, else on a later
    /// `shed` or `prepare`.
    public init() {
        spare = Mutex((try? Self.openSpare()) ?? -1)
    }

    /// Opens the spare if it is not open (a server calls this at start).
    public func prepare() {
        spare.withLock { spare in
            if spare < 0 { spare = (try? Self.openSpare()) ?? -1 }
        }
    }

    private static func openSpare() throws(SocketError) -> Int32 {
        try syscallValue("open", "/dev/null") { Glibc.open("/dev/null", O_RDONLY | O_CLOEXEC) }
    }

    /// Whether `error` is the kind `shed` is for.
    public static func isOutOfDescriptors(_ error: SocketError) -> Bool {
        error.code == EMFILE || error.code == ENFILE
    }

    /// Frees the spare slot, accepts and closes up to `limit` connections
    /// that are waiting, and takes the spare back. Never blocks: Linux fails
    /// accept4 with EMFILE before it looks for a connection, so there may be
    /// none, and each accept is made only after poll(2) says one is there.
    /// Returns how many were shed; 0 tells the caller to wait for the
    /// listener (or for descriptors) rather than call accept again at once.
    /// A spare lost to another thread's open is reopened on a later call.
    @discardableResult
    public func shed(from listener: Socket, limit: Int = 64) -> Int {
        spare.withLock { spare in Self.shed(from: listener, limit: limit, spare: &spare) }
    }

    private static func shed(from listener: Socket, limit: Int, spare: inout Int32) -> Int {
        if spare < 0 { spare = (try? openSpare()) ?? -1 }
        guard spare >= 0 else { return 0 }  // no slot to free
        _ = try? syscall("close", interrupt: .done) { [spare] in Glibc.close(spare) }
        spare = -1
        var shed = 0
        while shed < limit, (try? listener.waitUntilReadable(timeout: .zero)) == true,
            let connection = try? listener.accept(nonBlocking: true).value
        {
            try? connection.close()
            shed += 1
        }
        spare = (try? openSpare()) ?? -1
        return shed
    }

    /// What `accept(on:)` did.
    public enum Attempt: Sendable {
        case accepted(Socket, SocketAddress)
        /// Nothing was waiting.
        case none
        /// Out of descriptors: this many waiting connections were closed.
        case shed(Int, SocketError)
        case failed(SocketError)
    }

    /// Accepts on `listener`, and sheds on EMFILE/ENFILE, all with the spare's lock held.
    /// Where several threads accept (the epoll model's workers), a plain
    /// accept in one thread would otherwise take the slot another thread's
    /// shed has just freed, and the spare could not be reopened: from then
    /// on nothing could be shed.
    /// `nonBlocking` is for the new connection's socket (SOCK_NONBLOCK);
    /// whether the accept itself waits is the listener's mode.
    public func accept(on listener: Socket, nonBlocking: Bool = true) -> Attempt {
        spare.withLock { spare in
            do throws(SocketError) {
                guard let accepted = try listener.acceptWithPeer(nonBlocking: nonBlocking).value else { return .none }
                return .accepted(accepted.socket, accepted.peer)
            } catch {
                guard Self.isOutOfDescriptors(error) else { return .failed(error) }
                return .shed(Self.shed(from: listener, limit: 64, spare: &spare), error)
            }
        }
    }

    deinit {
        let descriptor = spare.withLock { $0 }
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
    }
}
