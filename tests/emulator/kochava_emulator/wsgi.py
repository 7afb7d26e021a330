"""The transport layer: request log, fault injection, and the server's handler.

:class:`FaultLogMiddleware` wraps the Flask app. For every API request (not
``/_emulator/``) it reads the body, consults the fault book, runs the app
(or not), records one log entry and answers (or drops the connection).
The API key is never recorded: the log keeps only ``auth`` = ``missing``,
``valid`` or ``invalid``. A request the rate limit refuses is answered 429
before any fault, logged with ``rate_limited: True``.
"""

from __future__ import annotations

import copy
import io
import json
import re
import socket
import threading
import time
from collections.abc import Iterable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import parse_qsl

from werkzeug.serving import WSGIRequestHandler

from .app import ENV_APP_ID, envelope
from .faults import rewrite_trigger
from .ratelimit import LIMITED_MESSAGE
from .values import parse_int

if TYPE_CHECKING:  # pragma: no cover
    from .server import Emulator

CONTROL_PREFIX = "/_emulator"
_APP_IN_PATH = re.compile(r"^/apps/([0-9]+)(?:/|$)")
_TRIGGER_IN_PATH = re.compile(r"^/postbacks/([0-9]+)$")


def _written_id(method: str, path: str, payload: bytes) -> int | None:
    """The id of the trigger a write changed: the path's (PATCH), or the POST answer's first trigger."""
    in_path = _TRIGGER_IN_PATH.match(path)
    if in_path:
        return int(in_path.group(1))
    answer = _parse_json(payload)
    data = answer.get("data") if method == "POST" and isinstance(answer, dict) else None
    if isinstance(data, list) and data and isinstance(data[0], dict):
        return parse_int(data[0].get("id"))
    return None


class ConnectionDropped(ConnectionAbortedError):
    """Raised after shutting the socket so werkzeug abandons the request silently.

    werkzeug's request handler treats any ``ConnectionError`` as "the client
    went away" and writes nothing more.
    """


class RequestLog:
    """A thread-safe, ordered list of request records."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[dict] = []

    def append(self, entry: dict) -> None:
        """Record one request."""
        with self._lock:
            entry["seq"] = len(self._entries) + 1
            self._entries.append(entry)

    def entries(self) -> list[dict]:
        """A deep copy of every record, oldest first."""
        with self._lock:
            return copy.deepcopy(self._entries)

    def clear(self) -> None:
        """Forget every record."""
        with self._lock:
            self._entries.clear()


def _parse_json(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def _drop_connection(environ: dict) -> None:
    """Close the client's TCP connection without a word, then abandon the request."""
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    raise ConnectionDropped("connection dropped by an injected fault")


