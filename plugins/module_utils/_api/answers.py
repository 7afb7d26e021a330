# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Reading the API's answers: the documented envelope, error bodies, warnings, pages.

Every success answer is checked against the envelope (``_schemas``); error
answers are read leniently, whatever their shape. Texts taken from answers
are redacted before they reach a message or the list of warnings.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json as _json

from ansible_collections.kochava.publisher.plugins.module_utils._api.errors import (
    DUPLICATE_EXPLANATION,
    KochavaDuplicateError,
    KochavaResponseError,
    is_duplicate_text,
)
from ansible_collections.kochava.publisher.plugins.module_utils._api.redact import redact
from ansible_collections.kochava.publisher.plugins.module_utils._api.schemas import SchemaError, validate_envelope

MAX_SERVER_TEXT = 500


def decode(response):
    """``(body, problem)``: body is the decoded JSON, or None for an empty body; problem "not JSON" (or why not) or None.

    Never raises: a body nested deeper than Python recurses, or too big to hold decoded, is a problem like any other."""
    content = response.content or b""
    if not content.strip():
        return None, None
    try:
        return _json.loads(content), None
    except (ValueError, UnicodeDecodeError):
        return None, "not JSON"
    except RecursionError:
        return None, "not JSON that can be read (nested too deeply)"
    except MemoryError:
        return None, "not JSON that fits in memory"


class AnswerReader(object):
    """Reads answers for one client; API warnings go to ``note`` (redacted, each once)."""

    def __init__(self, secrets, note):
        self._secrets = list(secrets)
        self._note = note
        self._seen = set()

    def redact(self, text):
        return redact(text, self._secrets)

    def collect(self, body):
        """Note the ``warnings`` of an answer body (any shape)."""
        texts = body.get("warnings") if isinstance(body, dict) else None
        for text in texts if isinstance(texts, list) else ():
            if isinstance(text, str):
                text = self.redact(text)
                if text not in self._seen:
                    self._seen.add(text)
                    self._note(text)

    def server_said(self, texts):
        """`` (server said: ...)`` for a message, or '' when the server said nothing."""
        if not texts:
            return ""
        text = self.redact("; ".join(texts))
        if len(text) > MAX_SERVER_TEXT:
            text = text[:MAX_SERVER_TEXT] + "..."
        return " (server said: %s)" % text

    def error_texts(self, body):
        """``(errors, messages)`` of an error answer, whatever its shape; notes its warnings."""
        if not isinstance(body, dict):
            return [], []
        self.collect(body)
        errors = []
        raw = body.get("errors")
        if isinstance(raw, str):
            raw = [raw]
        for item in raw if isinstance(raw, list) else ():
            if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                errors.append(str(item))
            elif isinstance(item, dict):
                text = item.get("message") or item.get("error")
                if isinstance(text, str):
                    errors.append(text)
        if not errors:
            errors = [body[key] for key in ("message", "error") if isinstance(body.get(key), str) and body[key]]
        messages = body.get("messages")
        messages = [text for text in messages if isinstance(text, str)] if isinstance(messages, list) else []
        return [self.redact(text) for text in errors], messages

    def success(self, method, path, response, shape=None):
        """The validated envelope of a 2xx answer, or None for an empty body (not allowed for GET)."""
        status = response.status_code
        answered = "%s %s answered HTTP %d" % (method, path, status)
        body, problem = decode(response)
        if problem:
            raise KochavaResponseError("%s with a body that is %s" % (answered, problem), method, path, status)
        if body is None:
            if method == "GET":
                raise KochavaResponseError("%s with an empty body" % answered, method, path, status)
            return None
        try:
            envelope = validate_envelope(body, shape)
        except SchemaError as exc:
            problems = exc.problems
        except RecursionError:
            problems = ["values nested too deeply to check"]
        except MemoryError:
            problems = ["too big to check in memory"]
        else:
            problems = None
        if problems:
            self.collect(body)
            listed = "; ".join(problems[:5]) + ("; ..." if len(problems) > 5 else "")
            raise KochavaResponseError("%s with an unexpected body: %s" % (answered, listed), method, path, status)
        self.collect(envelope)
        if not envelope["success"]:
            errors = [self.redact(text) for text in envelope.get("errors") or []]
            others = envelope.get("messages") or []
            if is_duplicate_text(errors + others):
                said = self.server_said(errors or others)
                raise KochavaDuplicateError("%s with success=false: %s%s" % (answered, DUPLICATE_EXPLANATION, said), method, path, status, errors)
            refused = KochavaResponseError("%s with success=false%s" % (answered, self.server_said(errors)), method, path, status, errors)
            refused.refused = True  # the API said the call failed: for a write, not an unknown outcome
            raise refused
        return envelope


# 10,000 triggers at 50 a page: far more than an app holds (a handful, or
# hundreds), and a bound on an answer whose nextToken never ends.
MAX_PAGES = 200


def read_all_pages(get_page, sent_path):
    """``data`` of every page: ``get_page(params)`` returns one envelope; follows ``nextToken`` with ``pageToken``.

    ``sent_path`` is the request path for the message when the API repeats a token.
    """
    items = []
    params = None
    seen = set()
    while True:
        envelope = get_page(params)
        if envelope["data"] is None:
            raise KochavaResponseError("GET %s answered data: null where the API document gives a list" % sent_path, "GET", sent_path, 200)
        items.extend(envelope["data"])
        token = envelope.get("nextToken")
        if not token:
            return items
        if len(seen) + 1 >= MAX_PAGES:
            raise KochavaResponseError(
                "GET %s answered more than %d pages; stopping (a pagination that never ends?)" % (sent_path, MAX_PAGES), "GET", sent_path, 200
            )
        if token in seen:
            raise KochavaResponseError(
                "GET %s answered HTTP 200 with a nextToken it already gave (pagination loop) after %d pages" % (sent_path, len(seen) + 1),
                "GET",
                sent_path,
                200,
            )
        seen.add(token)
        params = {"pageToken": token}
