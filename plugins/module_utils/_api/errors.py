# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Errors of the Kochava client, and which error an HTTP status means.

``str(error)`` is a user-facing message that never carries the API key.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class KochavaError(Exception):
    """Base class; ``str(e)`` / ``e.message`` is a user-facing message."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return self.message


class KochavaTransportError(KochavaError):
    """No usable answer: connection errors or timeouts after retries, a TLS error, a bad URL or header."""

    def __init__(self, message, method=None, path=None):
        super().__init__(message)
        self.method = method
        self.path = path


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
    """A write whose outcome is unknown (it may or may not have been applied); the caller re-reads to decide.

    ``changed`` is true: a task failing on it may have changed the app (the engine reports it so)."""

    changed = True


# status -> (class, explanation)
STATUS_ERRORS = {
    400: (KochavaBadRequestError, "the request was rejected as malformed"),
    401: (KochavaAuthError, "the API key is invalid (check api_key / KOCHAVA_API_KEY)"),
    403: (KochavaForbiddenError, "the API key is not authorized for this app"),
    404: (KochavaNotFoundError, "not found"),
    409: (KochavaDuplicateError, "a trigger with the same template, type and filter already exists"),
    429: (KochavaRateLimitError, "rate limited"),
}
DUPLICATE_EXPLANATION = STATUS_ERRORS[409][1]


def is_duplicate_text(texts):
    """True when any of ``texts`` mentions "duplicate" (case-insensitive)."""
    return any("duplicate" in text.lower() for text in texts if isinstance(text, str))


def error_for_status(status, texts=()):
    """``(class, explanation)`` for an HTTP error status; ``texts`` (what the server said) reveal duplicates sent as 400."""
    if status == 400 and is_duplicate_text(texts):
        return KochavaDuplicateError, DUPLICATE_EXPLANATION
    if status in STATUS_ERRORS:
        return STATUS_ERRORS[status]
    if status >= 500:
        return KochavaServerError, ""
    return KochavaHTTPError, ""
