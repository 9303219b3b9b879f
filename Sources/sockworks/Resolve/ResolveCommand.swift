import ArgumentParser

struct ResolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Look up host names, addresses, services and protocols, as the classic socket module does.",
        discussion: """
            Each subcommand prints its answer on standard output in a form meant for \
            scripts. A name that does not resolve, or a bad argument, prints one line on \
            standard error and exits with status 2.
            """,
        subcommands: [
            ResolveHostnameCommand.self,
            ResolveFQDNCommand.self,
            ResolveHostCommand.self,
            ResolveHostExCommand.self,
            ResolveAddrCommand.self,
            ResolveServiceCommand.self,
            ResolvePortCommand.self,
            ResolveProtocolCommand.self,
            ResolveByteOrderCommand.self,
        ]
    )
}
