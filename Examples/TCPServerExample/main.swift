// The textbook's TCPServer (section 4.3.1) as a program: an upper-casing
// service. Each client is served on a thread of its own; every byte it sends
// comes back, letters in capitals, until it closes its side.
//
//     swift run TCPServerExample 7000        (then, in another terminal:)
//     nc 127.0.0.1 7000
//
// Ctrl-C (SIGINT) or SIGTERM closes the server: no new client is accepted,
// the ones being served finish, and the program exits.
import Glibc
import Servers
import SocketCore
import TCPStates

let usage = "usage: TCPServerExample PORT [HOST]  (PORT 0 picks a free one; HOST is 127.0.0.1 unless given)\n"
let arguments = Array(CommandLine.arguments.dropFirst())
guard (1...2).contains(arguments.count), let port = UInt16(arguments[0]) else {
    TextOutput.write(usage, to: STDERR_FILENO)
    exit(2)
}
let host = arguments.count == 2 ? arguments[1] : "127.0.0.1"

/// ASCII letters in capitals; every other byte as it is.
@Sendable func upperCased(_ bytes: [UInt8]) -> [UInt8] {
    bytes.map { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) ? $0 - 0x20 : $0 }
}

let server = TCPServer()
do {
    // The signals go to a thread of their own, which closes the server;
    // establishConnection below then returns.
    try ShutdownSignals.install { _ in try? server.closeConnection() }
    let address = try server.openServer(host: host, port: port)
    // write(2), not print: a program reading this through a pipe sees the
    // line at once, not when a stdio buffer fills.
    TextOutput.write("listening on \(address)\n", to: STDOUT_FILENO)
    try server.establishConnection { client, peer in
        // An empty read is the end of file: the client closed its side.
        while let bytes = try client.receive(maxCount: 4096).value, !bytes.isEmpty {
            try client.sendAll(upperCased(bytes))
        }
    }
    TextOutput.write("closed\n", to: STDOUT_FILENO)
} catch {
    TextOutput.write("TCPServerExample: \(error)\n", to: STDERR_FILENO)
    exit(1)
}