class FaultLogMiddleware:
    """WSGI middleware applying injected faults and keeping the request log."""

    def __init__(self, app: Callable, emulator: Emulator) -> None:
        self.app = app
        self.emulator = emulator

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            return self.app(environ, start_response)

        self.emulator._busy(+1)
        try:
            return self._handle(environ, start_response, path)
        finally:
            self.emulator._busy(-1)

    def _handle(self, environ: dict, start_response: Callable, path: str) -> Iterable[bytes]:
        raw = self._read_body(environ)
        method = environ.get("REQUEST_METHOD", "GET").upper()
        in_path = _APP_IN_PATH.match(path)
        entry: dict[str, Any] = {
            "time": time.time(),
            "method": method,
            "path": path,
            "query": dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)),
            "status": None,
            "body": _parse_json(raw),
            "response": None,
            "app_id": int(in_path.group(1)) if in_path else None,
            "auth": self.emulator.state.key_status(environ.get("HTTP_AUTHENTICATION_KEY")),
            "user_agent": environ.get("HTTP_USER_AGENT", ""),
            "fault": None,
            "dropped": False,
            "rate_limited": False,
        }

        retry_after = self.emulator._admit()
        if retry_after is not None:
            payload = json.dumps(envelope(errors=[LIMITED_MESSAGE])).encode()
            entry["status"] = 429
            entry["response"] = _parse_json(payload)
            entry["rate_limited"] = True
            if method == "POST" and isinstance(entry["body"], dict):
                entry["app_id"] = parse_int(entry["body"].get("app_id"))
            self._record(entry)
            headers = [("Content-Type", "application/json"), ("Retry-After", str(retry_after)), ("Content-Length", str(len(payload)))]
            start_response(_status_line(429), headers)
            return [payload]

        fault = self.emulator.fault_book.take(method, path)
        if fault is None and self.emulator.chaos_book is not None:
            fault = self.emulator.chaos_book.pick(method, path)
        if fault is not None:
            entry["fault"] = fault.kind
            if fault.delay:
                self.emulator.sleep(fault.delay)
            if fault.drop:
                entry["dropped"] = True
                self._record(entry)
                _drop_connection(environ)
            if fault.answers:
                status, headers, payload = fault.answer()
                entry["status"] = status
                entry["response"] = _parse_json(payload)
                self._record(entry)
                start_response(_status_line(status), headers)
                return [payload]

        if fault is not None and (fault.lost_write or fault.rewrite is not None):
            return self._unfaithful(environ, start_response, entry, fault, method, path)
        if fault is not None and fault.duplicate:
            # the first copy of the request: applied, its answer goes nowhere
            first = dict(environ)
            first["wsgi.input"] = io.BytesIO(raw)
            self._run_app(first)
            environ["wsgi.input"] = io.BytesIO(raw)
        status_line, headers, payload = self._run_app(environ)
        entry["status"] = int(status_line.split(None, 1)[0])
        entry["response"] = _parse_json(payload)
        entry["app_id"] = environ.get(ENV_APP_ID, entry["app_id"])
        if fault is not None and fault.apply_then_drop:
            entry["dropped"] = True
            self._record(entry)
            _drop_connection(environ)
        self._record(entry)
        start_response(status_line, headers)
        return [payload]

    def _unfaithful(self, environ: dict, start_response: Callable, entry: dict, fault: Any, method: str, path: str) -> Iterable[bytes]:
        """A write answered for real, then forgotten (``lost_write``) or changed (``rewrite``), under the state lock."""
        state = self.emulator.state
        with state.lock:
            saved = copy.deepcopy(state.triggers) if fault.lost_write else None
            status_line, headers, payload = self._run_app(environ)
            status = int(status_line.split(None, 1)[0])
            if saved is not None:
                state.triggers.clear()
                state.triggers.update(saved)
            elif 200 <= status < 300:
                trigger = state.get_trigger(_written_id(method, path, payload))
                if trigger is not None:
                    rewrite_trigger(trigger, fault.rewrite)
        entry["status"] = status
        entry["response"] = _parse_json(payload)
        entry["app_id"] = environ.get(ENV_APP_ID, entry["app_id"])
        self._record(entry)
        start_response(status_line, headers)
        return [payload]

    @staticmethod
    def _read_body(environ: dict) -> bytes:
        """Read the whole request body and put it back for the app."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        stream = environ.get("wsgi.input")
        raw = stream.read(length) if stream is not None and length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(raw)
        environ["CONTENT_LENGTH"] = str(len(raw))
        return raw

    def _run_app(self, environ: dict) -> tuple[str, list, bytes]:
        """Run the Flask app to completion; return its status, headers and body."""
        captured: dict[str, Any] = {}
        chunks: list[bytes] = []

        def capture(status: str, headers: list, exc_info: Any = None) -> Callable[[bytes], None]:
            captured["status"], captured["headers"] = status, headers
            return chunks.append

        result = self.app(environ, capture)
        try:
            chunks.extend(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return captured["status"], captured["headers"], b"".join(chunks)

    def _record(self, entry: dict) -> None:
        self.emulator.request_log.append(entry)
        if self.emulator.access_log is not None:
            self.emulator.access_log(entry)


class QuietRequestHandler(WSGIRequestHandler):
    """werkzeug's handler without its per-request access log lines.

    (The emulator keeps its own log; see ``Emulator(access_log=...)``.)
    """

    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle's algorithm the
    # body waits for the client's delayed ACK (~40 ms a request on Linux).
    disable_nagle_algorithm = True

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Do not print an access line for each request."""
