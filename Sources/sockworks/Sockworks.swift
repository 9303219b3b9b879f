import ArgumentParser

@main
struct Sockworks: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sockworks",
        abstract: "Socket programs, measured: benchmarks, servers and protocol tools.",
        version: SockworksVersion.text,
        subcommands: [BenchCommand.self, ResolveCommand.self]
    )
}
