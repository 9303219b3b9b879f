/// Which sequence numbers have been answered: one bit per 16-bit sequence
/// number, so duplicates are found across the wrap at 65536 (iputils
/// `MAX_DUP_CHK`). A number is cleared when its probe is sent again.
struct ReceivedTable: Sendable {
    private var words = [UInt64](repeating: 0, count: 65536 / 64)

    func contains(_ sequence: UInt16) -> Bool {
        words[Int(sequence) >> 6] & (1 << (UInt64(sequence) & 63)) != 0
    }

    mutating func insert(_ sequence: UInt16) {
        words[Int(sequence) >> 6] |= 1 << (UInt64(sequence) & 63)
    }

    mutating func remove(_ sequence: UInt16) {
        words[Int(sequence) >> 6] &= ~(1 << (UInt64(sequence) & 63))
    }
}
