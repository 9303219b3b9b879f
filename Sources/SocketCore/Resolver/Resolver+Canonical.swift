import Glibc

/// What `Resolver.hostAddresses` found for a name.
public struct HostAddresses: Sendable, Equatable {
    /// The canonical name (`AI_CANONNAME`); nil when the resolver gave none.
    public let canonicalName: String?
    /// Every address, in the resolver's order of preference.
    public let addresses: [IPAddress]
}

extension Resolver {
    /// The addresses of `name` (a host name or an address literal) in
    /// `family`, nil for either, in `getaddrinfo` order, with the canonical
    /// name as ping(8) prints it. Throws `ResolverError` with lookup `.host`.
    public static func hostAddresses(_ name: String, family: SocketFamily? = nil)
        throws(ResolverError) -> HostAddresses
    {
        try checkName(name, .host, "getaddrinfo")
        var hints = addrinfo()
        hints.ai_family = family?.rawValue ?? AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        hints.ai_flags = AI_CANONNAME
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(name, nil, &hints, &list)
        guard status == 0 else {
            let code: ResolverError.Code = status == EAI_SYSTEM ? .system(errno) : .addressInfo(status)
            throw ResolverError(.host, "getaddrinfo", name, code)
        }
        defer { freeaddrinfo(list) }
        let canonical = list?.pointee.ai_canonname.map { String(cString: $0) }
        let addresses = distinctAddresses(list)
        guard !addresses.isEmpty else { throw ResolverError(.host, "getaddrinfo", name, .addressInfo(EAI_NONAME)) }
        return HostAddresses(canonicalName: canonical, addresses: addresses)
    }
}
