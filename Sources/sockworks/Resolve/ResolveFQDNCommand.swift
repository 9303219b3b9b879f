import ArgumentParser
import SocketCore

struct ResolveFQDNCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fqdn",
        abstract: "Print the fully-qualified domain name of a host, or of this machine (getfqdn).",
        discussion: """
            Follows Python's socket.getfqdn: the host is looked up by address, and the \
            answer is the first of its canonical name and aliases that contains a dot, \
            else the canonical name. A name that cannot be looked up is printed as given \
            (exit status 0), as getfqdn returns it. Prints the name alone on one line.
            """
    )

    @Argument(help: "The host name or address (default: this machine's host name).")
    var name: String = ""

    func run() throws {
        print(try resolving { () throws(ResolverError) in try Resolver.fullyQualifiedDomainName(name) })
    }
}
