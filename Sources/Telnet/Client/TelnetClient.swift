import SocketCore
import Streams

/// A Telnet client over a byte stream (telnetlib's job): reads data with
/// the protocol taken out, until a marker, whatever is there, or the end;
/// writes data and commands; negotiates options by `TelnetSession`'s rules
/// and answers the peer as its bytes arrive.
///
/// Data that arrives is kept until a read returns it; `onData` also sees
/// every piece the moment it is decoded, for callers that show it as it
/// comes (a read may take several pieces before its marker). `onEvent`
/// sees every other event (options that change, commands, violations).
///
/// At most `bufferLimit` bytes of data wait for a read: when more arrive,
/// the oldest are dropped (`onData` has seen them), so a server that floods
/// the connection without ever sending the marker cannot exhaust memory.
///
/// The client is used by one thread at a time.
public final class TelnetClient {
    public private(set) var session: TelnetSession
    /// Called with each piece of data as it arrives.
    public var onData: (([UInt8]) -> Void)?
    /// Called with each event other than data, in order.
    public var onEvent: ((TelnetEvent) -> Void)?
    /// Called when an option is enabled or disabled on a side.
    public var onOptionChange: ((TelnetOption, TelnetSide, _ enabled: Bool) -> Void)?

    /// The options this end agrees to when the server asks (RFC 855);
    /// the others are refused once.
    public var policy: TelnetOptionPolicy {
        get { session.policy }
        set { session.policy = newValue }
    }
    /// Whether the peer has closed its side (a read returned end of stream).
    public private(set) var peerClosed = false
    /// The most data kept for reads.
    public let bufferLimit: Int
    private let stream: any ByteStream
    private var received: [UInt8] = []
    /// Bytes dropped from the front of `received` so far.
    private var droppedCount = 0
    private var readBuffer = [UInt8](repeating: 0, count: 16 * 1024)
    private var closed = false

    public init(stream: any ByteStream, session: TelnetSession = TelnetSession(), bufferLimit: Int = 1 << 20) {
        self.stream = stream
        self.session = session
        self.bufferLimit = max(bufferLimit, 1)
    }

    /// Connects to `host` (a name or an address literal) through
    /// `Socket.connectStream`, within `timeout`.
    public static func connect(
        host: String, port: UInt16 = 23, timeout: Duration = .seconds(30), session: TelnetSession = TelnetSession()
    ) throws(TelnetError) -> TelnetClient {
        do {
            let (socket, _) = try Socket.connectStream(toHost: host, port: port, deadline: .now + timeout)
            return TelnetClient(stream: socket, session: session)
        } catch {
            throw .cannotConnect(error)
        }
    }

    /// The data up to and including the first `marker`, waiting for it at
    /// most `timeout`; the rest stays for the next read. An empty marker
    /// matches at once.
    public func read(until marker: [UInt8], timeout: Duration) throws(TelnetError) -> [UInt8] {
        let deadline = MonotonicInstant.now + timeout
        var searchedUpTo = 0
        while true {
            if let end = Self.end(of: marker, in: received, from: searchedUpTo) {
                let match = Array(received[..<end])
                received.removeFirst(end)
                return match
            }
            searchedUpTo = max(0, received.count - marker.count + 1)
            if peerClosed { throw .closed(seen: received) }
            let droppedBefore = droppedCount
            do {
                try receiveOnce(deadline: deadline)
            } catch .timedOut {
                throw .timedOut(seen: received)
            }
            searchedUpTo = max(0, searchedUpTo - (droppedCount - droppedBefore))
        }
    }

    /// The data that has arrived; when none has, waits at most `timeout`
    /// for some. Empty on timeout and at the end (see `peerClosed`).
    public func readAvailable(timeout: Duration) throws(TelnetError) -> [UInt8] {
        if received.isEmpty, !peerClosed {
            let deadline = MonotonicInstant.now + timeout
            do {
                while received.isEmpty, !peerClosed { try receiveOnce(deadline: deadline) }
            } catch .timedOut {
                return []
            }
        }
        defer { received.removeAll() }
        return received
    }

