import Glibc

/// Reading /proc (proc(5)): small files that report size 0 and must be
/// read to the end, and directories of pids and thread ids.
public enum ProcFS {
    /// The whole text of a /proc file, or nil when it cannot be opened (the
    /// process has gone).
    public static func read(_ path: String) -> String? {
        guard let descriptor = try? syscallValue("open", path, { open(path, O_RDONLY | O_CLOEXEC) }) else {
            return nil
        }
        defer { try? SystemCall.close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while true {
            // A read error (ESRCH: the process ended meanwhile) ends the text.
            let count =
                (try? syscallValue("read", path) {
                    chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
                }) ?? 0
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The names in a directory, without `.` and `..`; empty when it cannot
    /// be opened.
    public static func entries(_ path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The numeric names in a directory (pids, thread ids).
    public static func numericEntries(_ path: String) -> [Int32] { entries(path).compactMap { Int32($0) } }
}
