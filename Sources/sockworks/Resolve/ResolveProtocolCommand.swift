import ArgumentParser
import SocketCore

struct ResolveProtocolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protocol",
        abstract: "Print the number of an IP protocol (getprotobyname).",
        discussion: """
            Looks the name (or one of its aliases) up in the protocols database \
            (/etc/protocols) and prints the number alone on one line, e.g. 6 for tcp.
            """
    )

    @Argument(help: "The protocol name, e.g. tcp.")
    var name: String

    func run() throws {
        print(try resolving { () throws(ResolverError) in try Resolver.protocolEntry(named: name) }.number)
    }
}
