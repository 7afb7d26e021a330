# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One HTTP exchange with ``requests``, and what went wrong when there is no answer.

The key travels in ``Authentication-Key``; redirects are never followed (the
key must not reach another host). A failure is described by plain strings
only: requests' own texts may quote headers, hence the key.

An exchange is bounded in size and time. The body is streamed and read in
chunks up to ``max_answer_bytes`` counted after decompression (a gzip bomb
stops at the cap, it is never inflated whole). The whole exchange (connect,
headers, body) must end within ``timeout`` seconds: the socket timeouts
bound each read only, so a watchdog thread shuts the connection's socket
down at the deadline, which ends a read blocked on a trickling server.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import heapq
import itertools
import json as _json
import os
import socket
import threading
import time
import traceback
from http import HTTPStatus
from urllib.parse import urljoin as _urljoin, urlsplit as _urlsplit

try:
    import requests

    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

try:
    from urllib3.exceptions import NewConnectionError as _NewConnectionError
except ImportError:
    _NewConnectionError = None

try:
    from urllib3.connectionpool import HTTPConnectionPool as _HTTPPool, HTTPSConnectionPool as _HTTPSPool
except ImportError:
    _HTTPPool = _HTTPSPool = None

from ansible_collections.kochava.publisher.plugins.module_utils._api.errors import KochavaError, KochavaResponseError

USER_AGENT = "kochava.publisher"
DEFAULT_MAX_ANSWER_BYTES = 16 * 1024 * 1024  # far above the largest real page (50 triggers: some 100 kB)
CHUNK_BYTES = 8192  # compressed bytes read at a time: what one read may inflate stays small
# getaddrinfo errors saying the name does not exist (not "try again"): no retry heals them in seconds
_NO_SUCH_NAME = frozenset(getattr(socket, name) for name in ("EAI_NONAME", "EAI_NODATA") if hasattr(socket, name))


class Failure(object):
    """What went wrong with one attempt that got no answer, as plain strings."""

    __slots__ = ("reason", "sent", "permanent")

    def __init__(self, reason, sent, permanent=False):
        self.reason = reason  # e.g. "connection refused", "read timed out"
        self.sent = sent  # False when the request certainly did not reach the server
        self.permanent = permanent  # configuration / TLS: never retried


class Answer(object):
    """An HTTP answer read whole (within the bounds): status, headers and body bytes."""

    __slots__ = ("status_code", "reason", "headers", "content")

    def __init__(self, status_code, reason, headers, content):
        self.status_code = status_code
        self.reason = reason
        self.headers = headers
        self.content = content

    @property
    def text(self):
        return bytes(self.content).decode("utf-8", "replace")


class AnswerTooLarge(Exception):
    """The body passed ``max_answer_bytes`` (after decompression)."""


def too_large(cap):
    return "the answer is larger than max_answer_bytes (%d bytes); the rest was not read" % cap


