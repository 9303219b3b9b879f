/// The CGI suite's goals: the `epoll` model against lighttpd with mod_cgi
/// in the same run, for the C script; the Python script's ratios are
/// reported beside them without a goal (its interpreter's start, the same
/// for every server, is most of each request).
public enum CGIGoals {
    /// Requests/s at least lighttpd's, and server CPU per request (the
    /// scripts' processes included) at most lighttpd's, for the C script at
    /// each number of connections measured.
    public static func evaluate(_ summaries: [HTTPSummary]) -> [HTTPGoal] {
        workloads(of: .c, in: summaries).flatMap { workload in
            [
                HTTPGoal(
                    text: "epoll / lighttpd server µs/request (scripts included), \(workload.name)",
                    measured: ratio(workload, \.measurement.serverMicrosPerRequest, summaries), target: 1.0,
                    atLeast: false),
                HTTPGoal(
                    text: "epoll / lighttpd requests/s, \(workload.name)",
                    measured: ratio(workload, \.measurement.requestsPerSecond, summaries), target: 1.0,
                    atLeast: true),
            ]
        }
    }

    /// The same ratios for the Python script, with no goal.
    public static func unscored(_ summaries: [HTTPSummary]) -> [(text: String, measured: Double)] {
        workloads(of: .python, in: summaries).flatMap { workload in
            [
                (
                    "epoll / lighttpd server µs/request (scripts included), \(workload.name)",
                    ratio(workload, \.measurement.serverMicrosPerRequest, summaries)
                ),
                (
                    "epoll / lighttpd requests/s, \(workload.name)",
                    ratio(workload, \.measurement.requestsPerSecond, summaries)
                ),
            ].compactMap { text, measured in measured.map { (text, $0) } }
        }
    }

    /// The workloads of `script` that were measured, in the suite's order.
    static func workloads(of script: CGIScript, in summaries: [HTTPSummary]) -> [HTTPWorkload] {
        var found: [HTTPWorkload] = []
        for summary in summaries where summary.workload.cgi == script && !found.contains(summary.workload) {
            found.append(summary.workload)
        }
        return found
    }

    /// `epoll`'s value over lighttpd's on `workload`; nil when either is
    /// missing or lighttpd's is zero.
    static func ratio(
        _ workload: HTTPWorkload, _ value: (HTTPSummary) -> Double, _ summaries: [HTTPSummary]
    ) -> Double? {
        let own = summaries.first { $0.server == "epoll" && $0.workload == workload }
        let peer = summaries.first { $0.server == HTTPPeer.lighttpd.rawValue && $0.workload == workload }
        guard let own, let peer, value(peer) > 0 else { return nil }
        return value(own) / value(peer)
    }
}
