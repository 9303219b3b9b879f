import CSystemShims
import Glibc

/// Monotonic time in nanoseconds: cheap enough to read around each batch.
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// The median of a non-empty sample (the mean of the middle two for an even count).
func median(_ values: [Double]) -> Double {
    precondition(!values.isEmpty, "median of an empty sample")
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/// Pins the calling thread to one CPU, so that runs compare like with like.
public func pinCurrentThread(toCPU cpu: Int) throws(BenchError) {
    let result = shim_pin_thread_to_cpu(Int32(clamping: cpu))
    guard result == 0 else {
        throw BenchError("cannot pin to CPU \(cpu): \(String(cString: strerror(-result)))")
    }
}

/// A benchmark failure worth one line on stderr.
public struct BenchError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
