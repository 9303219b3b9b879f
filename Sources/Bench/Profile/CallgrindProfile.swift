/// What a callgrind output file says: total instructions, the instructions
/// each function executed itself, and how often the C allocator was called.
///
/// The format (valgrind's docs, "Callgrind Format Specification"): `fn=`
/// names the function the cost lines below belong to; `cfn=` and `calls=`
/// introduce a call, whose next cost line is the call's inclusive cost (not
/// the caller's own); names are compressed as `(id) name` the first time
/// and `(id)` after.
public struct CallgrindProfile: Sendable, Equatable {
    public var totalInstructions: Int
    /// Self cost per function, largest first.
    public var functions: [(name: String, instructions: Int)]
    /// Calls to malloc, calloc, realloc and the aligned allocators.
    public var allocations: Int

    public static func == (a: CallgrindProfile, b: CallgrindProfile) -> Bool {
        a.totalInstructions == b.totalInstructions && a.allocations == b.allocations
            && a.functions.map(\.name) == b.functions.map(\.name)
            && a.functions.map(\.instructions) == b.functions.map(\.instructions)
    }

    static let allocators: Set<String> = [
        "malloc", "calloc", "realloc", "posix_memalign", "aligned_alloc", "memalign", "valloc",
    ]

    public init(parsing text: String) {
        // Objects, files and functions are compressed in separate id spaces.
        var names: [Character: [String: String]] = [:]
        func resolve(_ value: Substring, kind: Character = "n") -> String {
            // "(12) name" defines id 12; "(12)" refers to it; a bare name is itself.
            let trimmed = value.drop { $0 == " " }
            guard trimmed.first == "(", let close = trimmed.firstIndex(of: ")") else { return String(trimmed) }
            let id = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
            let rest = trimmed[trimmed.index(after: close)...].drop { $0 == " " }
            if !rest.isEmpty { names[kind, default: [:]][id] = String(rest) }
            return names[kind]?[id] ?? "(\(id))"
        }
        var selfCost: [String: Int] = [:]
        var current = ""
        var calledFunction = ""
        var nextLineIsCall = false
        var allocations = 0
        var total = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("fn=") {
                current = resolve(line.dropFirst(3))
            } else if line.hasPrefix("cfn=") {
                calledFunction = resolve(line.dropFirst(4))
            } else if line.hasPrefix("calls=") {
                nextLineIsCall = true
                let count = Int(line.dropFirst(6).split(separator: " ").first ?? "") ?? 0
                let base = calledFunction.split(separator: "'").first.map(String.init) ?? calledFunction
                if Self.allocators.contains(base) { allocations += count }
            } else if line.hasPrefix("summary:") || line.hasPrefix("totals:") {
                total = max(total, Int(line.split(separator: " ").last ?? "") ?? 0)
            } else if let first = line.first, first.isNumber || first == "+" || first == "-" || first == "*" {
                if nextLineIsCall {
                    nextLineIsCall = false
                    continue
                }
                let cost = Int(line.split(separator: " ").last ?? "") ?? 0
                selfCost[current, default: 0] += cost
            } else if let equals = line.firstIndex(of: "="), line[..<equals].allSatisfy(\.isLetter) {
                // File and object names: only their compression ids matter.
                let key = line[..<equals]
                let kind: Character? =
                    ["fl", "fi", "fe", "cfi", "cfl"].contains(key)
                    ? "f"
                    : ["ob", "cob"].contains(key) ? "o" : nil
                if let kind { _ = resolve(line[line.index(after: equals)...], kind: kind) }
            }
        }
        totalInstructions = total > 0 ? total : selfCost.values.reduce(0, +)
        functions = selfCost.map { (name: $0.key, instructions: $0.value) }.sorted { $0.instructions > $1.instructions }
        self.allocations = allocations
    }
}
