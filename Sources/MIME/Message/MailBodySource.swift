/// Where a text or HTML body comes from.
public enum MailBodySource: Sendable, Hashable {
    /// A file, read in chunks as the message is written.
    case file(String)
    /// The process's standard input, read whole when the content is made
    /// (before any connection: a user typing a body never holds an SMTP
    /// session open).
    case standardInput
    /// Bytes in memory, UTF-8 text.
    case bytes([UInt8])
}
