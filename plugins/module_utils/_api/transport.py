# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One HTTP exchange with ``requests``, and what went wrong when there is no answer.

The key travels in ``Authentication-Key``; redirects are never followed (the
key must not reach another host). A failure is described by plain strings
only: requests' own texts may quote headers, hence the key.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json as _json
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

from ansible_collections.kochava.publisher.plugins.module_utils._api.errors import KochavaError, KochavaResponseError

USER_AGENT = 'kochava.publisher'


class Failure(object):
    """What went wrong with one attempt that got no answer, as plain strings."""

    __slots__ = ('reason', 'sent', 'permanent')

    def __init__(self, reason, sent, permanent=False):
        self.reason = reason  # e.g. "connection refused", "read timed out"
        self.sent = sent  # False when the request certainly did not reach the server
        self.permanent = permanent  # configuration / TLS: never retried


class Transport(object):
    """A ``requests.Session`` set up for the API; ``send`` makes one exchange (after the ``pacer``'s wait, if any)."""

    def __init__(self, api_key, session=None, validate_certs=True, timeout=30, pacer=None):
        self.validate_certs = validate_certs
        self.timeout = timeout
        self.pacer = pacer  # a _pacing.Pacer shared with the other forks, or None
        self._session = session if session is not None else requests.Session()
        self._session.headers.update({'Authentication-Key': api_key, 'Accept': 'application/json', 'User-Agent': USER_AGENT})

    def send(self, method, url, params=None, body=None):
        """``(response, None)``, or ``(None, Failure)`` when no answer came; never follows a redirect."""
        headers = {'Content-Type': 'application/json'} if body is not None else None
        if self.pacer is not None:
            self.pacer.wait()
        try:
            response = self._session.request(
                method, url, params=params, data=body, headers=headers, timeout=self.timeout, verify=self.validate_certs, allow_redirects=False
            )
        except Exception as exc:  # every transport error, turned into plain strings
            return None, (classify(exc) if HAS_REQUESTS else Failure('connection error (%s)' % type(exc).__name__, sent=True))
        return response, None


def encode_body(payload, call):
    """The JSON bytes of the body of request ``call`` ("PATCH /postbacks/5"), None for None."""
    if payload is None:
        return None
    try:
        return _json.dumps(payload, allow_nan=False, separators=(',', ':')).encode('utf-8')
    except (TypeError, ValueError) as exc:
        error_type = type(exc).__name__  # the text may quote a value: a secret
    raise KochavaError('%s: the request body cannot be encoded as JSON (%s)' % (call, error_type))


def status_text(response):
    """Like ``HTTP 404 Not Found``: the standard phrase, not whatever the server sent."""
    status = response.status_code
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = response.reason if isinstance(response.reason, str) else ''
        reason = ''.join(ch for ch in reason if ch.isprintable())[:60]
    return ('HTTP %d %s' % (status, reason)).rstrip()


def redirect_error(method, sent_path, url, response, host):
    """The error of a redirect answer, which is never followed: the key is only ever sent to ``host``."""
    location = response.headers.get('Location')
    try:
        target = _urlsplit(_urljoin(url, location)).hostname if location else None
    except ValueError:
        target = None
    return KochavaResponseError(
        '%s %s answered %s: refusing to follow redirect to %s (the API key is only sent to %s; check api_url)'
        % (method, sent_path, status_text(response), target or 'an unknown location', host),
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
        nexts = [getattr(current, 'reason', None), current.__cause__, current.__context__]
        nexts.extend(arg for arg in getattr(current, 'args', ()) if isinstance(arg, BaseException))
        todo.extend(item for item in nexts if isinstance(item, BaseException))
    return seen


def _tls_detail(chain):
    import ssl

    for item in chain:
        if isinstance(item, ssl.SSLCertVerificationError):
            return 'certificate verify failed: %s' % (item.verify_message or item.reason)
        if isinstance(item, ssl.SSLError):
            return item.reason or type(item).__name__
    return None


def _connect_failure(chain):
    """Kind of a failure to connect (the request certainly was not sent)."""
    names = [type(item).__name__ for item in chain]
    if 'NameResolutionError' in names or any(isinstance(item, OSError) and 'resolve' in str(item).lower() for item in chain):
        return 'could not resolve the host name'
    if any(isinstance(item, ConnectionRefusedError) for item in chain) or any(
        'refused' in str(item).lower() for item in chain if isinstance(item, _NewConnectionError)
    ):
        return 'connection refused'
    return 'could not connect'


def classify(exc):
    """Turn a requests exception into a ``Failure``. Must not include header values."""
    rexc = requests.exceptions
    chain = _exception_chain(exc)
    if isinstance(exc, rexc.SSLError):
        detail = _tls_detail(chain)
        return Failure('TLS/certificate error' + (': %s' % detail if detail else ''), sent=False, permanent=True)
    if isinstance(exc, rexc.InvalidHeader):
        # its text quotes the header value, which may be the key
        return Failure('invalid request header (check api_key for stray characters)', sent=False, permanent=True)
    if isinstance(exc, (rexc.MissingSchema, rexc.InvalidSchema, rexc.InvalidURL, rexc.URLRequired)):
        return Failure('invalid URL (check api_url)', sent=False, permanent=True)
    if isinstance(exc, rexc.ConnectTimeout):
        return Failure('connection timed out', sent=False)
    if isinstance(exc, rexc.ReadTimeout):
        return Failure('read timed out', sent=True)
    if isinstance(exc, rexc.Timeout):
        return Failure('timed out', sent=True)
    if isinstance(exc, rexc.ConnectionError):
        if _NewConnectionError is not None and any(isinstance(item, _NewConnectionError) for item in chain):
            return Failure(_connect_failure(chain), sent=False)
        if any(isinstance(item, ConnectionResetError) for item in chain):
            return Failure('connection reset', sent=True)
        if any(type(item).__name__ == 'RemoteDisconnected' for item in chain):
            return Failure('connection closed by the server without an answer', sent=True)
        return Failure('connection error (%s)' % type(exc).__name__, sent=True)
    if isinstance(exc, rexc.RequestException):
        return Failure('connection error (%s)' % type(exc).__name__, sent=True)
    return Failure('unexpected error (%s)' % type(exc).__name__, sent=True, permanent=True)
