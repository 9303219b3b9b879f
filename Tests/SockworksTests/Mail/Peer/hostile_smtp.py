"""A hostile SMTP server for the mail command's tests, one connection:

    /usr/bin/python3 hostile_smtp.py MODE

Prints `listening on PORT`, serves one client, and exits. MODE:
  silent      accepts and never greets (the client must time out)
  injection   offers STARTTLS and sends a second reply right behind its
              220 to it, as a man in the middle injecting a command's reply
              into the plain-text part would (CVE-2011-0411)
  hangup      greets, answers EHLO, and closes when MAIL FROM comes
It records each line it received in the file named by --log.
"""

import argparse
import socket
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["silent", "injection", "hangup"])
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(60)
    print(f"listening on {listener.getsockname()[1]}", flush=True)
    connection, _ = listener.accept()
    connection.settimeout(30)
    reader = connection.makefile("rb")
    log = open(args.log, "wb")

    def line():
        received = reader.readline()
        log.write(received)
        log.flush()
        return received

    if args.mode == "silent":
        # Until the client gives up: its end of stream, or the bound.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and connection.recv(1024):
            pass
        return
    connection.sendall(b"220 hostile.test ESMTP\r\n")
    line()  # EHLO
    if args.mode == "injection":
        connection.sendall(b"250-hostile.test\r\n250 STARTTLS\r\n")
        line()  # STARTTLS
        connection.sendall(b"220 go ahead\r\n250 injected\r\n")
    else:
        connection.sendall(b"250-hostile.test\r\n250 SIZE 1000000\r\n")
        line()  # MAIL FROM
        connection.close()
        return
    # Whatever comes next is logged; the client should only say QUIT, or close.
    while line():
        pass


if __name__ == "__main__":
    sys.exit(main())
