import CEpollEcho
import SocketCore
import Synchronization

/// The `epoll-c` model: the echo server written in C on the core's loop
/// (CEpollEcho), one per worker thread and SO_REUSEPORT listener. It serves
/// the echo service only: it is the benchmark's reference for what the
/// Swift-over-C `epoll` model costs beyond plain C.
public struct EpollCServer: StreamServer {
    public let control: ServerControl
    public let workers: Int

    public init(control: ServerControl, workers: Int = 1) {
        self.control = control
        self.workers = workers
    }

    /// A C server, for the stop and abort hooks on other threads:
    /// ee_server_stop and ee_server_abort are thread-safe (an atomic flag
    /// and an eventfd write). Each is freed by its own worker after its run.
    private struct Handle: @unchecked Sendable, Equatable {
        let server: OpaquePointer
    }

    private final class Servers: Sendable {
        private let list = Mutex<[Handle]>([])
        func add(_ handle: Handle) { list.withLock { $0.append(handle) } }
        func remove(_ handle: Handle) { list.withLock { $0.removeAll { $0 == handle } } }
        /// Under the lock, so that a worker cannot free a server meanwhile.
        func each(_ body: (OpaquePointer) -> Void) { list.withLock { for handle in $0 { body(handle.server) } } }
    }

    public func run(listener: Socket) throws(ServerError) {
        control.serve(listener: listener)
        let listeners = try EpollWorkers.listeners(sharing: listener, workers: workers, model: "epoll-c")
        let servers = Servers()
        let control = control
        control.whenStopping { servers.each { ee_server_stop($0) } }
        control.whenAborting { servers.each { ee_server_abort($0) } }
        defer { for extra in listeners.dropFirst() { try? extra.close() } }
        try EpollWorkers.run(listeners.count) { index in
            listeners[index].withUnsafeFileDescriptor { descriptor -> ServerError? in
                var made: OpaquePointer?
                let created = ee_server_new(descriptor, &made)
                guard created == 0, let server = made else {
                    return ServerError("epoll-c: \(SocketError(code: -created, call: "ee_server_new"))")
                }
                if let counters = control.counters(ofWorker: index) {
                    var tally = counters.tally
                    ee_server_tally_into(server, &tally)
                }
                servers.add(Handle(server: server))
                if control.isStopping { ee_server_stop(server) }
                let result = ee_server_run(server)
                servers.remove(Handle(server: server))
                let counters = ee_server_counters(server)
                ee_server_free(server)
                if counters.shed > 0 {
                    ServerLog.warning(
                        "epoll-c worker \(index): closed \(counters.shed) connection(s) while out of descriptors")
                }
                if counters.accept_errors > 0 {
                    let last = SocketError(code: counters.last_accept_error, call: "accept4")
                    ServerLog.warning(
                        "epoll-c worker \(index): \(counters.accept_errors) failed accept(s), the last \(last)")
                }
                return result == 0 ? nil : ServerError("epoll-c: \(SocketError(code: -result, call: "sc_loop_run"))")
            }
        }
    }
}
