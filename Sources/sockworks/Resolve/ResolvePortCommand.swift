import ArgumentParser
import SocketCore

struct ResolvePortCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "port",
        abstract: "Print the service name of a port number (getservbyport).",
        discussion: """
            Looks the port up in the services database (/etc/services) and prints the \
            service's name alone on one line, e.g. http for 80.
            """
    )

    @Argument(help: "The port number, 0 to 65535.")
    var port: String

    @Option(help: "Only entries for this protocol (default: the first entry of any protocol).")
    var proto: TransportProtocol?

    func validate() throws {
        guard UInt16(port) != nil else {
            throw ValidationError("the port must be a number from 0 to 65535, not \(String(reflecting: port))")
        }
    }

    func run() throws {
        let port = UInt16(port)!  // checked by validate()
        print(try resolving { () throws(ResolverError) in try Resolver.service(port: port, transport: proto) }.name)
    }
}
