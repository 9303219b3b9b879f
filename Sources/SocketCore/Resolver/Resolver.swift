import Glibc

/// The look-ups of the classic socket module (Python's `socket.gethostname`,
/// `getfqdn`, `gethostbyname`, `gethostbyname_ex`, `gethostbyaddr`,
/// `getservbyname`, `getservbyport`, `getprotobyname`, `htons` ...), typed.
///
/// Every call is thread-safe: names go through `getaddrinfo` and the re-entrant
/// `_r` functions, each with a buffer of its own that grows on `ERANGE`, never
/// through the static-buffer `gethostbyname` family. No look-up touches the
/// network beyond what the system resolver (nsswitch.conf) does for the name given.
public enum Resolver {
    /// The first buffer for the `_r` calls; doubled on `ERANGE` up to `maximumBufferSize`.
    static let initialBufferSize = 1024
    /// A host with more aliases and addresses than this is treated as an error.
    static let maximumBufferSize = 1 << 20

    /// This machine's host name (`gethostname(2)`), e.g. `vm`.
    public static func hostName() throws(ResolverError) -> String {
        // HOST_NAME_MAX is 64 on Linux; the extra room keeps the result
        // NUL-terminated even if that ever grows.
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else {
            throw ResolverError(.hostName, "gethostname", "", .system(errno))
        }
        return String(nulTerminated: buffer)
    }

    /// The fully-qualified domain name of `name`, or of this machine when
    /// `name` is empty, `0.0.0.0` or `::`, with Python's `getfqdn` rules: the
    /// host is looked up by address (a name is resolved first), and the answer
    /// is the first of its canonical name and aliases that contains a dot, else
    /// the canonical name. When the look-up fails the answer is `name` itself.
    ///
    /// Throws only when this machine's host name cannot be read.
    public static func fullyQualifiedDomainName(_ name: String = "") throws(ResolverError) -> String {
        var name = trimmingWhitespace(name)
        if name.isEmpty || name == "0.0.0.0" || name == "::" {
            name = try hostName()
        }
        guard let entry = try? hostEntry(nameOrAddress: name, lookup: .fullyQualifiedDomainName) else {
            return name
        }
        return ([entry.name] + entry.aliases).first { $0.contains(".") } ?? entry.name
    }

    /// The first IPv4 address of `name` (`gethostbyname`), through
    /// `getaddrinfo` with `AF_INET`. An address literal is returned as is.
    public static func address(ofHost name: String) throws(ResolverError) -> IPv4Address {
        let addresses = try addressInfo(name, family: AF_INET, lookup: .host)
        guard case .v4(let first)? = addresses.first else {
            // getaddrinfo succeeded without an IPv4 answer: not expected with
            // AF_INET, but say so rather than trap.
            throw ResolverError(.host, "getaddrinfo", name, .addressInfo(EAI_NONAME))
        }
        return first
    }

    /// The canonical name, aliases and every IPv4 address of `name`
    /// (`gethostbyname_ex`), through `gethostbyname2_r` with `AF_INET`.
    public static func hostEntry(named name: String) throws(ResolverError) -> HostEntry {
        try hostEntry(named: name, bufferSize: initialBufferSize)
    }

    /// The name, aliases and addresses of the host at `address`
    /// (`gethostbyaddr`), through `gethostbyaddr_r`; IPv4 or IPv6.
    public static func hostEntry(address: IPAddress) throws(ResolverError) -> HostEntry {
        try hostEntry(address: address, lookup: .address, bufferSize: initialBufferSize)
    }

    /// The services database entry for `name` (`getservbyname_r`), for
    /// `transport` or, when it is nil, for the first protocol listed.
    public static func service(named name: String, transport: TransportProtocol? = nil)
        throws(ResolverError) -> ServiceEntry
    {
        try service(named: name, transport: transport, bufferSize: initialBufferSize)
    }

    /// The services database entry for `port` (`getservbyport_r`), for
    /// `transport` or, when it is nil, for the first protocol listed.
    public static func service(port: UInt16, transport: TransportProtocol? = nil)
        throws(ResolverError) -> ServiceEntry
    {
        try service(port: port, transport: transport, bufferSize: initialBufferSize)
    }

    /// The protocols database entry for `name` (`getprotobyname_r`), e.g. 6 for `tcp`.
    public static func protocolEntry(named name: String) throws(ResolverError) -> ProtocolEntry {
        try protocolEntry(named: name, bufferSize: initialBufferSize)
    }
}

// MARK: - The look-ups, with the buffer size open to tests

extension Resolver {
    static func hostEntry(named name: String, bufferSize: Int) throws(ResolverError) -> HostEntry {
        let lookup = ResolverError.Lookup.hostExtended
        let function = "gethostbyname2_r"
        try checkName(name, lookup, function)
        return try withGrowingBuffer(bufferSize, lookup, function, name) { buffer, size in
            var host = hostent()
            var found: UnsafeMutablePointer<hostent>?
            var hostError: Int32 = 0
            let status = gethostbyname2_r(name, AF_INET, &host, buffer, size, &found, &hostError)
            return hostOutcome(status, found, hostError)
        }
    }

