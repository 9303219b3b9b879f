#!/usr/bin/env python3
"""Reads a name, an address and a phone number from a form (GET or POST)
and appends them, one line per submission, to data/personal.txt beside
this script.

Each line is a JSON object with ASCII escapes, so that no value, whatever
it holds (a newline, a tab, a quote), can spill onto another line or
forge one. The file is appended under an exclusive lock, since two
submissions may run at once. The server runs the script in its own folder
and gives it no environment of its own, so the path comes from the
script's location, not from HOME or the working folder.
"""

import fcntl
import html
import json
import os
import re
import sys
import time
import urllib.parse

MAX_BODY = 16 * 1024
FIELDS = {"name": 100, "address": 300, "phone": 30}  # each field and its longest value, in characters
PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]*$")
DATA_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "personal.txt")


class BadRequest(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def read_form():
    """The form's fields, each name with its first value."""
    method = os.environ.get("REQUEST_METHOD", "GET")
    if method in ("GET", "HEAD"):
        data = os.environ.get("QUERY_STRING", "")
    elif method == "POST":
        kind = os.environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if kind != "application/x-www-form-urlencoded":
            raise BadRequest("415 Unsupported Media Type", "the form must be sent urlencoded")
        try:
            length = int(os.environ.get("CONTENT_LENGTH", ""))
        except ValueError:
            raise BadRequest("411 Length Required", "the form came without a length")
        if length < 0 or length > MAX_BODY:
            raise BadRequest("413 Content Too Large", "the form is larger than %d bytes" % MAX_BODY)
        body = sys.stdin.buffer.read(length)
        if len(body) != length:
            raise BadRequest("400 Bad Request", "the form ended early")
        try:
            data = body.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("400 Bad Request", "the form is not UTF-8")
    else:
        raise BadRequest("405 Method Not Allowed", "use GET or POST")
    try:
        fields = urllib.parse.parse_qs(data, keep_blank_values=True, errors="strict", max_num_fields=10)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("400 Bad Request", "the form cannot be read")
    return {name: values[0] for name, values in fields.items()}


def checked(form):
    values = {}
    for name, longest in FIELDS.items():
        value = form.get(name, "").strip()
        if not value:
            raise BadRequest("400 Bad Request", "the %s is missing" % name)
        if len(value) > longest:
            raise BadRequest("400 Bad Request", "the %s is longer than %d characters" % (name, longest))
        values[name] = value
    if not PHONE.match(values["phone"]):
        raise BadRequest("400 Bad Request", "the phone number may hold digits, spaces and + ( ) . / - only")
    return values


def append(values):
    """One line for `values`, written with one write(2) under a lock."""
    os.makedirs(os.path.dirname(DATA_FILE), mode=0o700, exist_ok=True)
    record = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    record.update(values)
    line = (json.dumps(record, ensure_ascii=True) + "\n").encode("ascii")
    descriptor = os.open(DATA_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        os.write(descriptor, line)
    finally:
        os.close(descriptor)  # also releases the lock


def sentence(text):
    return text[:1].upper() + text[1:]


def answer(status, title, body):
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>%s</title></head>\n'
        "<body>\n%s\n</body>\n</html>\n" % (html.escape(title), body)
    )
    header = "Status: %s\nContent-Type: text/html; charset=utf-8\n\n" % status
    sys.stdout.buffer.write(header.encode() + page.encode())


def main():
    try:
        values = checked(read_form())
    except BadRequest as error:
        answer(error.status, "Not saved", "<p>%s.</p>" % html.escape(sentence(str(error))))
        return
    try:
        append(values)
    except OSError as error:
        print("personal.py: cannot write %s: %s" % (DATA_FILE, error.strerror), file=sys.stderr)
        answer("500 Internal Server Error", "Not saved", "<p>The details could not be saved.</p>")
        return
    rows = "\n".join(
        "<tr><th>%s</th><td>%s</td></tr>" % (label, html.escape(values[name]))
        for name, label in (("name", "Name"), ("address", "Address"), ("phone", "Phone"))
    )
    answer("200 OK", "Saved", "<h1>Thank you</h1>\n<p>These details were saved:</p>\n<table>\n%s\n</table>" % rows)


main()
