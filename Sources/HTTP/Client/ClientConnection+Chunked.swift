import SocketCore

extension ClientConnection {
    /// A chunked body and its trailers (RFC 9112 section 7.1), decoded by
    /// the same `ChunkedDecoder` as the server's request bodies.
    func readChunkedBody(deadline: MonotonicInstant, into body: BodySink) throws(HTTPClientError)
        -> (Int64, HTTPFields)
    {
        var decoder = ChunkedDecoder()
        let input = unread
        while !decoder.isComplete {
            var used = 0
            if input.count > 0 {
                do {
                    used = try input.withUnread { bytes in try decoder.feed(bytes) { try deliver($0, to: body) } }
                } catch let error as HTTPClientError {
                    throw error
                } catch let error as FramingError {
                    throw .malformedBody(error.reason)
                } catch {
                    throw .malformedBody("\(error)")
                }
                input.consume(used)
            }
            if decoder.isComplete { break }
            if used == 0, try fill(deadline: deadline, during: "reading the chunked body") == 0 {
                throw .closedMidResponse("in the chunked body, after \(decoder.bodyBytes) bytes of it")
            }
        }
        return (decoder.bodyBytes, decoder.trailers)
    }
}
