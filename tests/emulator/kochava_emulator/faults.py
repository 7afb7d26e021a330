"""Injected faults: what can go wrong between a client and the real API.

A :class:`Fault` matches requests by method and path (exact, or a regular
expression that must match the whole path; the query string is ignored) and
is used up after ``times`` matching requests (``times=None``: until cleared).
Kinds, which can be combined with ``delay``:

* canned answer (``status`` and/or ``json`` / ``body`` / ``headers``): answer
  that instead of the real thing; the request is NOT applied;
* ``invalid_json``: answer ``status`` (default 200) with a truncated JSON body;
  the request is NOT applied;
* ``drop``: close the TCP connection without answering; NOT applied;
* ``apply_then_drop``: apply the request, then close the connection without
  answering (the write happened, the client never hears of it);
* ``duplicate``: the request reaches the server twice (as when a proxy
  retries it): applied once unseen and unanswered, then handled again and
  answered for real (a POST then gets the duplicate answer, a DELETE 404);
* ``lost_write``: handle the request and answer it for real (a POST 201 with
  the created trigger, a PATCH 200), then forget the write: the state is as
  before the request (a write acknowledged but not kept, e.g. by a replica
  that lost it);
* ``rewrite`` (a dict ``{"title": ..., "active": ..., "context.<key>": ...}``):
  apply the request and answer it for real, then change the written trigger's
  stored fields: a value replaces the field, ``None`` drops a context key
  (the API silently dropped or rewrote a field; the answer does not show it);
* ``delay`` alone: sleep, then handle the request normally.

``skip=N`` lets the first N matching requests through untouched before the
fault takes effect ("the third call from now"). :class:`Chaos` picks faults
itself, per request, from a seeded random generator.
"""

from __future__ import annotations

import itertools
import json as jsonlib
import random
import re
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

#: What an ``invalid_json`` fault sends: the start of an envelope, cut short.
TRUNCATED_JSON = b'{"success":true,"meta":null,"nextToken":null,"previousToken":null,"errors":[],"data":[{"id":'

_ids = itertools.count(1)


