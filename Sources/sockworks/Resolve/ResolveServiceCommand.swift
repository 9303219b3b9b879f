import ArgumentParser
import SocketCore

struct ResolveServiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service",
        abstract: "Print the port number of a service (getservbyname).",
        discussion: """
            Looks the name (or one of its aliases) up in the services database \
            (/etc/services) and prints the port alone on one line, e.g. 80 for http.
            """
    )

    @Argument(help: "The service name, e.g. http.")
    var name: String

    @Option(help: "Only entries for this protocol (default: the first entry of any protocol).")
    var proto: TransportProtocol?

    func run() throws {
        print(try resolving { () throws(ResolverError) in try Resolver.service(named: name, transport: proto) }.port)
    }
}
