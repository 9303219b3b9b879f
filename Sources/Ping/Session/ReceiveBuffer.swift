/// Room for one received datagram, allocated once per run (a flood
/// receives tens of thousands), freed with the run.
///
/// Not zeroed: only the bytes a receive wrote are ever read, and writing
/// 64 KiB of zeros faulted in seventeen pages for a one-probe run's one
/// reply of 84 bytes.
final class ReceiveBuffer {
    let bytes: UnsafeMutableRawBufferPointer

    init(count: Int) {
        bytes = .allocate(byteCount: count, alignment: 16)
    }

    deinit { bytes.deallocate() }

    /// A copy of the first `count` bytes.
    func prefix(_ count: Int) -> [UInt8] { Array(bytes.prefix(count)) }
}
