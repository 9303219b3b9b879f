import ArgumentParser
import SocketCore

struct ResolveAddrCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "addr",
        abstract: "Print the name, aliases and addresses of the host at an IPv4 or IPv6 address (gethostbyaddr).",
        discussion: ResolveOutput.hostEntryFormat
    )

    @Argument(help: "The address, e.g. 127.0.0.1 or ::1.")
    var address: String

    func validate() throws {
        guard IPAddress(address) != nil else {
            throw ValidationError("\(String(reflecting: address)) is not an IPv4 or IPv6 address")
        }
    }

    func run() throws {
        let address = IPAddress(address)!  // checked by validate()
        print(
            ResolveOutput.text(
                of: try resolving { () throws(ResolverError) in try Resolver.hostEntry(address: address) }),
            terminator: "")
    }
}
