import CSystemShims
import Glibc

/// Up to 64 datagrams received with one recvmmsg(2), and the replies to
/// them sent with one sendmmsg(2), each to its own recipient.
///
/// Every buffer, `iovec`, `mmsghdr` and address room is allocated once, when
/// the batch is made, and reused by every call: a server keeps one batch per
/// socket for its whole life. The batch belongs to one thread.
public final class DatagramBatch {
    /// Datagrams per call at most (the `UIO_MAXIOV` bound is 1024; 64 is
    /// where a larger batch stops saving calls for a server that answers
    /// each one).
    public static let maximumCount = 64

    /// Datagrams one call can receive or send.
    public let capacity: Int
    /// Bytes room for each datagram; a longer one is cut (`isTruncated`).
    public let datagramSize: Int

    private let received: Slots
    private let replies: Slots

    /// Datagrams the last `receive(on:)` brought.
    public private(set) var count = 0
    /// Replies queued for the next `send(on:)`.
    public private(set) var queuedCount = 0

    /// A batch of `capacity` datagrams of up to `datagramSize` bytes each
    /// (64 KiB holds the largest UDP datagram).
    public init(capacity: Int = DatagramBatch.maximumCount, datagramSize: Int = 65536) {
        precondition((1...Self.maximumCount).contains(capacity), "a batch holds 1...\(Self.maximumCount) datagrams")
        precondition(datagramSize > 0, "a batch needs room for the datagrams")
        self.capacity = capacity
        self.datagramSize = datagramSize
        received = Slots(capacity: capacity, datagramSize: datagramSize)
        replies = Slots(capacity: capacity, datagramSize: datagramSize)
    }

    deinit {
        received.deallocate()
        replies.deallocate()
    }

    /// Receives what is queued on `socket`, up to `capacity` datagrams, with
    /// one recvmmsg (`MSG_DONTWAIT`, so it never waits): returns how many
    /// came, 0 when none was queued. The datagrams of the previous call are
    /// gone.
    @discardableResult
    public func receive(on socket: Socket) throws(SocketError) -> Int {
        count = 0
        for index in 0..<capacity {
            received.headers[index].header.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
            received.headers[index].header.msg_controllen = 0
        }
        let headers = received.headers
        let capacity = UInt32(capacity)
        let result = try socket.withUnsafeFileDescriptor { descriptor throws(SocketError) in
            try syscall("recvmmsg") {
                fromNegativeErrno(shim_recvmmsg(descriptor, headers, capacity, Int32(MSG_DONTWAIT)))
            }
        }
        count = Int(result.value ?? 0)
        return count
    }

    /// The bytes of datagram `index` of the last receive; valid until the next.
    public func datagram(_ index: Int) -> UnsafeRawBufferPointer {
        precondition(index >= 0 && index < count, "no datagram \(index) in the batch")
        return UnsafeRawBufferPointer(
            start: received.bytes + index * datagramSize, count: Int(received.headers[index].length))
    }

    /// Who sent datagram `index`; nil when the kernel named nobody (an
    /// unnamed UNIX socket, or a socket shut down for reading).
    public func sender(_ index: Int) -> SocketAddress? {
        precondition(index >= 0 && index < count, "no datagram \(index) in the batch")
        return SocketAddressStorage(copying: received.name(index)).address
    }

    /// Datagram `index` was longer than `datagramSize` and was cut (`MSG_TRUNC`).
    public func isTruncated(_ index: Int) -> Bool {
        precondition(index >= 0 && index < count, "no datagram \(index) in the batch")
        return received.headers[index].header.msg_flags & Int32(MSG_TRUNC) != 0
    }

    /// Queues `bytes` for the sender of received datagram `index` (its
    /// address is copied as the kernel wrote it). False when the batch has
    /// `capacity` replies queued already or `bytes` exceeds `datagramSize`.
    public func queueReply(_ bytes: UnsafeRawBufferPointer, toSenderOf index: Int) -> Bool {
        precondition(index >= 0 && index < count, "no datagram \(index) in the batch")
        let name = received.name(index)
        return queue(bytes) { room in
            room.copyMemory(from: name)
            return name.count
        }
    }

    /// Queues `bytes` for `recipient`. False when the batch is full or
    /// `bytes` exceeds `datagramSize`; throws for a UNIX path that sun_path
    /// cannot hold.
    public func queue(_ bytes: UnsafeRawBufferPointer, to recipient: SocketAddress) throws(SocketError) -> Bool {
        let storage = try SocketAddressStorage(recipient, call: "sendmmsg")
        return queue(bytes) { room in
            storage.withSockAddr { address, length in
                room.copyMemory(from: UnsafeRawBufferPointer(start: address, count: Int(length)))
                return Int(length)
            }
        }
    }

