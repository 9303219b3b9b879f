// What every fuzz target in Fuzz/ shares; tools/fuzz-http compiles this
// folder into each of them.

/// Stops the run when a property does not hold, so libFuzzer keeps the
/// input that broke it.
func check(_ condition: Bool, _ property: @autoclosure () -> String) {
    if !condition { fatalError("property broken: \(property())") }
}

/// Calls `body` with a copy of the input in an allocation of exactly its
/// size, so AddressSanitizer catches a read one byte past its end
/// (libFuzzer's own buffer may be larger).
func withExactCopy<Result>(
    _ data: UnsafePointer<UInt8>, _ size: Int, _ body: (UnsafeRawBufferPointer) -> Result
) -> Result {
    let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 1)
    defer { copy.deallocate() }
    if size > 0 { copy.copyMemory(from: UnsafeRawBufferPointer(start: data, count: size)) }
    return body(UnsafeRawBufferPointer(copy))
}

/// A few points to split `input` at, the same ones each time the same input
/// comes (from its FNV-1a hash), so a failure repeats.
func splitPoints(of input: UnsafeRawBufferPointer, count: Int = 3) -> [Int] {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in input { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
    var points: [Int] = []
    for _ in 0..<count {
        hash = (hash ^ (hash >> 29)) &* 0xBF58_476D_1CE4_E5B9
        points.append(Int(hash % UInt64(input.count + 1)))
    }
    return points.sorted()
}
