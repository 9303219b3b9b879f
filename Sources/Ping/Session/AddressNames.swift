import SocketCore

/// Addresses as iputils `pr_addr` prints them: `127.0.0.1` with `-n` (or
/// for a target typed as an address), else `name (address)`, where an
/// address without a name shows itself twice, as getnameinfo(3) answers
/// with the number then. Look-ups are cached: one per address per run.
struct AddressNames {
    let numeric: Bool
    private var cache: [IPAddress: String] = [:]

    init(numeric: Bool) { self.numeric = numeric }

    mutating func text(_ address: IPAddress) -> String {
        guard !numeric else { return address.description }
        if let known = cache[address] { return known }
        let name = (try? Resolver.hostEntry(address: address).name) ?? address.description
        let text = "\(name) (\(address))"
        cache[address] = text
        return text
    }
}
