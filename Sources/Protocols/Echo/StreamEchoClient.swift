import Glibc
import SocketCore
import Streams
import Synchronization
import SystemPackage

/// The classic echo client over a stream: what it reads from `input` goes
/// to the server in chunks of up to `chunkSize` bytes, what comes back goes
/// to `output`. Done when the echo of the last byte has arrived.
///
/// Sending and receiving run in two threads: a client that sent everything
/// before reading would deadlock with any server once both sides' buffers
/// filled up (at a few MiB on loopback).
public struct StreamEchoClient: Sendable {
    public var chunkSize = 1024

    public init() {}

    /// Runs the exchange on a connected socket; returns the byte count echoed.
    public func run(socket: Socket, input: FileDescriptor, output: FileDescriptor) throws(EchoError) -> Int {
        let sender = Sender(socket: socket, input: input, chunkSize: chunkSize)
        do {
            try PosixThread.startDetached { sender.run() }
        } catch {
            throw EchoError(error.description)
        }
        let output = FileDescriptorStream(output)
        var received = 0
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let sent = sender.outcome
            if case .failure(let error)? = sent { throw error }
            if case .success(let total)? = sent, received >= total { return received }
            let count: Int
            do throws(StreamError) {
                // Wake up now and then to see whether the sender is done, so
                // that a server that echoes but never closes does not keep us
                // waiting.
                count = try socket.read(into: &buffer, deadline: .now + .milliseconds(50))
            } catch .timedOut {
                continue
            } catch {
                throw EchoError("\(error)")
            }
            if count == 0 {
                // The server closed: wait for the sender's verdict, then judge.
                let total = sender.waitForTotal()
                if case .failure(let error) = total { throw error }
                if case .success(let sent) = total, received < sent {
                    throw EchoError("the server closed the connection after echoing \(received) of \(sent) bytes")
                }
                return received
            }
            do throws(StreamError) {
                try buffer.withUnsafeBytes { raw in
                    Result { () throws(StreamError) in
                        try output.write(UnsafeRawBufferPointer(rebasing: raw[..<count]), deadline: nil)
                    }
                }.get()
            } catch {
                throw EchoError("write to standard output: \(error)")
            }
            received += count
        }
    }
}

/// Reads the input and sends it; then half-closes, so the server sees the end.
private final class Sender: Sendable {
    let socket: Socket
    let input: FileDescriptor
    let chunkSize: Int
    private let done = Mutex<Result<Int, EchoError>?>(nil)

    init(socket: Socket, input: FileDescriptor, chunkSize: Int) {
        self.socket = socket
        self.input = input
        self.chunkSize = chunkSize
    }

    func run() {
        let result = send()
        if case .failure = result {
            // Wake the receiver, which would otherwise wait for bytes that never come.
            try? socket.shutdown(.both)
        }
        done.withLock { $0 = result }
    }

    /// The byte count sent, or why sending failed; nil while still sending.
    var outcome: Result<Int, EchoError>? { done.withLock { $0 } }

    /// The sender's outcome once it has one (polled: the wait is short).
    func waitForTotal() -> Result<Int, EchoError> {
        while true {
            if let outcome { return outcome }
            Pause.sleep(for: .milliseconds(5))
        }
    }

    private func send() -> Result<Int, EchoError> {
        let input = FileDescriptorStream(self.input)
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var total = 0
        while true {
            let count: Int
            do throws(StreamError) {
                count = try input.read(into: &chunk)
            } catch {
                return .failure(EchoError("read from standard input: \(error)"))
            }
            if count == 0 { break }
            do throws(StreamError) {
                try chunk.withUnsafeBytes { raw in
                    Result { () throws(StreamError) in
                        try socket.write(UnsafeRawBufferPointer(rebasing: raw[..<count]), deadline: nil)
                    }
                }.get()
            } catch {
                return .failure(EchoError("\(error)"))
            }
            total += count
        }
        do throws(SocketError) {
            try socket.shutdown(.write)
        } catch {
            return .failure(EchoError("\(error)"))
        }
        return .success(total)
    }
}

/// An echo exchange that went wrong, in one line.
public struct EchoError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
