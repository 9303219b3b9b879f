import CPcap
import Glibc
import SocketCore
import Synchronization

/// A live capture of our echo requests and replies on one interface, with
/// libpcap (pcap(3PCAP)): opened before the first probe, read by a thread
/// of its own while the run goes on (a flood fills the kernel's ring
/// faster than a run that only reads it at the end could), and stopped
/// with `finish`, which hands over what was seen.
public final class WireCapture: Sendable {
    public let interface: String
    public let filter: String
    private let handle: PcapHandle
    private let sink: CaptureSink
    private let reader: PosixThread.Joinable
    private let finished = Mutex(false)

    private init(
        interface: String, filter: String, handle: PcapHandle, sink: CaptureSink,
        reader: PosixThread.Joinable
    ) {
        self.interface = interface
        self.filter = filter
        self.handle = handle
        self.sink = sink
        self.reader = reader
    }

    /// Opens `interface` with full snap length and immediate delivery,
    /// filters it with `filter` (see `EchoFilter`), keeps only the echoes
    /// one of `hosts` owns, writes them to `file` (pcap format, nanosecond
    /// time stamps where the system has them) when given, and starts
    /// reading. `bufferBytes`: the kernel's ring (see `bufferBytes(intervalMilliseconds:)`).
    public static func start(
        interface: String, filter: String, hosts: [CapturedHost],
        file: String?, bufferBytes: Int = 8 << 20
    ) throws(CaptureError) -> WireCapture {
        var errors = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let pcap = pcap_create(interface, &errors) else {
            throw CaptureError("capture on \(interface): \(text(errors))")
        }
        func failure(_ message: String) -> CaptureError {
            pcap_close(pcap)
            return CaptureError(message)
        }
        // MAXIMUM_SNAPLEN of libpcap: every byte of every packet.
        _ = pcap_set_snaplen(pcap, 262_144)
        // Each packet as it comes, not when a block of them is full: the
        // end of the run must find every packet already delivered.
        _ = pcap_set_immediate_mode(pcap, 1)
        _ = pcap_set_buffer_size(pcap, Int32(clamping: bufferBytes))
        // Where poll has a timeout, the reader wakes this often at most
        // to notice `pcap_breakloop`.
        _ = pcap_set_timeout(pcap, 100)
        _ = pcap_set_tstamp_precision(pcap, Int32(PCAP_TSTAMP_PRECISION_NANO))
        let status = pcap_activate(pcap)
        if status < 0 { throw failure(activationMessage(status, interface: interface, pcap)) }

        let linkType = pcap_datalink(pcap)
        guard let link = LinkLayer(dataLinkType: linkType) else {
            let name = pcap_datalink_val_to_name(linkType).map { String(cString: $0) } ?? "\(linkType)"
            throw failure("capture on \(interface): link type \(name) is not supported")
        }
        var program = bpf_program()
        // PCAP_NETMASK_UNKNOWN: the filter uses no broadcast test.
        guard pcap_compile(pcap, &program, filter, 1, UInt32.max) == 0 else {
            throw failure("capture filter \"\(filter)\" does not compile: \(String(cString: pcap_geterr(pcap)))")
        }
        defer { pcap_freecode(&program) }
        guard pcap_setfilter(pcap, &program) == 0 else {
            throw failure("capture filter on \(interface): \(String(cString: pcap_geterr(pcap)))")
        }
        var dumper: OpaquePointer?
        if let file {
            dumper = pcap_dump_open(pcap, file)
            // pcap's message names the file.
            guard dumper != nil else {
                throw failure("cannot write the capture: \(String(cString: pcap_geterr(pcap)))")
            }
        }

        let nanoseconds = pcap_get_tstamp_precision(pcap) == Int32(PCAP_TSTAMP_PRECISION_NANO)
        let handle = PcapHandle(pcap)
        let sink = CaptureSink(
            link: link, hosts: hosts, nanoseconds: nanoseconds,
            dumper: dumper, file: file)
        do {
            let reader = try PosixThread.start { [handle, sink] in handle.loop(into: sink) }
            return WireCapture(interface: interface, filter: filter, handle: handle, sink: sink, reader: reader)
        } catch {
            sink.closeFile()
            handle.close()
            throw CaptureError("capture on \(interface): \(error)")
        }
    }

