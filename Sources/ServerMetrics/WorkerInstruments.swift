import CoreMetrics
import Servers

/// One worker's instruments, labelled with the server's model and the
/// worker's index, and what they already hold: each scrape adds to the
/// counters what the worker counted since the last one (the scoreboard's
/// snapshots never go back), sets the gauge, and feeds the histogram.
struct WorkerInstruments {
    private let connectionsOpen: CoreMetrics.Gauge
    private let connectionsAccepted: CoreMetrics.Counter
    private let requests: CoreMetrics.Counter
    private let bytesIn: CoreMetrics.Counter
    private let bytesOut: CoreMetrics.Counter
    private let errors: CoreMetrics.Counter
    private let shed: CoreMetrics.Counter
    private let durations: CoreMetrics.Timer
    private var reported: WorkerStatistics
    private var durationFeed = DurationFeed()

    init(model: String, worker: Int, factory: any MetricsFactory) {
        let labels = [("model", model), ("worker", "\(worker)")]
        connectionsOpen = CoreMetrics.Gauge(label: MetricNames.connectionsOpen, dimensions: labels, factory: factory)
        connectionsAccepted = CoreMetrics.Counter(
            label: MetricNames.connectionsAccepted, dimensions: labels, factory: factory)
        requests = CoreMetrics.Counter(label: MetricNames.requests, dimensions: labels, factory: factory)
        bytesIn = CoreMetrics.Counter(
            label: MetricNames.bytes, dimensions: labels + [("direction", "in")], factory: factory)
        bytesOut = CoreMetrics.Counter(
            label: MetricNames.bytes, dimensions: labels + [("direction", "out")], factory: factory)
        errors = CoreMetrics.Counter(label: MetricNames.errors, dimensions: labels, factory: factory)
        shed = CoreMetrics.Counter(label: MetricNames.shed, dimensions: labels, factory: factory)
        durations = CoreMetrics.Timer(label: MetricNames.requestDuration, dimensions: labels, factory: factory)
        reported = WorkerStatistics(worker: worker)
        // Every series is there from the first scrape, at zero.
        connectionsOpen.record(0)
    }

    mutating func catchUp(to statistics: WorkerStatistics) {
        connectionsOpen.record(statistics.connectionsOpen)
        Self.add(statistics.connectionsAccepted, over: reported.connectionsAccepted, to: connectionsAccepted)
        Self.add(statistics.requests, over: reported.requests, to: requests)
        Self.add(statistics.bytesIn, over: reported.bytesIn, to: bytesIn)
        Self.add(statistics.bytesOut, over: reported.bytesOut, to: bytesOut)
        Self.add(statistics.errors, over: reported.errors, to: errors)
        Self.add(statistics.shed, over: reported.shed, to: shed)
        durationFeed.feed(statistics.durations, into: durations)
        reported = statistics
    }

    /// Adds to `counter` how far `value` has gone past `earlier`.
    private static func add(_ value: UInt64, over earlier: UInt64, to counter: CoreMetrics.Counter) {
        guard value > earlier else { return }
        var delta = value - earlier
        while delta > 0 {
            let step = min(delta, UInt64(Int64.max))
            counter.increment(by: Int64(step))
            delta -= step
        }
    }
}
