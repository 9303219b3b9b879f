import CSockBench
import Glibc

/// The CPU's model name and core count, from /proc/cpuinfo, for reports.
public func cpuDescription() -> String {
    var model = "unknown CPU"
    if let file = fopen("/proc/cpuinfo", "r") {
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 4096)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(nulTerminated: line)
            if text.hasPrefix("model name"), let colon = text.firstIndex(of: ":") {
                model = String(text[text.index(after: colon)...]).trimmingWhitespace()
                break
            }
        }
    }
    return "\(model), \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) CPUs"
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}

/// The core clock in GHz from a chain of dependent adds; 0 where unknown.
public func measureCoreGHz() -> Double { sb_core_ghz() }
