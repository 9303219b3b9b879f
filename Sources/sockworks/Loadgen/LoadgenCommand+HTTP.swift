import Bench
import SocketCore

extension LoadgenCommand {
    /// The HTTP mode: GET `path` and check every body against `bodyFile`.
    func runHTTP(path: String, bodyFile: String) throws {
        var generator = HTTPLoadGenerator(
            address: SocketAddress(IPAddress(host)!, port: port), path: path,
            body: try HTTPFiles.contents(of: bodyFile), connections: connections,
            warmup: .milliseconds(Int64(warmup * 1000)), duration: .milliseconds(Int64(duration * 1000)))
        generator.checksumOnly = checksum
        generator.connectionPerRequest = connectionPerRequest
        generator.requestLimit = requests
        let report = try generator.run { opened in
            writeStandardOutput(opened ? "window start\n" : "window end\n")
        }
        writeStandardOutput(report.jsonLine + "\n")
    }
}