    /// The data that has arrived and not been returned, without waiting.
    public func takeReceived() -> [UInt8] {
        defer { received.removeAll() }
        return received
    }

    /// Everything up to the end of the connection, waiting for the peer to
    /// close at most `timeout`.
    public func readAll(timeout: Duration) throws(TelnetError) -> [UInt8] {
        let deadline = MonotonicInstant.now + timeout
        do {
            while !peerClosed { try receiveOnce(deadline: deadline) }
        } catch .timedOut {
            throw .timedOut(seen: received)
        }
        defer { received.removeAll() }
        return received
    }

    /// Sends `data`, its 255s doubled and its line ends as the NVT wants
    /// them (`\n` as CR LF, a lone CR as CR NUL) unless this end sends in
    /// BINARY.
    public func write(_ data: [UInt8], timeout: Duration = .seconds(30)) throws(TelnetError) {
        try send(bytes: session.encode(data), deadline: .now + timeout)
    }

    /// Sends a command: AYT, BRK, IP, NOP, ...
    public func send(_ command: TelnetCommand, timeout: Duration = .seconds(30)) throws(TelnetError) {
        try send(bytes: session.encode(command), deadline: .now + timeout)
    }

    /// Asks for an option on a side (RFC 1143); sends nothing when it is
    /// already so or asked for.
    public func request(
        _ option: TelnetOption, on side: TelnetSide, enabled: Bool, timeout: Duration = .seconds(30)
    ) throws(TelnetError) {
        try send(bytes: session.request(option, on: side, enabled: enabled), deadline: .now + timeout)
    }

    /// Records the terminal's size and, when NAWS is on, tells the peer
    /// (RFC 1073).
    public func setWindowSize(columns: UInt16, rows: UInt16, timeout: Duration = .seconds(30)) throws(TelnetError) {
        let bytes = session.setWindowSize(TelnetWindowSize(columns: columns, rows: rows))
        try send(bytes: bytes, deadline: .now + timeout)
    }

    /// The state of an option on a side, for a status display.
    public func state(of option: TelnetOption, on side: TelnetSide) -> TelnetOptionState {
        session.state(of: option, on: side)
    }

    /// Reads once from the stream (waiting until `deadline`), answers what
    /// needs answering, and hands the events out. For callers that wait on
    /// the connection themselves (poll with a terminal): a deadline of now
    /// reads what is there.
    public func receiveOnce(deadline: MonotonicInstant?) throws(TelnetError) {
        guard !peerClosed else { return }
        let count: Int
        do {
            count = try stream.read(into: &readBuffer, deadline: deadline)
        } catch .timedOut {
            throw .timedOut(seen: received)
        } catch {
            throw .stream(error)
        }
        guard count > 0 else {
            peerClosed = true
            return
        }
        let input = session.receive(readBuffer[..<count])
        if !input.reply.isEmpty { try send(bytes: input.reply, deadline: .now + .seconds(30)) }
        for event in input.events {
            if case .data(let data) = event {
                received += data
                onData?(data)
                if received.count > bufferLimit {
                    droppedCount += received.count - bufferLimit
                    received.removeFirst(received.count - bufferLimit)
                }
            } else {
                if case .optionChanged(let option, let side, let enabled) = event {
                    onOptionChange?(option, side, enabled)
                }
                onEvent?(event)
            }
        }
    }

    /// Closes the stream; later calls do nothing.
    public func close() {
        guard !closed else { return }
        closed = true
        try? stream.close(deadline: .now + .seconds(1))
    }

    private func send(bytes: [UInt8], deadline: MonotonicInstant) throws(TelnetError) {
        guard !bytes.isEmpty else { return }
        do {
            try stream.write(bytes, deadline: deadline)
        } catch {
            throw .stream(error)
        }
    }

    /// The index just past the first `marker` in `bytes` at or after `start`.
    private static func end(of marker: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard !marker.isEmpty else { return 0 }
        guard bytes.count >= marker.count else { return nil }
        var index = start
        while index + marker.count <= bytes.count {
            if bytes[index] == marker[0], bytes[index..<index + marker.count].elementsEqual(marker) {
                return index + marker.count
            }
            index += 1
        }
        return nil
    }
}
