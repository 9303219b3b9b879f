import Glibc

/// Lifts the soft descriptor limit to the hard one: a thousand connections
/// need more than the common default of 1024, in this process and in the
/// servers and load generator it starts (they inherit it).
func raiseDescriptorLimit() {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
    limit.rlim_cur = limit.rlim_max
    _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}
