# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Client of Kochava's Premium Publisher API: transport, answer reader and retry policy put together.

GET / PATCH / DELETE are retried on 5xx, connection errors and read
timeouts (``max_retries``). A 429 is waited out for every method, POST
included (the request was refused, not lost), against the time budget
``rate_limit_wait``. A POST is otherwise resent only when it certainly did
not reach the server; an unknown outcome raises ``KochavaUncertainWriteError``
and the caller re-reads. A write answered 2xx with a body that cannot be read
(not JSON, not the documented shape, over ``max_answer_bytes``, cut off) is an
unknown outcome too: the server may have done it. Messages name the request as sent
(``GET /v1/apps/1/postbacks``) and never carry the key; errors are raised
outside ``except`` blocks so they have no ``__context__``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random as _random
import re
import time
from urllib.parse import quote as _quote, urlsplit as _urlsplit

from ansible_collections.kochava.publisher.plugins.module_utils._api.answers import AnswerReader, decode, read_all_pages
from ansible_collections.kochava.publisher.plugins.module_utils._api.errors import (
    KochavaDuplicateError,
    KochavaError,
    KochavaForbiddenError,
    KochavaNotFoundError,
    KochavaResponseError,
    KochavaTransportError,
    KochavaUncertainWriteError,
    error_for_status,
)
from ansible_collections.kochava.publisher.plugins.module_utils._api.pacing import make_pacer, rate_options_problem
from ansible_collections.kochava.publisher.plugins.module_utils._api.retry import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_RATE_LIMIT_WAIT,
    RETRY_STATUSES,
    RetryPolicy,
    parse_retry_after,
)
from ansible_collections.kochava.publisher.plugins.module_utils._api.schemas import HAS_VOLUPTUOUS
from ansible_collections.kochava.publisher.plugins.module_utils._api.transport import (
    DEFAULT_MAX_ANSWER_BYTES,
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    Transport,
    encode_body,
    redirect_error,
    status_text,
)
from ansible_collections.kochava.publisher.plugins.module_utils._api.trust import trusted

DEFAULT_API_URL = "https://api.kochava.com"
WRITES = ("POST", "PATCH", "DELETE")
APP_PATH = re.compile(r"/apps/([^/]+)(?:/|$)")
MISSING_KEY = "api_key is required: set it in the task, in module_defaults for group/kochava.publisher.kochava, or in the KOCHAVA_API_KEY environment variable"

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_MAX_ANSWER_BYTES",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_RATE_LIMIT_WAIT",
    "HAS_REQUESTS",
    "REQUESTS_IMPORT_ERROR",
    "KochavaClient",
    "KochavaDuplicateError",
    "KochavaError",
    "KochavaNotFoundError",
    "KochavaUncertainWriteError",
    "MISSING_KEY",
    "api_key_missing",
]


def api_key_missing(api_key):
    """Whether ``api_key`` is no key at all (unset, not a string, empty or blank): then the task says ``MISSING_KEY``."""
    return not isinstance(api_key, str) or not api_key.strip()


