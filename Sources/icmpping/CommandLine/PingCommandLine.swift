import Glibc
import Ping
import SocketCore

/// What the command line asks for, in iputils ping's option names and
/// meanings (ping(8)), checked as iputils checks them.
struct PingCommandLine {
    var count: Int?
    var interval: Double?
    var timeout: Double?
    var deadline: Int?
    var size = 56
    var ttl: Int?
    var quiet = false
    var timestamps = false
    var numeric = false
    var interface: String?
    var pattern: [UInt8]?
    var flood = false
    var outstanding = false
    var ipv4 = false
    var ipv6 = false
    var forceRaw = false
    var forceDatagram = false
    var json = false
    /// `--capture FILE`: capture our packets into FILE and check them.
    var capture: String?
    /// `--verify`: check against a capture; exit 1 if the wire disagrees.
    var verify = false
    var showHelp = false
    var hosts: [String] = []

    /// Parses and checks `words` (the arguments after the program name).
    static func parse(_ words: [String]) throws(UsageError) -> PingCommandLine {
        var line = PingCommandLine()
        line.hosts = try OptionScanner.scan(words, specs, into: &line)
        if !line.showHelp { try line.validate() }
        return line
    }

    typealias Spec = OptionSpec<PingCommandLine>

    static let specs: [Spec] = [
        Spec(short: "c", long: nil, valueName: "COUNT", help: "Stop after COUNT replies.") {
            line, value throws(UsageError) in
            line.count = try integer(value, "-c", in: 1...Int.max, "must be at least 1")
        },
        Spec(
            short: "i", long: nil, valueName: "INTERVAL",
            help: "Seconds between probes (decimals allowed; below 0.002 needs root)."
        ) { line, value throws(UsageError) in
            line.interval = try seconds(value, "bad timing interval")
        },
        Spec(
            short: "W", long: nil, valueName: "TIMEOUT",
            help: "Seconds to wait for a reply after the last probe when none came."
        ) { line, value throws(UsageError) in
            line.timeout = try seconds(value, "bad linger time")
        },
        Spec(
            short: "w", long: nil, valueName: "DEADLINE",
            help: "Stop after DEADLINE seconds, whatever is in flight."
        ) { line, value throws(UsageError) in
            line.deadline = try integer(value, "-w", in: 0...Int(Int32.max), "must be in 0...\(Int32.max)")
        },
        Spec(short: "s", long: nil, valueName: "SIZE", help: "Payload bytes per probe (56).") {
            line, value throws(UsageError) in
            line.size = try integer(value, "-s", in: 0...65507, "must be in 0...65507")
        },
        Spec(short: "t", long: nil, valueName: "TTL", help: "IP time to live / IPv6 hop limit.") {
            line, value throws(UsageError) in
            line.ttl = try integer(value, "-t", in: 1...255, "must be in 1...255")
        },
        Spec(short: "q", long: nil, valueName: nil, help: "Print only the header and the summary.") { line, _ in
            line.quiet = true
        },
        Spec(short: "D", long: nil, valueName: nil, help: "Prefix lines with the wall-clock time.") { line, _ in
            line.timestamps = true
        },
        Spec(short: "n", long: nil, valueName: nil, help: "Show addresses without looking their names up.") { line, _ in
            line.numeric = true
        },
        Spec(
            short: "I", long: nil, valueName: "IFACE",
            help: "Send through this interface, or from this source address."
        ) { line, value in
            line.interface = value
        },
        Spec(
            short: "p", long: nil, valueName: "PATTERN",
            help: "Fill the payload with this pattern (up to 16 hex bytes)."
        ) { line, value throws(UsageError) in
            line.pattern = try patternBytes(value ?? "")
        },
        Spec(short: "f", long: nil, valueName: nil, help: "Flood: send as fast as replies come back (root).") {
            line, _ in
            line.flood = true
        },
        Spec(short: "O", long: nil, valueName: nil, help: "Report a probe still unanswered when the next goes out.") {
            line, _ in line.outstanding = true
        },
        Spec(short: "4", long: nil, valueName: nil, help: "Use IPv4.") { line, _ in line.ipv4 = true },
        Spec(short: "6", long: nil, valueName: nil, help: "Use IPv6.") { line, _ in line.ipv6 = true },
        Spec(short: nil, long: "raw", valueName: nil, help: "Use a raw ICMP socket only.") { line, _ in
            line.forceRaw = true
        },
        Spec(short: nil, long: "dgram", valueName: nil, help: "Use an ICMP datagram (ping) socket only.") { line, _ in
            line.forceDatagram = true
        },
        Spec(
            short: nil, long: "json", valueName: nil,
            help: "Print one JSON object per line per event instead of text."
        ) { line, _ in line.json = true },
        Spec(
            short: nil, long: "capture", valueName: "FILE",
            help: "Capture our packets on the wire into FILE (pcap) and check what is reported against them."
        ) {
            line, value throws(UsageError) in
            guard let value, !value.isEmpty else { throw UsageError("--capture needs a file name") }
            line.capture = value
        },
        Spec(
            short: nil, long: "verify", valueName: nil,
            help: "Check what is reported against a capture on the wire; exit 1 if they disagree."
        ) { line, _ in
            line.verify = true
        },
        Spec(short: "h", long: "help", valueName: nil, help: "Show this help.") { line, _ in line.showHelp = true },
    ]

