import Glibc

/// Writes text to standard output at once: "listening on" must reach a
/// script reading a pipe before the server blocks in accept, so stdio's
/// buffering is no use here.
func writeStandardOutput(_ text: String) { writeAll(text, to: 1) }

/// Progress and errors go to fd 2 directly: Glibc's `stderr` is not
/// concurrency-safe.
func writeStandardError(_ text: String) { writeAll(text, to: 2) }

private func writeAll(_ text: String, to descriptor: Int32) {
    var text = text
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let n = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }
}
