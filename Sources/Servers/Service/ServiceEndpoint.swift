/// Something a service serves beside its own protocol: the control port,
/// the metrics endpoint. The bootstrap prepares it before detaching (so a
/// bad address fails on the terminal, before "listening on"), starts it once
/// the service runs, with the control that reads its counters and shuts it
/// down, and closes it when the model has returned.
public protocol ServiceEndpoint: Sendable {
    /// Binds the endpoint's socket; runs before any thread is started.
    func prepare() throws(ServerError)
    /// Starts serving (on threads of its own). A daemon calls this after
    /// detaching, in the process that serves.
    func start(control: ServerControl) throws(ServerError)
    /// Stops serving and closes everything the endpoint opened; when it
    /// returns, none of its threads touches the control again.
    func close()
}
