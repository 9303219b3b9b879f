#!/usr/bin/env python3
"""Reads a name and a comment from a form (GET or POST) and shows them.

Without the `cgi` module (removed in Python 3.13): the form comes as
QUERY_STRING for a GET and as CONTENT_LENGTH bytes of standard input for a
POST, both `application/x-www-form-urlencoded`, which
urllib.parse.parse_qs reads. Every value is HTML-escaped before it is
shown: a comment is text, never markup.
"""

import html
import os
import sys
import urllib.parse

MAX_BODY = 16 * 1024
FIELDS = {"name": 100, "comment": 2000}  # each field and its longest value, in characters


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
    return values


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
        answer(error.status, "Not sent", "<p>%s.</p>" % html.escape(sentence(str(error))))
        return
    answer(
        "200 OK",
        "Thank you",
        "<h1>Thank you, %s</h1>\n<p>Your comment:</p>\n<blockquote>%s</blockquote>"
        % (html.escape(values["name"]), html.escape(values["comment"]).replace("\n", "<br>\n")),
    )


main()
