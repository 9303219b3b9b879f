/// One heartbeat on the wire: a line of ASCII, `Heartbeat SEQ TIME ID`, in
/// the style of the lab's `Ping SEQ TIME`, so that it can be read in a
/// capture, typed with netcat, or sent from a few lines of Python.
///
/// SEQ counts from 1 for each run of a client (a monitor that sees it go
/// back to 1 knows the client restarted); TIME is the send time on the
/// sender's wall clock, seconds with six decimals; ID, optional, names the
/// client whatever its address (a client that restarts gets a new port).
public struct HeartbeatMessage: Equatable, Sendable {
    public var sequence: UInt64
    public var sentAt: UnixTime
    public var id: String?

    /// The longest ID: a name, not a payload.
    public static let maximumIDLength = 64

    public init(sequence: UInt64, sentAt: UnixTime, id: String? = nil) {
        precondition(sequence > 0, "heartbeat sequence numbers start at 1")
        precondition(id.map(Self.isValidID) ?? true, "a heartbeat ID is 1 to 64 printable ASCII characters")
        self.sequence = sequence
        self.sentAt = sentAt
        self.id = id
    }

    /// Whether `id` may name a client: 1 to 64 printable ASCII characters
    /// without space, so that the message splits on spaces and every line
    /// and JSON string that names the client stays one token.
    public static func isValidID(_ id: String) -> Bool {
        (1...maximumIDLength).contains(id.utf8.count) && id.utf8.allSatisfy(isIDByte)
    }

    private static func isIDByte(_ byte: UInt8) -> Bool { byte > 0x20 && byte < 0x7f }

    /// The datagram's bytes (no newline).
    public var encoded: [UInt8] {
        var text = "Heartbeat \(sequence) \(sentAt.text)"
        if let id { text += " " + id }
        return Array(text.utf8)
    }

    /// The message in `datagram`, or nil when it is not one: the word
    /// `Heartbeat`, single spaces, SEQ a decimal from 1, TIME as above, an
    /// optional ID. A trailing newline (a line typed into netcat) is allowed.
    public static func parse(_ datagram: UnsafeRawBufferPointer) -> HeartbeatMessage? {
        var bytes = datagram[...]
        if bytes.last == UInt8(ascii: "\n") { bytes = bytes.dropLast() }
        if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
        guard bytes.count <= 128 else { return nil }
        let fields = bytes.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard fields.count == 3 || fields.count == 4, fields[0].elementsEqual("Heartbeat".utf8) else { return nil }
        guard let sequence = decimal(fields[1]), sequence > 0 else { return nil }
        let timeText = String(decoding: fields[2], as: UTF8.self)
        guard let sentAt = UnixTime(text: timeText[...].utf8) else { return nil }
        var id: String?
        if fields.count == 4 {
            guard (1...maximumIDLength).contains(fields[3].count), fields[3].allSatisfy(isIDByte) else { return nil }
            id = String(decoding: fields[3], as: UTF8.self)
        }
        return HeartbeatMessage(sequence: sequence, sentAt: sentAt, id: id)
    }

    /// Up to 19 decimal digits, no sign, no leading zero.
    private static func decimal(_ field: Slice<UnsafeRawBufferPointer>) -> UInt64? {
        guard (1...19).contains(field.count), field.first != UInt8(ascii: "0") else { return nil }
        var value: UInt64 = 0
        for byte in field {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
