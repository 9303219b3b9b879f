import Glibc
import SocketCore

/// The access log in the combined log format of Apache and nginx, one line a
/// response, written with one write(2) each to a file opened O_APPEND (so
/// lines of several workers, threads or processes never interleave) or to
/// standard output:
///
///     127.0.0.1 - - [01/Dec/2026:23:50:00 +0000] "GET / HTTP/1.1" 200 1024 "-" "curl/7.88.1"
///
/// Times are UTC. The request line and the quoted fields are escaped as
/// nginx does (`"` and `\` with a backslash, other bytes outside printable
/// ASCII as `\xHH`), so a client cannot forge a line of its own.
public final class AccessLog: Sendable {
    private let descriptor: Int32
    private let ownsDescriptor: Bool

    /// Opens `path` for appending (created 0644), or standard output for `-`.
    public init(path: String) throws(SystemError) {
        if path == "-" {
            descriptor = 1
            ownsDescriptor = false
        } else {
            descriptor = try SystemCall.value("open", path) {
                Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            }
            ownsDescriptor = true
        }
    }

    deinit { if ownsDescriptor { _ = Glibc.close(descriptor) } }

    /// Writes one entry. A failing log (a full disk) loses lines, never the
    /// response.
    public func write(_ entry: AccessLogEntry, timestamp: [UInt8]) {
        var line: [UInt8] = []
        line.reserveCapacity(160)
        line.append(contentsOf: entry.client.utf8)
        line.append(contentsOf: " - - [".utf8)
        line.append(contentsOf: timestamp)
        line.append(contentsOf: "] \"".utf8)
        Self.appendEscaped(entry.requestLine, to: &line)
        line.append(contentsOf: "\" \(entry.status) ".utf8)
        line.append(contentsOf: entry.bodyBytes > 0 ? "\(entry.bodyBytes)".utf8 : "-".utf8)
        line.append(contentsOf: " \"".utf8)
        Self.appendEscaped(entry.referer ?? "-", to: &line)
        line.append(contentsOf: "\" \"".utf8)
        Self.appendEscaped(entry.userAgent ?? "-", to: &line)
        line.append(contentsOf: "\"\n".utf8)
        line.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }

    static func appendEscaped(_ text: String, to line: inout [UInt8]) {
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                line.append(UInt8(ascii: "\\"))
                line.append(byte)
            case 0x20..<0x7F:
                line.append(byte)
            default:
                line.append(contentsOf: [
                    UInt8(ascii: "\\"), UInt8(ascii: "x"), hex[Int(byte >> 4)], hex[Int(byte & 15)],
                ])
            }
        }
    }
}

/// What the access log says of one response.
public struct AccessLogEntry: Sendable {
    /// The client's address, without its port.
    public var client: String
    /// `METHOD target HTTP/x.y` as sent, or `-` for a request too malformed to have one.
    public var requestLine: String
    public var status: Int
    /// The body's bytes sent (0 for HEAD and bodiless responses).
    public var bodyBytes: Int64
    public var referer: String?
    public var userAgent: String?
}
