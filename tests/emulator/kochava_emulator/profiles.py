"""Behaviour profiles: the two plausible readings of every point the API document leaves open.

``harsh`` (the default) is the reading the emulator always had: the worst the
real API may do. ``lenient`` is the other plausible reading of the same points.
Everything the document does say (auth, validation, uniqueness, pagination)
and everything the emulator adds (faults, log) is the same in both.

Each silent point is decided in exactly one place: a field of :class:`Profile`,
read by the one helper below that applies it. The model (``state.py``) and the
HTTP layer (``app.py``) ask the current profile and never test its name.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from .values import api_string, template_inputs

#: The trigger fields in the order the API answers them.
_TRIGGER_FIELD_ORDER = ("id", "app_id", "type", "title", "template_id", "filter_str", "active", "date_created", "context")


@dataclass(frozen=True)
class Profile:
    """One reading of every point the document is silent on."""

    name: str
    #: Context values are stored and answered as strings (``7 -> "7"``); else as sent.
    context_as_strings: bool
    #: Template defaults are added to the context on POST and on a PATCH with ``context``.
    fill_defaults: bool
    #: A PATCH ``context`` is merged into the stored one; else it replaces it.
    patch_merges_context: bool
    #: PATCH answers ``data: [the updated trigger]``; else ``data: []``.
    patch_answers_trigger: bool
    #: install/click triggers are answered with ``"filter_str": null``; else without the key.
    filter_str_null: bool
    #: Status of a successful POST.
    post_status: int
    #: DELETE answers the envelope; else an empty body without Content-Type.
    delete_answers_envelope: bool

    # -- storing -------------------------------------------------------------
    def context_value(self, value: Any) -> Any:
        """A context value as it is stored (and later answered)."""
        return api_string(value) if self.context_as_strings else value

    def written_context(self, stored: dict | None, sent: dict) -> dict:
        """The context after a write, before defaults: ``stored`` is None on POST."""
        if stored is not None and self.patch_merges_context:
            merged = copy.deepcopy(stored)
            merged.update(sent)
            return merged
        return dict(sent)

    def with_defaults(self, template: dict | None, context: dict) -> dict:
        """Add the template defaults for inputs the context does not mention (if filled)."""
        if self.fill_defaults:
            for inp in template_inputs(template or {}):
                if inp["id"] not in context and inp.get("default_value") is not None:
                    context[inp["id"]] = self.context_value(inp["default_value"])
        return context

    # -- answering -------------------------------------------------------------
    def shape_trigger(self, trigger: dict) -> dict:
        """A deep copy of a stored trigger with the profile's answer shape."""
        out = copy.deepcopy(trigger)
        if not self.filter_str_null or "filter_str" in out:
            return out
        out["filter_str"] = None
        ordered = {key: out[key] for key in _TRIGGER_FIELD_ORDER if key in out}
        ordered.update((key, value) for key, value in out.items() if key not in ordered)
        return ordered


HARSH = Profile(
    name="harsh",
    context_as_strings=True,
    fill_defaults=True,
    patch_merges_context=False,
    patch_answers_trigger=False,
    filter_str_null=False,
    post_status=201,
    delete_answers_envelope=False,
)

LENIENT = Profile(
    name="lenient",
    context_as_strings=False,
    fill_defaults=False,
    patch_merges_context=True,
    patch_answers_trigger=True,
    filter_str_null=True,
    post_status=200,
    delete_answers_envelope=True,
)

#: Profile name -> profile.
PROFILES = {profile.name: profile for profile in (HARSH, LENIENT)}
DEFAULT_PROFILE = HARSH.name


def get_profile(name: Any) -> Profile:
    """The profile called ``name``; ValueError naming the choices otherwise."""
    if not isinstance(name, str) or name not in PROFILES:
        raise ValueError(f"profile must be one of {', '.join(PROFILES)}, got {name!r}")
    return PROFILES[name]
