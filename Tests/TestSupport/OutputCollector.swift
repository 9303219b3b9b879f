import Subprocess
import Synchronization

/// The standard output of a running program, collected as it arrives.
public final class OutputCollector: Sendable {
    private let state = Mutex<(bytes: [UInt8], ended: Bool)>(([], false))

    public init() {}

    public func append(_ chunk: SubprocessOutputSequence.Buffer) {
        chunk.withUnsafeBytes { raw in state.withLock { $0.bytes.append(contentsOf: raw) } }
    }

    /// The output has ended: end of file, or the program is gone.
    public func end() { state.withLock { $0.ended = true } }

    /// The bytes so far and whether more can come, read together.
    public var snapshot: (bytes: [UInt8], ended: Bool) { state.withLock { $0 } }
    public var text: String { String(decoding: snapshot.bytes, as: UTF8.self) }
    public var ended: Bool { snapshot.ended }
}
