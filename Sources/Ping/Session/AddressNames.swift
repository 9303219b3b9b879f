import SocketCore

/// Addresses as iputils `pr_addr` prints them: `127.0.0.1` with `-n` (or
/// for a target typed as an address), else `name (address)`, where an
/// address without a name shows itself twice, as getnameinfo(3) answers
/// with the number then. Look-ups are cached: one per address per run.
struct AddressNames {
    let numeric: Bool
    private var cache: [ScopedAddress: String] = [:]

    /// The last answer: nearly every reply comes from the same address, and
    /// formatting it again costs more than the rest of a flood's reply.
    private var last: (address: ScopedAddress, text: String)?

    /// An address and the interface index of a link-local one (else 0).
    private struct ScopedAddress: Hashable {
        let address: IPAddress
        let scopeID: UInt32
    }

    init(numeric: Bool) { self.numeric = numeric }

    /// A link-local IPv6 address shows its interface: `fe80::1%eth0`.
    mutating func text(_ address: IPAddress, scopeID: UInt32 = 0) -> String {
        let key = ScopedAddress(address: address, scopeID: scopeID)
        if let last, last.address == key { return last.text }
        let number = ScopedText.text(address, scopeID: scopeID)
        let text = numeric ? number : named(key, number)
        last = (key, text)
        return text
    }

    private mutating func named(_ key: ScopedAddress, _ number: String) -> String {
        if let known = cache[key] { return known }
        let name = (try? Resolver.hostEntry(address: key.address).name) ?? number
        let text = "\(name) (\(number))"
        cache[key] = text
        return text
    }
}
