/// A `Range` request (RFC 9110 section 14) for a representation of a
/// known size, as this server answers it: one range is served, several are
/// answered with the whole (section 14.2 lets a server ignore `Range`), and
/// so is a field that is not a valid `bytes` range set.
enum ByteRangeRequest: Equatable {
    /// The whole representation, `200`.
    case whole
    /// The bytes `first...last`, `206`.
    case part(first: Int64, last: Int64)
    /// A valid range set of which nothing lies in the representation, `416`.
    case unsatisfiable

    /// What `value`, a `Range` field value, asks of a representation of
    /// `size` bytes. Numbers too large for 64 bits never trap: a first
    /// position beyond them is past any end, a last one or a suffix length
    /// beyond them reaches the end.
    init(_ value: ArraySlice<UInt8>, size: Int64) {
        let unit = "bytes=".utf8
        guard value.count > unit.count,
            value.prefix(unit.count).elementsEqual(unit, by: { FieldSyntax.lowercased($0) == $1 })
        else {
            self = .whole
            return
        }
        var specs: [RangeSpec] = []
        for element in value.dropFirst(unit.count).split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        {
            let trimmed = element.trimmingWhitespace()
            // A list may hold empty elements (RFC 9110 section 5.6.1), but not only those.
            if trimmed.isEmpty { continue }
            guard let spec = RangeSpec(trimmed) else {
                self = .whole
                return
            }
            specs.append(spec)
        }
        guard specs.count == 1, let spec = specs.first else {
            self = .whole
            return
        }
        self = spec.resolved(size: size)
    }
}

/// One `int-range` or `suffix-range` of a range set (RFC 9110 section 14.1.1).
private enum RangeSpec {
    /// `first-last` or `first-` (last nil); `first` nil when it is too big
    /// for 64 bits, `last` the end then.
    case from(first: Int64?, last: Int64?)
    /// `-length`, nil when it is too big for 64 bits.
    case suffix(length: Int64?)

    init?(_ text: ArraySlice<UInt8>) {
        guard let dash = text.firstIndex(of: UInt8(ascii: "-")) else { return nil }
        let before = text[..<dash]
        let after = text[text.index(after: dash)...]
        if before.isEmpty {
            guard let length = Self.number(after) else { return nil }
            self = .suffix(length: length.value)
            return
        }
        guard let first = Self.number(before) else { return nil }
        if after.isEmpty {
            self = .from(first: first.value, last: nil)
            return
        }
        guard let last = Self.number(after) else { return nil }
        // "A range with last-pos less than first-pos is invalid" (section 14.1.1).
        if let firstValue = first.value, let lastValue = last.value, lastValue < firstValue { return nil }
        if first.value == nil, last.value != nil { return nil }
        self = .from(first: first.value, last: last.value)
    }

    func resolved(size: Int64) -> ByteRangeRequest {
        switch self {
        case .from(let first, let last):
            guard let first, first < size else { return .unsatisfiable }
            return .part(first: first, last: min(last ?? size - 1, size - 1))
        case .suffix(let length):
            // A zero-length suffix selects nothing; of an empty
            // representation there is nothing to send but the whole.
            guard let length else { return size > 0 ? .part(first: 0, last: size - 1) : .whole }
            guard length > 0 else { return .unsatisfiable }
            guard size > 0 else { return .whole }
            return .part(first: max(size - length, 0), last: size - 1)
        }
    }

    /// A decimal number, which may not fit in 64 bits.
    private struct Number {
        /// nil when it is larger than `Int64.max`.
        var value: Int64?
    }

    /// The number `digits` write (1*DIGIT), or nil for anything else.
    private static func number(_ digits: ArraySlice<UInt8>) -> Number? {
        guard !digits.isEmpty else { return nil }
        var number = Number(value: 0)
        for byte in digits {
            guard byte &- 0x30 < 10 else { return nil }
            guard let current = number.value else { continue }
            let (shifted, shiftOverflowed) = current.multipliedReportingOverflow(by: 10)
            let (sum, addOverflowed) = shifted.addingReportingOverflow(Int64(byte - 0x30))
            number.value = shiftOverflowed || addOverflowed ? nil : sum
        }
        return number
    }
}
