import Glibc
import SocketCore

// Resolves localhost, echoes a byte pattern through one TCP connection to a
// thread of its own over loopback, and checks that what came back is what
// went out. Prints the byte count and the RFC 1071 checksum of what came back
// and exits 0; prints the error and exits 1 when something failed.

/// The pattern, sent in chunks and read back after each, so neither side
/// fills its send buffer while the other is not reading.
let chunkSize = 4096
let chunkCount = 16

/// Chunk `chunk` of the pattern: byte i is (131 i + 17 chunk + i / 32) mod 256.
func pattern(chunk: Int) -> [UInt8] {
    (0..<chunkSize).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ chunk &* 17 &+ $0 >> 5) }
}

/// Accepts one connection and sends back every byte until end of file.
func echoOnce(_ listener: Socket) throws(SocketError) {
    guard let connection = try listener.accept().value else { return }
    defer { try? connection.close() }
    while true {
        guard case .processed(let bytes) = try connection.receive(maxCount: 65536), !bytes.isEmpty else { return }
        try connection.sendAll(bytes)
    }
}

/// Reads exactly `count` bytes, or fewer if the peer ends the stream or the
/// receive timeout expires first.
func receive(exactly count: Int, from socket: Socket) throws(SocketError) -> [UInt8] {
    var bytes: [UInt8] = []
    while bytes.count < count {
        guard case .processed(let more) = try socket.receive(maxCount: count - bytes.count), !more.isEmpty else {
            break
        }
        bytes += more
    }
    return bytes
}

func run() throws -> String {
    let address = SocketAddress(.v4(try Resolver.address(ofHost: "localhost")), port: 0)
    let listener = try Socket(family: address.family, type: .stream)
    defer { try? listener.close() }
    try listener.bind(to: address)
    try listener.listen()
    let listening = try listener.localAddress
    let server = try PosixThread.start { try? echoOnce(listener) }

    let client = try Socket(family: address.family, type: .stream)
    try client.connect(to: listening, timeout: .seconds(5))
    // An echo that stops answering ends the run with an error, not a hang.
    try client.setOption(.receiveTimeout, to: .seconds(5))
    var checksum = InternetChecksum()
    for chunk in 0..<chunkCount {
        let bytes = pattern(chunk: chunk)
        try client.sendAll(bytes)
        let echoed = try receive(exactly: bytes.count, from: client)
        guard echoed == bytes else {
            throw EchoMismatch(chunk: chunk, sent: bytes.count, received: echoed.count)
        }
        checksum.add(echoed)
    }
    try client.shutdown(.write)
    server.join()
    try client.close()
    let value = "0x" + String(checksum.value, radix: 16)
    return "echoed \(chunkSize * chunkCount) bytes through \(listening), checksum \(value)\n"
}

/// The echo gave back other bytes than were sent, or fewer.
struct EchoMismatch: Error, CustomStringConvertible {
    let chunk: Int
    let sent: Int
    let received: Int

    var description: String { "chunk \(chunk): sent \(sent) bytes, received \(received) that differ" }
}

do {
    TextOutput.write(try run(), to: STDOUT_FILENO)
} catch {
    TextOutput.write("socketcore-user: \(error)\n", to: STDERR_FILENO)
    exit(1)
}
