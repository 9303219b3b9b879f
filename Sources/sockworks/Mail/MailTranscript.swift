import SMTP

/// `sockworks mail -v`: the dialogue on standard error as it happens,
/// `C:` for what the client sent and `S:` for what the server said (AUTH's
/// secrets already masked by the client).
enum MailTranscript {
    static func show(_ line: SMTPTranscriptLine) {
        writeStandardError("\(line)\n")
    }
}
