import SocketCore

/// A one-line progress bar on standard error, redrawn in place at most ten
/// times a second, for a body of at least a mebibyte.
struct ProgressBar {
    private let expectedBytes: Int64?
    private var received: Int64 = 0
    private var lastDrawn = MonotonicInstant(nanoseconds: 0)
    private var drawn = false
    private static let smallest: Int64 = 1 << 20

    init(expectedBytes: Int64?) {
        self.expectedBytes = expectedBytes
    }

    mutating func advance(by count: Int) {
        received += Int64(count)
        guard (expectedBytes ?? received) >= Self.smallest else { return }
        let now = MonotonicInstant.now
        guard now - lastDrawn >= .milliseconds(100) else { return }
        lastDrawn = now
        draw()
    }

    mutating func finish() {
        guard drawn else { return }
        draw()
        writeStandardError("\n")
    }

    private mutating func draw() {
        drawn = true
        let size = Self.mebibytes(received)
        guard let expectedBytes, expectedBytes > 0 else {
            writeStandardError("\r\(size) MiB")
            return
        }
        let fraction = min(1, Double(received) / Double(expectedBytes))
        let width = 40
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let percent = Int(fraction * 100)
        writeStandardError("\r\(percent)% [\(bar)] \(size) / \(Self.mebibytes(expectedBytes)) MiB")
    }

    /// One decimal, e.g. `12.3`.
    private static func mebibytes(_ bytes: Int64) -> String {
        let tenths = bytes * 10 / (1 << 20)
        return "\(tenths / 10).\(tenths % 10)"
    }
}
