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

    /// Opens the spare (`/dev/null`, close-on-exec).
    public init() throws(SocketError) {
        let descriptor = try syscallValue("open", "/dev/null") { Glibc.open("/dev/null", O_RDONLY | O_CLOEXEC) }
        spare = Mutex(descriptor)
    }

    /// Whether `error` is the kind `shed` is for.
    public static func isOutOfDescriptors(_ error: SocketError) -> Bool {
        error.code == EMFILE || error.code == ENFILE
    }

    /// Frees the spare slot, accepts and closes up to `limit` pending
    /// connections (stopping early when none is left on a non-blocking
    /// listener; a blocking listener gets one), and takes the spare back.
    /// Returns how many connections were shed. If the slot is taken by
    /// another thread in between, nothing is shed and the spare is retried
    /// on the next call.
    @discardableResult
    public func shed(from listener: Socket, limit: Int = 64) -> Int {
        spare.withLock { spare in
            if spare >= 0 { _ = try? syscall("close", interrupt: .done) { Glibc.close(spare) } }
            spare = -1
            var shed = 0
            let blocking = (try? listener.isNonBlocking) == false
            while shed < limit {
                guard let connection = try? listener.accept(nonBlocking: true).value else { break }
                try? connection.close()
                shed += 1
                if blocking { break }
            }
            spare = (try? syscallValue("open", "/dev/null") { Glibc.open("/dev/null", O_RDONLY | O_CLOEXEC) }) ?? -1
            return shed
        }
    }

    deinit {
        let descriptor = spare.withLock { $0 }
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
    }
}
