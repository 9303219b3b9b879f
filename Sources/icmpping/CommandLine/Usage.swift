/// `icmpping --help`.
enum Usage {
    static func text<Arguments>(_ specs: [OptionSpec<Arguments>]) -> String {
        var text = """
            Usage: icmpping [options] HOST...

            Send ICMP echo requests to HOST (a name, or an IPv4 or IPv6 address) and report
            the replies, as iputils ping does: same options, same output line for line, with
            one more summary line (50th, 90th and 99th percentile round trips, and jitter:
            the mean difference between consecutive round trips). Several hosts are probed
            in turn, each every -i seconds; after their summaries, standard error gets one
            line per host as fping -c prints it. --json prints one JSON object per line.
            --capture and --verify capture our packets with libpcap on the interface the route
            to the host uses and check every request and counted reply on the wire:
            checksums, identifier, sequence and data, and the wire's round trips against ours.

            Options:

            """
        for spec in specs {
            var names = [spec.short.map { "-\($0)" }, spec.long.map { "--\($0)" }].compactMap { $0 }
                .joined(separator: ", ")
            if let value = spec.valueName { names += " \(value)" }
            let padding = String(repeating: " ", count: max(1, 22 - names.count))
            text += "  \(names)\(padding)\(spec.help)\n"
        }
        text += """

            Exit status: 0 when a reply arrived (with -w and -c, all of them) from every
            host, 1 when a host got none (or, with --verify, when the wire disagrees), 2 for a
            bad option, a host that does not resolve, or a socket or capture that cannot be
            opened.

            """
        return text
    }
}
