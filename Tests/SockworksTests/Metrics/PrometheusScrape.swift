import TestSupport

/// One sample of a scrape, as prometheus_client's text-format parser read it.
struct PrometheusSample: Sendable, Equatable {
    var family: String
    var type: String
    var name: String
    var labels: [String: String]
    var value: Double
}

/// A scrape of /metrics, read by `prometheus_client.parser.
/// text_string_to_metric_families` (Debian's python3-prometheus-client):
/// the reference reading of the text format, which fails on anything
/// malformed.
struct PrometheusScrape: Sendable {
    var samples: [PrometheusSample]

    /// The samples named `name` whose labels include `labels`.
    func matching(_ name: String, _ labels: [String: String] = [:]) -> [PrometheusSample] {
        samples.filter { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }
    }

    /// The sum of the samples `matching(name, labels)`, over every worker.
    func total(_ name: String, _ labels: [String: String] = [:]) -> Double {
        matching(name, labels).reduce(0) { $0 + $1.value }
    }

    /// The type prometheus_client gave the family of samples named `name`.
    func type(of name: String) -> String? { samples.first { $0.name == name }?.type }
}

/// The parser's output: a line per sample, tab-separated: family, type,
/// sample name, labels as k=v joined by commas, value.
private let parserScript = """
    import sys
    from prometheus_client.parser import text_string_to_metric_families
    for family in text_string_to_metric_families(sys.stdin.read()):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            print(f"{family.name}\\t{family.type}\\t{sample.name}\\t{labels}\\t{sample.value!r}")
    """

/// Scrapes `url` with curl, and has the text parsed.
func scrape(_ url: String) async throws -> PrometheusScrape {
    let fetched = try await runProgram("/usr/bin/curl", ["-sS", "--max-time", "5", "--fail", url])
    guard fetched.exitCode == 0 else { throw TestFailure("curl \(url): \(fetched.standardError)") }
    return try await parsePrometheusText(fetched.standardOutputBytes)
}

func parsePrometheusText(_ text: [UInt8]) async throws -> PrometheusScrape {
    let parsed = try await runProgram("/usr/bin/python3", ["-c", parserScript], input: text)
    guard parsed.exitCode == 0 else {
        throw TestFailure("prometheus_client refused the scrape: \(parsed.standardError)")
    }
    var samples: [PrometheusSample] = []
    for line in parsed.standardOutput.split(separator: "\n") {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 5, let value = Double(fields[4]) else { throw TestFailure("parser line \(line)") }
        var labels: [String: String] = [:]
        for pair in fields[3].split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { labels[parts[0]] = parts[1] }
        }
        samples.append(
            PrometheusSample(family: fields[0], type: fields[1], name: fields[2], labels: labels, value: value))
    }
    return PrometheusScrape(samples: samples)
}
