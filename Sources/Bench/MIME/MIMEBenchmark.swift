import Glibc
import MIME
import SocketCore
import Subprocess
import SystemPackage

/// The MIME encoders' throughput: base64 of random bytes and
/// quoted-printable of text-like bytes, fed in the 57 KiB chunks the message
/// writer reads files in; and, in the same run on the same bytes, Python's
/// `base64` and `quopri`/`binascii` (timed inside Python around each call).
public struct MIMEBenchmark: Sendable {
    public struct Configuration: Sendable {
        /// Input per encoding, in MiB.
        public var mebibytes = 256
        public var rounds = 5
        public var python = "/usr/bin/python3"
        public init() {}
    }

    /// One encoder's median over the rounds.
    public struct Measurement: Sendable {
        public let name: String
        public let bytes: Int
        public let seconds: Double
        public var gigabytesPerSecond: Double { Double(bytes) / seconds / 1e9 }
    }

    private let configuration: Configuration
    public init(_ configuration: Configuration) { self.configuration = configuration }

    /// The block the inputs repeat: 1 MiB each of random bytes and of text.
    static let blockSize = 1 << 20

    public func run(progress: (String) -> Void) async throws(BenchError) -> MIMEResults {
        let size = configuration.mebibytes << 20
        let random = Self.randomBlock()
        let text = Self.textBlock()
        progress("encoding \(configuration.mebibytes) MiB, \(configuration.rounds) rounds")
        let base64 = Self.measure("base64 (Base64Encoder)", rounds: configuration.rounds, size: size, block: random) {
            var encoder = Base64Encoder()
            return Self.encode(
                $0, output: $1, bound: Base64Encoder.maximumOutputCount, { encoder.encode($0, into: $1) },
                finish: { encoder.finish(into: $0) })
        }
        let quoted = Self.measure(
            "quoted-printable (QuotedPrintableEncoder)", rounds: configuration.rounds, size: size, block: text
        ) {
            var encoder = QuotedPrintableEncoder()
            return Self.encode(
                $0, output: $1, bound: QuotedPrintableEncoder.maximumOutputCount, { encoder.encode($0, into: $1) },
                finish: { encoder.finish(into: $0) })
        }
        progress("running \(configuration.python)")
        let python = try await runPython(random: random, text: text)
        return MIMEResults(swift: [base64, quoted], python: python, mebibytes: configuration.mebibytes)
    }

