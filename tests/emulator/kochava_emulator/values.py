"""Pure value helpers shared by the model and the behaviour profiles."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

_INT_STRING_RE = re.compile(r"^[0-9]+$")


def api_string(value: Any) -> str:
    """Return ``value`` the way the API stores context values: as a string.

    ``7 -> "7"``, ``True -> "true"``, ``False -> "false"``, ``7.0 -> "7"``,
    strings unchanged.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def is_required(flag: Any) -> bool:
    """Interpret a template input's ``required`` flag (``true`` or ``"true"``)."""
    if isinstance(flag, bool):
        return flag
    if isinstance(flag, str):
        return flag.strip().lower() == "true"
    return False


def parse_int(value: Any) -> int | None:
    """Parse an id sent by a client: an int or a string of digits; else None.

    Booleans and floats are refused (``true`` is not an app id).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and _INT_STRING_RE.match(value):
        return int(value)
    return None


def is_http_url(value: str) -> bool:
    """True if ``value`` is an absolute http(s) URL with a host."""
    if not isinstance(value, str) or not value or any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def template_inputs(template: dict) -> list[dict]:
    """The ``input`` objects of a template's ``context_meta``, in order."""
    inputs = []
    for meta in template.get("context_meta") or []:
        if isinstance(meta, dict) and isinstance(meta.get("input"), dict) and meta["input"].get("id"):
            inputs.append(meta["input"])
    return inputs