    private func queue(_ bytes: UnsafeRawBufferPointer, name: (UnsafeMutableRawBufferPointer) -> Int) -> Bool {
        guard queuedCount < capacity, bytes.count <= datagramSize else { return false }
        let index = queuedCount
        let room = UnsafeMutableRawBufferPointer(
            start: replies.names + index, count: MemoryLayout<sockaddr_storage>.size)
        replies.headers[index].header.msg_namelen = socklen_t(name(room))
        if let base = bytes.baseAddress {
            (replies.bytes + index * datagramSize).copyMemory(from: base, byteCount: bytes.count)
        }
        replies.vectors[index].iov_len = bytes.count
        queuedCount += 1
        return true
    }

    /// Sends the queued replies with sendmmsg, each to its recipient, and
    /// empties the queue. sendmmsg stops at the first datagram the kernel
    /// refuses (reporting the ones before it as sent); that one is recorded
    /// in `failures` and the call is made again for the rest, so one
    /// refused recipient costs no one else's reply. On a non-blocking socket
    /// whose send buffer is full the rest are recorded as failures too.
    public func send(on socket: Socket) -> BatchSendResult {
        var outcome = BatchSendResult()
        var start = 0
        let headers = replies.headers
        let total = queuedCount
        defer { queuedCount = 0 }
        while start < total {
            do throws(SocketError) {
                let remaining = UInt32(total - start)
                let first = headers + start
                let result = try socket.withUnsafeFileDescriptor { descriptor throws(SocketError) in
                    try syscall("sendmmsg") { fromNegativeErrno(shim_sendmmsg(descriptor, first, remaining, 0)) }
                }
                guard let sent = result.value else {
                    for index in start..<total {
                        outcome.failures.append(
                            BatchSendResult.Failure(index: index, error: SocketError(code: EAGAIN, call: "sendmmsg")))
                    }
                    return outcome
                }
                outcome.sent += Int(sent)
                start += Int(sent)
            } catch {
                outcome.failures.append(BatchSendResult.Failure(index: start, error: error))
                start += 1
            }
        }
        return outcome
    }
}

/// What `DatagramBatch.send(on:)` did with the queued replies.
public struct BatchSendResult: Sendable {
    /// One reply the kernel refused: its place in the queue, and why.
    public struct Failure: Sendable {
        public let index: Int
        public let error: SocketError
    }

    /// Replies the kernel took.
    public var sent = 0
    /// Replies it refused, in queue order.
    public var failures: [Failure] = []
}

/// `struct mmsghdr` (a GNU extension of sys/socket.h, which Swift does not
/// import): a `msghdr`, then the byte count the call reports for it. The C
/// shim asserts the size (64) and the offset of `msg_len`.
struct MultipleMessageHeader {
    var header: msghdr
    var length: UInt32
}

/// The C arrays behind one direction of a batch: for each datagram a
/// `mmsghdr` pointing at its `iovec` and address room, and its bytes.
private struct Slots {
    let headers: UnsafeMutablePointer<MultipleMessageHeader>
    let vectors: UnsafeMutablePointer<iovec>
    let names: UnsafeMutablePointer<sockaddr_storage>
    let bytes: UnsafeMutableRawPointer

    init(capacity: Int, datagramSize: Int) {
        precondition(MemoryLayout<MultipleMessageHeader>.stride == 64, "struct mmsghdr is 64 bytes")
        headers = .allocate(capacity: capacity)
        vectors = .allocate(capacity: capacity)
        names = .allocate(capacity: capacity)
        bytes = .allocate(byteCount: capacity * datagramSize, alignment: 16)
        names.initialize(repeating: sockaddr_storage(), count: capacity)
        for index in 0..<capacity {
            (vectors + index).initialize(to: iovec(iov_base: bytes + index * datagramSize, iov_len: datagramSize))
            var header = msghdr()
            header.msg_name = UnsafeMutableRawPointer(names + index)
            header.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
            header.msg_iov = vectors + index
            header.msg_iovlen = 1
            (headers + index).initialize(to: MultipleMessageHeader(header: header, length: 0))
        }
    }

    /// The address the kernel wrote for datagram `index`.
    func name(_ index: Int) -> UnsafeRawBufferPointer {
        let length = min(Int(headers[index].header.msg_namelen), MemoryLayout<sockaddr_storage>.size)
        return UnsafeRawBufferPointer(start: names + index, count: length)
    }

    func deallocate() {
        headers.deallocate()
        vectors.deallocate()
        names.deallocate()
        bytes.deallocate()
    }
}
