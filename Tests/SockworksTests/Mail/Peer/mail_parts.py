"""Parses a message with Python's `email` package and prints what the
mail client's tests compare, as one JSON object:

    /usr/bin/python3 mail_parts.py FILE.eml

`headers`: Subject, From, To, Cc decoded (RFC 2047), and whether Bcc,
Date, Message-ID and MIME-Version are present; `structure`: the content
types as a nested list; `parts`: each leaf part with its content type,
charset, transfer encoding, disposition, file name, Content-ID, the
SHA-256 of its decoded bytes and, for text, the decoded text; `defects`:
what the parser found wrong, anywhere in the message.
"""

import email
import email.policy
import hashlib
import json
import sys


def structure(part):
    if part.is_multipart():
        return [part.get_content_type(), [structure(p) for p in part.iter_parts()]]
    return part.get_content_type()


def main():
    with open(sys.argv[1], "rb") as f:
        raw = f.read()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    defects = [str(d) for d in message.defects]
    parts = []
    for part in message.walk():
        defects += [str(d) for d in part.defects]
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        entry = {
            "content_type": part.get_content_type(),
            "charset": part.get_content_charset(),
            "transfer_encoding": part.get("Content-Transfer-Encoding"),
            "disposition": part.get_content_disposition(),
            "filename": part.get_filename(),
            "content_id": part.get("Content-ID"),
            "sha256": hashlib.sha256(payload).hexdigest(),
            "size": len(payload),
        }
        if part.get_content_maintype() == "text":
            entry["text"] = part.get_content()
        parts.append(entry)
    headers = {
        "subject": str(message["Subject"]) if message["Subject"] is not None else None,
        "from": str(message["From"]),
        "to": str(message["To"]) if message["To"] is not None else None,
        "cc": str(message["Cc"]) if message["Cc"] is not None else None,
        "has_bcc": message["Bcc"] is not None,
        "has_date": message["Date"] is not None,
        "has_message_id": message["Message-ID"] is not None,
        "mime_version": message["MIME-Version"],
        "longest_line": max((len(line) for line in raw.split(b"\r\n")), default=0),
        "bare_lf": raw.replace(b"\r\n", b"").count(b"\n"),
    }
    print(json.dumps({"headers": headers, "structure": structure(message), "parts": parts, "defects": defects}))


if __name__ == "__main__":
    main()
