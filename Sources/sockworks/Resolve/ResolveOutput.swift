import ArgumentParser
import SocketCore

/// What the `resolve` subcommands share: the host entry format, and how a
/// failed look-up is reported.
enum ResolveOutput {
    static let hostEntryFormat = """
        Prints three labelled lines; a list is separated by single spaces and may be \
        empty:

          name: localhost
          aliases: localhost.localdomain
          addresses: 127.0.0.1
        """

    static func text(of entry: HostEntry) -> String {
        func line(_ label: String, _ items: [String]) -> String {
            ([label + ":"] + items).joined(separator: " ") + "\n"
        }
        return line("name", [entry.name]) + line("aliases", entry.aliases)
            + line("addresses", entry.addresses.map(\.description))
    }
}

/// Runs a look-up; a failure prints one line on standard error, e.g.
/// `sockworks: host "no-such-host.invalid": Name or service not known`, and exits 2.
func resolving<Value>(_ lookUp: () throws(ResolverError) -> Value) throws(ExitCode) -> Value {
    do {
        return try lookUp()
    } catch {
        CommandFailure.report(error.description)
        throw CommandFailure.usageStatus
    }
}
