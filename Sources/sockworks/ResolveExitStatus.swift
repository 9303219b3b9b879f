import ArgumentParser

extension Sockworks {
    /// ParsableCommand's `main`, except for `sockworks resolve`: there a bad
    /// argument (a parse or validation error, which swift-argument-parser ends
    /// with status 64 and a usage screen) prints one line on standard error
    /// and exits 2, the status issue 3 asks for. Every other command, and help,
    /// behaves exactly as before.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            if arguments.first == ResolveCommand.configuration.commandName,
               exitCode(for: error) == .validationFailure {
                ResolveOutput.reportFailure("\(message(for: error)) (see '\(helpCommand(arguments)) --help')")
                exit(withError: ResolveOutput.failureStatus)
            }
            exit(withError: error)
        }
    }

    /// `sockworks resolve SUBCOMMAND` when the arguments name one, else `sockworks resolve`.
    private static func helpCommand(_ arguments: [String]) -> String {
        let names = ResolveCommand.configuration.subcommands.compactMap { $0.configuration.commandName }
        let path = ["sockworks", "resolve"] + arguments.dropFirst().prefix(1).filter(names.contains)
        return path.joined(separator: " ")
    }
}
