import ArgumentParser
import Bench

struct BenchMIMECommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mime",
        abstract: "Measure the MIME encoders (base64, quoted-printable) against Python's.",
        discussion: """
            Encodes --mebibytes MiB of random bytes to base64 and of text-like bytes to \
            quoted-printable, in the 57 KiB chunks the message writer reads files in, and \
            reports the median GB/s of input over --rounds; in the same run, /usr/bin/python3 \
            encodes the same bytes with base64.encodebytes, base64.b64encode, \
            quopri.encodestring and binascii.b2a_qp, each timed inside Python around the call. \
            Prints the table with the ratios and the goal (base64 at 1 GB/s); with --out, \
            writes results.json and results.md there. Build with -c release: a debug build \
            measures the debug build.
            """
    )

    @Option(help: "MiB of input per encoder.")
    var mebibytes = 256

    @Option(help: "Runs per encoder; the median is reported.")
    var rounds = 5

    @Option(help: "The Python to compare with.")
    var python = "/usr/bin/python3"

    @Option(help: "Folder for results.json and results.md.")
    var out: String?

    @Option(help: "Pin the benchmark to this CPU.")
    var cpu: Int?

    @Flag(help: "Print JSON instead of the table.")
    var json = false

    @Flag(help: "8 MiB, one round: a first look, and what CI runs.")
    var quick = false

    func validate() throws {
        guard mebibytes >= 1, mebibytes <= 4096 else { throw ValidationError("--mebibytes must be in 1...4096") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
    }

    func run() async throws {
        if let cpu { try pinCurrentThread(toCPU: cpu) }
        var configuration = MIMEBenchmark.Configuration()
        configuration.mebibytes = quick ? 8 : mebibytes
        configuration.rounds = quick ? 1 : rounds
        configuration.python = python
        let results = try await MIMEBenchmark(configuration).run { writeStandardError($0 + "\n") }
        let machine = cpuDescription()
        writeStandardOutput(json ? results.json(machine: machine) : results.text)
        if let out {
            let command = (["sockworks"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
            try BenchPaths.makeFolder(out)
            try BenchPaths.write(results.json(machine: machine), to: out + "/results.json")
            try BenchPaths.write(
                results.markdown(date: BenchPaths.timestamp(), command: command, machine: machine),
                to: out + "/results.md")
            writeStandardError("results in \(out)/ (results.json, results.md)\n")
        }
    }
}
