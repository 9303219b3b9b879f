/// The gnuplot input for the two charts of the server-model benchmark:
/// requests/s and server CPU µs per request against connections, one line
/// per model and peer. `data` goes to `echo-chart.dat`, `script` to
/// `echo-chart.gp`; `gnuplot echo-chart.gp` in that folder writes
/// `requests-per-second.png` and `server-us-per-request.png`.
public struct EchoChart: Sendable {
    public let summaries: [EchoSummary]
    public let title: String

    /// Where the data, the script and the two images go (the web-server
    /// suite writes its own beside the echo suite's names).
    public let files: Files

    public struct Files: Sendable {
        public var data: String
        public var script: String
        public var images: [String]

        public init(data: String, script: String, images: [String]) {
            self.data = data
            self.script = script
            self.images = images
        }
    }

    public init(
        summaries: [EchoSummary], title: String,
        files: Files = Files(data: dataFile, script: scriptFile, images: images)
    ) {
        self.summaries = summaries
        self.title = title
        self.files = files
    }

    public static let dataFile = "echo-chart.dat"
    public static let scriptFile = "echo-chart.gp"
    public static let images = ["requests-per-second.png", "server-us-per-request.png"]

    /// The x axis: what `connections` counts.
    public var xLabel = "concurrent connections"

    var servers: [String] {
        var order: [String] = []
        for summary in summaries where !order.contains(summary.server) { order.append(summary.server) }
        return order
    }

    /// One gnuplot data block per server (two blank lines apart, so `index
    /// N` picks one): connections, requests/s, server µs/request.
    public var data: String {
        servers.map { server in
            let rows = summaries.filter { $0.server == server }.map {
                "\($0.connections) \(fixed($0.requestsPerSecond, 1)) \(fixed($0.serverMicrosPerRequest, 3))"
            }
            return "# \(server)\n" + rows.joined(separator: "\n")
        }.joined(separator: "\n\n\n") + "\n"
    }

    public var script: String {
        let names = servers
        func plot(column: Int) -> String {
            names.enumerated().map { index, name in
                let label = summaries.first { $0.server == name }?.isPeer == true ? "\(name) (peer)" : name
                return "'\(files.data)' index \(index) using 1:\(column) with linespoints title '\(label)'"
            }.joined(separator: ", \\\n     ")
        }
        return """
            # Made by sockworks bench; run: gnuplot \(files.script)
            set terminal pngcairo size 960,600 font 'sans,10'
            set key outside right top
            set grid
            set logscale x 2
            set xlabel '\(xLabel)'
            set title '\(title.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''"))'

            set output '\(files.images[0])'
            set ylabel 'requests per second'
            set yrange [0:*]
            plot \(plot(column: 2))

            set output '\(files.images[1])'
            set ylabel 'server CPU µs per request (lower is better)'
            set yrange [0:*]
            plot \(plot(column: 3))

            """
    }
}