    /// Times `encode` over `size` bytes tiled from `block`: the median of the
    /// rounds.
    private static func measure(
        _ name: String, rounds: Int, size: Int, block: [UInt8],
        _ encode: (UnsafeRawBufferPointer, UnsafeMutableRawBufferPointer) -> Int
    ) -> Measurement {
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
        defer { input.deallocate() }
        block.withUnsafeBytes { block in
            for offset in stride(from: 0, to: size, by: block.count) {
                let count = min(block.count, size - offset)
                (input.baseAddress! + offset).copyMemory(from: block.baseAddress!, byteCount: count)
            }
        }
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 64)
        defer { output.deallocate() }
        var samples: [Double] = []
        var written = 0
        for _ in 0..<rounds {
            let start = MonotonicInstant.now
            written &+= encode(UnsafeRawBufferPointer(input), output)
            samples.append(MonotonicInstant.seconds(since: start))
        }
        precondition(written > 0)
        return Measurement(name: name, bytes: size, seconds: median(samples))
    }

    /// Encodes all of `input` in 57 KiB chunks into `output`, reused, as the
    /// message writer does; returns the bytes written.
    private static func encode(
        _ input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer, bound: (Int) -> Int,
        _ encode: (UnsafeRawBufferPointer, UnsafeMutableRawBufferPointer) -> Int,
        finish: (UnsafeMutableRawBufferPointer) -> Int
    ) -> Int {
        let chunk = 57 * 1024
        precondition(bound(chunk) <= output.count)
        var written = 0
        for offset in stride(from: 0, to: input.count, by: chunk) {
            let piece = UnsafeRawBufferPointer(rebasing: input[offset..<min(input.count, offset + chunk)])
            written += encode(piece, output)
        }
        return written + finish(output)
    }

    private func runPython(random: [UInt8], text: [UInt8]) async throws(BenchError) -> [Measurement] {
        let folder = "/tmp/sockworks-bench-mime-\(getpid())"
        let path = folder + "/blocks"
        do {
            _ = try SystemCall.value("mkdir", folder) { mkdir(folder, 0o700) }
            defer {
                unlink(path)
                rmdir(folder)
            }
            let descriptor = try SystemCall.value("open", path) {
                open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            }
            defer { close(descriptor) }
            for block in [random, text] {
                let count = try block.withUnsafeBytes { buffer throws(SystemError) in
                    try SystemCall.value("write", path) { write(descriptor, buffer.baseAddress, buffer.count) }
                }
                guard count == block.count else { throw BenchError("short write to \(path)") }
            }
            let result = try await Subprocess.run(
                .path(FilePath(configuration.python)),
                arguments: ["-c", Self.pythonScript, path, "\(configuration.mebibytes)", "\(configuration.rounds)"],
                output: .string(limit: 1 << 16), error: .string(limit: 1 << 16))
            guard result.terminationStatus == .exited(0) else {
                throw BenchError("\(configuration.python) failed: \(result.standardError)")
            }
            return try result.standardOutput.split(separator: "\n").map { line throws(BenchError) in
                let fields = line.split(separator: "\t")
                guard fields.count == 2, let seconds = Double(fields[1]) else {
                    throw BenchError("unexpected line from Python: \(line)")
                }
                return Measurement(name: String(fields[0]), bytes: configuration.mebibytes << 20, seconds: seconds)
            }
        } catch let error as BenchError {
            throw error
        } catch {
            throw BenchError("cannot run \(configuration.python): \(error)")
        }
    }

    /// Python's encoders over the same bytes: each timed with
    /// `time.perf_counter` around the call alone, the median printed.
    static let pythonScript = """
        import base64, binascii, quopri, statistics, sys, time
        blocks = open(sys.argv[1], 'rb').read()
        size, rounds = int(sys.argv[2]) << 20, int(sys.argv[3])
        block = len(blocks) // 2
        random_bytes = (blocks[:block] * (size // block + 1))[:size]
        text = (blocks[block:] * (size // block + 1))[:size]
        for name, call, data in [
                ('python base64.encodebytes', base64.encodebytes, random_bytes),
                ('python base64.b64encode', base64.b64encode, random_bytes),
                ('python quopri.encodestring', quopri.encodestring, text),
                ('python binascii.b2a_qp', binascii.b2a_qp, text)]:
            samples = []
            for _ in range(rounds):
                start = time.perf_counter()
                call(data)
                samples.append(time.perf_counter() - start)
            print(f'{name}\\t{statistics.median(samples)}')
        """

    static func randomBlock() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<blockSize).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// Text-like bytes: words of ASCII letters, spaces, punctuation with a
    /// `=` now and then, a few accented letters in UTF-8, and lines of 40 to
    /// 100 characters ending LF.
    static func textBlock() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var block: [UInt8] = []
        block.reserveCapacity(blockSize + 128)
        let letters = Array("etaoinshrdlucmfwypvbgkqjxz".utf8)
        while block.count < blockSize {
            let lineLength = Int.random(in: 40...100, using: &generator)
            var column = 0
            while column < lineLength {
                for _ in 0..<Int.random(in: 1...9, using: &generator) {
                    if Int.random(in: 0..<100, using: &generator) == 0 {
                        block += [0xC3, 0xA9]
                    } else {
                        block.append(letters[Int.random(in: 0..<letters.count, using: &generator)])
                    }
                    column += 1
                }
                let separator = Int.random(in: 0..<40, using: &generator)
                block.append(separator == 0 ? UInt8(ascii: "=") : separator < 3 ? UInt8(ascii: ",") : 0x20)
                column += 1
            }
            block.append(UInt8(ascii: "\n"))
        }
        return Array(block.prefix(blockSize))
    }
}
