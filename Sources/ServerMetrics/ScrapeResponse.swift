import HTTP

/// The endpoint's answers, each a whole HTTP/1.1 response that closes the
/// connection (RFC 9112 section 9.6): a scrape is one request, and a
/// scraper opens a new connection for the next one.
enum ScrapeResponse {
    /// RFC 9110 section 15.5.6: a 405 says which methods the resource takes.
    static let allowedMethods = "GET, HEAD"
    /// The Prometheus text exposition format.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The answer to `head`: the metrics from `metrics` (called only for a
    /// scrape) for GET or HEAD of /metrics, 404 for another path, 405 for
    /// another method.
    static func answer(_ head: RequestHead, metrics: () -> [UInt8]?) -> [UInt8] {
        guard isMetricsPath(head.target) else { return text(.notFound, "only /metrics is served here\n") }
        guard head.method == .get || head.method == .head else {
            return text(.methodNotAllowed, "use GET or HEAD\n", extraFields: ["Allow: \(allowedMethods)"])
        }
        guard let body = metrics() else {
            return text(.serviceUnavailable, "this server does not count\n")
        }
        return response(.ok, contentType: contentType, body: body, sendsBody: head.method == .get)
    }

    /// The answer to a request the parser refused (400, 414, 431, ...).
    static func refusal(_ refusal: RequestRefusal) -> [UInt8] {
        text(refusal.status, "\(refusal.reason)\n")
    }

    /// `/metrics`, with or without a query (which is ignored).
    static func isMetricsPath(_ target: String) -> Bool {
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return path == "/metrics"
    }

    private static func text(_ status: HTTPStatus, _ message: String, extraFields: [String] = []) -> [UInt8] {
        response(
            status, contentType: "text/plain; charset=utf-8", body: Array(message.utf8), sendsBody: true,
            extraFields: extraFields)
    }

    /// A response head and, unless the request was HEAD, its body; HEAD gets
    /// the Content-Length the GET would have had (RFC 9110 section 9.3.2).
    private static func response(
        _ status: HTTPStatus, contentType: String, body: [UInt8], sendsBody: Bool, extraFields: [String] = []
    ) -> [UInt8] {
        var head = "HTTP/1.1 \(status.code) \(status.reason)\r\n"
        head += "Content-Type: \(contentType)\r\n"
        head += "Content-Length: \(body.count)\r\n"
        for field in extraFields { head += "\(field)\r\n" }
        head += "Connection: close\r\n\r\n"
        return Array(head.utf8) + (sendsBody ? body : [])
    }
}
