"""An SMTP server that takes one message and keeps only its size and
digest, for the mail command's test of a large attachment:

    /usr/bin/python3 sink_smtp.py --release FILE

Prints `listening on PORT`, serves one client, and exits. When the data
has ended it prints `data N SHA256` (N the octets between DATA's 354 and
the final dot, as sent, dot-stuffing included) and waits, at most 60 s,
until FILE exists before it answers: the test reads the client's peak
memory in that pause, while the client still runs.
"""

import argparse
import hashlib
import os
import socket
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--release", required=True)
    args = parser.parse_args()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(60)
    print(f"listening on {listener.getsockname()[1]}", flush=True)
    connection, _ = listener.accept()
    connection.settimeout(60)
    reader = connection.makefile("rb")
    connection.sendall(b"220 sink.test ESMTP\r\n")
    while True:
        line = reader.readline()
        if not line:
            return
        command = line[:4].upper()
        if command == b"EHLO":
            connection.sendall(b"250-sink.test\r\n250 8BITMIME\r\n")
        elif command == b"DATA":
            connection.sendall(b"354 go ahead\r\n")
            size = 0
            digest = hashlib.sha256()
            while True:
                line = reader.readline()
                if not line or line == b".\r\n":
                    break
                size += len(line)
                digest.update(line)
            print(f"data {size} {digest.hexdigest()}", flush=True)
            deadline = time.monotonic() + 60
            while not os.path.exists(args.release) and time.monotonic() < deadline:
                time.sleep(0.02)
            connection.sendall(b"250 kept its size only\r\n")
        elif command == b"QUIT":
            connection.sendall(b"221 bye\r\n")
            return
        else:
            connection.sendall(b"250 OK\r\n")


if __name__ == "__main__":
    sys.exit(main())
