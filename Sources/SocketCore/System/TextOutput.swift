import Glibc

/// Text to a descriptor (standard output, standard error) with write(2)
/// directly: one call for a short line, so lines from several threads or
/// processes never interleave, no stdio buffering to flush (a script reading
/// a pipe sees the line at once), and Glibc's non-Sendable `stdout`/`stderr`
/// stay out of Swift 6 code. EINTR is retried; a closed reader (EPIPE) or any
/// other failure drops the rest, as a log line has nowhere else to go.
public enum TextOutput {
    public static func write(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                offset += n
            }
        }
    }
}
