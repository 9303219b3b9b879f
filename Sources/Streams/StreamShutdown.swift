/// Which sides of a stream `ByteStream.shutdown(_:deadline:)` ends.
///
/// There is no read-only shutdown: a TLS stream cannot stop its peer from
/// sending, and a reader that wants no more simply stops reading.
public enum StreamShutdown: Sendable, Hashable {
    /// No more writing: the peer reads end of stream (TCP sends FIN).
    case write
    /// No more reading or writing.
    case both
}
