/// The request that follows a redirect (RFC 9110 section 15.4).
enum RedirectRule {
    /// The redirect statuses a client follows by itself: 301, 302, 303, 307
    /// and 308 (300 asks the user to choose, 304 is no redirect at all).
    static func isFollowed(_ code: Int) -> Bool { [301, 302, 303, 307, 308].contains(code) }

    /// The next request after `head` answered `request`, or nil when the
    /// response is not a redirect to follow (no `Location`).
    ///
    /// 303 turns the method into GET (RFC 9110 section 15.4.4), HEAD
    /// excepted; so do 301 and 302 after a POST, as every browser does and
    /// sections 15.4.2 and 15.4.3 allow; 307 and 308 keep the method and the
    /// body. A request to another origin goes without `Authorization` and
    /// `Cookie`: the credentials were meant for the first server only.
    static func request(after head: ResponseHead, of request: ClientRequest) throws(HTTPClientError)
        -> ClientRequest?
    {
        guard isFollowed(head.status.code), let location = head.fields.first("location") else { return nil }
        var next = request
        next.url = try request.url.resolving(location)
        let code = head.status.code
        if (code == 303 && request.method != .head) || ((code == 301 || code == 302) && request.method == .post) {
            next.method = .get
            next.body = nil
            next.fields.removeAll(named: "content-type")
        }
        if next.url.origin != request.url.origin {
            next.fields.removeAll(named: "authorization")
            next.fields.removeAll(named: "cookie")
            next.fields.removeAll(named: "host")
        }
        return next
    }
}