class Transport(object):
    """A ``requests.Session`` set up for the API; ``send`` makes one exchange (after the ``pacer``'s wait, if any)."""

    def __init__(self, api_key, session=None, validate_certs=True, timeout=30, pacer=None, max_answer_bytes=DEFAULT_MAX_ANSWER_BYTES):
        self.validate_certs = validate_certs
        self.timeout = timeout
        self.max_answer_bytes = max_answer_bytes
        self.pacer = pacer  # a _pacing.Pacer shared with the other forks, or None
        if session is None:
            session = requests.Session()
            _mount_watched(session)
        self.session = session
        # requests reads proxies, no_proxy and CA bundles from os.environ twice a request (trust_env); here
        # once a host, for this transport's lifetime (one task), and the requests themselves skip it
        # (a requests.Session: ours, or one an earlier task's transport made; its trust_env is already off then)
        self._from_environment = HAS_REQUESTS and isinstance(session, requests.Session)
        self._settings = {}
        self.session.headers.update({"Authentication-Key": api_key, "Accept": "application/json", "User-Agent": USER_AGENT})

    def send(self, method, url, params=None, body=None):
        """``(answer, None)``, or ``(None, Failure)`` when no whole answer came in time; never follows a redirect."""
        headers = {"Content-Type": "application/json"} if body is not None else None
        if self.pacer is not None:
            self.pacer.wait()
        exchange = _Exchange(self.timeout)
        with exchange:
            answer, failure = self._exchange(method, url, params, body, headers, exchange)
        if exchange.expired:  # whatever the cut-off read returned, the answer is not whole
            return None, Failure("no complete answer within %s s (timeout: connect, headers and body of one request)" % _seconds(self.timeout), sent=True)
        return answer, failure

    def environment_settings(self, url):
        """``proxies``, ``verify`` and ``cert`` for ``url`` as requests takes them from the environment, worked
        out once a scheme and host. The session's own ``trust_env`` is then off for the request: it would also read
        ~/.netrc, whose password for the host would be sent beside the key (never wanted: the key authenticates)."""
        parts = _urlsplit(url)
        base = (parts.scheme, parts.netloc)
        if base not in self._settings:
            self.session.trust_env = True
            try:
                self._settings[base] = self.session.merge_environment_settings(url, {}, True, self.validate_certs, None)
            finally:
                self.session.trust_env = False
        return self._settings[base]

    def _exchange(self, method, url, params, body, headers, exchange):
        options = dict(params=params, data=body, headers=headers, timeout=self.timeout, verify=self.validate_certs, allow_redirects=False, stream=True)
        try:
            if self._from_environment:
                options.update(self.environment_settings(url))
            response = self.session.request(method, url, **options)
        except Exception as exc:  # every transport error, turned into plain strings
            return None, _failure(exc)
        try:
            content = read_body(response, self.max_answer_bytes, exchange.check)
        except AnswerTooLarge:
            return None, Failure(too_large(self.max_answer_bytes), sent=True)
        except MemoryError:
            return None, Failure("the answer does not fit in memory (MemoryError)", sent=True)
        except Exception as exc:  # a reset mid-body, a broken gzip stream, MemoryError...
            return None, _failure(exc, mid_body=True)
        finally:
            _close(response)
        return Answer(response.status_code, response.reason, response.headers, content), None


def _failure(exc, mid_body=False):
    if not HAS_REQUESTS:
        return Failure("connection error (%s)" % type(exc).__name__, sent=True)
    failure = classify(exc)
    if mid_body and failure.reason.startswith(("connection error", "unexpected error")):
        # ChunkedEncodingError, ProtocolError, IncompleteRead, a bad gzip stream: the answer broke off
        return Failure("connection lost in the middle of the answer (%s)" % type(exc).__name__, sent=True)
    return failure


def _close(response):
    try:
        response.close()
    except Exception:  # closing a broken connection may fail too; nothing is left to read
        pass


def read_body(response, cap, expired=lambda: False):
    """The body bytes (decompressed), at most ``cap`` of them; raises ``AnswerTooLarge`` past it.

    Stops early (returning what it read) once ``expired()``: the caller then reports the deadline."""
    if getattr(response, "raw", None) is None:  # already read (a session that does not stream)
        content = response.content or b""
        if len(content) > cap:
            raise AnswerTooLarge()
        return content
    encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
    length = response.headers.get("Content-Length")
    if encoding == "identity" and length and length.strip().isdigit() and int(length) > cap:
        raise AnswerTooLarge()  # said so up front: not a byte read
    content = bytearray()
    for chunk in response.iter_content(CHUNK_BYTES):
        content += chunk
        if len(content) > cap:
            raise AnswerTooLarge()
        if expired():
            break
    return bytes(content)


class _Exchange(object):
    """The deadline of one exchange: at ``timeout`` seconds the connection in use is shut down (by ``_WATCHDOG``)."""

    current = threading.local()  # the exchange under way in this thread (for _WatchedPool)

    def __init__(self, timeout):
        self.timeout = timeout
        self.expired = False
        self.connection = None
        self.deadline = time.monotonic() + timeout
        self.done = False
        self._lock = threading.Lock()

    def __enter__(self):
        _Exchange.current.exchange = self
        _WATCHDOG.watch(self)
        return self

    def __exit__(self, *exc_info):
        with self._lock:  # an expire under way ends before the result is judged
            self.done = True
            self.connection = None
            _Exchange.current.exchange = None
        return False

    def check(self):
        """Between reads: past the deadline (a connection the watchdog cannot reach) ends the exchange."""
        if not self.expired and time.monotonic() > self.deadline:
            self.expired = True
        return self.expired

    def attach(self, connection):
        with self._lock:
            self.connection = connection
            if self.expired:
                _shut(connection)

    def expire(self):
        with self._lock:
            if self.done:
                return
            self.expired = True
            _shut(self.connection)


