import ArgumentParser

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run Sockworks' benchmarks and print their tables.",
        subcommands: [BenchChecksumCommand.self]
    )
}
