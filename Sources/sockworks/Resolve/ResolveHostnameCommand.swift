import ArgumentParser
import SocketCore

struct ResolveHostnameCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hostname",
        abstract: "Print this machine's host name (gethostname).",
        discussion: "Prints the name alone on one line."
    )

    func run() throws {
        print(try resolving { () throws(ResolverError) in try Resolver.hostName() })
    }
}
