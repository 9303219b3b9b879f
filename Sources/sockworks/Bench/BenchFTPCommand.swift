import ArgumentParser
import Bench
import Glibc

struct BenchFTPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ftp",
        abstract: "Measure sockworks ftp against curl, downloading and uploading a file from vsftpd on loopback.",
        discussion: """
            Starts vsftpd (anonymous, passive ports of its own) on 127.0.0.1 serving a file of \
            --mebibytes MiB, then in each of --rounds rounds downloads and uploads it with this \
            sockworks's ftp command and with curl, in turns. Reports the medians of throughput \
            (MB/s, the whole run of the client: connection, login and transfer), of the client's \
            CPU time per MiB (its rusage once reaped) and of vsftpd's, with the ratios to curl's \
            and the goal (at least curl's MB/s, no more CPU per byte); a ratio is the median of \
            the rounds' ratios, each round's two transfers run back to back. With two CPUs or more \
            vsftpd runs on CPU 1 and the clients on CPU 0 (taskset) unless --no-pin. With --out, writes \
            results.json and results.md there. Needs root (vsftpd chroots its sessions). Build \
            with -c release: a debug build measures the debug build.
            """
    )

    @Option(help: "MiB in the file transferred.")
    var mebibytes = 1024

    @Option(help: "Rounds; the median is reported.")
    var rounds = 3

    @Option(help: "The curl to compare with.")
    var curl = "/usr/bin/curl"

    @Option(help: "The vsftpd to serve the file.")
    var vsftpd = "/usr/sbin/vsftpd"

    @Option(help: "The folder the run's files go in (they are as large as --mebibytes).")
    var scratch = "/tmp"

    @Option(help: "Folder for results.json and results.md.")
    var out: String?

    @Flag(help: "Print JSON instead of the table.")
    var json = false

    @Flag(help: "16 MiB, one round: a first look, and what CI runs.")
    var quick = false

    @Flag(help: "Leave vsftpd and the clients wherever the scheduler puts them.")
    var noPin = false

    func validate() throws {
        guard mebibytes >= 1, mebibytes <= 16384 else { throw ValidationError("--mebibytes must be in 1...16384") }
        guard rounds >= 1, rounds <= 100 else { throw ValidationError("--rounds must be in 1...100") }
    }

    func run() async throws {
        var configuration = FTPBenchmark.Configuration()
        configuration.mebibytes = quick ? 16 : mebibytes
        configuration.rounds = quick ? 1 : rounds
        configuration.vsftpd = vsftpd
        configuration.scratch = scratch
        configuration.clients = [.sockworks(try BenchPaths.ownExecutable()), .curl(curl)]
        if !noPin && sysconf(Int32(_SC_NPROCESSORS_ONLN)) >= 2 {
            (configuration.serverCPU, configuration.clientCPU) = (1, 0)
            writeStandardError("vsftpd on CPU 1, the clients on CPU 0\n")
        }
        let results = try await FTPBenchmark(configuration).run { writeStandardError($0 + "\n") }
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
