import SocketCore

/// Reading /proc (SocketCore's ProcFS), and the `Key: N kB` lines of its status files.
enum ProcFiles {
    static func read(_ path: String) -> String? { ProcFS.read(path) }

    static func numericEntries(_ path: String) -> [Int32] { ProcFS.numericEntries(path) }

    /// The value of a `Key:   123 kB` line (status, smaps_rollup), in KiB.
    static func kilobytes(_ key: String, in text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
            let fields = line.dropFirst(key.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" })
            return fields.first.flatMap { Int($0) }
        }
        return nil
    }
}
