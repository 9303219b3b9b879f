import COpenSSL

/// OpenSSL's per-thread error queue, read and emptied at the boundary.
///
/// Every OpenSSL call that fails pushes its reasons on a queue of the
/// calling thread and leaves them there: a call that fails later would
/// otherwise report an older call's reasons. Each call into OpenSSL here
/// clears the queue first, and a failure takes what it pushed.
enum OpenSSLErrorQueue {
    /// Empties the queue.
    static func clear() {
        ERR_clear_error()
    }

    /// Empties the queue and returns its reasons, oldest first, joined by
    /// "; " (e.g. `certificate verify failed`); `fallback` when it held none.
    static func takeReasons(or fallback: String) -> String {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            let reason = ERR_reason_error_string(code).map { String(cString: $0) } ?? "error \(code)"
            if !reasons.contains(reason) { reasons.append(reason) }
        }
        return reasons.isEmpty ? fallback : reasons.joined(separator: "; ")
    }
}
