import SocketCore
import Telnet

/// The scripted mode: each expectation waited for at most the timeout, each
/// send written once the expectation before it is met, everything received
/// shown as it arrives. After the last step, what the server still sends is
/// shown until it closes or the timeout passes.
struct TelnetScriptRun {
    let client: TelnetClient
    let timeout: Duration

    func play(_ steps: [TelnetStep]) throws(TelnetError) -> Int32 {
        client.onData = { ReceivedOutput.write($0) }
        for step in steps {
            switch step {
            case .expect(let text):
                do {
                    _ = try client.read(until: text, timeout: timeout)
                } catch .timedOut {
                    CommandFailure.report("timed out waiting for \(Self.shown(text))")
                    return 1
                } catch .closed {
                    CommandFailure.report("the server closed the connection before \(Self.shown(text))")
                    return 1
                }
            case .send(let text):
                try client.write(text)
            }
        }
        do {
            _ = try client.readAll(timeout: timeout)
        } catch .timedOut {
            // The script is done; a server that keeps the line open is fine.
        }
        return 0
    }

    /// Text as it appears in a message: quoted, control characters escaped.
    static func shown(_ text: [UInt8]) -> String {
        String(decoding: text, as: UTF8.self).debugDescription
    }
}
