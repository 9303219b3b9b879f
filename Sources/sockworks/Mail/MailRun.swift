import MIME
import SMTP
import SocketCore
import Streams
import TLS

/// One run of `sockworks mail` after its arguments were checked: connect,
/// protect the connection as planned, greet, authenticate, then send the
/// message or verify the address, and say how it went.
struct MailRun {
    let plan: MailPlan

    /// The exit status: 0 when the server took the mail for every
    /// recipient (or verified the address), 1 otherwise, 2 when the
    /// server's name does not resolve.
    func run() -> Int32 {
        let stream: any ByteStream
        let local: SocketAddress?
        do throws(MailRunError) {
            (stream, local) = try MailConnection.open(plan)
        } catch {
            CommandFailure.report(error.description)
            // A name that does not resolve is a bad argument, as for every command.
            if case .cannotResolve = error { return 2 }
            return 1
        }
        let options = SMTPClientOptions(
            timeout: plan.timeout, heloName: plan.heloName ?? MailRun.defaultHeloName(local: local),
            transcript: plan.verbose ? { MailTranscript.show($0) } : nil)
        let client = SMTPClient(stream: stream, options: options)
        defer { client.quit() }
        do throws(SMTPError) {
            _ = try client.readGreeting()
            var extensions = try client.hello()
            if plan.security == .starttls {
                let configuration = tlsConfiguration
                extensions = try client.startTLS { stream, deadline in
                    try TLSStream.connect(over: stream, configuration: configuration, deadline: deadline)
                }
            }
            _ = extensions
            if let credentials = plan.credentials {
                try client.authenticate(
                    user: credentials.user, password: credentials.password, mechanism: credentials.mechanism)
            }
            switch plan.job {
            case .verify(let address):
                let reply = try client.verify(address)
                writeStandardOutput("\(reply)\n")
                return 0
            case .send(let content, let sender, let recipients):
                let delivery = try client.send(from: sender, to: recipients, size: content.estimatedSize) { writer in
                    try MessageWriter.write(content, to: SMTPMessageOutput(writer))
                }
                for refused in delivery.refused {
                    CommandFailure.report("recipient refused: \(refused)")
                }
                writeStandardOutput("\(delivery.reply)\n")
                return delivery.refused.isEmpty ? 0 : 1
            }
        } catch {
            switch error {
            case .recipientsRefused(let refused):
                for recipient in refused { CommandFailure.report("recipient refused: \(recipient)") }
                CommandFailure.report("every recipient refused: no mail sent")
            case .startTLSNotOffered:
                CommandFailure.report("\(error) (--tls none sends everything in plain text)")
            default:
                CommandFailure.report(error.description)
            }
            return 1
        }
    }

    var tlsConfiguration: TLSClientConfiguration {
        TLSClientConfiguration(serverName: plan.host, verification: plan.verification)
    }

    /// RFC 5321 section 4.1.4: the client's fully qualified name, or its
    /// address in brackets when it has none (`[127.0.0.1]`, `[IPv6:::1]`).
    static func defaultHeloName(local: SocketAddress?) -> String {
        if let host = try? Resolver.hostName(), host.contains("."),
            host.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        {
            return host
        }
        switch local {
        case .ipv4(let address, _)?: return "[\(address)]"
        case .ipv6(let address, _, _)?: return "[IPv6:\(address)]"
        default: return "[127.0.0.1]"
        }
    }
}
