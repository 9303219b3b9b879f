import SocketCore

/// Addresses as iputils `pr_addr` prints them: `127.0.0.1` with `-n` (or
/// for a target typed as an address), else `name (address)`, where an
/// address without a name shows itself twice, as getnameinfo(3) answers
/// with the number then. Look-ups are cached: one per address per run.
struct AddressNames {
    let numeric: Bool
    private var cache: [IPAddress: String] = [:]

    /// The last answer: nearly every reply comes from the same address, and
    /// formatting it again costs more than the rest of a flood's reply.
    private var last: (address: IPAddress, text: String)?

    init(numeric: Bool) { self.numeric = numeric }

    mutating func text(_ address: IPAddress) -> String {
        if let last, last.address == address { return last.text }
        let text = numeric ? address.description : named(address)
        last = (address, text)
        return text
    }

    private mutating func named(_ address: IPAddress) -> String {
        if let known = cache[address] { return known }
        let name = (try? Resolver.hostEntry(address: address).name) ?? address.description
        let text = "\(name) (\(address))"
        cache[address] = text
        return text
    }
}
