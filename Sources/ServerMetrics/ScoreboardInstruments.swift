import CoreMetrics
import Prometheus
import Servers

/// A server's scoreboard as swift-metrics instruments in a Prometheus
/// registry: brought up to date from a snapshot at each scrape, then
/// written out in the text format.
///
/// The instruments are made through a factory over a registry of this
/// endpoint's own, not through the global `MetricsSystem`: its bootstrap
/// may run once per process and belongs to the program (a library that
/// took it would trap on a second endpoint, and deny the program a backend
/// of its choice), and an endpoint's own registry emits exactly the
/// server's metrics, nothing another library registered.
///
/// Used by the endpoint's one thread only.
final class ScoreboardInstruments {
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private var workers: [Int: WorkerInstruments] = [:]

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[MetricNames.requestDuration] = RequestDurations.bounds.map {
            Duration.nanoseconds(Int64(($0 * 1e9).rounded()))
        }
        self.factory = factory
    }

    /// Brings every worker's instruments up to `statistics`.
    func update(from statistics: ServerStatistics) {
        update(model: statistics.model, workers: statistics.workers)
    }

    /// Brings the instruments of each of `workers` up to its counts.
    func update(model: String, workers snapshot: [WorkerStatistics]) {
        for worker in snapshot {
            var instruments =
                workers[worker.worker] ?? WorkerInstruments(model: model, worker: worker.worker, factory: factory)
            instruments.catchUp(to: worker)
            workers[worker.worker] = instruments
        }
    }

    /// The registry in the Prometheus text format (version 0.0.4).
    func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
