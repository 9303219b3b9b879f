/// Room for one received datagram, allocated once per run (a flood
/// receives tens of thousands), freed with the run.
final class ReceiveBuffer {
    let bytes: UnsafeMutableRawBufferPointer

    init(count: Int) {
        bytes = .allocate(byteCount: count, alignment: 16)
        bytes.initializeMemory(as: UInt8.self, repeating: 0)
    }

    deinit { bytes.deallocate() }

    /// A copy of the first `count` bytes.
    func prefix(_ count: Int) -> [UInt8] { Array(bytes.prefix(count)) }
}
