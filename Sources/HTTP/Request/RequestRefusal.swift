/// Why a request was refused: the status to answer with (after which the
/// server closes the connection) and a short phrase for its log.
public struct RequestRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: HTTPStatus
    public var reason: String

    public init(_ status: HTTPStatus, _ reason: String) {
        self.status = status
        self.reason = reason
    }

    public var description: String { "\(status.code) \(reason)" }

    static func badRequest(_ reason: String) -> RequestRefusal { RequestRefusal(.badRequest, reason) }
}

/// What `RequestParser.parse` found.
public enum RequestParse: Sendable, Equatable {
    /// The head has not ended yet (and no limit is passed): call again with
    /// more bytes.
    case incomplete
    /// A complete head, and how many bytes it took (empty lines before it
    /// included); the body, if any, starts there.
    case head(RequestHead, consumed: Int)
    case refused(RequestRefusal)
}
