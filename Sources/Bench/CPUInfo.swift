import CSockBench
import Glibc

/// The CPU's model name and core count, from /proc/cpuinfo, for reports.
public func cpuDescription() -> String {
    let cpuinfo = ProcFiles.read("/proc/cpuinfo") ?? ""
    let line = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") && $0.contains(":") }
    let model =
        line.map { String($0[$0.index(after: $0.firstIndex(of: ":")!)...]).trimmingWhitespace() }
        ?? "unknown CPU"
    return "\(model), \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) CPUs"
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}

/// The core clock in GHz from a chain of dependent adds; 0 where unknown.
public func measureCoreGHz() -> Double { sb_core_ghz() }
