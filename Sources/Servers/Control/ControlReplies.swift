/// The control port's replies, one JSON object each (see docs/control.md):
/// `{"ok":true,...}` or `{"ok":false,"error":"..."}`.
enum ControlReplies {
    static func refusal(_ message: String) -> String {
        var reply = JSONText()
        reply.add("ok", false)
        reply.add("error", message)
        return reply.object
    }

    static func stats(_ statistics: ServerStatistics) -> String {
        var reply = JSONText()
        reply.add("ok", true)
        reply.add("service", statistics.service)
        reply.add("model", statistics.model)
        reply.add("workers", statistics.workers.count)
        reply.add("uptime_seconds", milliseconds: milliseconds(statistics.uptime))
        reply.add("started_at_unix_ms", Int64((statistics.startedAt * 1000).rounded()))
        addCounts(statistics.total, to: &reply)
        reply.add(
            "per_worker",
            statistics.workers.map { worker in
                var object = JSONText()
                object.add("worker", worker.worker)
                object.add("pid", worker.pid)
                addCounts(worker, to: &object)
                return object
            })
        return reply.object
    }

    static func connections(_ open: [ConnectionSummary]) -> String {
        var reply = JSONText()
        reply.add("ok", true)
        reply.add("count", open.count)
        reply.add(
            "connections",
            open.map { connection in
                var object = JSONText()
                object.add("worker", connection.worker)
                object.add("pid", connection.pid)
                object.add("peer", connection.peer)
                object.add("age_seconds", milliseconds: milliseconds(connection.age))
                object.add("bytes_in", connection.bytesIn)
                object.add("bytes_out", connection.bytesOut)
                object.add("requests", connection.requests)
                object.add("state", connection.activity.name)
                return object
            })
        return reply.object
    }

    static func logLevel(_ level: ServerLogLevel) -> String {
        var reply = JSONText()
        reply.add("ok", true)
        reply.add("log_level", level.name)
        return reply.object
    }

    static func shuttingDown(_ action: String, grace: Duration) -> String {
        var reply = JSONText()
        reply.add("ok", true)
        reply.add(action, true)
        reply.add("grace_seconds", milliseconds: milliseconds(grace))
        return reply.object
    }

    static func help() -> String {
        var reply = JSONText()
        reply.add("ok", true)
        reply.add(
            "commands",
            ControlCommand.summaries.map { entry in
                var object = JSONText()
                object.add("command", entry.form)
                object.add("summary", entry.summary)
                return object
            })
        return reply.object
    }

    private static func addCounts(_ counts: WorkerStatistics, to object: inout JSONText) {
        object.add("connections_open", counts.connectionsOpen)
        object.add("connections_accepted", counts.connectionsAccepted)
        object.add("requests", counts.requests)
        object.add("bytes_in", counts.bytesIn)
        object.add("bytes_out", counts.bytesOut)
        object.add("errors", counts.errors)
        object.add("shed", counts.shed)
        object.add("request_seconds_total", milliseconds: Int64((counts.durations.totalSeconds * 1000).rounded()))
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
