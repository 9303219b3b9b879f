extension CGIOptions {
    /// Where `target`, the request-target as sent, leads.
    ///
    /// The path is decoded once and normalised by `RequestPath` before the
    /// prefix is compared, so `/cgi-bin/../x`, `/cgi-bin/%2e%2e/x` and
    /// `/cgi-bin/..%2fx` are `/x`, never a script, and nothing outside the
    /// scripts' folder can be named: the name is one segment of the
    /// normalised path. Refused: a target `RequestPath` refuses (`400`),
    /// the prefix itself (`404`: the folder is not listed), a name that
    /// starts with `.` (`404`, as the static site hides dot files), and a
    /// decoded control character in the name or PATH_INFO (`400`: a script
    /// could write it into a header or a log line).
    func route(target: String) -> CGIRouting {
        guard let request = RequestPath(target: target) else {
            return .refused(.badRequest, reason: "malformed request-target")
        }
        let path = request.path
        guard path.hasPrefix(prefix) else {
            return path + "/" == prefix ? .refused(.notFound, reason: "the script folder itself") : .notScript
        }
        let rest = path.utf8.dropFirst(prefix.utf8.count)
        let nameEnd = rest.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
        let name = String(Substring(rest[..<nameEnd]))
        let pathInfo = String(Substring(rest[nameEnd...]))
        guard !name.isEmpty else { return .refused(.notFound, reason: "the script folder itself") }
        guard !name.hasPrefix(".") else { return .refused(.notFound, reason: "a script name that starts with a dot") }
        guard !path.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
            return .refused(.badRequest, reason: "a control character in the script's path")
        }
        return .script(
            CGITarget(
                name: name, scriptName: prefix + name, pathInfo: pathInfo, query: request.query.map(String.init) ?? ""))
    }

    /// The script's file: the scripts' folder and the name.
    func scriptPath(_ target: CGITarget) -> String {
        (directory == "/" ? "" : directory) + "/" + target.name
    }
}
