import SocketCore

extension ClientConnection {
    func readChunkedBody(deadline: MonotonicInstant, into body: BodySink) throws(HTTPClientError)
        -> (Int64, HTTPFields)
    {
        throw .malformedBody("not decoded yet")
    }
}
