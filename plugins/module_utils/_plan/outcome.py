# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The outcome of a task, for pipelines: a ``status`` on every result and, on a
failure, a machine-readable ``failure`` kind, so a CI job branches on a field
or an exit code, never on a message's text.

``status`` is one of ``converged`` (nothing to change), ``changed`` (written,
or in check mode: would write), ``drift`` (``expect_no_changes`` found
differences), ``stale`` (``expected_plan`` is no longer the plan) and
``error``.

``failure`` (failed results only) is one of FAILURES. ``is_unreachable`` says
which failures mean the app's state could not be read or written: the action
plugins return those as ``unreachable`` (``as_unreachable``; ansible-playbook exits 4),
every other failure stays ``failed`` (exit 2). 401 and 403 are among them: a key the API
refuses reads nothing, so a drift gate has no answer about the app, exactly as
in an outage; what differs (fix the key or its rights, not the network) is the
kind, ``denied``.

Pure: nothing here talks to the network or imports Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kochava.publisher.plugins.module_utils._api.errors import (
    KochavaAuthError,
    KochavaBadRequestError,
    KochavaDuplicateError,
    KochavaError,
    KochavaForbiddenError,
    KochavaHTTPError,
    KochavaNotFoundError,
    KochavaRateLimitError,
    KochavaResponseError,
    KochavaServerError,
    KochavaTransportError,
    KochavaUncertainWriteError,
)
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import TriggerError

STATUSES = ("converged", "changed", "drift", "stale", "error")

# kind -> what it means (the modules' RETURN and the guide say the same)
FAILURES = {
    "input": "the task's options or items are wrong (refused before any write, most before any call)",
    "drift": "expect_no_changes: the app differs from its declaration (nothing was written)",
    "stale": "expected_plan: the plan is no longer the reviewed one (nothing was written)",
    "guard": "max_deletes: the run would delete more triggers than allowed (nothing was written)",
    "unavailable": (
        "the API could not be reached or did not answer in time: connection errors, timeouts, 5xx or 429 past the retry budget, "
        "a write whose outcome stayed unknown"
    ),
    "denied": "the API refused the key: 401 (invalid key) or 403 (not authorized for the app)",
    "answer": "the API answered something that could not be trusted (not the documented shape, or a write not read back as sent)",
    "not_found": "the API answered 404 for something the task addresses",
    "conflict": "the API answered that the trigger exists, and it could not be found to adopt it",
    "rejected": "the API rejected a request (400 or another 4xx status)",
    "dependency": "a Python library the modules need (requests, voluptuous) is missing",
    "internal": "an unexpected error inside the collection",
}
# The kinds whose app state could not be read or written: unreachable (exit 4), not failed (exit 2).
UNREACHABLE = frozenset(("unavailable", "denied", "answer"))

_BY_CLASS = (  # most specific first
    (KochavaUncertainWriteError, "unavailable"),
    (KochavaTransportError, "unavailable"),
    (KochavaServerError, "unavailable"),
    (KochavaRateLimitError, "unavailable"),
    (KochavaAuthError, "denied"),
    (KochavaForbiddenError, "denied"),
    (KochavaNotFoundError, "not_found"),
    (KochavaDuplicateError, "conflict"),
    (KochavaBadRequestError, "rejected"),
    (KochavaResponseError, "answer"),
    (KochavaHTTPError, "rejected"),
)
_STATUS_OF = {"drift": "drift", "stale": "stale"}


def failure_of(exc):
    """The failure kind of an exception the engine or the client raised.

    An error may say it itself (``exc.failure``, set where the engine knows
    better than the class, e.g. drift, a stale review, an unconfirmed create);
    else its class decides. Any other KochavaError or TriggerError is ``input``
    (a missing key, a bad URL, an unknown template...); anything else ``internal``.
    """
    kind = getattr(exc, "failure", None)
    if kind in FAILURES:
        return kind
    for cls, kind in _BY_CLASS:
        if isinstance(exc, cls):
            return kind
    if isinstance(exc, (KochavaError, TriggerError)):
        return "input"
    return "internal"


def status_of_failure(kind):
    """The ``status`` of a failed result of ``kind``."""
    return _STATUS_OF.get(kind, "error")


def success_status(changed):
    """The ``status`` of a successful result."""
    return "changed" if changed else "converged"


def failure_fields(kind):
    """``{status, failure}`` of a failed result of ``kind``."""
    kind = kind if kind in FAILURES else "internal"
    return {"status": status_of_failure(kind), "failure": kind}


def is_unreachable(result):
    """True when ``result`` (a module or engine result dict) failed because the app's state could
    not be read or written: the action plugins then return it as ``unreachable`` (exit 4).

    Drift, a stale review, the max_deletes guard and bad input are answers about the declaration,
    and stay failures (exit 2); so does a result without a ``failure`` kind.
    """
    if not isinstance(result, dict) or not result.get("failed"):
        return False
    return result.get("failure") in UNREACHABLE


def as_unreachable(result):
    """``result`` as an action plugin returns it: an unreachable failure (is_unreachable) gets
    ``unreachable: True`` and loses ``failed`` (ansible-core counts a result that says both as failed,
    exit 2); status, failure, msg and the plan stay. Any other result is returned as it is."""
    if not is_unreachable(result):
        return result
    shown = dict(result, unreachable=True)
    shown.pop("failed", None)
    return shown
