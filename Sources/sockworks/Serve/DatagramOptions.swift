import ArgumentParser

/// How a datagram service receives: one datagram per call, or batches
/// (recvmmsg/sendmmsg), on one socket or several sharing the port.
struct DatagramOptions: ParsableArguments {
    @Flag(help: "Receive and reply in batches of up to 64 datagrams a call (recvmmsg/sendmmsg).")
    var batch = false

    @Option(help: "Sockets on the port (SO_REUSEPORT), a thread each.")
    var workers = 1

    func validate() throws {
        guard (1...256).contains(workers) else { throw ValidationError("--workers must be in 1...256") }
    }

    /// The start line's word for it.
    var description: String { batch ? "batched datagram" : "datagram" }
}
