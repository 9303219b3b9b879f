/// A request-target that names a script (RFC 3875 section 3.3): the
/// script, what follows its name in the path, and the query.
struct CGITarget: Equatable, Sendable {
    /// The script's file name in the scripts' folder: one segment, not
    /// empty, not starting with `.`.
    let name: String
    /// SCRIPT_NAME (section 4.1.13): the prefix and the name, as
    /// `/cgi-bin/env.py`.
    let scriptName: String
    /// PATH_INFO (section 4.1.5), decoded: empty, or starting with `/`.
    let pathInfo: String
    /// QUERY_STRING (section 4.1.7) exactly as sent, not decoded; empty
    /// when the target has none.
    let query: String
}

/// What the CGI side makes of a request-target.
enum CGIRouting: Equatable {
    /// Not under the prefix: the static site answers it.
    case notScript
    case script(CGITarget)
    /// Under the prefix (or not a target at all), but nothing to run.
    case refused(HTTPStatus, reason: String)
}
