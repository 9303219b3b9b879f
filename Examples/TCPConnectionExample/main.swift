// The textbook's TCPConnection with the State pattern (section 4.3.2) as a
// program: an echo service that serves one client at a time, printing each
// state the connection passes through.
//
//     swift run TCPConnectionExample 7000 2   (serves two clients, then closes)
//     nc 127.0.0.1 7000
//
// listening on 127.0.0.1:7000
// LISTEN
// ESTABLISHED with 127.0.0.1:51234
// LISTEN
// ...
// CLOSED
import Glibc
import SocketCore
import TCPStates

let usage = "usage: TCPConnectionExample PORT [CLIENTS]  (PORT 0 picks a free one; CLIENTS to serve, else for ever)\n"
let arguments = Array(CommandLine.arguments.dropFirst())
guard (1...2).contains(arguments.count), let port = UInt16(arguments[0]),
    let clients = arguments.count == 2 ? Int(arguments[1]) : Int.max, clients >= 0
else {
    TextOutput.write(usage, to: STDERR_FILENO)
    exit(2)
}

/// One line on standard output, written at once (write(2), not print, so
/// that a program reading a pipe sees it without waiting for a buffer).
func say(_ line: String) { TextOutput.write(line + "\n", to: STDOUT_FILENO) }

/// The state's RFC name, and the client an established connection holds.
func describe(_ state: any TCPState) -> String {
    guard let established = state as? TCPEstablished else { return "\(state.name)" }
    return "\(state.name) with \(established.peer)"
}

do {
    let connection = try TCPConnection(host: "127.0.0.1", port: port)
    say("listening on \(connection.localAddress)")
    say(describe(connection.state))
    for _ in 0..<clients {
        try connection.openConnection()
        say(describe(connection.state))
        try connection.handleConnection { client, peer in
            // An empty read is the end of file: the client closed its side.
            while let bytes = try client.receive(maxCount: 4096).value, !bytes.isEmpty {
                try client.sendAll(bytes)
            }
        }
        say(describe(connection.state))
    }
    try connection.closeConnection()
    say(describe(connection.state))
} catch {
    TextOutput.write("TCPConnectionExample: \(error)\n", to: STDERR_FILENO)
    exit(1)
}
