import Glibc
import Synchronization

/// Set by SIGINT (and SIGTERM): the run stops, prints its summary and
/// exits as iputils does on Ctrl-C. An atomic store is all a handler may
/// do safely; the poll it interrupts returns at once (EINTR).
let stopRequested = Atomic<Bool>(false)

/// Set by SIGQUIT: the run prints iputils' status line and goes on.
let statusRequested = Atomic<Bool>(false)

enum StopSignals {
    static func install() {
        for number in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { _ in stopRequested.store(true, ordering: .relaxed) }
            sigemptyset(&action.sa_mask)
            sigaction(number, &action, nil)
        }
        var status = sigaction()
        status.__sigaction_handler.sa_handler = { _ in statusRequested.store(true, ordering: .relaxed) }
        sigemptyset(&status.sa_mask)
        sigaction(SIGQUIT, &status, nil)
        // Standard output may be a pipe whose reader leaves: EPIPE, not death.
        signal(SIGPIPE, SIG_IGN)
    }
}
