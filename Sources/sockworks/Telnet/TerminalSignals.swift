import CSystemShims
import Glibc
import SocketCore

/// The signals the interactive mode handles, read from a signalfd(2) in
/// its poll rather than in handlers: SIGWINCH (the window changed: NAWS is
/// sent again, RFC 1073), and SIGINT, SIGTERM, SIGHUP and SIGQUIT, which
/// end the session with the terminal restored instead of killing the
/// process in raw mode. They are blocked while the session lasts, and
/// unblocked by `close`.
final class TerminalSignals {
    let descriptor: Int32
    private var previousMask = sigset_t()

    init() throws(SystemError) {
        var set = sigset_t()
        sigemptyset(&set)
        for number in [SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT] { sigaddset(&set, number) }
        var previous = sigset_t()
        try SystemCall.returningErrno("pthread_sigmask") { pthread_sigmask(SIG_BLOCK, &set, &previous) }
        previousMask = previous
        do throws(SystemError) {
            descriptor = try SystemCall.returningNegativeErrno("signalfd") { shim_signalfd(&set) }
        } catch {
            pthread_sigmask(SIG_SETMASK, &previous, nil)
            throw error
        }
    }

    /// The signals that have arrived, oldest first.
    func pending() -> [Int32] {
        var numbers: [Int32] = []
        while true {
            let number = try? SystemCall.returningNegativeErrno("read", "signalfd") { shim_signalfd_next(descriptor) }
            guard let number, number > 0 else { return numbers }
            numbers.append(number)
        }
    }

    func close() {
        try? SystemCall.close(descriptor)
        pthread_sigmask(SIG_SETMASK, &previousMask, nil)
    }
}
