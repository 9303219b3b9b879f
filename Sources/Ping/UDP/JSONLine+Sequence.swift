extension JSONLine {
    /// A 64-bit unsigned number (a udpping sequence number); nil writes `null`.
    mutating func add(_ key: String, _ value: UInt64?) {
        addRaw(key, value.map { String($0) } ?? "null")
    }
}
