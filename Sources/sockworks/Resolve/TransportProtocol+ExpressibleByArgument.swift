import ArgumentParser
import SocketCore

/// `--proto tcp` and `--proto udp` of `resolve port` and `resolve service`.
extension TransportProtocol: ExpressibleByArgument {}
