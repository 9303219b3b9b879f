import Glibc
import SocketCore
import SystemPackage

/// The echo client over datagrams: each line of input is one datagram, each
/// reply is written out followed by a newline. A reply that does not come
/// within `timeout` is reported and the client goes on with the next line.
public struct DatagramEchoClient: Sendable {
    public var timeout: Duration = .seconds(1)
    /// Called with the 1-based number of each datagram left unanswered, and
    /// the error that said why when there was one (a refused datagram: the
    /// ICMP port unreachable that comes back when nothing listens).
    public var reportMissing: @Sendable (Int, SocketError?) -> Void = { _, _ in }

    public init() {}

    /// Runs the exchange on a socket connected to the server (so the kernel
    /// drops datagrams from anyone else); returns how many went unanswered.
    public func run(socket: Socket, lines: some Sequence<[UInt8]>, output: FileDescriptor) throws(EchoError) -> Int {
        try exchange(socket: socket, lines: lines, output: output)
    }

    /// Runs the exchange on the lines of an input, standard input say. When
    /// the lines end early (a line longer than `ByteLines.maxLength`, or a
    /// failed read), the lines before have had their exchange, and then this
    /// throws, naming `inputName`.
    public func run(
        socket: Socket, lines: ByteLines, output: FileDescriptor,
        inputName: String = "standard input"
    ) throws(EchoError) -> Int {
        let missing = try exchange(socket: socket, lines: lines, output: output)
        if let failure = lines.failure { throw EchoError("\(inputName): \(failure)") }
        return missing
    }

    private func exchange(socket: Socket, lines: some Sequence<[UInt8]>, output: FileDescriptor)
        throws(EchoError) -> Int
    {
        var missing = 0
        var buffer = [UInt8](repeating: 0, count: 65536)
        for (index, datagram) in lines.enumerated() {
            let reply: [UInt8]?
            do throws(SocketError) {
                _ = try socket.send(datagram)
                reply = try awaitEcho(of: datagram, on: socket, buffer: &buffer)
            } catch  where error.code == ECONNREFUSED {
                missing += 1
                reportMissing(index + 1, error)
                continue
            } catch {
                throw EchoError("\(error)")
            }
            guard let reply else {
                missing += 1
                reportMissing(index + 1, nil)
                continue
            }
            do {
                try output.writeAll(reply + [UInt8(ascii: "\n")])
            } catch {
                throw EchoError("write to standard output: \(error)")
            }
        }
        return missing
    }

    /// Waits up to `timeout` for the echo of `datagram`. A reply that differs
    /// is a late echo of an earlier datagram (its timeout already reported):
    /// it is dropped and the wait goes on.
    private func awaitEcho(of datagram: [UInt8], on socket: Socket, buffer: inout [UInt8])
        throws(SocketError) -> [UInt8]?
    {
        let deadline = MonotonicInstant.now + timeout
        while true {
            let left = MonotonicInstant.now.duration(to: deadline)
            guard left > .zero else { return nil }
            try socket.setOption(.receiveTimeout, to: left)
            let result = try socket.receive(into: &buffer)
            guard let count = result.value else { return nil }
            if count == datagram.count && buffer[..<count].elementsEqual(datagram) {
                return Array(buffer[..<count])
            }
        }
    }
}
