import ArgumentParser

@main
struct Sockworks: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sockworks",
        abstract: "Socket programs, measured: benchmarks, servers and protocol tools.",
        version: SockworksVersion.text,
        subcommands: [
            BenchCommand.self, ProfileCommand.self, ResolveCommand.self, ServeCommand.self, EchoCommand.self,
            LoadgenCommand.self, GetCommand.self, UDPPingCommand.self, HeartbeatCommand.self, MailCommand.self,
            TelnetClientCommand.self,
            FTPCommand.self,
            ControlClientCommand.self,
        ]
    )

    /// ParsableCommand's `main`, with the exit statuses scripts rely on: a
    /// bad argument prints one line on standard error and exits 2 (the
    /// library's own default is a usage screen and 64); a command that fails
    /// prints `sockworks: <why>` and exits 1; help and --version exit 0.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try parseAsRoot(arguments)
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                CommandFailure.report("\(message(for: error)) (see '\(helpCommand(arguments)) --help')")
                exit(withError: CommandFailure.usageStatus)
            }
            // Help, --version, and commands that have already said why.
            if code == .success || error is ExitCode {
                exit(withError: error)
            }
            CommandFailure.report("\(error)")
            exit(withError: ExitCode.failure)
        }
    }

    /// The deepest command the arguments name, e.g. `sockworks resolve host`.
    private static func helpCommand(_ arguments: [String]) -> String {
        var path = ["sockworks"]
        var commands = configuration.subcommands
        for argument in arguments {
            guard let next = commands.first(where: { $0.configuration.commandName == argument }) else { break }
            path.append(argument)
            commands = next.configuration.subcommands
        }
        return path.joined(separator: " ")
    }
}
