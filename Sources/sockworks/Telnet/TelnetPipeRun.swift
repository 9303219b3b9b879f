import Glibc
import SocketCore
import Streams
import SystemPackage
import Telnet

/// The mode on pipes: standard input goes to the server as NVT data, what
/// the server sends to standard output, until the server closes. At the end
/// of standard input the server has the timeout to answer and close.
struct TelnetPipeRun {
    let client: TelnetClient
    let socket: Socket
    let timeout: Duration

    func run() throws(TelnetError) -> Int32 {
        let socketDescriptor = socket.withUnsafeFileDescriptor { $0 }
        let input = FileDescriptorStream(FileDescriptor(rawValue: 0))
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var inputOpen = true
        var deadline: MonotonicInstant?
        while !client.peerClosed {
            let ready = try waitForInput(inputOpen ? [socketDescriptor, 0] : [socketDescriptor], until: deadline)
            guard ready.contains(true) else { break }
            if ready[0] {
                try receiveWhatIsThere(client)
            }
            if inputOpen, ready[1] {
                let count: Int
                do {
                    count = try input.read(into: &buffer)
                } catch {
                    throw .stream(error)
                }
                if count == 0 {
                    inputOpen = false
                    deadline = .now + timeout
                } else {
                    try client.write(Array(buffer[..<count]))
                }
            }
        }
        return 0
    }
}
