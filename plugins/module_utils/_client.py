# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""HTTP client for Kochava's Premium Publisher API (postback triggers).

No Ansible import: the module glue turns ``KochavaError`` into ``fail_json``.

* one ``requests.Session``; the key travels in ``Authentication-Key`` and
  redirects are never followed (the key must not reach another host);
* every answer is checked against the documented envelope (``_schemas``);
* GET / PATCH / DELETE are retried on 429 / 500 / 502 / 503 / 504,
  connection errors and read timeouts (exponential backoff, full jitter,
  ``Retry-After`` honoured); TLS errors are permanent;
* a POST is never resent when it may have reached the server: an unknown
  outcome raises ``KochavaUncertainWriteError`` and the caller re-reads;
* no message or exception ever carries the key, the headers, or a
  requests object (exceptions are raised outside ``except`` blocks so they
  have no ``__context__``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json as _json
import math
import random as _random
import time
import traceback
from http import HTTPStatus
from urllib.parse import quote as _quote, urljoin as _urljoin, urlsplit as _urlsplit

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

from ansible_collections.kochava.publisher.plugins.module_utils._schemas import (
    HAS_VOLUPTUOUS,
    VOLUPTUOUS_IMPORT_ERROR,
    SchemaError,
    validate_envelope,
)

DEFAULT_API_URL = 'https://api.kochava.com'

RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
BACKOFF_BASE = 1.0
BACKOFF_CAP = 30.0
RETRY_AFTER_CAP = 60.0
_MAX_ERRORS_TEXT = 500

__all__ = [
    'DEFAULT_API_URL',
    'HAS_REQUESTS',
    'REQUESTS_IMPORT_ERROR',
    'HAS_VOLUPTUOUS',
    'VOLUPTUOUS_IMPORT_ERROR',
    'KochavaError',
    'KochavaTransportError',
    'KochavaResponseError',
    'KochavaHTTPError',
    'KochavaAuthError',
    'KochavaForbiddenError',
    'KochavaNotFoundError',
    'KochavaBadRequestError',
    'KochavaDuplicateError',
    'KochavaServerError',
    'KochavaRateLimitError',
    'KochavaUncertainWriteError',
    'KochavaClient',
    'backoff_delay',
    'parse_retry_after',
    'is_duplicate_text',
]


# --------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------


class KochavaError(Exception):
    """Base class; ``str(e)`` / ``e.message`` is a user-facing message."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return self.message


class KochavaTransportError(KochavaError):
    """No usable answer: connection / timeout after retries, or a TLS error (``retryable`` False)."""

    def __init__(self, message, method=None, path=None, retryable=True):
        super().__init__(message)
        self.method = method
        self.path = path
        self.status = None
        self.retryable = retryable


class _CallError(KochavaError):
    """An error of one API call: ``method``, ``path``, ``status`` (None without an answer) and the server's ``errors``."""

    def __init__(self, message, method=None, path=None, status=None, errors=None):
        super().__init__(message)
        self.method = method
        self.path = path
        self.status = status
        self.errors = list(errors or [])


class KochavaResponseError(_CallError):
    """An answer that is not what the API documents (not JSON, wrong shape, success false, redirect...)."""


class KochavaHTTPError(_CallError):
    """An HTTP error status; ``errors`` holds the envelope's ``errors`` (``[]`` if none)."""


class KochavaAuthError(KochavaHTTPError):
    """401: the API key is invalid."""


class KochavaForbiddenError(KochavaHTTPError):
    """403: the API key is not authorized for the app."""


class KochavaNotFoundError(KochavaHTTPError):
    """404."""


class KochavaBadRequestError(KochavaHTTPError):
    """400 (other than a duplicate)."""


class KochavaDuplicateError(KochavaHTTPError):
    """409, or 400 whose errors say "duplicate" (today's API answers duplicates that way)."""


class KochavaServerError(KochavaHTTPError):
    """5xx (after retries for GET / PATCH / DELETE)."""


class KochavaRateLimitError(KochavaHTTPError):
    """429 after retries."""


class KochavaUncertainWriteError(_CallError):
    """A POST whose outcome is unknown; the caller re-reads to decide. ``status`` None if no answer."""


# status -> (class, explanation)
_STATUS_ERRORS = {
    400: (KochavaBadRequestError, 'the request was rejected as malformed'),
    401: (KochavaAuthError, 'the API key is invalid (check api_key / KOCHAVA_API_KEY)'),
    403: (KochavaForbiddenError, 'the API key is not authorized for this app'),
    404: (KochavaNotFoundError, 'not found'),
    409: (KochavaDuplicateError, 'a trigger with the same template, type and filter already exists'),
    429: (KochavaRateLimitError, 'rate limited'),
}
_DUPLICATE_EXPLANATION = _STATUS_ERRORS[409][1]


def is_duplicate_text(texts):
    """True when any of ``texts`` mentions "duplicate" (case-insensitive)."""
    return any('duplicate' in text.lower() for text in texts if isinstance(text, str))


# --------------------------------------------------------------------------
# retry timing (pure)
# --------------------------------------------------------------------------


def backoff_delay(attempt, random=_random.random, base=BACKOFF_BASE, cap=BACKOFF_CAP):
    """Full jitter: ``random() * min(cap, base * 2 ** attempt)``; ``attempt`` counts retries from 0."""
    return random() * min(cap, base * (2 ** min(attempt, 32)))


def parse_retry_after(value, now=None, cap=RETRY_AFTER_CAP):
    """Seconds to wait for a ``Retry-After`` header value (seconds or HTTP date).

    Capped at ``cap``; a date in the past gives 0; an unreadable value gives None.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        seconds = None
    if seconds is None:
        from email.utils import parsedate_to_datetime  # only when a server sends a date

        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when is None:
            return None
        try:
            stamp = when.timestamp()
        except (OverflowError, ValueError, OSError):
            return None
        seconds = stamp - (time.time() if now is None else now)
    if math.isnan(seconds):
        return None
    return max(0.0, min(float(cap), seconds))


# --------------------------------------------------------------------------
# transport failure classification
# --------------------------------------------------------------------------


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


class _Failure(object):
    """What went wrong with one attempt, as plain strings (nothing that may carry the key)."""

    __slots__ = ('kind', 'sent', 'retryable', 'permanent')

    def __init__(self, kind, sent, retryable=True, permanent=False):
        self.kind = kind  # e.g. "connection refused", "read timed out"
        self.sent = sent  # False when the request certainly did not reach the server
        self.retryable = retryable
        self.permanent = permanent  # configuration / TLS: never retried


def _classify(exc):
    """Turn a requests exception into a ``_Failure``. Must not include header values."""
    rexc = requests.exceptions
    chain = _exception_chain(exc)
    if isinstance(exc, rexc.SSLError):
        import ssl

        detail = None
        for item in chain:
            if isinstance(item, ssl.SSLCertVerificationError):
                detail = 'certificate verify failed: %s' % (item.verify_message or item.reason)
                break
            if isinstance(item, ssl.SSLError):
                detail = item.reason or type(item).__name__
                break
        kind = 'TLS/certificate error' + (': %s' % detail if detail else '')
        return _Failure(kind, sent=False, retryable=False, permanent=True)
    if isinstance(exc, rexc.InvalidHeader):
        # its text quotes the header value, which may be the key
        return _Failure('invalid request header (check api_key for stray characters)', sent=False, retryable=False, permanent=True)
    if isinstance(exc, (rexc.MissingSchema, rexc.InvalidSchema, rexc.InvalidURL, rexc.URLRequired)):
        return _Failure('invalid URL (check api_url)', sent=False, retryable=False, permanent=True)
    if isinstance(exc, rexc.ConnectTimeout):
        return _Failure('connection timed out', sent=False)
    if isinstance(exc, rexc.ReadTimeout):
        return _Failure('read timed out', sent=True)
    if isinstance(exc, rexc.Timeout):
        return _Failure('timed out', sent=True)
    if isinstance(exc, rexc.ConnectionError):
        if _NewConnectionError is not None and any(isinstance(item, _NewConnectionError) for item in chain):
            names = [type(item).__name__ for item in chain]
            if 'NameResolutionError' in names or any(isinstance(item, OSError) and 'resolve' in str(item).lower() for item in chain):
                kind = 'could not resolve the host name'
            elif any(isinstance(item, ConnectionRefusedError) for item in chain) or any(
                'refused' in str(item).lower() for item in chain if isinstance(item, _NewConnectionError)
            ):
                kind = 'connection refused'
            else:
                kind = 'could not connect'
            return _Failure(kind, sent=False)
        if any(isinstance(item, ConnectionResetError) for item in chain):
            return _Failure('connection reset', sent=True)
        if any(type(item).__name__ == 'RemoteDisconnected' for item in chain):
            return _Failure('connection closed by the server without an answer', sent=True)
        return _Failure('connection error (%s)' % type(exc).__name__, sent=True)
    if isinstance(exc, rexc.RequestException):
        return _Failure('connection error (%s)' % type(exc).__name__, sent=True)
    return _Failure('unexpected error (%s)' % type(exc).__name__, sent=True, retryable=False, permanent=True)


# --------------------------------------------------------------------------
# the client
# --------------------------------------------------------------------------


class KochavaClient(object):
    """Talks to the Premium Publisher API; see the module docstring for the rules it follows."""

    def __init__(
        self,
        api_key,
        api_url=DEFAULT_API_URL,
        validate_certs=True,
        timeout=30,
        max_retries=4,
        session=None,
        sleep=time.sleep,
        random=_random.random,
        user_agent='kochava.publisher',
    ):
        if not api_key or not isinstance(api_key, str) or not api_key.strip():
            raise KochavaError('api_key is required: set the api_key option or the KOCHAVA_API_KEY environment variable')
        if session is None and not HAS_REQUESTS:
            raise KochavaError('the Python library requests is required to talk to the Kochava API')
        if not HAS_VOLUPTUOUS:
            raise KochavaError('the Python library voluptuous is required to check Kochava API answers')
        self._api_key = api_key
        self.api_url = (api_url or DEFAULT_API_URL).rstrip('/')
        self.validate_certs = validate_certs
        self.timeout = timeout
        self.max_retries = max(0, int(max_retries))
        self._sleep = sleep
        self._random = random
        self._host = _urlsplit(self.api_url).netloc.rpartition('@')[2] or self.api_url
        self._session = session if session is not None else requests.Session()
        self._session.headers.update(
            {
                'Authentication-Key': api_key,
                'Accept': 'application/json',
                'User-Agent': user_agent,
            }
        )
        self.warnings = []
        self.messages = []
        self.calls = []
        self._seen_warnings = set()
        self._seen_messages = set()

    def __repr__(self):
        return '<KochavaClient %s>' % self.api_url

    # ---------------------------------------------------------------- helpers

    def _redact(self, text):
        if self._api_key and self._api_key in text:
            text = text.replace(self._api_key, '<redacted>')
        return text

    def _collect(self, envelope):
        for key, bucket, seen in (('warnings', self.warnings, self._seen_warnings), ('messages', self.messages, self._seen_messages)):
            texts = envelope.get(key)
            for text in texts if isinstance(texts, list) else ():
                if isinstance(text, str):
                    text = self._redact(text)
                    if text not in seen:
                        seen.add(text)
                        bucket.append(text)

    def _server_said(self, errors):
        if not errors:
            return ''
        text = self._redact('; '.join(errors))
        if len(text) > _MAX_ERRORS_TEXT:
            text = text[:_MAX_ERRORS_TEXT] + '...'
        return ' (server said: %s)' % text

    @staticmethod
    def _status_text(response):
        status = response.status_code
        try:
            reason = HTTPStatus(status).phrase  # the standard phrase, not whatever the server sent
        except ValueError:
            reason = response.reason if isinstance(response.reason, str) else ''
            reason = ''.join(ch for ch in reason if ch.isprintable())[:60]
        return ('HTTP %d %s' % (status, reason)).rstrip()

    def _lenient_errors(self, body):
        """errors (and other texts) of an error answer, whatever its shape; collects warnings."""
        if not isinstance(body, dict):
            return [], []
        self._collect(body)
        errors = []
        raw = body.get('errors')
        if isinstance(raw, str):
            raw = [raw]
        for item in raw if isinstance(raw, list) else ():
            if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                errors.append(str(item))
            elif isinstance(item, dict):
                text = item.get('message') or item.get('error')
                if isinstance(text, str):
                    errors.append(text)
        if not errors:
            for key in ('message', 'error'):
                if isinstance(body.get(key), str) and body[key]:
                    errors.append(body[key])
        others = [text for text in (body.get('messages') or []) if isinstance(text, str)] if isinstance(body.get('messages'), list) else []
        return [self._redact(text) for text in errors], others

    @staticmethod
    def _decode(response):
        """(body, problem): body is the decoded JSON, or None for an empty body."""
        content = response.content or b''
        if not content.strip():
            return None, None
        try:
            return _json.loads(content), None
        except (ValueError, UnicodeDecodeError):
            return None, 'not JSON'

    def _encode(self, method, path, payload):
        if payload is None:
            return None
        try:
            return _json.dumps(payload, allow_nan=False, separators=(',', ':')).encode('utf-8')
        except (TypeError, ValueError) as exc:
            kind = type(exc).__name__
        raise KochavaError('%s %s: the request body cannot be encoded as JSON (%s)' % (method, path, kind))

    # ---------------------------------------------------------------- core

    def pause(self, retry_index):
        """Sleep before a caller's own retry (the engine re-POSTs after a re-read), with the client's backoff."""
        self._sleep(backoff_delay(retry_index, self._random))

    def request(self, method, path, params=None, json=None, kind=None):
        """Send one API call (with retries) and return the validated envelope.

        ``kind`` ("trigger" / "template") also checks and normalises every
        item of ``data``. Returns None for an empty 2xx body (DELETE).
        """
        method = method.upper()
        if not path.startswith('/'):
            path = '/' + path
        url = self.api_url + path
        body = self._encode(method, path, json)
        headers = {'Content-Type': 'application/json'} if body is not None else None
        attempts = 0
        while True:
            attempts += 1
            retry_index = attempts - 1
            self.calls.append((method, path))
            failure = None
            response = None
            try:
                response = self._session.request(
                    method, url, params=params, data=body, headers=headers, timeout=self.timeout, verify=self.validate_certs, allow_redirects=False
                )
            except Exception as exc:  # every transport error, turned into plain strings below
                if HAS_REQUESTS:
                    failure = _classify(exc)
                else:
                    failure = _Failure('connection error (%s)' % type(exc).__name__, sent=True)
            if failure is not None:
                self._on_failure(method, path, failure, attempts, retry_index)
                continue
            status = response.status_code
            if 200 <= status < 300:
                return self._success(method, path, response, kind)
            if 300 <= status < 400:
                self._redirect(method, path, url, response)
            delay = self._on_status(method, path, response, attempts, retry_index)
            self._sleep(delay)

    def _can_retry(self, attempts):
        return attempts <= self.max_retries

    def _on_failure(self, method, path, failure, attempts, retry_index):
        """Raise for a transport failure that ends the call, else sleep before the next attempt."""
        where = '%s %s' % (method, path)
        if failure.permanent:
            hint = ' (validate_certs: false skips the check; for test servers only)' if 'TLS' in failure.kind else ''
            raise KochavaTransportError('%s failed talking to %s: %s%s' % (where, self._host, failure.kind, hint), method, path, retryable=False)
        if method == 'POST' and failure.sent:
            raise KochavaUncertainWriteError(
                '%s: outcome unknown (%s, talking to %s); the trigger may or may not have been created' % (where, failure.kind, self._host), method, path, None
            )
        if not self._can_retry(attempts):
            raise KochavaTransportError(
                '%s failed after %d attempt%s talking to %s: %s' % (where, attempts, '' if attempts == 1 else 's', self._host, failure.kind),
                method,
                path,
                retryable=True,
            )
        self._sleep(backoff_delay(retry_index, self._random))

    def _on_status(self, method, path, response, attempts, retry_index):
        """Raise for an error status; return the delay when the call should be repeated."""
        status = response.status_code
        body, dummy = self._decode(response)
        errors, others = self._lenient_errors(body)
        where = '%s %s' % (method, path)
        status_text = self._status_text(response)
        said = self._server_said(errors)
        if status >= 500 and method == 'POST':
            raise KochavaUncertainWriteError(
                '%s answered %s%s; the outcome is unknown (the trigger may or may not have been created)' % (where, status_text, said),
                method,
                path,
                status,
                errors,
            )
        retryable = status in RETRY_STATUSES
        if retryable and self._can_retry(attempts):
            delay = parse_retry_after(response.headers.get('Retry-After'))
            return backoff_delay(retry_index, self._random) if delay is None else delay
        if status == 400 and (is_duplicate_text(errors + others) or (not isinstance(body, dict) and is_duplicate_text([response.text[:500]]))):
            cls, explanation = KochavaDuplicateError, _DUPLICATE_EXPLANATION
        elif status in _STATUS_ERRORS:
            cls, explanation = _STATUS_ERRORS[status]
        elif status >= 500:
            cls, explanation = KochavaServerError, ''
        else:
            cls, explanation = KochavaHTTPError, ''
        detail = status_text + (': ' + explanation if explanation else '') + said
        if retryable:
            message = '%s failed after %d attempt%s: %s' % (where, attempts, '' if attempts == 1 else 's', detail)
        else:
            message = '%s failed: %s' % (where, detail)
        raise cls(message, method, path, status, errors)

    def _redirect(self, method, path, url, response):
        location = response.headers.get('Location')
        target = None
        if location:
            try:
                target = _urlsplit(_urljoin(url, location)).hostname
            except ValueError:
                target = None
        raise KochavaResponseError(
            '%s %s answered %s: refusing to follow redirect to %s (the API key is only sent to %s; check api_url)'
            % (method, path, self._status_text(response), target or 'an unknown location', self._host),
            method,
            path,
            response.status_code,
        )

    def _success(self, method, path, response, kind):
        status = response.status_code
        where = '%s %s answered HTTP %d' % (method, path, status)
        body, problem = self._decode(response)
        if problem:
            raise KochavaResponseError('%s with a body that is not JSON' % where, method, path, status)
        if body is None:
            if method == 'GET':
                raise KochavaResponseError('%s with an empty body' % where, method, path, status)
            return None
        try:
            envelope = validate_envelope(body, kind)
        except SchemaError as exc:
            problems = exc.problems
        else:
            problems = None
        if problems:
            if isinstance(body, dict):
                self._collect_leniently(body)
            shown = '; '.join(problems[:5]) + ('; ...' if len(problems) > 5 else '')
            raise KochavaResponseError('%s with an unexpected body: %s' % (where, shown), method, path, status)
        self._collect(envelope)
        if not envelope['success']:
            errors = [self._redact(text) for text in envelope.get('errors') or []]
            others = envelope.get('messages') or []
            if is_duplicate_text(errors + others):
                raise KochavaDuplicateError(
                    '%s with success=false: %s%s' % (where, _DUPLICATE_EXPLANATION, self._server_said(errors or others)), method, path, status, errors
                )
            raise KochavaResponseError('%s with success=false%s' % (where, self._server_said(errors)), method, path, status, errors)
        return envelope

    def _collect_leniently(self, body):
        self._lenient_errors(body)

    # ---------------------------------------------------------------- pagination

    def get_all(self, path, kind=None):
        """``data`` of every page of a GET, following ``nextToken`` with ``pageToken``."""
        items = []
        params = None
        seen = set()
        while True:
            envelope = self.request('GET', path, params=params, kind=kind)
            items.extend(envelope['data'])
            token = envelope.get('nextToken')
            if not token:
                return items
            if token in seen:
                raise KochavaResponseError(
                    'GET %s answered HTTP 200 with a nextToken it already gave (pagination loop) after %d pages' % (path, len(seen) + 1), 'GET', path, 200
                )
            seen.add(token)
            params = {'pageToken': token}

    # ---------------------------------------------------------------- domain helpers

    def list_templates(self, app_id, pending=False):
        """Postback templates of an app (``pending``: those still to set up), all pages."""
        suffix = 'incomplete' if pending else 'templates'
        return self.get_all('/apps/%s/postbacks/%s' % (_segment(app_id), suffix), kind='template')

    def list_triggers(self, app_id):
        """Every postback trigger of an app, all pages."""
        return self.get_all('/apps/%s/postbacks' % _segment(app_id), kind='trigger')

    def get_trigger(self, app_id, trigger_id):
        """One trigger, or None when the API says 404 or answers no data."""
        path = '/apps/%s/postbacks/%s' % (_segment(app_id), _segment(trigger_id))
        try:
            envelope = self.request('GET', path, kind='trigger')
        except KochavaNotFoundError:
            return None
        return _pick(envelope, trigger_id)

    def create_trigger(self, payload):
        """POST /postbacks; the created trigger, or None when the answer carried none."""
        return _pick(self.request('POST', '/postbacks', json=payload, kind='trigger'))

    def update_trigger(self, trigger_id, payload):
        """PATCH /postbacks/{id}; the updated trigger, or None (the answer may carry ``data: []``)."""
        return _pick(self.request('PATCH', '/postbacks/%s' % _segment(trigger_id), json=payload, kind='trigger'), trigger_id)

    def delete_trigger(self, trigger_id):
        """DELETE /postbacks/{id}; the documented answer is 200 with an empty body."""
        self.request('DELETE', '/postbacks/%s' % _segment(trigger_id), kind='trigger')


def _segment(value):
    """One path segment, quoted (ids come from user input)."""
    return _quote(str(value), safe='')


def _pick(envelope, wanted_id=None):
    """The trigger of a single-trigger answer: the one with ``wanted_id`` if given, else the first."""
    if not envelope or not envelope['data']:
        return None
    data = envelope['data']
    if wanted_id is not None:
        for item in data:
            if str(item.get('id')) == str(wanted_id):
                return item
    return data[0]
