import FoundationEssentials

/// One FTP benchmark run: every client's medians, the ratios to curl's,
/// and the table, Markdown and JSON made of them.
public struct FTPResults: Sendable {
    public let measurements: [FTPBenchmark.Measurement]
    public let mebibytes: Int
    public let rounds: Int

    /// The client the others are compared with.
    public static let reference = "curl"

    private var headerRow: [String] {
        [
            "client, \(mebibytes) MiB, median of \(rounds)", "direction", "MB/s", "client CPU µs/MiB",
            "vsftpd CPU µs/MiB", "MB/s vs curl", "CPU vs curl",
        ]
    }

    private var rows: [[String]] {
        measurements.map { measurement in
            let isReference = measurement.client == Self.reference
            let speed = isReference ? 1 : measurement.speedRatio
            let cpu = isReference ? 1 : measurement.cpuRatio
            return [
                measurement.client, measurement.direction.rawValue, fixed(measurement.megabytesPerSecond, 0),
                fixed(measurement.cpuMicrosecondsPerMebibyte, 0),
                fixed(measurement.serverCPUMicrosecondsPerMebibyte, 0),
                speed.map { fixed($0, 2) + "x" } ?? "-", cpu.map { fixed($0, 2) + "x" } ?? "-",
            ]
        }
    }

    /// The goal: at least curl's throughput, no more CPU per byte,
    /// both ways, as medians of the rounds' ratios.
    public var goalMet: Bool {
        FTPBenchmark.Direction.allCases.allSatisfy { direction in
            guard let ours = measurements.first(where: { $0.client != Self.reference && $0.direction == direction }),
                let speed = ours.speedRatio, let cpu = ours.cpuRatio
            else { return false }
            return speed >= 1 && cpu <= 1
        }
    }

    public var goalLine: String {
        "ratios: the median of each round's ratio (the two clients back to back)\n"
            + "goal: sockworks ftp at least curl's MB/s with no more CPU per byte, down and up: "
            + (goalMet ? "met" : "missed")
    }

    public var text: String {
        var table = TextTable(header: headerRow)
        for row in rows { table.add(row) }
        return table.render() + "\n\n" + goalLine + "\n"
    }

    public func markdown(date: String, command: String, machine: String) -> String {
        var lines = [
            "# sockworks bench ftp", "", "\(date), \(machine)", "", "`\(command)`", "",
            "| " + headerRow.joined(separator: " | ") + " |", "|---|---|---:|---:|---:|---:|---:|",
        ]
        lines += rows.map { "| " + $0.joined(separator: " | ") + " |" }
        lines += ["", goalLine]
        return lines.joined(separator: "\n") + "\n"
    }

    private struct Record: Encodable {
        let client: String
        let direction: String
        let bytes: Int
        let seconds: Double
        let mbPerSecond: Double
        let cpuSeconds: Double
        let serverCpuSeconds: Double
        /// Medians of the rounds' ratios to curl's; absent for curl.
        let mbPerSecondVsCurl: Double?
        let cpuVsCurl: Double?
    }

    private struct Document: Encodable {
        let benchmark: String
        let machine: String
        let mebibytes: Int
        let rounds: Int
        let results: [Record]
        let goalMet: Bool
    }

    public func json(machine: String) -> String {
        let records = measurements.map {
            Record(
                client: $0.client, direction: $0.direction.rawValue, bytes: $0.bytes, seconds: $0.seconds,
                mbPerSecond: $0.megabytesPerSecond, cpuSeconds: $0.cpuSeconds, serverCpuSeconds: $0.serverCPUSeconds,
                mbPerSecondVsCurl: $0.speedRatio, cpuVsCurl: $0.cpuRatio)
        }
        let document = Document(
            benchmark: "ftp", machine: machine, mebibytes: mebibytes, rounds: rounds, results: records,
            goalMet: goalMet)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = (try? encoder.encode(document)) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