class _Watchdog(object):
    """One daemon thread for the exchanges of this process, started at the first: it expires each exchange
    still under way at its deadline. (A thread an exchange cost 0.14 ms, 20 a converged loop item's 20 pages.)
    An ended exchange leaves the queue when it comes first; the queue holds at most the exchanges of one
    ``timeout``. A forked child (an ansible-playbook worker) starts its own."""

    def __init__(self):
        self._reset()
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self._reset)

    def _reset(self):
        self._wake = threading.Condition(threading.Lock())
        self._queue = []  # (deadline, sequence number, exchange), soonest first
        self._numbers = itertools.count()
        self._thread = None

    def watch(self, exchange):
        with self._wake:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="kochava-exchange-deadline")
                self._thread.daemon = True
                self._thread.start()
            heapq.heappush(self._queue, (exchange.deadline, next(self._numbers), exchange))
            if self._queue[0][2] is exchange:
                self._wake.notify()

    def _run(self):
        with self._wake:
            while True:
                now = time.monotonic()
                while self._queue and (self._queue[0][2].done or self._queue[0][0] <= now):
                    _deadline, _number, exchange = heapq.heappop(self._queue)
                    exchange.expire()  # nothing for one that ended
                self._wake.wait(self._queue[0][0] - now if self._queue else None)


_WATCHDOG = _Watchdog()