@dataclass
class Fault:
    """One injected fault; see the module docstring for the kinds."""

    method: str
    path: str | None = None
    path_regex: str | None = None
    status: int | None = None
    json: Any = None
    body: str | bytes | None = None
    headers: dict | None = None
    invalid_json: bool = False
    delay: float = 0
    drop: bool = False
    apply_then_drop: bool = False
    duplicate: bool = False
    lost_write: bool = False
    rewrite: dict | None = None
    times: int | None = 1
    skip: int = 0
    id: int = field(default_factory=lambda: next(_ids))

    def __post_init__(self) -> None:
        self.method = (self.method or "*").upper()
        if (self.path is None) == (self.path_regex is None):
            raise ValueError("give exactly one of path or path_regex")
        self._regex = re.compile(self.path_regex) if self.path_regex is not None else None
        canned = self.status is not None or self.json is not None or self.body is not None or self.headers
        kinds = [bool(canned), bool(self.invalid_json), bool(self.drop), bool(self.apply_then_drop)]
        unfaithful = [bool(self.lost_write), self.rewrite is not None]
        if any(unfaithful) and (any(kinds) or self.duplicate or all(unfaithful)):
            raise ValueError("lost_write and rewrite cannot be combined with each other or with another answer")
        if self.rewrite is not None:
            _check_rewrite(self.rewrite)
        if self.duplicate and any(kinds):
            raise ValueError("duplicate cannot be combined with another answer")
        if self.invalid_json and (self.json is not None or self.body is not None):
            raise ValueError("invalid_json cannot be combined with json or body")
        if self.drop and any(kinds[:2] + kinds[3:]):
            raise ValueError("drop cannot be combined with another answer")
        if self.apply_then_drop and any(kinds[:3]):
            raise ValueError("apply_then_drop cannot be combined with another answer")
        if self.json is not None and self.body is not None:
            raise ValueError("give json or body, not both")
        if self.times is not None and (not isinstance(self.times, int) or self.times < 1):
            raise ValueError("times must be a positive integer or None")
        if isinstance(self.skip, bool) or not isinstance(self.skip, int) or self.skip < 0:
            raise ValueError("skip must be a non-negative integer")
        if not isinstance(self.delay, (int, float)) or self.delay < 0:
            raise ValueError("delay must be a non-negative number of seconds")
        if self.status is not None and not 100 <= int(self.status) <= 599:
            raise ValueError("status must be an HTTP status code")

    # -- matching --------------------------------------------------------------
    def matches(self, method: str, path: str) -> bool:
        """True if this fault applies to a request."""
        if self.method not in ("*", method.upper()):
            return False
        if self._regex is not None:
            return self._regex.fullmatch(path) is not None
        return path == self.path

    @property
    def kind(self) -> str:
        """A short name for the request log."""
        if self.drop:
            return "drop"
        if self.apply_then_drop:
            return "apply_then_drop"
        if self.duplicate:
            return "duplicate"
        if self.lost_write:
            return "lost_write"
        if self.rewrite is not None:
            return "rewrite"
        if self.invalid_json:
            return "invalid_json"
        if self.answers:
            return "answer"
        return "delay"

    @property
    def answers(self) -> bool:
        """True if the fault replaces the real answer (the request is not applied)."""
        return bool(self.invalid_json or self.status is not None or self.json is not None or self.body is not None or self.headers)

    def answer(self) -> tuple[int, list[tuple[str, str]], bytes]:
        """The canned ``(status, headers, body)`` of an answering fault."""
        status = int(self.status) if self.status is not None else 200
        if self.invalid_json:
            content_type, payload = "application/json", TRUNCATED_JSON
        elif self.json is not None:
            content_type, payload = "application/json", jsonlib.dumps(self.json).encode()
        elif self.body is not None:
            content_type = "text/html; charset=utf-8"
            payload = self.body.encode() if isinstance(self.body, str) else bytes(self.body)
        else:
            ok = status < 400
            try:
                reason = HTTPStatus(status).phrase
            except ValueError:
                reason = "Error"
            content_type = "application/json"
            payload = jsonlib.dumps(
                {
                    "success": ok,
                    "meta": None,
                    "nextToken": None,
                    "previousToken": None,
                    "errors": [] if ok else [f"{status} {reason}"],
                    "warnings": [],
                    "messages": [],
                    "data": [],
                }
            ).encode()
        headers = {"Content-Type": content_type}
        for name, value in (self.headers or {}).items():
            for existing in [h for h in headers if h.lower() == name.lower()]:
                del headers[existing]
            headers[name] = str(value)
        headers["Content-Length"] = str(len(payload))
        return status, list(headers.items()), payload

    def describe(self) -> dict:
        """Plain-data description (control API)."""
        return {
            "id": self.id,
            "method": self.method,
            "path": self.path,
            "path_regex": self.path_regex,
            "status": self.status,
            "json": self.json,
            "body": self.body.decode("utf-8", "replace") if isinstance(self.body, bytes) else self.body,
            "headers": self.headers,
            "invalid_json": self.invalid_json,
            "delay": self.delay,
            "drop": self.drop,
            "apply_then_drop": self.apply_then_drop,
            "duplicate": self.duplicate,
            "lost_write": self.lost_write,
            "rewrite": self.rewrite,
            "times": self.times,
            "skip": self.skip,
            "kind": self.kind,
        }


def _check_rewrite(rewrite: Any) -> None:
    """A ``rewrite`` is a non-empty dict of title (str), active (bool) or context.<key> (scalar or None: dropped)."""
    if not isinstance(rewrite, dict) or not rewrite:
        raise ValueError("rewrite must be a non-empty dict of fields (title, active, context.<key>) to new values")
    for name, value in rewrite.items():
        if name == "title":
            if not isinstance(value, str):
                raise ValueError("rewrite: title must be a string")
        elif name == "active":
            if not isinstance(value, bool):
                raise ValueError("rewrite: active must be a boolean")
        elif not (isinstance(name, str) and name.startswith("context.") and len(name) > len("context.")):
            raise ValueError(f"rewrite: {name!r} is not title, active or context.<key>")
        elif isinstance(value, (dict, list)):
            raise ValueError(f"rewrite: {name} must be a string, number, boolean or None (dropped)")