    /// The ring a run at this pace needs. Immediate mode uses TPACKET_V2:
    /// one frame per packet, as large as the interface's MTU (64 KiB on
    /// loopback), so 8 MiB hold 128 packets, plenty at one probe per 10 ms
    /// or slower. A flood on loopback sends tens of thousands of packets a
    /// second, and on two busy cores the reader thread can be kept waiting
    /// for milliseconds: 128 MiB (2048 frames) lost none in repeated
    /// `-f -c 20000` runs where 16 MiB lost thousands.
    public static func bufferBytes(intervalMilliseconds: Int) -> Int {
        intervalMilliseconds < 10 ? 128 << 20 : 8 << 20
    }

    /// Stops the capture and returns what it saw. First waits, a bounded
    /// time, for the reader to have seen `requests` requests and `replies`
    /// replies (what the run reported sending and receiving): at most 2 s,
    /// and no more than 250 ms without a new packet. Then reads whatever
    /// the kernel still holds without waiting, and closes the file.
    public func finish(requests: Int, replies: Int) -> WireLog {
        guard
            finished.withLock({ done in
                defer { done = true }
                return !done
            })
        else { return sink.log(dropped: 0) }
        let start = Clocks.monotonic()
        var lastCount = -1
        var quietSince = start
        for _ in 0..<1000 {
            let (seenRequests, seenReplies, failed) = sink.counts
            if failed || (seenRequests >= requests && seenReplies >= replies) { break }
            let now = Clocks.monotonic()
            if seenRequests + seenReplies != lastCount {
                lastCount = seenRequests + seenReplies
                quietSince = now
            } else if now - quietSince >= 250_000_000 {
                break
            }
            if now - start >= 2_000_000_000 { break }
            Pause.sleep(for: .milliseconds(2))
        }
        handle.breakLoop()
        reader.join()
        handle.drain(into: sink)
        let dropped = handle.droppedPackets()
        sink.closeFile()
        handle.close()
        return sink.log(dropped: dropped)
    }

    deinit {
        // A run that ended by an error still stops its reader thread.
        _ = finish(requests: 0, replies: 0)
    }

    private static func activationMessage(_ status: Int32, interface: String, _ pcap: OpaquePointer) -> String {
        let detail = String(cString: pcap_geterr(pcap))
        switch status {
        case PCAP_ERROR_PERM_DENIED:
            return "capture on \(interface): permission denied: capturing needs root or CAP_NET_RAW"
                + (detail.isEmpty ? "" : " (\(detail))")
        case PCAP_ERROR_NO_SUCH_DEVICE:
            return "capture on \(interface): no such interface"
        case PCAP_ERROR_IFACE_NOT_UP:
            return "capture on \(interface): the interface is down"
        default:
            let words = detail.isEmpty ? String(cString: pcap_statustostr(status)) : detail
            return "capture on \(interface): \(words)"
        }
    }

    private static func text(_ buffer: [CChar]) -> String {
        String(nulTerminated: buffer)
    }
}

/// What a capture saw.
public struct WireLog: Sendable {
    /// Our echoes, in the order the capture delivered them.
    public var echoes: [WireEcho]
    /// Packets the kernel dropped before the capture read them (pcap_stats).
    public var dropped: Int
    /// Why the capture stopped before the end of the run, if it did.
    public var failure: String?

    public init(echoes: [WireEcho], dropped: Int = 0, failure: String? = nil) {
        self.echoes = echoes
        self.dropped = dropped
        self.failure = failure
    }
}

/// The `pcap_t`. Only one thread reads it at a time: the reader thread
/// until it is joined, then the caller of `finish`; `pcap_breakloop` is
/// the one call made from another thread, as pcap_breakloop(3PCAP) allows.
private final class PcapHandle: @unchecked Sendable {
    private let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    /// Delivers packets to `sink` until `breakLoop` or an error.
    func loop(into sink: CaptureSink) {
        let result = pcap_loop(pointer, -1, Self.handler, sink.userPointer)
        if result == PCAP_ERROR { sink.fail(String(cString: pcap_geterr(pointer))) }
    }

