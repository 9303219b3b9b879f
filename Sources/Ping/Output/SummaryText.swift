/// The lines of a ping summary in iputils ping's words and layout
/// (`ping_common.c` `finish`), for every tool that prints one: icmpping
/// and udpping print their counts and round trips through these, so both
/// write the same figures the same way.
enum SummaryText {
    /// `\n--- HOST ping statistics ---\n`, the tool's name in place of `ping`.
    static func title(host: String, tool: String) -> String {
        "\n--- \(host) \(tool) statistics ---\n"
    }

    /// `10 packets transmitted, 9 received, +1 errors, 10% packet loss,
    /// time 9012ms`, without its newline. `additions` are iputils' `+N
    /// duplicates` and the like, in order; loss and time only once
    /// something was sent, as iputils prints them.
    static func counts(
        transmitted: Int, received: Int, additions: [(count: Int, name: String)], lossPercent: Double,
        elapsedMilliseconds: Int
    ) -> String {
        var text = "\(transmitted) packets transmitted, \(received) received"
        for addition in additions where addition.count > 0 { text += ", +\(addition.count) \(addition.name)" }
        if transmitted > 0 {
            text += ", \(NumberText.loss(lossPercent))% packet loss, time \(elapsedMilliseconds)ms"
        }
        return text
    }

    /// `rtt min/avg/max/mdev = 0.041/0.052/0.070/0.011 ms`, without its
    /// newline; nil without a round trip.
    static func minimumAverageMaximum(_ roundTrips: RoundTripStatistics) -> String? {
        guard let average = roundTrips.average, let deviation = roundTrips.meanDeviation else { return nil }
        return "rtt min/avg/max/mdev = \(NumberText.milliseconds(roundTrips.minimum))"
            + "/\(NumberText.milliseconds(average))/\(NumberText.milliseconds(roundTrips.maximum))"
            + "/\(NumberText.milliseconds(deviation)) ms"
    }

    /// `rtt p50/p90/p99 = 0.050/0.061/0.070 ms` (and `/jitter` when
    /// `withJitter`), with its newline; nil without a round trip.
    static func percentiles(_ roundTrips: RoundTripStatistics, withJitter: Bool) -> String? {
        guard let ranks = roundTrips.percentiles([50, 90, 99]) else { return nil }
        let names = withJitter ? "p50/p90/p99/jitter" : "p50/p90/p99"
        var values = ranks.map(NumberText.milliseconds)
        if withJitter { values.append(NumberText.milliseconds(roundTrips.jitter ?? 0)) }
        return "rtt \(names) = \(values.joined(separator: "/")) ms\n"
    }
}
