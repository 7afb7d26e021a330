"""Rate limiting: one token bucket shared by every API request, as a SaaS API limits one account.

The bucket holds at most ``burst`` tokens and gains ``rate`` tokens a second.
Each API request (any app, any key, with or without a key; never a
``/_emulator/`` request) takes one token; when none is left the request is
answered 429 with ``Retry-After`` (whole seconds until a token is back, at
least 1) and the error envelope, and is not applied. The bucket starts full.

The clock is injectable (``clock=``, a function returning seconds as a float,
``time.monotonic`` by default) so tests can drive the bucket exactly.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Any, Callable

#: The 429 answer's one error message (the same as a chaos or injected bare 429's).
LIMITED_MESSAGE = "429 Too Many Requests"
#: Float slack when counting tokens (1/3 of a second at 3 requests a second is one token).
_EPSILON = 1e-9


def check_rate(value: Any) -> float:
    """A rate in requests per second: a finite number above 0 (ValueError otherwise)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"rate must be a positive number of requests per second, got {value!r}")
    return float(value)


def check_burst(value: Any) -> int:
    """A bucket size: an integer of at least 1 (ValueError otherwise)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"burst must be an integer of at least 1, got {value!r}")
    return value


def default_burst(rate: float) -> int:
    """The bucket size when none is given: one second's worth of requests, at least 1."""
    return max(1, int(rate))


class RateLimiter:
    """A token bucket: ``rate`` tokens a second, ``burst`` at most, full at the start."""

    def __init__(self, rate: float, burst: int | None = None, clock: Callable[[], float] | None = None) -> None:
        self.rate = check_rate(rate)
        self.burst = default_burst(self.rate) if burst is None else check_burst(burst)
        self._clock = clock or time.monotonic
        self._lock = threading.Lock()
        self._tokens = float(self.burst)
        self._last = self._clock()

    def _refill(self) -> None:
        now = self._clock()
        if now > self._last:
            self._tokens = min(float(self.burst), self._tokens + (now - self._last) * self.rate)
        self._last = max(self._last, now)

    def take(self) -> int | None:
        """Take a token: None when there was one, else the ``Retry-After`` seconds (an int >= 1)."""
        with self._lock:
            self._refill()
            if self._tokens >= 1 - _EPSILON:
                self._tokens = max(0.0, self._tokens - 1)
                return None
            return max(1, math.ceil((1 - self._tokens) / self.rate))

    @property
    def tokens(self) -> float:
        """Tokens in the bucket now."""
        with self._lock:
            self._refill()
            return self._tokens

    def describe(self) -> dict:
        """``{"rate", "burst"}``."""
        return {"rate": self.rate, "burst": self.burst}
