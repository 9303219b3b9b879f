import ArgumentParser
import SocketCore

struct ResolveHostExCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "host-ex",
        abstract: "Print the canonical name, aliases and every IPv4 address of a host (gethostbyname_ex).",
        discussion: ResolveOutput.hostEntryFormat
    )

    @Argument(help: "The host name.")
    var name: String

    func run() throws {
        print(
            ResolveOutput.text(of: try resolving { () throws(ResolverError) in try Resolver.hostEntry(named: name) }),
            terminator: "")
    }
}
