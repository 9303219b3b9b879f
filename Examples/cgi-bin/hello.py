#!/usr/bin/env python3
"""The first CGI script: a "Hello World!" page.

A CGI script writes a header (RFC 3875 section 6), an empty line, then the
body. Content-Type is the one field a page needs.
"""

import sys

PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Hello</title></head>
<body><h1>Hello World!</h1></body>
</html>
"""

sys.stdout.buffer.write(b"Content-Type: text/html; charset=utf-8\n\n" + PAGE.encode())
