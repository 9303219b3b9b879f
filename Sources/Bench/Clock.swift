import CSystemShims
import SocketCore

extension MonotonicInstant {
    /// Seconds from `start` to now, for the benchmark's rates.
    static func seconds(since start: MonotonicInstant) -> Double {
        Double(now.nanoseconds - start.nanoseconds) / 1e9
    }
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
    do {
        _ = try SystemCall.returningNegativeErrno("sched_setaffinity", "CPU \(cpu)") {
            shim_pin_thread_to_cpu(Int32(clamping: cpu))
        }
    } catch {
        throw BenchError("cannot pin the thread: \(error)")
    }
}

/// A benchmark failure worth one line on stderr.
public struct BenchError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
