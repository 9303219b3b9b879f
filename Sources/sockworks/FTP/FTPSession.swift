import FTP

/// The connection `sockworks ftp` works over: made and logged in on the
/// first command, and made again for the next one after a failure that
/// ended it (at the prompt, a server that hung up or timed out costs that
/// line only).
final class FTPSession {
    let settings: FTPSettings
    private var client: FTPClient?

    init(settings: FTPSettings) {
        self.settings = settings
    }

    /// Runs `request`, printing what it returns on standard output and a
    /// failure on standard error; true when it succeeded. At the prompt
    /// (`interactive`), transfers say how many bytes moved.
    func perform(_ request: FTPRequest, interactive: Bool) -> Bool {
        do throws(FTPRunError) {
            let client = try connected()
            do throws(FTPRunError) {
                try FTPRequestRun(client: client, settings: settings, interactive: interactive).run(request)
            } catch {
                if !client.isUsable { drop() }
                throw error
            }
            return true
        } catch {
            CommandFailure.report(error.description)
            return false
        }
    }

    private func connected() throws(FTPRunError) -> FTPClient {
        if let client { return client }
        do throws(FTPError) {
            let client = try FTPClient.connect(
                host: settings.host, port: settings.port, options: settings.clientOptions)
            do throws(FTPError) {
                try client.login(user: settings.user, password: settings.password)
            } catch {
                client.quit()
                throw error
            }
            self.client = client
            return client
        } catch {
            throw .ftp(error)
        }
    }

    private func drop() {
        client?.quit()
        client = nil
    }

    /// QUIT, when connected.
    func close() { drop() }
}

/// Why a command of `sockworks ftp` failed.
enum FTPRunError: Error, CustomStringConvertible {
    case ftp(FTPError)
    /// A local file could not be opened, read or written.
    case local(String)

    var description: String {
        switch self {
        case .ftp(let error): error.description
        case .local(let reason): reason
        }
    }
}
