import FoundationEssentials

/// One MIME benchmark run: the Swift encoders and Python's, and the table,
/// Markdown and JSON made of them.
public struct MIMEResults: Sendable {
    public let swift: [MIMEBenchmark.Measurement]
    public let python: [MIMEBenchmark.Measurement]
    public let mebibytes: Int

    /// The goal of the issue: base64 at 1 GB/s or more.
    public static let base64Goal = 1.0

    /// Which Python calls each Swift encoder is compared with.
    private var pairs: [(MIMEBenchmark.Measurement, [MIMEBenchmark.Measurement])] {
        [
            (swift[0], python.filter { $0.name.contains("base64") }),
            (swift[1], python.filter { !$0.name.contains("base64") }),
        ]
    }

    private var rows: [[String]] {
        var rows: [[String]] = []
        for (ours, theirs) in pairs {
            rows.append([ours.name, fixed(ours.gigabytesPerSecond, 3), "-"])
            for other in theirs {
                rows.append([
                    other.name, fixed(other.gigabytesPerSecond, 3),
                    fixed(ours.gigabytesPerSecond / other.gigabytesPerSecond, 2) + "x",
                ])
            }
        }
        return rows
    }

    private var headerRow: [String] { ["encoder, \(mebibytes) MiB of input, median", "GB/s of input", "Swift / this"] }

    public var goalLine: String {
        let measured = swift[0].gigabytesPerSecond
        return "goal: base64 >= \(fixed(Self.base64Goal, 1)) GB/s: \(fixed(measured, 2)) GB/s, "
            + (measured >= Self.base64Goal ? "met" : "missed")
    }

    public var text: String {
        var table = TextTable(header: headerRow)
        for row in rows { table.add(row) }
        return table.render() + "\n\n" + goalLine + "\n"
    }

    public func markdown(date: String, command: String, machine: String) -> String {
        var lines = [
            "# sockworks bench mime", "", "\(date), \(machine)", "", "`\(command)`", "",
            "| " + headerRow.joined(separator: " | ") + " |", "|---|---:|---:|",
        ]
        lines += rows.map { "| " + $0.joined(separator: " | ") + " |" }
        lines += ["", goalLine]
        return lines.joined(separator: "\n") + "\n"
    }

    private struct Record: Encodable {
        let name: String
        let bytes: Int
        let seconds: Double
        let gbPerSecond: Double
    }

    private struct Document: Encodable {
        let benchmark: String
        let machine: String
        let mebibytes: Int
        let swift: [Record]
        let python: [Record]
        let base64GoalMet: Bool
    }

    public func json(machine: String) -> String {
        func records(_ measurements: [MIMEBenchmark.Measurement]) -> [Record] {
            measurements.map {
                Record(name: $0.name, bytes: $0.bytes, seconds: $0.seconds, gbPerSecond: $0.gigabytesPerSecond)
            }
        }
        let document = Document(
            benchmark: "mime", machine: machine, mebibytes: mebibytes, swift: records(swift), python: records(python),
            base64GoalMet: swift[0].gigabytesPerSecond >= Self.base64Goal)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = (try? encoder.encode(document)) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