class KochavaClient(object):
    """Talks to the Premium Publisher API; ``warnings`` collects the API's warnings (redacted), ``retry`` is the retry policy."""

    def __init__(
        self,
        api_key,
        api_url=DEFAULT_API_URL,
        validate_certs=True,
        timeout=30,
        max_retries=DEFAULT_MAX_RETRIES,
        session=None,
        sleep=time.sleep,
        random=_random.random,
        rate_limit_wait=DEFAULT_RATE_LIMIT_WAIT,
        max_requests_per_second=0,
        max_answer_bytes=DEFAULT_MAX_ANSWER_BYTES,
    ):
        if api_key_missing(api_key):
            raise KochavaError(MISSING_KEY)
        if session is None and not HAS_REQUESTS:
            raise KochavaError("the Python library requests is required to talk to the Kochava API")
        if not HAS_VOLUPTUOUS:
            raise KochavaError("the Python library voluptuous is required to check Kochava API answers")
        problem = rate_options_problem(rate_limit_wait, max_requests_per_second)
        if problem:
            raise KochavaError(problem)
        self.api_url = (api_url or DEFAULT_API_URL).rstrip("/")
        parts = _urlsplit(self.api_url)
        self._host = parts.netloc.rpartition("@")[2] or self.api_url
        self._prefix = parts.path if parts.netloc else ""  # "/v1" of "https://host/v1"
        self.retry = RetryPolicy(max_retries, sleep=sleep, random=random, rate_limit_wait=rate_limit_wait)
        self.warnings = []
        pacer = make_pacer(max_requests_per_second, api_key, self.api_url, self.warnings.append, sleep=sleep)
        self._transport = Transport(api_key, session, validate_certs, timeout, pacer, max_answer_bytes)
        self._reader = AnswerReader([api_key], self.warnings.append)

    def __repr__(self):
        return "<KochavaClient %s>" % self.api_url

    @property
    def session(self):
        """The HTTP session (a ``requests.Session`` unless one was given): pass it to the next client with the same URL and key."""
        return self._transport.session

    def sent_path(self, path):
        """The request path as sent: ``/v1/apps/1/postbacks`` for ``/apps/1/postbacks`` with api_url ``https://host/v1``."""
        return self._prefix + (path if path.startswith("/") else "/" + path)

    def call_name(self, method, path):
        """``"GET /v1/apps/1/postbacks"``: a call as messages and the retry summary name it."""
        return "%s %s" % (method.upper(), self.sent_path(path))

    # ---------------------------------------------------------------- one call, with retries

    def request(self, method, path, params=None, json=None, shape=None):
        """Send one API call (with retries) and return the validated envelope.

        ``shape`` ("trigger" / "template") also checks and normalises every
        item of ``data``. Returns None for an empty 2xx body (DELETE).
        """
        method = method.upper()
        path = path if path.startswith("/") else "/" + path
        sent_path, call = self.sent_path(path), self.call_name(method, path)
        body = encode_body(json, call)
        attempts = failures = streak = 0  # failures count against max_retries; streak: consecutive 429s
        while True:
            attempts += 1
            response, failure = self._transport.send(method, self.api_url + path, params, body)
            limited = failure is None and response.status_code == 429
            streak = streak + 1 if limited else 0
            if limited and self.retry.wait_rate_limited(streak, call, parse_retry_after(response.headers.get("Retry-After"))) is not None:
                continue  # refused, not lost: every method, POST included, is resent after the wait
            failures += not limited
            if failure is not None:
                error = self._failure_error(call, method, sent_path, failure, attempts, failures)
                if error is not None:
                    raise error
                self.retry.wait(failures - 1, call, failure.reason)
                continue
            status = response.status_code
            if 200 <= status < 300:
                return self._success(method, sent_path, response, shape)
            if 300 <= status < 400:
                raise redirect_error(method, sent_path, self.api_url + path, response, self._host)
            error = self._status_error(call, method, sent_path, response, attempts, failures)
            if error is not None:
                raise error
            self.retry.wait(failures - 1, call, "HTTP %d" % status, parse_retry_after(response.headers.get("Retry-After")))

    def _success(self, method, sent_path, response, shape):
        """The envelope of a 2xx answer; a write's answer that cannot be read leaves its outcome unknown."""
        try:
            return self._reader.success(method, sent_path, response, shape)
        except KochavaDuplicateError:
            raise  # the API said what happened: nothing was written
        except KochavaResponseError as exc:
            if method not in WRITES or getattr(exc, "refused", False):  # success=false: refused, not unknown
                raise
            error = exc
        raise KochavaUncertainWriteError(
            "%s; the outcome is unknown: the write may or may not have been applied" % error.message, method, sent_path, error.status
        )

    def _failure_error(self, call, method, sent_path, failure, attempts, failures):
        """The error that ends ``call`` when an attempt got no answer, or None when it may be retried."""
        if failure.permanent:
            hint = " (validate_certs: false skips the check; for test servers only)" if "TLS" in failure.reason else ""
            return KochavaTransportError("%s failed talking to %s: %s%s" % (call, self._host, failure.reason, hint), method, sent_path)
        if method == "POST" and failure.sent:  # a lost, cut-off, oversized or late answer alike
            return KochavaUncertainWriteError(
                "%s: the outcome is unknown (%s, talking to %s): the write may or may not have been applied" % (call, failure.reason, self._host),
                method,
                sent_path,
            )
        if not self.retry.can_retry(failures):
            return KochavaTransportError("%s failed after %s talking to %s: %s" % (call, _attempts(attempts), self._host, failure.reason), method, sent_path)
        return None

    def _status_error(self, call, method, sent_path, response, attempts, failures):
        """The error that ends ``call`` answered with an error status, or None when it may be retried."""
        status = response.status_code
        body, dummy = decode(response)
        errors, others = self._reader.error_texts(body)  # notes the answer's warnings, retried or not
        said = self._reader.server_said(errors)
        if status >= 500 and method == "POST":
            return KochavaUncertainWriteError(
                "%s answered %s%s; the outcome is unknown: the write may or may not have been applied" % (call, status_text(response), said),
                method,
                sent_path,
                status,
                errors,
            )
        retryable = status in RETRY_STATUSES and status != 429  # a 429 here: the rate_limit_wait budget is spent
        if retryable and self.retry.can_retry(failures):
            return None
        texts = errors + others if isinstance(body, dict) else [response.text[:500]]
        cls, explanation = error_for_status(status, texts)
        explanation = self.retry.budget_spent() if status == 429 else explanation
        app = APP_PATH.match(path_of(sent_path, self._prefix))
        if app and cls in (KochavaForbiddenError, KochavaNotFoundError):
            explanation = "the key cannot see app %s: no such app, or not authorized" % app.group(1)
        detail = status_text(response) + (": " + explanation if explanation else "") + said
        if retryable:
            return cls("%s failed after %s: %s" % (call, _attempts(attempts), detail), method, sent_path, status, errors)
        return cls("%s failed: %s" % (call, detail), method, sent_path, status, errors)

    # ---------------------------------------------------------------- the API's calls

    def get_all(self, path, shape=None):
        """``data`` of every page of a GET, following ``nextToken`` with ``pageToken``."""
        return read_all_pages(lambda params: self.request("GET", path, params=params, shape=shape), self.sent_path(path))

    def list_templates(self, app_id, pending=False):
        """Postback templates of an app (``pending``: those still to set up), all pages."""
        suffix = "incomplete" if pending else "templates"
        return self.get_all("/apps/%s/postbacks/%s" % (_segment(app_id), suffix), shape="template")

    def list_triggers(self, app_id):
        """Every postback trigger of an app, all pages; each one of that app, with its key fields."""
        path = "/apps/%s/postbacks" % _segment(app_id)
        return trusted(self.get_all(path, shape="trigger"), app_id, self.call_name("GET", path))

    def get_trigger(self, app_id, trigger_id):
        """One trigger, or None when the API says 404 or answers no data."""
        path = "/apps/%s/postbacks/%s" % (_segment(app_id), _segment(trigger_id))
        try:
            envelope = self.request("GET", path, shape="trigger")
        except KochavaNotFoundError:
            return None
        data = trusted(envelope["data"], app_id, self.call_name("GET", path), wanted_id=trigger_id)
        return data[0] if data else None

    def create_trigger(self, payload):
        """POST /postbacks; the created trigger, or None when the answer carried none."""
        return _pick(self.request("POST", "/postbacks", json=payload, shape="trigger"))

    def update_trigger(self, trigger_id, payload):
        """PATCH /postbacks/{id}; the updated trigger, or None (the answer may carry ``data: []``)."""
        return _pick(self.request("PATCH", "/postbacks/%s" % _segment(trigger_id), json=payload, shape="trigger"), trigger_id)

    def delete_trigger(self, trigger_id):
        """DELETE /postbacks/{id}; the documented answer is 200 with an empty body."""
        self.request("DELETE", "/postbacks/%s" % _segment(trigger_id), shape="trigger")


def path_of(sent_path, prefix):
    """``/apps/1/postbacks`` of ``/v1/apps/1/postbacks`` (api_url path ``/v1``)."""
    return sent_path[len(prefix) :] if prefix and sent_path.startswith(prefix) else sent_path


def _attempts(count):
    return "%d attempt%s" % (count, "" if count == 1 else "s")


def _segment(value):
    """One path segment, quoted (ids come from user input)."""
    return _quote(str(value), safe="")


def _pick(envelope, wanted_id=None):
    """The trigger of a single-trigger answer: the one with ``wanted_id`` if given, else the first."""
    if not envelope or not envelope["data"]:
        return None
    data = envelope["data"]
    if wanted_id is not None:
        for item in data:
            if str(item.get("id")) == str(wanted_id):
                return item
    return data[0]
