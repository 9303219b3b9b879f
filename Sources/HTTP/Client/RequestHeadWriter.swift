/// The bytes of a request's head (RFC 9112 section 3): the request line
/// and the fields, ended by an empty line.
enum RequestHeadWriter {
    static func bytes(of request: ClientRequest) -> [UInt8] {
        var head = "\(request.method) \(request.url.target) HTTP/1.1\r\n"
        let fields = request.fields
        if !fields.contains("host") { head += "Host: \(request.url.hostField)\r\n" }
        if !fields.contains("user-agent") { head += "User-Agent: sockworks\r\n" }
        if !fields.contains("accept") { head += "Accept: */*\r\n" }
        for field in fields { head += "\(field.name): \(field.value)\r\n" }
        if let body = request.body { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        return Array(head.utf8)
    }
}
