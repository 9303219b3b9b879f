import SocketCore

/// select(2) as a readiness backend: two descriptor sets rebuilt by the
/// kernel call from the wanted ones, and a scan of every number below the
/// highest watched: the O(highest descriptor) cost per call that made
/// poll and epoll.
struct SelectBackend: ReadinessBackend {
    static let name = "select"
    private var reading = DescriptorSet()
    private var writing = DescriptorSet()
    /// Watched descriptors, so the scan after select can skip the rest
    /// cheaply and the highest is known.
    private var watched: [Bool] = []
    private var highest: Int32 = -1
    private let report = LoopReport()

    mutating func watch(_ descriptor: Int32, for interest: Interest) -> Bool {
        guard DescriptorSet.fits(descriptor) else { return false }
        if Int(descriptor) >= watched.count {
            watched.append(contentsOf: repeatElement(false, count: Int(descriptor) + 1 - watched.count))
        }
        watched[Int(descriptor)] = true
        highest = max(highest, descriptor)
        change(descriptor, to: interest)
        return true
    }

    mutating func change(_ descriptor: Int32, to interest: Interest) {
        switch interest {
        case .write:
            reading.remove(descriptor)
            writing.insert(descriptor)
        case .read:
            writing.remove(descriptor)
            reading.insert(descriptor)
        case .idle, .close:
            reading.remove(descriptor)
            writing.remove(descriptor)
        }
    }

    mutating func unwatch(_ descriptor: Int32) {
        guard Int(descriptor) < watched.count, watched[Int(descriptor)] else { return }
        watched[Int(descriptor)] = false
        reading.remove(descriptor)
        writing.remove(descriptor)
        while highest >= 0 && !watched[Int(highest)] { highest -= 1 }
    }

    mutating func wait(until deadline: MonotonicInstant?) throws(SocketError) -> UnsafeBufferPointer<ReadyDescriptor> {
        var readable = reading
        var writable = writing
        let timeout = deadline.map { max(.zero, MonotonicInstant.now.duration(to: $0)) }
        _ = try select(reading: &readable, writing: &writable, limit: highest + 1, timeout: timeout)
        report.clear(reserving: Int(highest) + 1)
        var descriptor: Int32 = 0
        while descriptor <= highest {
            if watched[Int(descriptor)] {
                let canRead = readable.contains(descriptor)
                let canWrite = writable.contains(descriptor)
                if canRead || canWrite {
                    report.append(ReadyDescriptor(descriptor: descriptor, readable: canRead, writable: canWrite))
                }
            }
            descriptor += 1
        }
        return report.ready
    }
}