    func breakLoop() { pcap_breakloop(pointer) }

    /// Delivers what the kernel holds now, without waiting for more.
    func drain(into sink: CaptureSink) {
        var errors = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard pcap_setnonblock(pointer, 1, &errors) == 0 else { return }
        // Bounded: each round takes what is queued; a busy interface must
        // not keep the run from ending.
        for _ in 0..<1000 where pcap_dispatch(pointer, -1, Self.handler, sink.userPointer) > 0 {}
    }

    func droppedPackets() -> Int {
        var statistics = pcap_stat()
        guard pcap_stats(pointer, &statistics) == 0 else { return 0 }
        return Int(statistics.ps_drop)
    }

    func close() { pcap_close(pointer) }

    /// A C callback cannot capture: the sink comes through `user`.
    private static let handler: pcap_handler = { user, header, bytes in
        guard let user, let header, let bytes else { return }
        Unmanaged<CaptureSink>.fromOpaque(UnsafeRawPointer(user)).takeUnretainedValue().receive(header, bytes)
    }
}

/// Where captured packets go: parsed into `WireEcho`s, kept, and written
/// to the file. Called on one thread at a time (see `PcapHandle`); the
/// echoes are behind a lock because `finish` counts them meanwhile.
private final class CaptureSink: @unchecked Sendable {
    let link: LinkLayer
    let hosts: [CapturedHost]
    let nanoseconds: Bool
    private var dumper: OpaquePointer?
    private let file: String?
    private let state = Mutex(State())

    private struct State {
        var echoes: [WireEcho] = []
        var requests = 0
        var replies = 0
        var failure: String?
    }

    init(link: LinkLayer, hosts: [CapturedHost], nanoseconds: Bool, dumper: OpaquePointer?, file: String?) {
        self.link = link
        self.hosts = hosts
        self.nanoseconds = nanoseconds
        self.dumper = dumper
        self.file = file
    }

    /// For pcap's `user` argument; the capture keeps the sink alive.
    var userPointer: UnsafeMutablePointer<UInt8> {
        Unmanaged.passUnretained(self).toOpaque().assumingMemoryBound(to: UInt8.self)
    }

    func receive(_ header: UnsafePointer<pcap_pkthdr>, _ bytes: UnsafePointer<UInt8>) {
        let frame = UnsafeRawBufferPointer(start: bytes, count: Int(header.pointee.caplen))
        // With nanosecond precision pcap puts nanoseconds in tv_usec.
        let fraction = Int64(header.pointee.ts.tv_usec) * (nanoseconds ? 1 : 1000)
        let timestamp = Int64(header.pointee.ts.tv_sec) * 1_000_000_000 + fraction
        // The kernel filter passes only ours, but a packet can reach the
        // ring between activation and the filter's installation.
        guard let echo = WireEcho.parse(frame, link: link, timestamp: timestamp),
            hosts.contains(where: { $0.owns(echo) })
        else { return }
        if let dumper { pcap_dump(UnsafeMutablePointer<UInt8>(dumper), header, bytes) }
        state.withLock { state in
            state.echoes.append(echo)
            if echo.isReply { state.replies += 1 } else { state.requests += 1 }
        }
    }

    var counts: (requests: Int, replies: Int, failed: Bool) {
        state.withLock { ($0.requests, $0.replies, $0.failure != nil) }
    }

    func fail(_ message: String) {
        state.withLock { $0.failure = message }
    }

    /// Flushes and closes the file; a write error becomes the capture's failure.
    func closeFile() {
        guard let open = dumper else { return }
        dumper = nil
        if pcap_dump_flush(open) != 0 {
            fail("writing \(file ?? "the capture file") failed: \(errnoMessage(errno))")
        }
        pcap_dump_close(open)
    }

    func log(dropped: Int) -> WireLog {
        state.withLock { WireLog(echoes: $0.echoes, dropped: dropped, failure: $0.failure) }
    }
}
