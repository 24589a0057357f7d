#!/usr/bin/env python3
"""Writes an experimental variant of Nimbus's python bootstrap, for bench/lambda/profile.sh.

  bootstrap_variant.py SHIPPED_BOOTSTRAP OUT_FILE

The variant is the shipped services/lambda/runtime/bootstrap/python_bootstrap.py with two
changes, to measure what its imports cost before the first GET /invocation/next:
  1. the Runtime API is spoken over a plain `socket` (HTTP/1.1 keep-alive, Content-Length
     bodies) instead of `http.client`, whose import pulls in email.parser, email.message and
     ssl;
  2. `traceback` is imported only when an error is reported;
  3. it connects with socket.connect((ip, port)) rather than socket.create_connection, whose
     getaddrinfo call imports encodings.idna, stringprep and unicodedata.
Everything else (handler loading, Context, error shapes, the loop) is the shipped code. This is
a measurement prototype, not a replacement: it handles exactly what Nimbus's Runtime API sends.
"""
import sys

SOCKET_API = '''import socket


class _Resp:
    def __init__(self, status, headers):
        self.status = status
        self._headers = headers

    def getheaders(self):
        return self._headers

    def getheader(self, name, default=None):
        name = name.lower()
        for k, v in self._headers:
            if k.lower() == name:
                return v
        return default


class Api:
    """HTTP/1.1 keep-alive over a plain socket: the Runtime API answers with Content-Length."""

    def __init__(self):
        host, port = API.rsplit(":", 1)
        self.addr = (host, int(port))
        self.sock = None
        self.buf = b""

    def _connect(self):
        # connect() with a numeric ASCII host: no getaddrinfo, whose str-host path imports
        # encodings.idna (+ stringprep, unicodedata) as http.client's create_connection does.
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.connect(self.addr)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def call(self, method, path, body=None, headers=None):
        for attempt in range(2):
            try:
                if self.sock is None:
                    self._connect()
                data = body or b""
                if isinstance(data, str):
                    data = data.encode()
                head = "%s %s%s HTTP/1.1\\r\\nHost: %s\\r\\nContent-Length: %d\\r\\n" % (
                    method, BASE, path, API, len(data))
                for k, v in (headers or {}).items():
                    head += "%s: %s\\r\\n" % (k, v)
                self.sock.sendall(head.encode("latin-1") + b"\\r\\n" + data)
                return self._read()
            except OSError:
                self.sock = None
                if attempt:
                    raise

    def _read(self):
        while b"\\r\\n\\r\\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("Runtime API closed the connection")
            self.buf += chunk
        head, _, rest = self.buf.partition(b"\\r\\n\\r\\n")
        lines = head.decode("latin-1").split("\\r\\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = []
        length = 0
        for line in lines[1:]:
            k, _, v = line.partition(":")
            k, v = k.strip(), v.strip()
            headers.append((k, v))
            if k.lower() == "content-length":
                length = int(v)
        while len(rest) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("Runtime API closed the connection")
            rest += chunk
        self.buf = rest[length:]
        return _Resp(status, headers), rest[:length]
'''


def main():
    src = open(sys.argv[1]).read()
    start = src.index("class Api:")
    end = src.index("def error_body(")
    src = src[:start] + SOCKET_API + "\n\n" + src[end:]
    for mod in ("http.client", "traceback"):
        line = "import %s\n" % mod
        if line not in src:
            raise SystemExit("bootstrap_variant: '%s' not found in %s" % (line.strip(), sys.argv[1]))
        src = src.replace(line, "", 1)
    src = src.replace("def error_body(exc, request_id, error_type=None, tb=None):\n",
                      "def error_body(exc, request_id, error_type=None, tb=None):\n"
                      "    import traceback\n", 1)
    with open(sys.argv[2], "w") as f:
        f.write(src)


if __name__ == "__main__":
    main()
