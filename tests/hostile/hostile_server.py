"""A hostile HTTP server for the client's edges (issue 23): a proxy in front of the emulator.

Every request is forwarded to the emulator (``upstream``) and its answer relayed,
unless a rule matches it: then the server answers in one of the hostile ways
below, after forwarding the request first when the rule says ``forward=True``
(so a POST lands in the emulator and only its answer is hostile), or without
forwarding (the write never lands).

Modes: ``gzip_bomb`` (a small gzip body that inflates to ``BOMB_BYTES``),
``big`` (a 20 MB body, sent until close, no Content-Length), ``big_length``
(the same with Content-Length), ``trickle_body`` (headers at once, then the
body at 1 byte/s), ``trickle_headers`` (the status line and headers at
1 byte/s), ``nested`` (100,000 ``[``), ``reset`` (half the body, then a
TCP reset).

Bounded: binds 127.0.0.1 on a free port, trickles stop after
``TRICKLE_LIMIT`` seconds or when the client goes away, and the server
shuts itself down after ``lifetime`` seconds if nobody closed it.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import struct
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

BOMB_BYTES = 512 * 1024 * 1024  # what the gzip bomb inflates to (about 500 kB on the wire)
BIG_BYTES = 20 * 1000 * 1000
NESTED_DEPTH = 100_000
TRICKLE_LIMIT = 60.0  # seconds a trickle goes on at most (the bug it tests would hold a task far longer)
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}

_bomb_cache = {}


def gzip_bomb(size=BOMB_BYTES):
    """Gzip bytes that inflate to ``size`` bytes of "0", built once per size: one 8 MiB gzip member, repeated
    (a gzip body may hold several members, RFC 1952; compressing 512 MB would take seconds)."""
    if size not in _bomb_cache:
        member_size = 8 * 1024 * 1024
        packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        member = packer.compress(b"0" * member_size) + packer.flush()
        _bomb_cache[size] = member * (size // member_size)
    return _bomb_cache[size]


class Rule:
    def __init__(self, method, path, mode, forward=False, times=1, status=None):
        self.method = method.upper()
        self.path = re.compile(path)
        self.mode = mode
        self.forward = forward
        self.times = times  # None: every matching request
        self.status = status
        self.used = 0

    def matches(self, method, path):
        if self.times is not None and self.used >= self.times:
            return False
        return self.method in ("*", method) and self.path.fullmatch(path.split("?", 1)[0]) is not None


class HostileProxy:
    """``with HostileProxy(emu.url) as proxy: proxy.rule("GET", "/apps/.*", "nested")``; ``proxy.url``, ``proxy.log``."""

    def __init__(self, upstream, lifetime=300.0):
        self.upstream = urlsplit(upstream)
        self.rules = []
        self.log = []  # {"method", "path", "mode" (None: relayed), "forwarded"}
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _any(self):
                proxy._handle(self)

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _any

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._stopper = threading.Timer(lifetime, self.close)
        self._stopper.daemon = True
        self._closed = False

    def __enter__(self):
        self._thread.start()
        self._stopper.start()
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if not self._closed:
            self._closed = True
            self._stopper.cancel()
            self._server.shutdown()
            self._server.server_close()

    def rule(self, method, path, mode, forward=False, times=1, status=None):
        self.rules.append(Rule(method, path, mode, forward, times, status))

    def entries(self, mode=None):
        return [e for e in self.log if mode is None or e["mode"] == mode]

    # ------------------------------------------------------------------ one request

    def _handle(self, handler):
        method, path = handler.command, handler.path
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        with self._lock:
            rule = next((r for r in self.rules if r.matches(method, path)), None)
            if rule is not None:
                rule.used += 1
        if rule is None:
            status, headers, answer = self._forward(handler, method, path, body)
            self.log.append({"method": method, "path": path, "mode": None, "forwarded": True})
            handler.send_response(status)
            for name, value in headers:
                if name.lower() not in HOP_HEADERS:
                    handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(answer)))
            handler.end_headers()
            handler.wfile.write(answer)
            return
        if rule.forward:
            self._forward(handler, method, path, body)
        self.log.append({"method": method, "path": path, "mode": rule.mode, "forwarded": rule.forward})
        handler.close_connection = True
        status = rule.status or (201 if method == "POST" else 200)
        try:
            getattr(self, "_" + rule.mode)(handler, status)
        except (BrokenPipeError, ConnectionResetError, socket.timeout, OSError):
            pass  # the client gave up: what the test wants

    def _forward(self, handler, method, path, body):
        connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=30)
        headers = {name: value for name, value in handler.headers.items() if name.lower() not in ("host", "connection", "accept-encoding")}
        try:
            connection.request(method, path, body=body or None, headers=headers)
            answer = connection.getresponse()
            return answer.status, answer.getheaders(), answer.read()
        finally:
            connection.close()

    # ------------------------------------------------------------------ the hostile answers

    def _gzip_bomb(self, handler, status):
        data = gzip_bomb()
        _head(handler, status, ("Content-Encoding", "gzip"), ("Content-Length", str(len(data))))
        handler.wfile.write(data)

    def _big(self, handler, status, length=False):
        head, tail = b'{"success": true, "data": [], "pad": "', b'"}'
        size = BIG_BYTES - len(head) - len(tail)
        _head(handler, status, *([("Content-Length", str(BIG_BYTES))] if length else []))
        handler.wfile.write(head)
        block = b"x" * 65536
        while size > 0:
            handler.wfile.write(block[: min(size, len(block))])
            size -= len(block)
        handler.wfile.write(tail)

    def _big_length(self, handler, status):
        self._big(handler, status, length=True)

    def _nested(self, handler, status):
        data = b"[" * NESTED_DEPTH
        _head(handler, status, ("Content-Length", str(len(data))))
        handler.wfile.write(data)

    def _trickle(self, handler, data):
        ends = time.monotonic() + TRICKLE_LIMIT
        for index in range(len(data)):
            if time.monotonic() > ends:
                return
            handler.wfile.write(data[index : index + 1])
            handler.wfile.flush()
            time.sleep(1.0)

    def _trickle_body(self, handler, status):
        data = json.dumps({"success": True, "data": [], "pad": "x" * 200}).encode()
        _head(handler, status, ("Content-Length", str(len(data))))
        handler.wfile.flush()
        self._trickle(handler, data)

    def _trickle_headers(self, handler, status):
        head = "HTTP/1.1 %d OK\r\nContent-Type: application/json\r\nX-Slow: %s\r\nContent-Length: 2\r\n\r\n{}" % (status, "s" * 200)
        self._trickle(handler, head.encode())

    def _reset(self, handler, status):
        data = json.dumps({"success": True, "data": [], "pad": "x" * 4000}).encode()
        _head(handler, status, ("Content-Length", str(len(data))))
        handler.wfile.write(data[: len(data) // 2])
        handler.wfile.flush()
        sock = handler.connection
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with RST
        sock.close()


def _head(handler, status, *headers):
    """The status line and headers of a hostile answer: JSON, ``headers``, and ``Connection: close``, which the
    proxy does after every hostile answer (said, so the client never reuses a connection the proxy is closing)."""
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    for name, value in headers:
        handler.send_header(name, value)
    handler.send_header("Connection", "close")
    handler.end_headers()


__all__ = ["HostileProxy", "gzip_bomb", "BOMB_BYTES", "BIG_BYTES", "NESTED_DEPTH", "TRICKLE_LIMIT"]