def rewrite_trigger(trigger: dict, rewrite: dict) -> None:
    """Change a stored trigger's fields as a ``rewrite`` fault says (in place)."""
    for name, value in rewrite.items():
        if name.startswith("context."):
            context = trigger.setdefault("context", {})
            key = name[len("context.") :]
            if value is None:
                context.pop(key, None)
            else:
                context[key] = value
        else:
            trigger[name] = value


class FaultBook:
    """Pending faults, consumed first-injected-first by matching requests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        """Queue a fault."""
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, method: str, path: str) -> Fault | None:
        """Use up one application of the first fault matching the request.

        A matching fault that still has ``skip`` left lets this request pass
        (one less to skip) and the search goes on with the next fault.
        """
        with self._lock:
            for fault in list(self._faults):
                if fault.matches(method, path):
                    if fault.skip > 0:
                        fault.skip -= 1
                        continue
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times == 0:
                            self._faults.remove(fault)
                    return fault
            return None

    def clear(self) -> None:
        """Forget every pending fault."""
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[dict]:
        """Descriptions of the faults still pending."""
        with self._lock:
            return [f.describe() for f in self._faults]


#: The kinds :class:`Chaos` picks from, in this order.
CHAOS_KINDS = ("5xx", "429", "drop", "timeout", "apply_then_drop", "duplicate")
#: The statuses of a ``5xx`` chaos fault.
CHAOS_5XX = (500, 502, 503, 504)


class Chaos:
    """Faults picked per request from a seeded random generator.

    Each API request that no injected fault matched gets, with probability
    ``rate``, one fault of a kind drawn uniformly from ``kinds``:

    * ``5xx``: a canned 500, 502, 503 or 504 (not applied);
    * ``429``: a canned 429 with ``Retry-After: <retry_after>`` (not applied);
    * ``drop``: the connection is closed without an answer (not applied);
    * ``timeout``: the answer comes after ``delay`` seconds (the request is
      then applied, after a client with a shorter timeout gave up);
    * ``apply_then_drop``: applied, then the connection is closed;
    * ``duplicate``: the request arrives twice (see :class:`Fault`).

    The draws depend only on the seed and the order of requests, so a
    sequential client sees the same faults on every run with the same seed.
    """

    def __init__(self, rate: float, kinds: Any = None, seed: int = 0, delay: float = 1.0, retry_after: int = 1) -> None:
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise ValueError("rate must be a number between 0 and 1")
        kinds = tuple(CHAOS_KINDS if kinds is None else kinds)
        unknown = [k for k in kinds if k not in CHAOS_KINDS]
        if unknown or not kinds:
            raise ValueError("kinds must be a non-empty list of %s" % ", ".join(CHAOS_KINDS))
        if not isinstance(delay, (int, float)) or isinstance(delay, bool) or delay < 0:
            raise ValueError("delay must be a non-negative number of seconds")
        if isinstance(retry_after, bool) or not isinstance(retry_after, int) or retry_after < 0:
            raise ValueError("retry_after must be a non-negative integer")
        self.rate, self.kinds, self.seed, self.delay, self.retry_after = float(rate), kinds, seed, float(delay), retry_after
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self.counts = dict.fromkeys(kinds, 0)

    def pick(self, method: str, path: str) -> Fault | None:
        """The fault for this request, or None (one or two draws per request)."""
        with self._lock:
            if self._random.random() >= self.rate:
                return None
            kind = self._random.choice(self.kinds)
            status = self._random.choice(CHAOS_5XX) if kind == "5xx" else None
            self.counts[kind] += 1
        if kind == "5xx":
            return Fault("*", path_regex=".*", status=status)
        if kind == "429":
            return Fault("*", path_regex=".*", status=429, headers={"Retry-After": str(self.retry_after)})
        if kind == "drop":
            return Fault("*", path_regex=".*", drop=True)
        if kind == "timeout":
            return Fault("*", path_regex=".*", delay=self.delay)
        if kind == "apply_then_drop":
            return Fault("*", path_regex=".*", apply_then_drop=True)
        return Fault("*", path_regex=".*", duplicate=True)

    def describe(self) -> dict:
        """Plain-data description, with how many faults of each kind were picked so far."""
        with self._lock:
            return {
                "rate": self.rate,
                "kinds": list(self.kinds),
                "seed": self.seed,
                "delay": self.delay,
                "retry_after": self.retry_after,
                "counts": dict(self.counts),
            }
