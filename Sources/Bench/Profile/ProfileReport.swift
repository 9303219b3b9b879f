/// The profile command's text: per-request figures and the top functions.
public struct ProfileReport: Sendable {
    public let model: String
    public let result: ProfileRunner.Result
    public let top: Int

    public init(model: String, result: ProfileRunner.Result, top: Int) {
        self.model = model
        self.result = result
        self.top = top
    }

    public var text: String {
        let requests = Double(result.requests)
        var lines = ["\(model): \(result.requests) echo requests", "", "System calls per request (strace -c -f, start-up and shutdown subtracted):"]
        var calls = TextTable(header: ["syscall", "per request", "calls", "errors"])
        for row in result.syscalls.rows where Double(row.calls) / requests >= 0.001 {
            calls.add([row.name, fixed(Double(row.calls) / requests, 3), "\(row.calls)", "\(row.errors)"])
        }
        let totalCalls = result.syscalls.rows.map(\.calls).reduce(0, +)
        calls.add(["total", fixed(Double(totalCalls) / requests, 3), "\(totalCalls)", ""])
        lines.append(calls.render())
        let profile = result.profile
        lines += [
            "",
            "Instructions per request (callgrind, during the load only): \(fixed(Double(profile.totalInstructions) / requests, 0))",
            "Allocations per request (malloc, calloc, realloc, aligned): \(fixed(Double(profile.allocations) / requests, 3))",
            "",
            "Top functions by their own instructions:",
        ]
        var functions = TextTable(header: ["instr/request", "share", "function"])
        for function in profile.functions.prefix(top) {
            let share = profile.totalInstructions > 0 ? Double(function.instructions) / Double(profile.totalInstructions) : 0
            functions.add([fixed(Double(function.instructions) / requests, 1), fixed(share * 100, 1) + "%",
                           function.name])
        }
        lines.append(functions.render())
        lines += ["", "Open the profile: callgrind_annotate \(result.callgrindFile) | swift demangle --simplified"]
        return lines.joined(separator: "\n") + "\n"
    }
}
