"""The :class:`Emulator`: state, faults, log and a threaded HTTP server, in one object."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any, Callable

from werkzeug.serving import BaseWSGIServer, make_server

from .app import create_app
from .errors import DuplicateTriggerError
from .faults import Chaos, Fault, FaultBook
from .profiles import DEFAULT_PROFILE, PROFILES, get_profile
from .ratelimit import RateLimiter, check_burst, check_rate
from .seed import apply_seed, first_app_templates, load_seed
from .state import State, render_trigger
from .wsgi import FaultLogMiddleware, QuietRequestHandler, RequestLog

DEFAULT_PAGE_SIZE = 50
DUPLICATE_STATUSES = (DuplicateTriggerError.LEGACY_STATUS, DuplicateTriggerError.FUTURE_STATUS)
WRITE_METHODS = ("POST", "PATCH", "DELETE")
PROFILE_NAMES = tuple(PROFILES)


def _check_page_size(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("page_size must be a positive integer")
    return value


def _check_duplicate_status(value: Any) -> int:
    if isinstance(value, bool) or value not in DUPLICATE_STATUSES:
        raise ValueError("duplicate_status must be 400 or 409")
    return int(value)


def _check_numbers_as_strings(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("numbers_as_strings must be a boolean")
    return value


def _check_profile(value: Any) -> str:
    return get_profile(value).name


def _check_app_id(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"app_id must be a positive integer, got {value!r}")
    return value


#: Run-time settings: name -> (default, validator returning the value to keep).
SETTINGS: dict[str, tuple[Any, Callable[[Any], Any]]] = {
    "page_size": (DEFAULT_PAGE_SIZE, _check_page_size),
    "duplicate_status": (DuplicateTriggerError.LEGACY_STATUS, _check_duplicate_status),
    "numbers_as_strings": (False, _check_numbers_as_strings),
    "profile": (DEFAULT_PROFILE, _check_profile),
}


class Emulator:
    """An emulated Kochava Publisher API (postback endpoints).

    >>> with Emulator(seed=DEMO_SEED) as emu:  # doctest: +SKIP
    ...     requests.get(emu.url + "/apps/87100/postbacks",
    ...                  headers={"Authentication-Key": emu.demo_key})

    ``seed`` is None (empty state), a dict or a path to a JSON seed file.
    ``page_size``, ``duplicate_status`` (400 or 409), ``numbers_as_strings``
    and ``profile`` (``"harsh"`` or ``"lenient"``, see :mod:`.profiles`)
    default to the seed's values, else 50, 400, False and ``"harsh"``.
    ``access_log``, if given, is called with each request-log entry as it is
    recorded. ``apps`` are extra apps served with the templates of the
    seed's first app (see :meth:`serve_app`); ``rate`` (requests per second)
    and ``burst`` turn on the shared rate limit (see :meth:`rate_limit`).
    ``apps``, ``rate`` and ``burst`` outlive :meth:`reset`.
    """

    def __init__(
        self,
        seed: Any = None,
        page_size: int | None = None,
        duplicate_status: int | None = None,
        numbers_as_strings: bool | None = None,
        profile: str | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        access_log: Callable[[dict], None] | None = None,
        apps: Iterable[int] = (),
        rate: float | None = None,
        burst: int | None = None,
    ) -> None:
        self._extra_apps = [_check_app_id(a) for a in apps]
        if rate is None and burst is not None:
            raise ValueError("burst needs a rate")
        self._rate_setting = (None if rate is None else check_rate(rate), None if burst is None else check_burst(burst))
        self.rate_limiter: RateLimiter | None = None
        self._counts_lock = threading.Lock()
        self._counts = {"served": 0, "limited": 0}
        self.host = host
        self.port = port
        self.access_log = access_log
        self.state = State()
        self.fault_book = FaultBook()
        self.request_log = RequestLog()
        self.chaos_book: Chaos | None = None
        self._in_flight = 0
        self._idle = threading.Condition()
        self._overrides = {"page_size": page_size, "duplicate_status": duplicate_status, "numbers_as_strings": numbers_as_strings, "profile": profile}
        self._seed: dict = load_seed(seed)
        self._stopping = threading.Event()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.url: str | None = None
        self.page_size = DEFAULT_PAGE_SIZE
        self.duplicate_status = DuplicateTriggerError.LEGACY_STATUS
        self.numbers_as_strings = False
        self.app = create_app(self)
        self.wsgi_app = FaultLogMiddleware(self.app.wsgi_app, self)
        self.reset()

    # -- life cycle --------------------------------------------------------------
    def start(self) -> str:
        """Serve on ``host:port`` (port 0: a free one) in a thread; return the base URL."""
        if self._server is not None:
            return self.url
        self._stopping.clear()
        self._server = make_server(self.host, self.port, self.wsgi_app, threaded=True, request_handler=QuietRequestHandler)
        port = self._server.socket.getsockname()[1]
        self.url = f"http://{self.host}:{port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="kochava-emulator", daemon=True)
        self._thread.start()
        return self.url

    def stop(self) -> None:
        """Stop serving (requests still sleeping in a ``delay`` fault wake up)."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> Emulator:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def sleep(self, seconds: float) -> None:
        """Sleep for a ``delay`` fault; cut short when the emulator stops."""
        self._stopping.wait(seconds)

    # -- state -------------------------------------------------------------------
    def _initial_settings(self, seed: dict) -> dict:
        """The settings a reset to ``seed`` starts with: defaults, then the seed's, then the constructor's."""
        settings = {name: spec[0] for name, spec in SETTINGS.items()}
        settings.update((name, seed[name]) for name in SETTINGS if name in seed)
        settings.update((name, value) for name, value in self._overrides.items() if value is not None)
        return {name: SETTINGS[name][1](value) for name, value in settings.items()}

    def reset(self, seed: Any = None) -> None:
        """Go back to the seed state (or to a new ``seed``); clear the log, faults and config.

        The run-time settings (profile included) go back to the seed's before
        its triggers are stored, so seeded triggers are stored the way the
        seed's profile stores them. Trigger ids keep increasing across
        resets, never reused. The constructor's ``apps`` are served again
        (with the new seed's first app's templates), its rate limit (or none)
        comes back with a full bucket, and the served/limited counters restart.
        """
        if seed is not None:
            candidate = load_seed(seed)
            # a bad seed fails here, leaving the emulator as it was
            probe = State(get_profile(self._initial_settings(candidate)["profile"]))
            apply_seed(probe, candidate)
            self._seed = candidate
        settings = self._initial_settings(self._seed)
        with self.state.lock:
            self.fault_book.clear()
            self.chaos_book = None
            self.request_log.clear()
            self.configure(**settings)
            apply_seed(self.state, self._seed)
            for app_id in self._extra_apps:
                self.serve_app(app_id)
            rate, burst = self._rate_setting
            self.rate_limit(rate, burst)

    @property
    def demo_key(self) -> str | None:
        """The seed's ``demo_key`` (None if it has none)."""
        return self._seed.get("demo_key")

    def add_app(self, app_id: int, template_ids: Iterable[int] = ()) -> None:
        """Register an app and the templates (already added) available to it."""
        self.state.add_app(app_id, template_ids)

    def serve_app(self, app_id: int, template_ids: Iterable[int] | None = None) -> dict:
        """Serve one more app, as ``--app`` does; return ``{"app_id", "template_ids", "created"}``.

        ``template_ids`` None: the templates of the seed's first app (a seed
        without apps: the demo seed's first app's templates 3373, 2209 and
        2602, added to the state where missing). The seed's ``demo_key``, when
        limited to some apps, is allowed on the new app too; other keys are
        left as they are. An app that exists already is left as it is
        (``created`` false). Like :meth:`add_app`, undone by :meth:`reset`
        (the constructor's ``apps`` are served again).
        """
        app_id = _check_app_id(app_id)
        with self.state.lock:
            if app_id in self.state.apps:
                return {"app_id": app_id, "template_ids": list(self.state.apps[app_id]), "created": False}
            if template_ids is None:
                templates, template_ids = first_app_templates(self._seed)
                for template in templates:
                    if template["id"] not in self.state.templates:
                        self.state.add_template(template)
            self.state.add_app(app_id, template_ids)
            allowed = self.state.keys.get(self.demo_key) if self.demo_key else None
            if allowed is not None:
                allowed.add(app_id)
            return {"app_id": app_id, "template_ids": list(self.state.apps[app_id]), "created": True}

    def add_template(self, template: dict, app_ids: Iterable[int] = ()) -> dict:
        """Register a template (as the API returns it) and offer it to ``app_ids``."""
        return self.state.add_template(template, app_ids)

    def add_key(self, key: str, app_ids: Iterable[int] | None = None) -> None:
        """Register an API key allowed on ``app_ids`` (None: every app)."""
        self.state.add_key(key, app_ids)

    def add_trigger(
        self,
        app_id: int,
        type: str,
        template_id: int,
        title: str,  # noqa: A002 (API field name)
        filter_str: str | None = None,
        context: dict | None = None,
        active: bool = False,
        *,
        validate: bool = False,
        id: int | None = None,  # noqa: A002
        date_created: int | None = None,
    ) -> dict:
        """Store a trigger without HTTP and without logging; return it.

        Stored as a POST would store it under the current profile (harsh:
        values as strings, defaults filled; lenient: as given), no
        ``filter_str`` unless event, uniqueness enforced: raises
        :class:`DuplicateTriggerError`). The destination-URL and select-option
        rules are only checked with ``validate=True``; other problems raise
        :class:`ApiError`.
        """
        body = {"app_id": app_id, "type": type, "title": title, "template_id": template_id, "context": context or {}, "active": active}
        if filter_str is not None:
            body["filter_str"] = filter_str
        with self.state.lock:
            trigger = self.state.create_trigger(body, strict=validate, trigger_id=id, date_created=date_created)
            return self._shown(trigger)

    def _shown(self, trigger: dict) -> dict:
        """A stored trigger as the Python API shows it: the profile's shape, integer ids."""
        return render_trigger(trigger, profile=self.state.profile)

    def triggers(self, app_id: int | None = None) -> list[dict]:
        """Stored triggers (deep copies, integer ids, the profile's shape), oldest first."""
        with self.state.lock:
            return [self._shown(t) for t in self.state.app_triggers(app_id)]

    def trigger(self, trigger_id: int) -> dict | None:
        """One stored trigger (a deep copy) or None."""
        with self.state.lock:
            found = self.state.get_trigger(int(trigger_id))
            return self._shown(found) if found is not None else None

    # -- configuration -------------------------------------------------------------
    def configure(
        self, page_size: int | None = None, duplicate_status: int | None = None, numbers_as_strings: bool | None = None, profile: str | None = None
    ) -> None:
        """Change behaviour at run time; None leaves a setting unchanged.

        All values are checked before any is applied (ValueError on a bad
        one). A profile change applies to later requests; stored triggers are
        not rewritten.
        """
        given = {"page_size": page_size, "duplicate_status": duplicate_status, "numbers_as_strings": numbers_as_strings, "profile": profile}
        checked = {name: SETTINGS[name][1](value) for name, value in given.items() if value is not None}
        with self.state.lock:
            for name, value in checked.items():
                if name == "profile":
                    self.state.profile = get_profile(value)
                else:
                    setattr(self, name, value)

    @property
    def profile(self) -> str:
        """The name of the current behaviour profile (``"harsh"`` or ``"lenient"``)."""
        return self.state.profile.name

    def config(self) -> dict:
        """The current settings."""
        return {
            "page_size": self.page_size,
            "duplicate_status": self.duplicate_status,
            "numbers_as_strings": self.numbers_as_strings,
            "profile": self.profile,
        }

    def set_duplicate_status(self, status: int) -> None:
        """400: "Duplicate install post-back" (current API); 409: generic (announced)."""
        self.configure(duplicate_status=status)

    def set_page_size(self, page_size: int) -> None:
        """Items per page on every list endpoint."""
        self.configure(page_size=page_size)

    # -- log -------------------------------------------------------------------------
    @property
    def log(self) -> list[dict]:
        """Every API request so far (deep copies), oldest first.

        Entry keys: ``seq``, ``time``, ``method``, ``path``, ``query`` (dict),
        ``status`` (None if dropped unanswered), ``body`` (request JSON or
        None), ``response`` (answer JSON or None), ``app_id`` (None if
        unknown), ``auth`` (``missing``/``valid``/``invalid``; never the key),
        ``fault`` (kind or None), ``dropped``.
        """
        return self.request_log.entries()

    def writes(self) -> list[dict]:
        """The log entries of POST, PATCH and DELETE requests."""
        return [e for e in self.log if e["method"] in WRITE_METHODS]

    def clear_log(self) -> None:
        """Forget the request log."""
        self.request_log.clear()

    # -- faults ----------------------------------------------------------------------
    def inject(
        self,
        method: str,
        path: str | None = None,
        *,
        path_regex: str | None = None,
        status: int | None = None,
        json: Any = None,
        body: str | bytes | None = None,
        headers: dict | None = None,
        invalid_json: bool = False,
        delay: float = 0,
        drop: bool = False,
        apply_then_drop: bool = False,
        duplicate: bool = False,
        lost_write: bool = False,
        rewrite: dict | None = None,
        times: int | None = 1,
        skip: int = 0,
    ) -> Fault:
        """Queue a fault for the next ``times`` requests matching method and path.

        See :mod:`kochava_emulator.faults` for the kinds. ``method="*"``
        matches any method; ``path`` is exact (query ignored), ``path_regex``
        must match the whole path (``".*"``: any path). ``skip=N`` lets the
        first N matching requests through before the fault takes effect.
        """
        fault = Fault(
            method=method,
            path=path,
            path_regex=path_regex,
            status=status,
            json=json,
            body=body,
            headers=headers,
            invalid_json=invalid_json,
            delay=delay,
            drop=drop,
            apply_then_drop=apply_then_drop,
            duplicate=duplicate,
            lost_write=lost_write,
            rewrite=rewrite,
            times=times,
            skip=skip,
        )
        return self.fault_book.add(fault)

    def faults(self) -> list[dict]:
        """Descriptions of the faults still pending."""
        return self.fault_book.pending()

    def clear_faults(self) -> None:
        """Forget every pending fault (chaos stays on: ``chaos(0)`` turns it off)."""
        self.fault_book.clear()

    def chaos(self, rate: float = 0.0, kinds: Iterable[str] | None = None, seed: int = 0, delay: float = 1.0, retry_after: int = 1) -> dict | None:
        """Let the emulator pick faults itself: each API request that no injected
        fault matched gets one with probability ``rate``, its kind drawn from
        ``kinds`` (default every kind of ``CHAOS_KINDS``) by a generator seeded
        with ``seed``. ``rate=0`` turns chaos off (so does ``reset()``).
        Returns the new setting's description (None when off).
        """
        if rate == 0 and not isinstance(rate, bool):
            self.chaos_book = None
            return None
        self.chaos_book = Chaos(rate, kinds, seed=seed, delay=delay, retry_after=retry_after)
        return self.chaos_book.describe()

    def chaos_config(self) -> dict | None:
        """The chaos setting, with how many faults of each kind it picked so far (None when off)."""
        book = self.chaos_book
        return book.describe() if book is not None else None

    # -- rate limit ------------------------------------------------------------------------
    def rate_limit(self, rate: float | None, burst: int | None = None, *, clock: Callable[[], float] | None = None) -> dict:
        """Limit every API request to ``rate`` a second, in bursts of ``burst`` (None: off).

        One token bucket shared by all requests (all apps, all keys, as one
        account's limit on a SaaS API), full at the start, ``burst`` tokens at
        most (default: ``max(1, int(rate))``). A request that finds it empty
        is answered 429 with ``Retry-After`` (whole seconds until a token is
        back, at least 1) and the error envelope ``["429 Too Many
        Requests"]``; it is not applied, takes no fault and no chaos draw, and
        is logged with ``rate_limited: True``. ``clock`` (seconds as a float,
        default ``time.monotonic``) drives the bucket, for exact tests. The
        served/limited counters restart. Returns :meth:`rate_config`.
        """
        if rate is None:
            if burst is not None:
                raise ValueError("burst needs a rate")
            limiter = None
        else:
            limiter = RateLimiter(rate, burst, clock=clock)
        with self._counts_lock:
            self.rate_limiter = limiter
            self._counts = {"served": 0, "limited": 0}
        return self.rate_config()

    def rate_config(self) -> dict:
        """``{"rate", "burst", "served", "limited"}``: the limit (None, None when off) and the
        API requests served (not limited, whatever their answer) and limited (429) since the
        last :meth:`rate_limit` or :meth:`reset`."""
        with self._counts_lock:
            limiter = self.rate_limiter
            return {
                "rate": limiter.rate if limiter else None,
                "burst": limiter.burst if limiter else None,
                "served": self._counts["served"],
                "limited": self._counts["limited"],
            }

    def _admit(self) -> int | None:
        """Count an API request in; None: serve it, else the 429's ``Retry-After`` seconds."""
        with self._counts_lock:
            limiter = self.rate_limiter
            retry_after = limiter.take() if limiter is not None else None
            self._counts["limited" if retry_after is not None else "served"] += 1
            return retry_after

    # -- in-flight requests -------------------------------------------------------------
    def _busy(self, step: int) -> None:
        with self._idle:
            self._in_flight += step
            if self._in_flight == 0:
                self._idle.notify_all()

    @property
    def in_flight(self) -> int:
        """API requests being handled right now (e.g. held by a ``delay`` fault)."""
        with self._idle:
            return self._in_flight

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until no API request is being handled (a delayed write has landed); False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout=timeout)
