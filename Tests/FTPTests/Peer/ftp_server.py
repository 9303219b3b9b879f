"""pyftpdlib on loopback for the FTP client's tests.

Usage: ftp_server.py ROOT HOST [--masquerade ADDRESS] [--cut-after N]
                     [--no-epsv] [--no-mlst] [--tls CERT KEY]

Serves ROOT to the user "alice" (password "secret", every permission) and to
anonymous (read only), on HOST and a port of its own, which it prints as
"port N" once it listens. --masquerade makes its PASV reply name ADDRESS
instead of its own. --cut-after makes the first RETR fail after N bytes: the
file's read raises, so pyftpdlib closes the data connection and answers 426.
--no-epsv makes EPSV and EPRT unknown commands (500), --no-mlst
MLST and MLSD, as on a server without RFC 2428 or 3659. --tls serves FTPS (RFC 4217) and requires it on both connections; each data
connection's handshake prints "data session resumed" or "data session new",
and a new one is refused (522), as vsftpd's require_ssl_reuse does.
"""

import argparse
import logging
import os
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.filesystems import AbstractedFS
from pyftpdlib.handlers import FTPHandler, TLS_DTPHandler, TLS_FTPHandler
from pyftpdlib.servers import FTPServer

arguments = argparse.ArgumentParser()
arguments.add_argument("root")
arguments.add_argument("host")
arguments.add_argument("--masquerade")
arguments.add_argument("--cut-after", type=int)
arguments.add_argument("--no-epsv", action="store_true")
arguments.add_argument("--no-mlst", action="store_true")
arguments.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
options = arguments.parse_args()


class CutFile:
    """A file whose reads fail once `limit` bytes have been read."""

    def __init__(self, file, limit):
        self.file = file
        self.limit = limit
        self.read_so_far = 0

    def read(self, size=-1):
        if self.read_so_far >= self.limit:
            raise OSError(5, "cut off by the test")
        chunk = self.file.read(min(size, self.limit - self.read_so_far))
        self.read_so_far += len(chunk)
        return chunk

    def __getattr__(self, name):
        return getattr(self.file, name)


class CuttingFS(AbstractedFS):
    cuts_left = 1

    def open(self, filename, mode):
        file = super().open(filename, mode)
        if "r" in mode and CuttingFS.cuts_left > 0:
            CuttingFS.cuts_left -= 1
            return CutFile(file, options.cut_after)
        return file


class ResumingDTPHandler(TLS_DTPHandler):
    """A data connection that must resume the control connection's session."""

    def handle_ssl_established(self):
        from OpenSSL._util import lib

        resumed = lib.SSL_session_reused(self.socket._ssl) == 1
        print("data session", "resumed" if resumed else "new", flush=True)
        if not resumed:
            self.cmd_channel.respond("522 the data connection must resume the control connection's session")
            self.close()


authorizer = DummyAuthorizer()
authorizer.add_user("alice", "secret", options.root, perm="elradfmwMT")
authorizer.add_anonymous(options.root)

handler = TLS_FTPHandler if options.tls else FTPHandler
handler.authorizer = authorizer
handler.banner = "pyftpdlib ready"
# A wrong password is answered at once, not after pyftpdlib's 3 s.
handler.auth_failed_timeout = 0
if options.masquerade:
    handler.masquerade_address = options.masquerade
if options.cut_after is not None:
    handler.abstracted_fs = CuttingFS
    handler.use_sendfile = False
unknown = ({"EPSV", "EPRT"} if options.no_epsv else set()) | ({"MLST", "MLSD"} if options.no_mlst else set())
handler.proto_cmds = {name: value for name, value in handler.proto_cmds.items() if name not in unknown}
if options.tls:
    handler.certfile, handler.keyfile = options.tls
    handler.tls_control_required = True
    handler.tls_data_required = True
    handler.dtp_handler = ResumingDTPHandler

logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
server = FTPServer((options.host, 0), handler)
print("port", server.socket.getsockname()[1], flush=True)
server.serve_forever(handle_exit=True)
