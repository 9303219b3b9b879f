#!/usr/bin/python3
"""aiosmtpd as the SMTP client's real peer, without TLS.

    smtp_sink.py FOLDER PORT [auth]

Listens on 127.0.0.1:PORT and writes each message it takes to FOLDER/N.eml
(the data as received, dots unstuffed) with its envelope in FOLDER/N.json.
It refuses recipients whose local part starts with "refuse". With "auth",
mail needs AUTH first (PLAIN or LOGIN, user "user", password "secret"),
allowed in the clear for the test. Prints "ready" once it listens, and runs
until it is stopped, or until the test that started it is gone (a test
process that crashes cannot stop it).
"""
import json
import os
import signal
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refuse"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.folder, str(self.count))
        with open(base + ".eml", "wb") as message:
            message.write(envelope.original_content)
        with open(base + ".json", "w") as facts:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                       "options": envelope.mail_options}, facts)
        return "250 2.0.0 stored as %d" % self.count


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == b"user"
          and auth_data.password == b"secret")
    # Not handled: aiosmtpd then answers a failure itself (535).
    return AuthResult(success=ok, handled=False)


def exit_with_parent():
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def main():
    folder, port = sys.argv[1], int(sys.argv[2])
    auth = sys.argv[3:] == ["auth"]
    options = {"auth_require_tls": False, "authenticator": authenticate, "auth_required": auth}
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port, **options)
    controller.start()
    threading.Thread(target=exit_with_parent, daemon=True).start()
    print("ready", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    main()