def _shut(connection):
    """Shut the socket of ``connection`` down: a read blocked on it returns at once."""
    sock = getattr(connection, "sock", None) or getattr(connection, "watched_sock", None)
    if sock is None:
        return
    try:
        if isinstance(sock, socket.socket):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain call, under TLS too (SSLSocket's drops its state)
        else:
            sock.shutdown(socket.SHUT_RDWR)
    except (OSError, ValueError, AttributeError):
        pass


def _watched(base):
    """A connection pool class that tells the exchange under way which connection it uses."""

    class WatchedConnection(base.ConnectionCls):
        def connect(self):
            super().connect()
            # kept: for an answer that says Connection: close, http.client hands the socket to the
            # response and drops it here, where the deadline would no longer find it
            self.watched_sock = self.sock

    class WatchedPool(base):
        ConnectionCls = WatchedConnection

        def _get_conn(self, timeout=None):
            connection = super()._get_conn(timeout)
            exchange = getattr(_Exchange.current, "exchange", None)
            if exchange is not None:
                exchange.attach(connection)
            return connection

    WatchedPool.__name__ = "Watched" + base.__name__
    return WatchedPool


_WATCHED_POOLS = {"http": _watched(_HTTPPool), "https": _watched(_HTTPSPool)} if _HTTPPool is not None and hasattr(_HTTPPool, "_get_conn") else None


def _mount_watched(session):
    """Let the deadline reach the sockets of ``session``'s own connections (direct and through an HTTP proxy)."""
    if _WATCHED_POOLS is None:
        return  # another urllib3: the deadline is then checked between reads only

    class WatchedAdapter(requests.adapters.HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = dict(_WATCHED_POOLS)

        def proxy_manager_for(self, proxy, **proxy_kwargs):
            manager = super().proxy_manager_for(proxy, **proxy_kwargs)
            if type(manager).__name__ == "ProxyManager":  # not SOCKS: its pools are its own
                manager.pool_classes_by_scheme = dict(_WATCHED_POOLS)
            return manager

    for prefix in ("https://", "http://"):
        session.mount(prefix, WatchedAdapter())


def _seconds(value):
    return "%g" % round(value, 1)


def encode_body(payload, call):
    """The JSON bytes of the body of request ``call`` ("PATCH /postbacks/5"), None for None."""
    if payload is None:
        return None
    try:
        return _json.dumps(payload, allow_nan=False, separators=(",", ":")).encode("utf-8")
    except (TypeError, ValueError) as exc:
        error_type = type(exc).__name__  # the text may quote a value: a secret
    raise KochavaError("%s: the request body cannot be encoded as JSON (%s)" % (call, error_type))


def status_text(response):
    """Like ``HTTP 404 Not Found``: the standard phrase, not whatever the server sent."""
    status = response.status_code
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = response.reason if isinstance(response.reason, str) else ""
        reason = "".join(ch for ch in reason if ch.isprintable())[:60]
    return ("HTTP %d %s" % (status, reason)).rstrip()


def redirect_error(method, sent_path, url, response, host):
    """The error of a redirect answer, which is never followed: the key is only ever sent to ``host``."""
    location = response.headers.get("Location")
    try:
        target = _urlsplit(_urljoin(url, location)).hostname if location else None
    except ValueError:
        target = None
    return KochavaResponseError(
        "%s %s answered %s: refusing to follow redirect to %s (the API key is only sent to %s; check api_url)"
        % (method, sent_path, status_text(response), target or "an unknown location", host),
        method,
        sent_path,
        response.status_code,
    )


def _exception_chain(exc, limit=12):
    """The exception, its causes/contexts, urllib3 ``reason`` and exception args (bounded walk)."""
    seen = []
    todo = [exc]
    while todo and len(seen) < limit:
        current = todo.pop(0)
        if current is None or any(current is item for item in seen):
            continue
        seen.append(current)
        nexts = [getattr(current, "reason", None), current.__cause__, current.__context__]
        nexts.extend(arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException))
        todo.extend(item for item in nexts if isinstance(item, BaseException))
    return seen


def _tls_detail(chain):
    import ssl

    for item in chain:
        if isinstance(item, ssl.SSLCertVerificationError):
            return "certificate verify failed: %s" % (item.verify_message or item.reason)
        if isinstance(item, ssl.SSLError):
            return item.reason or type(item).__name__
    return None


def _connect_failure(chain):
    """``(reason, permanent)`` of a failure to connect (the request certainly was not sent)."""
    names = [type(item).__name__ for item in chain]
    if any(isinstance(item, socket.gaierror) and item.errno in _NO_SUCH_NAME for item in chain):
        # "Name or service not known": a typo in api_url or a missing DNS entry, not a blip; no retry
        return "the host name does not resolve (no such name; check api_url; not retried)", True
    if "NameResolutionError" in names or any(isinstance(item, OSError) and "resolve" in str(item).lower() for item in chain):
        return "could not resolve the host name", False
    if any(isinstance(item, ConnectionRefusedError) for item in chain) or any(
        "refused" in str(item).lower() for item in chain if isinstance(item, _NewConnectionError)
    ):
        return "connection refused", False
    return "could not connect", False


def classify(exc):
    """Turn a requests exception into a ``Failure``. Must not include header values."""
    rexc = requests.exceptions
    chain = _exception_chain(exc)
    if isinstance(exc, rexc.SSLError):
        detail = _tls_detail(chain)
        return Failure("TLS/certificate error" + (": %s" % detail if detail else ""), sent=False, permanent=True)
    if isinstance(exc, rexc.InvalidHeader):
        # its text quotes the header value, which may be the key
        return Failure("invalid request header (check api_key for stray characters)", sent=False, permanent=True)
    if isinstance(exc, (rexc.MissingSchema, rexc.InvalidSchema, rexc.InvalidURL, rexc.URLRequired)):
        return Failure("invalid URL (check api_url)", sent=False, permanent=True)
    if isinstance(exc, rexc.ConnectTimeout):
        return Failure("connection timed out", sent=False)
    if isinstance(exc, rexc.ReadTimeout):
        return Failure("read timed out", sent=True)
    if isinstance(exc, rexc.Timeout):
        return Failure("timed out", sent=True)
    if isinstance(exc, rexc.ConnectionError):
        if _NewConnectionError is not None and any(isinstance(item, _NewConnectionError) for item in chain):
            reason, permanent = _connect_failure(chain)
            return Failure(reason, sent=False, permanent=permanent)
        if any(type(item).__name__ == "ReadTimeoutError" or isinstance(item, socket.timeout) for item in chain):
            return Failure("read timed out", sent=True)  # requests' iter_content turns a read timeout into ConnectionError
        if any(isinstance(item, ConnectionResetError) for item in chain):
            return Failure("connection reset", sent=True)
        if any(type(item).__name__ == "RemoteDisconnected" for item in chain):
            return Failure("connection closed by the server without an answer", sent=True)
        return Failure("connection error (%s)" % type(exc).__name__, sent=True)
    if isinstance(exc, rexc.RequestException):
        return Failure("connection error (%s)" % type(exc).__name__, sent=True)
    return Failure("unexpected error (%s)" % type(exc).__name__, sent=True, permanent=True)
