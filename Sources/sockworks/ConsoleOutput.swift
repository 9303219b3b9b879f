import SocketCore

/// Writes text to standard output at once: "listening on" must reach a
/// script reading a pipe before the server blocks in accept.
func writeStandardOutput(_ text: String) { TextOutput.write(text, to: 1) }

/// Progress and errors, on fd 2 directly.
func writeStandardError(_ text: String) { TextOutput.write(text, to: 2) }
