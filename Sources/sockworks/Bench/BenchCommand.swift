import ArgumentParser

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run Sockworks' benchmarks and print their tables.",
        subcommands: [
            BenchServersCommand.self, BenchChecksumCommand.self, BenchPingCommand.self, BenchHTTPCommand.self,
            BenchUDPCommand.self, BenchMIMECommand.self, BenchFTPCommand.self,
        ],
        defaultSubcommand: BenchServersCommand.self
    )
}
