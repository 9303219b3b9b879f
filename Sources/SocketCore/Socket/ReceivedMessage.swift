import Glibc

/// One datagram received with recvmsg(2), and what the kernel said about it
/// in control messages (cmsg(3)).
///
/// It holds the sender and an extended error as the kernel wrote them and
/// decodes them when asked: a flood receives tens of thousands of
/// datagrams, and a message with an address in it (an IPv6 one is an
/// array) is a value to copy and release field by field each time, where
/// this one is plain bytes. A raw IPv4 socket's reader takes the sender
/// from the IP header and never asks.
public struct ReceivedMessage: Sendable {
    /// Bytes written into the caller's buffer.
    public var count: Int
    /// The datagram was longer than the buffer and was cut (`MSG_TRUNC`).
    public var isTruncated = false
    /// The kernel's receive time, `CLOCK_REALTIME` (`SCM_TIMESTAMPNS`, with
    /// `SocketOption.receiveTimestamps` on).
    public var kernelTimestamp: timespec?
    /// The IPv4 TTL (`IP_TTL`, with `receiveTimeToLive`) or IPv6 hop limit
    /// (`IPV6_HOPLIMIT`, with `receiveHopLimit`) the datagram arrived with.
    public var hopLimit: Int?
    /// Room for recvmsg to write the sender's address into.
    var senderAddress = SocketAddressStorage()
    var errorRecord: ExtendedError.Record?

    /// An empty message, for `Socket.receiveMessage(into:message:waiting:)`
    /// to fill.
    public init() { count = 0 }

    /// Who sent it; nil when the kernel named nobody.
    public var sender: SocketAddress? { senderAddress.address }

    /// From the error queue: what went wrong (`IP_RECVERR`/`IPV6_RECVERR`).
    public var extendedError: ExtendedError? { errorRecord.map(ExtendedError.init) }
}

/// `struct sock_extended_err` (linux/errqueue.h) and the offender address
/// that follows it: an ICMP error the kernel matched to a datagram this
/// socket sent, or a local error (ip(7) `IP_RECVERR`).
public struct ExtendedError: Sendable, Equatable {
    /// Where it came from. The corresponding C constants are `SO_EE_ORIGIN_*`.
    public enum Origin: Sendable, Equatable {
        case local, icmp, icmpv6, other(UInt8)
    }

    /// The errno the error stands for, e.g. `EHOSTUNREACH`.
    public var errorCode: UInt32
    public var origin: Origin
    /// The ICMP type and code of an ICMP origin.
    public var type: UInt8
    public var code: UInt8
    /// The MTU of "fragmentation needed" / "packet too big", the pointer of a
    /// parameter problem; 0 otherwise.
    public var info: UInt32
    /// Who sent the ICMP error (`SO_EE_OFFENDER`), when known.
    public var offender: SocketAddress?

    public init(
        errorCode: UInt32, origin: Origin, type: UInt8, code: UInt8, info: UInt32,
        offender: SocketAddress?
    ) {
        self.errorCode = errorCode
        self.origin = origin
        self.type = type
        self.code = code
        self.info = info
        self.offender = offender
    }

    /// The error as the kernel wrote it, kept in a received message
    /// (nothing to release) until someone asks for it.
    struct Record {
        let errorCode: UInt32
        let origin: UInt8
        let type: UInt8
        let code: UInt8
        let info: UInt32
        let offender: SocketAddressStorage

        /// Reads a `sock_extended_err` (16 bytes: errno u32, origin, type,
        /// code, pad, info u32, data u32) and the `sockaddr` after it. Nil
        /// when the bytes are too few.
        init?(_ bytes: UnsafeRawBufferPointer) {
            guard bytes.count >= 16 else { return nil }
            errorCode = bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self)
            origin = bytes[4]
            type = bytes[5]
            code = bytes[6]
            info = bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
            offender = SocketAddressStorage(copying: UnsafeRawBufferPointer(rebasing: bytes[16...]))
        }
    }

    init(_ record: Record) {
        errorCode = record.errorCode
        origin =
            switch record.origin {
            case 1: .local
            case 2: .icmp
            case 3: .icmpv6
            default: .other(record.origin)
            }
        type = record.type
        code = record.code
        info = record.info
        offender = record.offender.address
    }
}
