/// The names the metrics endpoint serves (docs/metrics.md lists them), by
/// Prometheus's conventions: counters end in `_total`, durations are in
/// seconds.
enum MetricNames {
    static let connectionsOpen = "sockworks_connections_open"
    static let connectionsAccepted = "sockworks_connections_accepted_total"
    static let requests = "sockworks_requests_total"
    static let requestDuration = "sockworks_request_duration_seconds"
    static let bytes = "sockworks_bytes_total"
    static let errors = "sockworks_errors_total"
    static let shed = "sockworks_shed_total"
}