    /// The checks iputils makes once every option is read.
    func validate() throws(UsageError) {
        if let interval, Int(interval * 1000) < 2, geteuid() != 0 {
            throw UsageError("cannot flood; minimal interval allowed for user is 2ms")
        }
        if flood, geteuid() != 0, interval == nil {
            throw UsageError("cannot flood; minimal interval allowed for user is 2ms")
        }
        if ipv4 && ipv6 { throw UsageError("only one -4 or -6 option may be specified") }
        if forceRaw && forceDatagram { throw UsageError("give --raw or --dgram, not both") }
        guard !hosts.isEmpty else { throw UsageError("usage error: Destination address required") }
        // A flood prints one mark per probe and per reply: with several
        // hosts they could not say which host they are about, and a host
        // answering slowly would hold back the others' floods.
        if flood && hosts.count > 1 { throw UsageError("-f pings one host only: \(hosts.count) were given") }
    }

    /// A capture checks the run (`--capture`, `--verify`).
    var capturing: Bool { capture != nil || verify }

    var options: PingOptions {
        var options = PingOptions()
        options.count = count
        if let interval {
            options.intervalMilliseconds = Int(interval * 1000)
            options.intervalIsExplicit = true
        }
        if let timeout { options.lingerMilliseconds = Int(timeout * 1000) }
        options.deadlineSeconds = deadline
        options.payloadSize = size
        options.hopLimit = ttl
        options.pattern = pattern
        options.quiet = quiet
        options.printTimestamps = timestamps
        options.numeric = numeric || flood
        options.flood = flood
        options.reportOutstanding = outstanding
        options.socketKind = forceRaw ? .raw : forceDatagram ? .datagram : .automatic
        if let interface {
            if let address = IPAddress(interface) { options.source = address } else { options.device = interface }
        }
        return options
    }

    /// The address family `-4` / `-6` asks for.
    var family: SocketFamily? { ipv4 ? .ipv4 : ipv6 ? .ipv6 : nil }

    static func integer(
        _ value: String?, _ option: String, in range: ClosedRange<Int>,
        _ rule: String
    ) throws(UsageError) -> Int {
        guard let value, let number = Int(value) else { throw UsageError("invalid argument: '\(value ?? "")'") }
        guard range.contains(number) else { throw UsageError("\(option) \(rule): \(number)") }
        return number
    }

    /// Seconds with decimals, at most what a millisecond `Int32` holds (iputils).
    static func seconds(_ value: String?, _ complaint: String) throws(UsageError) -> Double {
        guard let value, let seconds = Double(value), seconds.isFinite, seconds >= 0,
            seconds <= Double(Int32.max) / 1000
        else { throw UsageError("\(complaint): \(value ?? "")") }
        return seconds
    }

    /// `-p`: hex digits, two per byte, at most 16 bytes (iputils `fill`).
    static func patternBytes(_ text: String) throws(UsageError) -> [UInt8] {
        guard !text.isEmpty, text.allSatisfy(\.isHexDigit) else {
            throw UsageError("patterns must be specified as hex digits: \(text)")
        }
        let digits = Array(text.prefix(32))
        return stride(from: 0, to: digits.count, by: 2).map { start in
            UInt8(String(digits[start..<min(start + 2, digits.count)]), radix: 16)!
        }
    }
}
