import CSystemShims
import Glibc
import SocketCore

/// The terminal on standard input, switched to raw mode (termios(3)'s
/// `cfmakeraw`: no line editing, no echo, no signals from keys, no output
/// processing) so that every key goes to the server as it is typed. The
/// original settings are kept and put back by `restore`, which the caller
/// runs on every way out (a `defer`, and before the escape prompt).
final class TerminalMode {
    let descriptor: Int32
    private var original = termios()

    init(descriptor: Int32 = 0) throws(SystemError) {
        self.descriptor = descriptor
        _ = try SystemCall.value("tcgetattr") { tcgetattr(descriptor, &original) }
    }

    func enterRaw() throws(SystemError) {
        var raw = original
        cfmakeraw(&raw)
        _ = try SystemCall.value("tcsetattr") { tcsetattr(descriptor, TCSADRAIN, &raw) }
    }

    /// The settings found at the start; on failure nothing more can be done.
    func restore() {
        _ = try? SystemCall.value("tcsetattr") { tcsetattr(descriptor, TCSADRAIN, &original) }
    }

    /// The terminal's size in characters, nil when it has none (a pipe).
    static func size(of descriptor: Int32) -> (columns: UInt16, rows: UInt16)? {
        var columns: UInt16 = 0
        var rows: UInt16 = 0
        guard shim_terminal_size(descriptor, &columns, &rows) == 0, columns > 0, rows > 0 else { return nil }
        return (columns, rows)
    }
}
