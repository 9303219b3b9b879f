import ArgumentParser
import SocketCore

struct ResolveByteOrderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "byteorder",
        abstract: "Print a number converted between host and network byte order (htons, htonl, ntohs, ntohl).",
        discussion: """
            Prints one `label: hex decimal` line each: the value, then htons and ntohs \
            (only when the value fits in 16 bits), then htonl and ntohl; and the host's \
            byte order on a `host-byte-order:` line. For 0x1234 on a little-endian host:

              value: 0x1234 4660
              host-byte-order: little-endian
              htons: 0x3412 13330
              ntohs: 0x3412 13330
              htonl: 0x34120000 873594880
              ntohl: 0x34120000 873594880
            """
    )

    @Argument(help: "A number from 0 to 0xffffffff, decimal or hexadecimal with 0x.")
    var value: String

    func validate() throws {
        guard Self.parse(value) != nil else {
            throw ValidationError(
                "the value must be a number from 0 to 0xffffffff (decimal, or hexadecimal with 0x), not \(String(reflecting: value))"
            )
        }
    }

    func run() {
        let value = Self.parse(value)!  // checked by validate()
        var lines = [
            "value: \(Self.format(value, digits: value <= 0xffff ? 4 : 8))",
            "host-byte-order: \(Resolver.hostByteOrder.rawValue)",
        ]
        if let short = UInt16(exactly: value) {
            lines.append("htons: \(Self.format(UInt32(Resolver.hostToNetwork(short)), digits: 4))")
            lines.append("ntohs: \(Self.format(UInt32(Resolver.networkToHost(short)), digits: 4))")
        }
        lines.append("htonl: \(Self.format(Resolver.hostToNetwork(value), digits: 8))")
        lines.append("ntohl: \(Self.format(Resolver.networkToHost(value), digits: 8))")
        print(lines.joined(separator: "\n"))
    }

    static func parse(_ text: String) -> UInt32? {
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            return UInt32(text.dropFirst(2), radix: 16)
        }
        return UInt32(text, radix: 10)
    }

    /// `0x` and zero-padded hex, a space, decimal: e.g. `0x3412 13330`.
    static func format(_ value: UInt32, digits: Int) -> String {
        let hex = String(value, radix: 16)
        return "0x\(String(repeating: "0", count: max(0, digits - hex.count)))\(hex) \(value)"
    }
}
