import Glibc
import Synchronization

/// Set by SIGINT (and SIGTERM): the run stops, prints its summary and exits
/// as ping does on Ctrl-C. An atomic store is all a handler may do safely;
/// the poll it interrupts returns at once (EINTR).
let udppingStopRequested = Atomic<Bool>(false)

enum UDPPingStopSignals {
    static func install() {
        for number in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { _ in udppingStopRequested.store(true, ordering: .relaxed) }
            sigemptyset(&action.sa_mask)
            sigaction(number, &action, nil)
        }
        // Standard output may be a pipe whose reader leaves: EPIPE, not death.
        signal(SIGPIPE, SIG_IGN)
    }
}
