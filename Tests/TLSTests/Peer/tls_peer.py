"""A TLS server on 127.0.0.1 for the TLS client's tests.

    tls_peer.py MODE CERT KEY

Prints its port on a line of its own, then serves connections, each on a
thread of its own, until it is killed. MODE says what each connection gets:

    echo     the handshake, then every byte back until the client's
             close_notify, answered with ours
    notify   the handshake, "bye\r\n" and close_notify, then the client's
             close awaited
    silent   TCP accepted, nothing ever sent (the handshake never starts)
    hangup   the client's hello read, then the socket closed
    truncate the handshake, "partial", then the TCP connection closed with no
             close_notify
    tls11    as echo, but TLS 1.1 only
    starttls "220 ready" in the clear, "STARTTLS" awaited and answered with
             "220 go ahead", then as echo over TLS on the same connection
"""

import socket
import ssl
import sys
import threading
import warnings


def read_line(connection):
    """One CRLF-ended line, a byte at a time: nothing after it is taken."""
    line = b""
    while not line.endswith(b"\r\n"):
        byte = connection.recv(1)
        if not byte:
            raise EOFError
        line += byte
    return line


def serve_tls(connection, context, mode):
    try:
        if mode == "starttls":
            connection.sendall(b"220 ready\r\n")
            if read_line(connection) != b"STARTTLS\r\n":
                raise EOFError
            connection.sendall(b"220 go ahead\r\n")
        tls = context.wrap_socket(connection, server_side=True)
    except (ssl.SSLError, OSError, EOFError):
        connection.close()
        return
    try:
        if mode == "notify":
            tls.sendall(b"bye\r\n")
            plain = tls.unwrap()
            plain.recv(1)
            plain.close()
            return
        if mode == "truncate":
            tls.sendall(b"partial")
            # Closes the TCP connection under the TLS one: no close_notify.
            socket.socket(fileno=tls.detach()).close()
            return
        while True:
            chunk = tls.recv(65536)
            if not chunk:
                break
            tls.sendall(chunk)
        tls.unwrap().close()
    except (ssl.SSLError, OSError):
        tls.close()


def serve_plain(connection, mode):
    with connection:
        if mode == "hangup":
            connection.recv(65536)
            return
        while connection.recv(65536):
            pass


def main():
    mode, certificate, key = sys.argv[1:4]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    if mode == "tls11":
        # Python warns that TLS 1.1 is deprecated: that is the point here.
        warnings.simplefilter("ignore", DeprecationWarning)
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        context.minimum_version = ssl.TLSVersion.TLSv1_1
        context.maximum_version = ssl.TLSVersion.TLSv1_1
    listener = socket.create_server(("127.0.0.1", 0))
    print(listener.getsockname()[1], flush=True)
    while True:
        connection, _ = listener.accept()
        if mode in ("silent", "hangup"):
            target, arguments = serve_plain, (connection, mode)
        else:
            target, arguments = serve_tls, (connection, context, mode)
        threading.Thread(target=target, args=arguments, daemon=True).start()


main()
