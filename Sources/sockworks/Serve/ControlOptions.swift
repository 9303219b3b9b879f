import ArgumentParser
import Servers

/// The control port of a `sockworks serve` command (see docs/control.md).
struct ControlOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Serve the control port on ADDRESS: a UNIX socket path (mode 0600) or 127.0.0.1:PORT / [::1]:PORT.",
            valueName: "address"))
    var control: String?

    @Flag(help: "Let the control port's TCP address be off loopback (needs --control-token-file).")
    var controlAllowRemote = false

    @Option(
        help: ArgumentHelp(
            "Require the token in FILE (not readable by others) as the first word of every control line.",
            valueName: "file"))
    var controlTokenFile: String?

    @Flag(help: "Refuse the control commands that change the server (drain, stop, log-level).")
    var controlReadOnly = false

    func validate() throws {
        guard let control else {
            if controlAllowRemote || controlTokenFile != nil || controlReadOnly {
                throw ValidationError(
                    "--control-allow-remote, --control-token-file and --control-read-only need --control")
            }
            return
        }
        guard let address = ControlAddress(control) else {
            throw ValidationError("--control \(control) is neither a socket path nor a numeric HOST:PORT")
        }
        if controlAllowRemote && controlTokenFile == nil {
            throw ValidationError("--control-allow-remote needs --control-token-file")
        }
        if !address.isLocal && !controlAllowRemote {
            throw ValidationError("--control \(control) is not loopback; add --control-allow-remote and a token file")
        }
        if let controlTokenFile {
            do {
                _ = try ControlToken.read(path: controlTokenFile)
            } catch {
                throw ValidationError("--control-token-file: \(error)")
            }
        }
    }

    /// Adds the control port to `configuration`; `drain` gets its grace
    /// period, so set that first.
    func apply(to configuration: inout ServiceConfiguration) throws(ServerError) {
        guard let control, let address = ControlAddress(control) else { return }
        // A daemon changes to /: a relative socket path must be made
        // absolute first, or the file could not be removed at exit.
        let resolved: ControlAddress =
            if case .unix(let path) = address, configuration.daemon { .unix(path: PidFile.absolute(path)) } else {
                address
            }
        var settings = ControlEndpoint.Settings(address: resolved, grace: configuration.grace)
        settings.allowRemote = controlAllowRemote
        settings.readOnly = controlReadOnly
        settings.token = try controlTokenFile.map { path throws(ServerError) in try ControlToken.read(path: path) }
        configuration.endpoints.append(ControlEndpoint(settings))
    }
}
