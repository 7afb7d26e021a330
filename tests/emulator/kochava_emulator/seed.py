"""Seed files: the emulator's starting state, as JSON.

Format (every key optional)::

    {
      "demo_key": "demo-key-0000",
      "keys": {"demo-key-0000": [87100, 17], "all-apps-key": "*"},
      "templates": [{"id": 3373, "network_id": 0, "platform": "", "name": "...",
                     "context_meta": [{"label": {...}, "input": {...}}]}],
      "apps": {"87100": {"template_ids": [3373, 2209]}},
      "triggers": [{"app_id": 87100, "type": "install", "template_id": 3373,
                    "title": "...", "context": {...}, "active": false,
                    "id": 54636, "date_created": 1394048564}],
      "page_size": 50,
      "duplicate_status": 400,
      "numbers_as_strings": false,
      "profile": "harsh"
    }

``keys`` maps a key to a list of app ids or to ``"*"`` (every app). A
``demo_key`` that is not listed under ``keys`` is allowed on every app.
``profile`` is ``"harsh"`` (default) or ``"lenient"``. Triggers are stored
like a POST would store them under the seed's profile (harsh: values as
strings, defaults filled; uniqueness enforced) but without the destination-URL and
select-option checks, so a seed can plant triggers the API would refuse
today (e.g. an incomplete one). ``id`` and ``date_created`` are optional.

The package ships one seed, :data:`DEMO_SEED` (``seeds/demo.json``, the same
file as the collection's ``playbooks/files/emulator_seed.json``); the command
line selects it with ``--seed demo``.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

from .state import State

#: The demo seed shipped in the package (package data, so it is there once installed).
DEMO_SEED = Path(__file__).resolve().parent / "seeds" / "demo.json"

#: Seeds shipped in the package, by the name ``--seed`` takes instead of a file.
PACKAGED_SEEDS = {"demo": DEMO_SEED}

#: The key ``kochava-emulator serve|run`` adds (allowed on every app) when the seed has no ``demo_key``.
DEFAULT_KEY = "emulator-key-0000"

SEED_KEYS = {"demo_key", "keys", "templates", "apps", "triggers", "page_size", "duplicate_status", "numbers_as_strings", "profile"}


def seed_path(name_or_file: str) -> Path:
    """The file a ``--seed`` value names: a packaged seed's name (``demo``) or a path.

    A packaged name wins over a file of that name in the current directory
    (write ``./demo`` for the file).
    """
    return PACKAGED_SEEDS.get(name_or_file, Path(name_or_file))


def load_seed(seed: Any) -> dict:
    """Return a seed as a dict: ``None`` (empty), a dict, or a JSON file path."""
    if seed is None:
        return {}
    if isinstance(seed, (str, os.PathLike)):
        with open(seed, encoding="utf-8") as handle:
            seed = json.load(handle)
    if not isinstance(seed, dict):
        raise ValueError("a seed must be a JSON object")
    unknown = set(seed) - SEED_KEYS
    if unknown:
        raise ValueError(f"unknown seed keys: {', '.join(sorted(unknown))}")
    return copy.deepcopy(seed)


def apply_seed(state: State, seed: dict) -> None:
    """Clear ``state`` and fill it from a seed dict (see module docstring)."""
    with state.lock:
        state.clear()
        for template in seed.get("templates", []):
            state.add_template(template)
        for app_id, spec in (seed.get("apps") or {}).items():
            spec = spec or {}
            state.add_app(int(app_id), spec.get("template_ids", []))
        for key, apps in (seed.get("keys") or {}).items():
            state.add_key(key, None if apps == "*" else apps)
        demo_key = seed.get("demo_key")
        if demo_key and demo_key not in state.keys:
            state.add_key(demo_key, None)
        for trigger in seed.get("triggers", []):
            trigger = dict(trigger)
            trigger_id = trigger.pop("id", None)
            date_created = trigger.pop("date_created", None)
            state.create_trigger(trigger, strict=False, trigger_id=trigger_id, date_created=date_created)


def first_app_templates(seed: dict) -> tuple[list[dict], list[int]]:
    """The templates an extra app gets (``--app``, ``Emulator(apps=...)``): those of the seed's first app.

    Returns ``(templates, template_ids)``: the ids are those the app gets;
    ``templates`` are templates to add first, where the state lacks their id.
    A seed with an app lends its first app's ids (no templates to add). A
    seed without apps lends nothing: the extra app gets the demo seed's first
    app's templates (87100: 3373, 2209, 2602), which are then to be added.
    """
    apps = seed.get("apps") or {}
    if apps:
        spec = next(iter(apps.values())) or {}
        return [], [int(t) for t in spec.get("template_ids", [])]
    demo = load_seed(DEMO_SEED)
    demo_spec = next(iter(demo["apps"].values()))
    return demo["templates"], [int(t) for t in demo_spec["template_ids"]]