    static func hostEntry(address: IPAddress, lookup: ResolverError.Lookup, bufferSize: Int)
        throws(ResolverError) -> HostEntry
    {
        let family =
            switch address {
            case .v4: AF_INET
            case .v6: AF_INET6
            }
        let bytes = address.bytes  // network order: what struct in_addr / in6_addr hold
        return try withGrowingBuffer(bufferSize, lookup, "gethostbyaddr_r", address.description) { buffer, size in
            var host = hostent()
            var found: UnsafeMutablePointer<hostent>?
            var hostError: Int32 = 0
            let status = bytes.withUnsafeBytes { raw in
                gethostbyaddr_r(
                    raw.baseAddress, socklen_t(raw.count), family,
                    &host, buffer, size, &found, &hostError)
            }
            return hostOutcome(status, found, hostError)
        }
    }

    static func service(named name: String, transport: TransportProtocol?, bufferSize: Int)
        throws(ResolverError) -> ServiceEntry
    {
        let function = "getservbyname_r"
        let subject = transport.map { "\(name)/\($0.rawValue)" } ?? name
        try checkName(name, .service, function, subject: subject)
        return try withGrowingBuffer(bufferSize, .service, function, subject) { buffer, size in
            var entry = servent()
            var found: UnsafeMutablePointer<servent>?
            let status = getservbyname_r(name, transport?.rawValue, &entry, buffer, size, &found)
            return databaseOutcome(status, found.map { ServiceEntry($0.pointee) })
        }
    }

    static func service(port: UInt16, transport: TransportProtocol?, bufferSize: Int)
        throws(ResolverError) -> ServiceEntry
    {
        let subject = transport.map { "\(port)/\($0.rawValue)" } ?? "\(port)"
        return try withGrowingBuffer(bufferSize, .port, "getservbyport_r", subject) { buffer, size in
            var entry = servent()
            var found: UnsafeMutablePointer<servent>?
            // The port goes in as htons(port) widened to int, as C passes it.
            let status = getservbyport_r(
                Int32(port.bigEndian), transport?.rawValue,
                &entry, buffer, size, &found)
            return databaseOutcome(status, found.map { ServiceEntry($0.pointee) })
        }
    }

    static func protocolEntry(named name: String, bufferSize: Int) throws(ResolverError) -> ProtocolEntry {
        let function = "getprotobyname_r"
        try checkName(name, .protocol, function)
        return try withGrowingBuffer(bufferSize, .protocol, function, name) { buffer, size in
            var entry = protoent()
            var found: UnsafeMutablePointer<protoent>?
            let status = getprotobyname_r(name, &entry, buffer, size, &found)
            return databaseOutcome(status, found.map { ProtocolEntry($0.pointee) })
        }
    }

    /// Python's `gethostbyaddr` takes a name too: an address literal is used as
    /// is, a name is resolved first (`getaddrinfo`, any family, first answer).
    static func hostEntry(nameOrAddress name: String, lookup: ResolverError.Lookup)
        throws(ResolverError) -> HostEntry
    {
        let address: IPAddress
        if let literal = IPAddress(name) {
            address = literal
        } else {
            guard let first = try addressInfo(name, family: AF_UNSPEC, lookup: lookup).first else {
                throw ResolverError(lookup, "getaddrinfo", name, .addressInfo(EAI_NONAME))
            }
            address = first
        }
        return try hostEntry(address: address, lookup: lookup, bufferSize: initialBufferSize)
    }

    /// The addresses `getaddrinfo` gives for `name` in `family`, in its order,
    /// one per address (the hints ask for stream sockets only, so each address
    /// comes once rather than once per socket type).
    static func addressInfo(_ name: String, family: Int32, lookup: ResolverError.Lookup)
        throws(ResolverError) -> [IPAddress]
    {
        try checkName(name, lookup, "getaddrinfo")
        var hints = addrinfo()
        hints.ai_family = family
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(name, nil, &hints, &list)
        guard status == 0 else {
            // EAI_SYSTEM means "see errno"; read it before anything else can change it.
            let code: ResolverError.Code = status == EAI_SYSTEM ? .system(errno) : .addressInfo(status)
            throw ResolverError(lookup, "getaddrinfo", name, code)
        }
        defer { freeaddrinfo(list) }
        return distinctAddresses(list)
    }
}

// MARK: - Plumbing

/// What one call of an `_r` function came to.
enum NetDBOutcome<Value> {
    case found(Value)
    case failed(ResolverError.Code)
    /// `ERANGE`: call again with a bigger buffer.
    case bufferTooSmall
}

extension Resolver {
    /// Calls `attempt` with a scratch buffer for the `_r` function's strings,
    /// doubling it on `ERANGE` up to `maximumBufferSize`. `attempt` must copy
    /// what it needs out of the buffer before it returns.
    static func withGrowingBuffer<Value>(
        _ initialSize: Int, _ lookup: ResolverError.Lookup, _ function: String, _ subject: String,
        _ attempt: (UnsafeMutablePointer<CChar>, Int) -> NetDBOutcome<Value>
    ) throws(ResolverError) -> Value {
        var size = max(initialSize, 1)
        while true {
            var buffer = [CChar](repeating: 0, count: size)
            let outcome = buffer.withUnsafeMutableBufferPointer { attempt($0.baseAddress!, $0.count) }
            switch outcome {
            case .found(let value):
                return value
            case .failed(let code):
                throw ResolverError(lookup, function, subject, code)
            case .bufferTooSmall:
                guard size < maximumBufferSize else {
                    throw ResolverError(lookup, function, subject, .system(ERANGE))
                }
                size *= 2
            }
        }
    }

