import CSockCore

enum SockworksVersion {
    /// The C core's version, which the package shares.
    static var text: String { String(cString: sc_version_string()) }
}
