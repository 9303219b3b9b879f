/// The profile command's text: per-request figures and the top functions.
public struct ProfileReport: Sendable {
    public let model: String
    public let result: ProfileRunner.Result
    public let top: Int
    /// Readable names for the mangled Swift symbols (swift demangle).
    public let demangled: [String: String]

    public init(model: String, result: ProfileRunner.Result, top: Int, demangled: [String: String] = [:]) {
        self.model = model
        self.result = result
        self.top = top
        self.demangled = demangled
    }

    public var text: String {
        let requests = Double(result.requests)
        let syscallRequests = Double(result.syscallRequests)
        var lines = [
            "\(model): \(result.requests) echo requests", "",
            "System calls per request (strace -c -f; the difference of two runs, so start-up and shutdown cancel):",
        ]
        var calls = TextTable(header: ["syscall", "per request", "calls", "errors"])
        for row in result.syscalls.rows where Double(row.calls) / syscallRequests >= 0.001 {
            calls.add([row.name, fixed(Double(row.calls) / syscallRequests, 3), "\(row.calls)", "\(row.errors)"])
        }
        let totalCalls = result.syscalls.rows.map(\.calls).reduce(0, +)
        calls.add(["total", fixed(Double(totalCalls) / syscallRequests, 3), "\(totalCalls)", ""])
        lines.append(calls.render())
        let profile = result.profile
        lines += [
            "",
            "Instructions per request (callgrind, during the load only): \(fixed(Double(profile.totalInstructions) / requests, 0))",
            "Allocations per request (malloc, calloc, realloc, aligned): \(fixed(Double(profile.allocations) / requests, 3))",
            "",
            "Top functions by their own instructions:",
        ]
        lines.append("instr/request   share  function")
        for function in profile.functions.prefix(top) {
            let share =
                profile.totalInstructions > 0 ? Double(function.instructions) / Double(profile.totalInstructions) : 0
            let perRequest = fixed(Double(function.instructions) / requests, 1)
            let percent = fixed(share * 100, 1) + "%"
            let name = demangled[function.name] ?? function.name
            lines.append(
                String(repeating: " ", count: max(0, 13 - perRequest.count)) + perRequest
                    + String(repeating: " ", count: max(1, 8 - percent.count)) + percent + "  "
                    + (name.count > 120 ? String(name.prefix(117)) + "..." : name))
        }
        lines += ["", "Open the profile: callgrind_annotate \(result.callgrindFile) | swift demangle --simplified"]
        return lines.joined(separator: "\n") + "\n"
    }
}
