import ArgumentParser
import Bench
import Glibc

struct BenchChecksumCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checksum",
        abstract: "Measure every Internet checksum path against the textbook loop and the memory read limit.",
        discussion: """
            Times, in one run, each checksum path this CPU has, the path sc_checksum() \
            dispatches to, the textbook RFC 1071 loop and a plain memory-read loop, at each \
            size; prints GB/s, the ratios and the project's goals. Build with -c release: a \
            debug build measures the debug build.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, csv
    }

    @Option(
        name: .long, parsing: .upToNextOption,
        help: ArgumentHelp(
            "Message sizes in bytes, as '64 1500' or '64,1500' (suffixes K and M are powers "
                + "of 1024; default: 64 1500 64K 16M)."),
        transform: CommaSeparated.parser(valid: ByteSize.accepted) { ByteSize(argument: $0) })
    var sizes = [CommaSeparated([ByteSize(64), ByteSize(1500), ByteSize(64 << 10), ByteSize(16 << 20)])]

    @Option(help: "Samples per kernel and size; the median is reported.")
    var rounds = 7

    @Option(help: "Seconds each sample aims to take.")
    var sampleSeconds = 0.04

    @Option(help: "Pin the benchmark to this CPU.")
    var cpu: Int?

    @Option(help: "Output format: \(Format.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: Format = .table

    @Flag(help: "One short round per kernel: a first look, and what CI runs.")
    var quick = false

    /// The sizes of every word of `--sizes`, in order.
    private var sizeList: [ByteSize] { sizes.flatMap(\.items) }

    func validate() throws {
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
        guard sampleSeconds > 0, sampleSeconds <= 10 else {
            throw ValidationError("--sample-seconds must be in (0, 10]")
        }
        guard !sizeList.isEmpty else { throw ValidationError("give at least one size") }
    }

    func run() throws {
        if let cpu { try pinCurrentThread(toCPU: cpu) }
        var configuration = ChecksumBenchmark.Configuration()
        configuration.sizes = sizeList.map(\.bytes)
        configuration.rounds = quick ? 1 : rounds
        configuration.secondsPerSample = quick ? 0.005 : sampleSeconds
        let benchmark = ChecksumBenchmark(configuration)
        let cpuName = cpuDescription()
        let coreGHz = format == .table ? measureCoreGHz() : 0
        let results = try benchmark.run { line in
            if format == .table { writeStandardError(line + "\n") }
        }
        switch format {
        case .table:
            print(
                ChecksumReport(
                    results: results, rounds: configuration.rounds, cpu: cpuName,
                    coreGHz: coreGHz
                ).text,
                terminator: "")
        case .json:
            print(results.json(cpu: cpuName))
        case .csv:
            print(results.csv, terminator: "")
        }
    }
}
