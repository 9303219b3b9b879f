import SocketCore
import Synchronization

/// The files a site has opened, by normalised request path, shared by every
/// thread of a server.
///
/// A cached file is served for `validity` without a look at the file
/// system, and then checked again (opened anew, and compared by device,
/// inode, size and modification time): a file that changed gets a new
/// entry, one that is gone is dropped. Without the window every request
/// would cost an open and an fstat; with it, a request for a cached file
/// makes no system call. The price is that a file replaced or removed is
/// served as it was for at most `validity` (nginx's `open_file_cache_valid`
/// makes the same trade, for the same reason).
///
/// At most `capacity` files are held open; when full, the file that
/// entered first leaves.
final class OpenFileCache: Sendable {
    private struct Entry {
        var file: CachedFile
        var checkedAt: MonotonicInstant
        /// When it entered: the order it leaves in.
        var serial: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Paths in the order they entered, with their entries' serials; a
        /// path whose entry has been replaced or dropped since is skipped.
        var arrivals: [(path: String, serial: UInt64)] = []
        var firstArrival = 0
        var nextSerial: UInt64 = 0
    }

    let validity: Duration
    let capacity: Int
    private let state = Mutex(State())

    init(validity: Duration, capacity: Int) {
        self.validity = validity
        self.capacity = max(capacity, 0)
    }

    /// The file cached for `path` if it is still in its validity window.
    func fresh(_ path: String, now: MonotonicInstant) -> CachedFile? {
        state.withLock { state in
            guard let entry = state.entries[path], now - entry.checkedAt < validity else { return nil }
            return entry.file
        }
    }

    /// The entry for `path` once its file has been opened again: the cached
    /// one, trusted anew, if `status` says the file is the same; else a new
    /// one, made by `make`, takes its place.
    func revalidated(
        _ path: String, status: FileStatus, now: MonotonicInstant, make: () -> CachedFile
    ) -> CachedFile {
        if let current = state.withLock({ state -> CachedFile? in
            guard var entry = state.entries[path], entry.file.isCurrent(status) else { return nil }
            entry.checkedAt = now
            state.entries[path] = entry
            return entry.file
        }) {
            return current
        }
        let made = make()
        guard capacity > 0 else { return made }
        state.withLock { state in
            let serial = state.nextSerial
            state.nextSerial += 1
            state.entries[path] = Entry(file: made, checkedAt: now, serial: serial)
            state.arrivals.append((path, serial))
            while state.entries.count > capacity { Self.dropFirstArrival(&state) }
            Self.compactArrivals(&state)
        }
        return made
    }

    /// The file cached for `path` however long ago it was checked: what a
    /// server out of descriptors serves rather than a `503`.
    func stale(_ path: String) -> CachedFile? {
        state.withLock { $0.entries[path]?.file }
    }

    /// Forgets `path` (its file is gone or is no longer a file).
    func remove(_ path: String) {
        _ = state.withLock { state in state.entries.removeValue(forKey: path) }
    }

    /// How many files are held (for tests).
    var count: Int { state.withLock { $0.entries.count } }

    private static func dropFirstArrival(_ state: inout State) {
        while state.firstArrival < state.arrivals.count {
            let arrival = state.arrivals[state.firstArrival]
            state.firstArrival += 1
            if state.entries[arrival.path]?.serial == arrival.serial {
                state.entries.removeValue(forKey: arrival.path)
                return
            }
        }
    }

    /// Drops the arrivals already gone through, and those of entries no
    /// longer held, once they outnumber the entries: the list stays bounded.
    private static func compactArrivals(_ state: inout State) {
        guard state.arrivals.count > 2 * max(state.entries.count, 16) else { return }
        state.arrivals = state.arrivals[state.firstArrival...].filter { state.entries[$0.path]?.serial == $0.serial }
        state.firstArrival = 0
    }
}
