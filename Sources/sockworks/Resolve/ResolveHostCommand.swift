import ArgumentParser
import SocketCore

struct ResolveHostCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "host",
        abstract: "Print the first IPv4 address of a host name (gethostbyname).",
        discussion: "Prints the address alone on one line, e.g. 127.0.0.1."
    )

    @Argument(help: "The host name (an IPv4 address is printed back).")
    var name: String

    func run() throws {
        print(try resolving { () throws(ResolverError) in try Resolver.address(ofHost: name) })
    }
}
