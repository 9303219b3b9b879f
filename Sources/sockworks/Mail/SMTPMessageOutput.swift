import MIME
import SMTP

/// The message writer's output is the SMTP data stream: the MIME lines go
/// to the client's data writer, which stuffs the dots and sends them.
final class SMTPMessageOutput: MessageOutput {
    private let writer: SMTPDataWriter

    init(_ writer: SMTPDataWriter) {
        self.writer = writer
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try writer.write(bytes)
    }
}
