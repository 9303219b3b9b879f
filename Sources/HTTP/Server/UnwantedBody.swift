/// A request body the server does not want, read and thrown away so that
/// the connection can go on: its bytes are never taken for the next
/// request (the framing decides where it ends, RFC 9112 section 6.3).
enum UnwantedBody {
    case length(remaining: Int64)
    case chunked(ChunkedDecoder)

    /// Takes what of `input` belongs to the body; the rest is the next
    /// request's. Throws `FramingError` for a malformed or oversized
    /// chunked body.
    mutating func consume(_ input: UnsafeRawBufferPointer) throws -> Int {
        switch self {
        case .length(let remaining):
            let taken = Int(min(Int64(input.count), remaining))
            self = .length(remaining: remaining - Int64(taken))
            return taken
        case .chunked(var decoder):
            let taken = try decoder.feed(input) { _ in }
            self = .chunked(decoder)
            return taken
        }
    }

    var isComplete: Bool {
        switch self {
        case .length(let remaining): remaining == 0
        case .chunked(let decoder): decoder.isComplete
        }
    }
}
