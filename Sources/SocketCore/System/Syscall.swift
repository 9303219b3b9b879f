import Glibc

/// What the choke point does when a call fails with `EINTR`.
enum InterruptPolicy {
    /// Call again: the call had no effect (read, send, accept, poll ...).
    case retry
    /// Report would-block: the call goes on in the kernel. POSIX connect(2):
    /// "the connection request shall not be aborted, and the connection shall
    /// be established asynchronously"; calling connect again would say EALREADY.
    case wouldBlock
    /// Report success: Linux releases the descriptor before close(2) can be
    /// interrupted, so a retry could close a descriptor another thread has
    /// just been given (https://lwn.net/Articles/576478/).
    case done
}

/// The errnos that mean "not ready" for a call: at most two, held inline,
/// since the choke point is on every send and receive and an array would be
/// an object to make, retain and release on each call.
struct WouldBlockErrnos: ExpressibleByArrayLiteral {
    private let first: Int32
    private let second: Int32

    init(_ first: Int32 = 0, _ second: Int32 = 0) {
        self.first = first
        self.second = second
    }

    init(arrayLiteral errnos: Int32...) {
        precondition(errnos.count <= 2, "at most two would-block errnos")
        self.init(errnos.first ?? 0, errnos.count > 1 ? errnos[1] : 0)
    }

    /// The errnos that mean "not ready" for most calls (the same number on Linux).
    static var standard: WouldBlockErrnos { WouldBlockErrnos(EAGAIN, EWOULDBLOCK) }

    func contains(_ code: Int32) -> Bool { code != 0 && (code == first || code == second) }
}

/// The one place where SocketCore calls the kernel. `body` makes one system
/// call and returns its result (-1 with `errno` set on failure), as the C
/// library does.
///
/// - `EINTR` is handled by `interrupt` (retried unless told otherwise);
/// - an errno in `wouldBlock` comes back as `.wouldBlock`;
/// - an errno that only a bug can cause (`EBADF`, `EFAULT`, `ENOTSOCK`) traps;
/// - any other errno is thrown as a `SystemError` naming `call` and `detail`.
///
/// `detail` is evaluated only when the call fails. `body` may be called more
/// than once, so it must recompute anything that changes between tries (such
/// as the time left before a deadline).
@inline(never)  // keeps ARC traffic out from between the call and the errno read
func syscall<Result: FixedWidthInteger>(
    _ call: String,
    _ detail: @autoclosure () -> String? = nil,
    interrupt: InterruptPolicy = .retry,
    wouldBlock: WouldBlockErrnos = .standard,
    _ body: () -> Result
) throws(SystemError) -> IOResult<Result> {
    while true {
        let result = body()
        guard result == -1 else { return .processed(result) }
        let code = errno
        if code == EINTR {
            switch interrupt {
            case .retry: continue
            case .wouldBlock: return .wouldBlock
            case .done: return .processed(0)
            }
        }
        if wouldBlock.contains(code) { return .wouldBlock }
        if SystemError.isProgrammerError(code) {
            preconditionFailure("\(call)(\(detail() ?? "")): \(errnoName(code)): a bug in the caller")
        }
        throw SystemError(code: code, call: call, detail: detail())
    }
}

/// `syscall` for calls that never have a would-block outcome (bind, listen,
/// setsockopt ...): returns the result directly.
@inline(__always)
func syscallValue<Result: FixedWidthInteger>(
    _ call: String,
    _ detail: @autoclosure () -> String? = nil,
    _ body: () -> Result
) throws(SystemError) -> Result {
    switch try syscall(call, detail(), wouldBlock: [], body) {
    case .processed(let value): return value
    case .wouldBlock: preconditionFailure("\(call): no would-block errnos were given")
    }
}

/// Adapts a CSystemShims function (the result, or a negative errno) to the
/// C library convention the choke point reads (-1 and `errno`).
@inline(__always)
func fromNegativeErrno<Result: FixedWidthInteger & SignedInteger>(_ result: Result) -> Result {
    guard result < 0 else { return result }
    errno = Int32(truncatingIfNeeded: -result)
    return -1
}

extension SystemError {
    /// Errnos that a correct program cannot get: a descriptor that is not open
    /// (closed twice, or someone else's), a pointer outside our memory, a
    /// descriptor that is not a socket. Carrying on would act on the wrong object.
    static func isProgrammerError(_ code: Int32) -> Bool {
        code == EBADF || code == EFAULT || code == ENOTSOCK
    }
}
