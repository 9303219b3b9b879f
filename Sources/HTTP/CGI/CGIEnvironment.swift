/// The environment a script runs with: the meta-variables of RFC 3875
/// section 4.1 and nothing else of the server's but PATH.
enum CGIEnvironment {
    /// PATH when the server has none of its own.
    static let defaultPath = "/usr/local/bin:/usr/bin:/bin"

    /// The meta-variables for `facts`: those of section 4.1 the server
    /// knows, and one `HTTP_*` variable per request field name (section
    /// 4.1.18: upper case, `-` as `_`, repeated fields joined with `, `),
    /// but for the fields a script must not see or could be fooled by:
    /// see `variableName(forField:)` and `isSafeValue(_:)`. AUTH_TYPE and
    /// REMOTE_USER are absent (the server authenticates no one),
    /// REMOTE_HOST is REMOTE_ADDR (section 4.1.9 allows it: no DNS look-up
    /// per request), and REDIRECT_STATUS=200 tells php-cgi that a server,
    /// not a visitor, started it.
    static func variables(for facts: CGIRequestFacts) -> [String: String] {
        var variables = bodyVariables(for: facts)
        for (name, value) in headerVariables(facts.fields) { variables[name] = value }
        variables["GATEWAY_INTERFACE"] = "CGI/1.1"
        variables["SERVER_SOFTWARE"] = facts.serverSoftware
        variables["SERVER_NAME"] = facts.serverName
        variables["SERVER_PORT"] = String(facts.serverPort)
        variables["SERVER_PROTOCOL"] = facts.version.description
        variables["REQUEST_METHOD"] = facts.method.description
        variables["SCRIPT_NAME"] = facts.target.scriptName
        // Section 4.1.5 allows an empty PATH_INFO; set, a script need not test for it.
        variables["PATH_INFO"] = facts.target.pathInfo
        if !facts.target.pathInfo.isEmpty {
            // Section 4.1.6: the path the server would map PATH_INFO to, only when there is one.
            let root = facts.documentRoot.hasSuffix("/") ? String(facts.documentRoot.dropLast()) : facts.documentRoot
            variables["PATH_TRANSLATED"] = root + facts.target.pathInfo
        }
        // Section 4.1.7: always set, empty without a query, and never split into arguments
        // (php-cgi took a `-`-led query as its options: CVE-2012-1823).
        variables["QUERY_STRING"] = facts.target.query
        variables["REMOTE_ADDR"] = facts.remoteAddress
        variables["REMOTE_HOST"] = facts.remoteAddress
        variables["REMOTE_PORT"] = String(facts.remotePort)
        variables["PATH"] = facts.path ?? defaultPath
        variables["REDIRECT_STATUS"] = "200"
        return variables
    }

    /// CONTENT_LENGTH and CONTENT_TYPE (sections 4.1.2 and 4.1.3): set
    /// only when the request has a body, resp. a Content-Type that passes
    /// `isSafeValue(_:)`.
    private static func bodyVariables(for facts: CGIRequestFacts) -> [String: String] {
        var variables: [String: String] = [:]
        if let length = facts.contentLength { variables["CONTENT_LENGTH"] = String(length) }
        if let type = facts.fields.first("content-type"), isSafeValue(type) { variables["CONTENT_TYPE"] = type }
        return variables
    }

    /// The `HTTP_*` variables of `fields`, each name once with its values
    /// joined in the order they came (a `Cookie` with `; `, RFC 6265
    /// section 5.4, so that a cookie parser reads them as one field). A
    /// name whose values are not all safe is left out whole: a script must
    /// not see half of a field.
    static func headerVariables(_ fields: HTTPFields) -> [(name: String, value: String)] {
        var order: [String] = []
        var values: [String: [String]] = [:]
        var unsafe: Set<String> = []
        for field in fields {
            guard let name = variableName(forField: field.name) else { continue }
            if values[name] == nil { order.append(name) }
            values[name, default: []].append(field.value)
            if !isSafeValue(field.value) { unsafe.insert(name) }
        }
        return order.filter { !unsafe.contains($0) }.map { name in
            (name, values[name]!.joined(separator: name == "HTTP_COOKIE" ? "; " : ", "))
        }
    }

    /// `HTTP_` and the field's name in upper case with `-` as `_`, or nil
    /// for a field no variable is made of:
    /// - a name with anything but letters, digits and `-`: `X_Forwarded_For`
    ///   would pass for `X-Forwarded-For` once mapped;
    /// - `Proxy`, whose HTTP_PROXY a script's HTTP library takes for its
    ///   proxy setting (httpoxy, CVE-2016-5385);
    /// - `Content-Type` and `Content-Length`, which are CONTENT_TYPE and
    ///   CONTENT_LENGTH (section 4.1.18), and `Transfer-Encoding`, since the
    ///   script reads a body already decoded;
    /// - `Authorization` and `Proxy-Authorization`: the client's credentials
    ///   (section 4.1.18 asks the server to remove them).
    static func variableName(forField name: String) -> String? {
        var mapped = "HTTP_"
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): mapped.unicodeScalars.append(Unicode.Scalar(byte - 0x20))
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                mapped.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "-"): mapped.append("_")
            default: return nil
            }
        }
        return name.isEmpty || withheld.contains(mapped) ? nil : mapped
    }

    private static let withheld: Set<String> = [
        "HTTP_PROXY", "HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH", "HTTP_TRANSFER_ENCODING", "HTTP_AUTHORIZATION",
        "HTTP_PROXY_AUTHORIZATION",
    ]

    /// Whether a shell, or a script that hands the value to one, reads
    /// `value` as the text it is: printable ASCII and tab only, and not
    /// starting with `()` (after any blanks), which bash before 4.3 imported as a function
    /// definition and ran what followed it (Shellshock, CVE-2014-6271).
    static func isSafeValue(_ value: String) -> Bool {
        value.utf8.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 }
            && !value.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("()")
    }
}
