"""aiosmtpd as the mail client's peer in the tests: a real SMTP server on
loopback that keeps what it receives.

    /usr/bin/python3 mail_peer.py --out DIR [--tls starttls|implicit|none]
        [--cert FILE --key FILE] [--user NAME --password TEXT]

Prints `listening on PORT` once it accepts connections (port 0 picks one),
then serves until SIGTERM. Each accepted message goes to DIR/N.eml (the
data exactly as received, dot-unstuffed by the server) with DIR/N.json
beside it: the envelope's sender and recipients and whether the session
was under TLS and authenticated. With --user, AUTH is required (over TLS
when TLS is on) before MAIL. A sender or recipient whose local part
starts with `refused` is refused (553 and 550), so tests can see each.
"""

import argparse
import asyncio
import json
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult


class Keeper:
    def __init__(self, out):
        self.out = out
        self.count = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if address.startswith("refused"):
            return "553 5.7.1 sender refused by the test peer"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused"):
            return "550 5.1.1 recipient refused by the test peer"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.out, str(self.count))
        with open(base + ".eml.part", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".eml.part", base + ".eml")
        facts = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "mail_options": envelope.mail_options,
            # session.ssl is set by STARTTLS; TLS from the first byte shows
            # on the transport.
            "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
            "authenticated": bool(session.authenticated),
        }
        with open(base + ".json", "w") as f:
            json.dump(facts, f)
        return "250 OK message kept"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--tls", choices=["starttls", "implicit", "none"], default="none")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    context = None
    if args.tls != "none":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            args.user is not None
            and auth_data.login == args.user.encode()
            and auth_data.password == args.password.encode()
        )
        return AuthResult(success=ok, handled=False)

    keeper = Keeper(args.out)

    def factory():
        options = dict(hostname="peer.test", enable_SMTPUTF8=True)
        if args.tls == "starttls":
            options.update(tls_context=context, require_starttls=True)
        if args.user is not None:
            options.update(
                authenticator=authenticator,
                auth_required=True,
                auth_require_tls=args.tls != "none",
            )
        return SMTP(keeper, **options)

    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(
        loop.create_server(
            factory, "127.0.0.1", args.port, ssl=context if args.tls == "implicit" else None
        )
    )
    port = server.sockets[0].getsockname()[1]
    print(f"listening on {port}", flush=True)
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    loop.add_signal_handler(signal.SIGINT, loop.stop)
    loop.run_forever()
    server.close()
    sys.exit(0)


if __name__ == "__main__":
    main()
