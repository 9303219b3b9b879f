import SocketCore

/// A request body on its way to a script: written to a memory file as it
/// arrives (a Content-Length body, or a chunked one decoded), bounded by
/// the body limit, and given to the script as its standard input once
/// complete, with `CONTENT_LENGTH` the decoded length (RFC 3875 section
/// 4.1.2; a script reads exactly that many bytes).
struct ScriptInput {
    let file: MemoryFile
    private var framing: Framing
    private(set) var length: Int64 = 0

    private enum Framing {
        case length(remaining: Int64)
        case chunked(ChunkedDecoder)
    }

    /// Why the body cannot go on: the framing is broken, or the body is
    /// over the limit.
    struct Refusal: Error {
        let status: HTTPStatus
        let reason: String
    }

    /// For a body framed as `framing` (not `.none`), at most `limit` bytes.
    init(_ framing: BodyFraming, limit: Int64) throws(SystemError) {
        file = try MemoryFile(name: "cgi-request-body")
        switch framing {
        case .length(let count): self.framing = .length(remaining: count)
        case .chunked, .none: self.framing = .chunked(ChunkedDecoder(maxBodyBytes: limit))
        }
        if case .none = framing { self.framing = .length(remaining: 0) }
    }

    var isComplete: Bool {
        switch framing {
        case .length(let remaining): remaining == 0
        case .chunked(let decoder): decoder.isComplete
        }
    }

    /// Takes what of `input` belongs to the body and writes it to the file.
    /// Returns how much was taken; the rest is the next request's.
    mutating func consume(_ input: UnsafeRawBufferPointer) throws(Refusal) -> Int {
        do {
            switch framing {
            case .length(let remaining):
                let taken = Int(min(Int64(input.count), remaining))
                try file.write(UnsafeRawBufferPointer(rebasing: input[..<taken]))
                framing = .length(remaining: remaining - Int64(taken))
                length += Int64(taken)
                return taken
            case .chunked(var decoder):
                let file = self.file
                let taken = try decoder.feed(input) { data in try file.write(data) }
                framing = .chunked(decoder)
                length = decoder.bodyBytes
                return taken
            }
        } catch let error as FramingError {
            throw Refusal(
                status: error.isOverLimit ? .contentTooLarge : .badRequest, reason: "request body: \(error)")
        } catch {
            throw Refusal(status: .internalServerError, reason: "request body: \(error)")
        }
    }

    /// The body is all there: the script reads it from the start.
    func finish() throws(SystemError) { try file.rewind() }
}
