/// The table `strace -c` prints: calls (and errors) per system call.
public struct StraceSummary: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var name: String
        public var calls: Int
        public var errors: Int
    }

    public var rows: [Row]

    /// Parses the table; rows that are not `%time seconds usecs calls
    /// [errors] name` (the header, rules, the total) are skipped.
    public init(parsing text: String) {
        rows = text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count == 5 || fields.count == 6, let name = fields.last, name != "total",
                Double(fields[0]) != nil, let calls = Int(fields[3])
            else { return nil }
            let errors = fields.count == 6 ? Int(fields[4]) ?? 0 : 0
            return Row(name: String(name), calls: calls, errors: errors)
        }
    }

    init(rows: [Row]) { self.rows = rows }

    public func calls(_ name: String) -> Int { rows.first { $0.name == name }?.calls ?? 0 }

    /// What `self` has beyond `baseline`, call by call: the work of the
    /// requests alone, without start-up and shutdown.
    public func subtracting(_ baseline: StraceSummary) -> StraceSummary {
        StraceSummary(
            rows: rows.compactMap { row in
                let calls = row.calls - baseline.calls(row.name)
                let errors = row.errors - (baseline.rows.first { $0.name == row.name }?.errors ?? 0)
                return calls > 0 ? Row(name: row.name, calls: calls, errors: max(0, errors)) : nil
            }.sorted { $0.calls > $1.calls })
    }
}
