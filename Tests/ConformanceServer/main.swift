// The server of the handler-interface conformance scenarios: every server
// model running `InterfaceProbeHandler`, a line protocol whose commands each
// use one part of the handler interface. Usage:
//   conformance-server --model M [--workers N] --file PATH
import Glibc
import Servers
import SocketCore

var model = ServerModel.iterative
var workers: Int?
var file = ""
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    guard let value = arguments.next() else { fatalError("\(argument) needs a value") }
    switch argument {
    case "--model": model = ServerModel(rawValue: value) ?? { fatalError("unknown model \(value)") }()
    case "--workers": workers = Int(value)
    case "--file": file = value
    default: fatalError("unknown argument \(argument)")
    }
}

var configuration = ServiceConfiguration(
    name: "conformance server", address: .init(IPAddress("127.0.0.1")!, port: 0), transport: .stream)
configuration.reusePort = model.needsReusePort && (workers ?? 1) > 1
configuration.grace = .seconds(2)
let handler = InterfaceProbeHandler(file: file)
do {
    try ServiceBootstrap(configuration).run(description: "\(model.rawValue) model") {
        socket, control throws(ServerError) in
        try model.serve(handler, listener: socket, control: control, workers: workers ?? model.defaultWorkers)
    }
} catch {
    TextOutput.write("conformance-server: \(error)\n", to: 2)
    exit(1)
}