    /// Reads the result of `gethostbyname2_r`/`gethostbyaddr_r`: they return
    /// an errno value (`ERANGE` for a small buffer) and report a missing host
    /// through `h_errno`; `NETDB_INTERNAL` means "see the returned errno".
    static func hostOutcome(_ status: Int32, _ found: UnsafeMutablePointer<hostent>?, _ hostError: Int32)
        -> NetDBOutcome<HostEntry>
    {
        if status == ERANGE { return .bufferTooSmall }
        if let found { return .found(HostEntry(found.pointee)) }
        if hostError == NETDB_INTERNAL { return .failed(.system(status != 0 ? status : errno)) }
        // No result and no h_errno: report the errno if there is one, else "not found".
        if hostError == 0 { return .failed(status != 0 ? .system(status) : .hostDatabase(HOST_NOT_FOUND)) }
        return .failed(.hostDatabase(hostError))
    }

    /// Reads the result of `getservby*_r`/`getprotobyname_r`: an errno value,
    /// and a null result when the database has no such entry.
    static func databaseOutcome<Value>(_ status: Int32, _ found: Value?) -> NetDBOutcome<Value> {
        if status == ERANGE { return .bufferTooSmall }
        if let found { return .found(found) }
        return .failed(status == 0 || status == ENOENT ? .notFound : .system(status))
    }

    /// Swift would cut a name at an embedded NUL on its way to C and look up
    /// a different name; refuse it instead, as Python does.
    static func checkName(
        _ name: String, _ lookup: ResolverError.Lookup, _ function: String,
        subject: String? = nil
    ) throws(ResolverError) {
        if name.utf8.contains(0) {
            throw ResolverError(lookup, function, subject ?? name, .system(EINVAL))
        }
    }

    /// The IP addresses of a getaddrinfo(3) list, each once, in list order.
    static func distinctAddresses(_ list: UnsafeMutablePointer<addrinfo>?) -> [IPAddress] {
        var addresses: [IPAddress] = []
        var next = list
        while let info = next {
            if let address = ipAddress(info.pointee.ai_addr), !addresses.contains(address) {
                addresses.append(address)
            }
            next = info.pointee.ai_next
        }
        return addresses
    }

    static func ipAddress(_ address: UnsafeMutablePointer<sockaddr>?) -> IPAddress? {
        guard let address else { return nil }
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            let ipv4 = UnsafeRawPointer(address).loadUnaligned(as: sockaddr_in.self)
            return .v4(IPv4Address(rawValue: UInt32(bigEndian: ipv4.sin_addr.s_addr)))
        case AF_INET6:
            var ipv6 = UnsafeRawPointer(address).loadUnaligned(as: sockaddr_in6.self)
            return .v6(withUnsafeBytes(of: &ipv6.sin6_addr) { IPv6Address(bytes: $0) })
        default:
            return nil
        }
    }

    static func trimmingWhitespace(_ text: String) -> String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let start = text.firstIndex(where: { !isSpace($0) }),
            let end = text.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(text[start...end])
    }
}

// MARK: - C entries to Swift values

/// The strings of a NULL-terminated `char **` list, such as `h_aliases`.
private func strings(_ list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> [String] {
    guard var next = list else { return [] }
    var result: [String] = []
    while let string = next.pointee {
        result.append(String(cString: string))
        next += 1
    }
    return result
}

extension HostEntry {
    init(_ host: hostent) {
        var addresses: [IPAddress] = []
        if var next = host.h_addr_list {
            let length = Int(host.h_length)
            while let raw = next.pointee {
                let bytes = UnsafeRawBufferPointer(start: raw, count: length)
                switch (host.h_addrtype, length) {
                case (AF_INET, 4): addresses.append(.v4(IPv4Address(bytes: bytes)))
                case (AF_INET6, 16): addresses.append(.v6(IPv6Address(bytes: bytes)))
                default: break  // no other family is asked for
                }
                next += 1
            }
        }
        self.init(
            name: String(cString: host.h_name), aliases: strings(host.h_aliases),
            addresses: addresses)
    }
}

extension ServiceEntry {
    init(_ entry: servent) {
        // s_port holds the port in network order in the low 16 bits of an int.
        self.init(
            name: String(cString: entry.s_name), aliases: strings(entry.s_aliases),
            port: UInt16(bigEndian: UInt16(truncatingIfNeeded: entry.s_port)),
            protocolName: String(cString: entry.s_proto))
    }
}

extension ProtocolEntry {
    init(_ entry: protoent) {
        self.init(
            name: String(cString: entry.p_name), aliases: strings(entry.p_aliases),
            number: entry.p_proto)
    }
}
