import ArgumentParser

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run one of the classic servers.",
        subcommands: [
            ServeEchoCommand.self, ServeHTTPCommand.self, ServeUDPPingCommand.self, ServeHeartbeatCommand.self,
        ]
    )
}
