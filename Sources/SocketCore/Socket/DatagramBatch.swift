import CSystemShims
import Glibc

/// Up to 64 datagrams received with one recvmmsg(2), and the replies to
/// them sent with one sendmmsg(2), each to its own recipient.
///
/// Over UDP, consecutive replies of one size to one recipient go as one
/// message with UDP generic segmentation (`UDP_SEGMENT`, udp(7)): the
/// kernel routes and hands the run down once and cuts it into datagrams
/// only where it is delivered. Where the kernel or the route refuses that,
/// the batch falls back to a message per reply for the rest of its life.
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
    private let runs: SegmentedRuns
    /// Whether runs of replies are still sent segmented.
    public private(set) var segments = true

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
        runs = SegmentedRuns(capacity: capacity)
    }

    deinit {
        received.deallocate()
        replies.deallocate()
        runs.deallocate()
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
        defer { queuedCount = 0 }
        let start = segments ? sendSegmented(on: socket, into: &outcome) : 0
        sendEach(from: start, on: socket, into: &outcome)
        return outcome
    }

    /// Sends replies `start...` a message each.
    private func sendEach(from first: Int, on socket: Socket, into outcome: inout BatchSendResult) {
        var start = first
        let headers = replies.headers
        let total = queuedCount
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
                    return
                }
                outcome.sent += Int(sent)
                start += Int(sent)
            } catch {
                outcome.failures.append(BatchSendResult.Failure(index: start, error: error))
                start += 1
            }
        }
    }

    /// Sends the queued replies as runs (`SegmentedRuns.plan`). Returns
    /// where a message per reply must take over: the end of the queue, or
    /// the first reply of a run the kernel would not segment.
    private func sendSegmented(on socket: Socket, into outcome: inout BatchSendResult) -> Int {
        let total = queuedCount
        let messages = runs.plan(replies, count: total)
        // Nothing to join: the plain path costs the same and says more.
        guard messages < total else { return 0 }
        var message = 0
        while message < messages {
            do throws(SocketError) {
                let first = runs.headers + message
                let remaining = UInt32(messages - message)
                let result = try socket.withUnsafeFileDescriptor { descriptor throws(SocketError) in
                    try syscall("sendmmsg", "UDP_SEGMENT") {
                        fromNegativeErrno(shim_sendmmsg(descriptor, first, remaining, 0))
                    }
                }
                guard let sent = result.value else {
                    for index in runs.first[message]..<total {
                        outcome.failures.append(
                            BatchSendResult.Failure(index: index, error: SocketError(code: EAGAIN, call: "sendmmsg")))
                    }
                    return total
                }
                for sentMessage in message..<(message + Int(sent)) { outcome.sent += runs.count[sentMessage] }
                message += Int(sent)
            } catch {
                let start = runs.first[message]
                if runs.count[message] > 1 && SegmentedRuns.meansNoSegmentation(error.code) {
                    segments = false
                    return start
                }
                for index in start..<(start + runs.count[message]) {
                    outcome.failures.append(BatchSendResult.Failure(index: index, error: error))
                }
                message += 1
            }
        }
        return total
    }
}

/// The messages a batch's replies go out as when segmenting: each run of
/// consecutive replies to the same IP recipient, of one size (the last may
/// be shorter), at most 64 and 65,000 bytes, is one `mmsghdr` whose iovecs
/// are the replies' own and whose control message says the size.
private struct SegmentedRuns {
    let headers: UnsafeMutablePointer<MultipleMessageHeader>
    /// For each message, its first reply and how many it carries.
    let first: UnsafeMutablePointer<Int>
    let count: UnsafeMutablePointer<Int>
    let controls: UnsafeMutableRawPointer
    let controlSize: Int

    /// udp(7): at most 64 segments (UDP_MAX_SEGMENTS); an IP datagram holds
    /// at most 65,535 bytes with its headers.
    static let maxSegments = 64
    static let maxRunBytes = 65_000

    init(capacity: Int) {
        headers = .allocate(capacity: capacity)
        first = .allocate(capacity: capacity)
        count = .allocate(capacity: capacity)
        controlSize = Int(shim_udp_segment_control_size())
        controls = .allocate(byteCount: capacity * controlSize, alignment: 8)
    }

    /// The errnos with which the kernel refuses a segmented message itself
    /// (no checksum offload on the route's device: EIO; a segment larger
    /// than the path allows: EINVAL; an old kernel: ENOPROTOOPT).
    static func meansNoSegmentation(_ code: Int32) -> Bool {
        code == EIO || code == EINVAL || code == ENOPROTOOPT || code == EOPNOTSUPP
    }

    /// Groups the `total` queued replies of `replies` into messages;
    /// returns how many.
    func plan(_ replies: Slots, count total: Int) -> Int {
        var messages = 0
        var start = 0
        while start < total {
            let size = replies.vectors[start].iov_len
            var end = start + 1
            var bytes = size
            if size > 0 && Self.isIP(replies, start) {
                while end < total && end - start < Self.maxSegments {
                    let next = replies.vectors[end].iov_len
                    guard next > 0, next <= size, bytes + next <= Self.maxRunBytes,
                        Self.sameRecipient(replies, start, end)
                    else { break }
                    bytes += next
                    end += 1
                    if next < size { break }  // only the last segment may be shorter
                }
            }
            var header = replies.headers[start].header
            header.msg_iovlen = end - start
            if end - start > 1 {
                let control = controls + messages * controlSize
                header.msg_control = control
                header.msg_controllen = Int(shim_udp_segment_control(control, UInt16(size)))
            } else {
                header.msg_control = nil
                header.msg_controllen = 0
            }
            headers[messages] = MultipleMessageHeader(header: header, length: 0)
            first[messages] = start
            count[messages] = end - start
            messages += 1
            start = end
        }
        return messages
    }

    private static func isIP(_ replies: Slots, _ index: Int) -> Bool {
        let family = Int32(replies.names[index].ss_family)
        return family == AF_INET || family == AF_INET6
    }

    private static func sameRecipient(_ replies: Slots, _ a: Int, _ b: Int) -> Bool {
        let length = replies.headers[a].header.msg_namelen
        guard replies.headers[b].header.msg_namelen == length else { return false }
        return memcmp(replies.names + a, replies.names + b, Int(length)) == 0
    }

    func deallocate() {
        headers.deallocate()
        first.deallocate()
        count.deallocate()
        controls.deallocate()
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
