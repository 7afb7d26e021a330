"""The emulator's in-memory model: keys, apps, templates, triggers, page tokens.

Everything here follows the Premium Publisher API document; where the
document is silent, the current behaviour profile (``profiles.py``: harsh by
default, or lenient) decides (see README.md, "Readings" and "Profiles").
All public methods are safe to call from several threads: they take
:attr:`State.lock`, a re-entrant lock that the HTTP layer also holds around
each request so that a check followed by a write (the uniqueness rule) is
atomic.
"""

from __future__ import annotations

import copy
import re
import secrets
import threading
import time
from collections.abc import Iterable
from typing import Any

from .errors import ApiError, DuplicateTriggerError
from .profiles import HARSH, Profile
from .values import api_string, is_http_url, is_required, parse_int, template_inputs

#: The destination URL key the document requires in every trigger's context:
#: ``cpi_<network>_mostback_url`` or plain ``cpi_mostback_url``.
URL_KEY_RE = re.compile(r"^cpi_(?:[a-z0-9]+_)?mostback_url$")

TRIGGER_TYPES = ("install", "event", "click")
POST_FIELDS = ("app_id", "type", "title", "template_id", "filter_str", "context", "active")
PATCH_FIELDS = ("title", "active", "context")

#: A key allowed on every app (seed value ``"*"``, ``add_key(key, None)``).
ALL_APPS = None

#: First id handed out when neither the seed nor add_trigger chose higher ids.
FIRST_TRIGGER_ID = 100001


# --------------------------------------------------------------------------
# rendering
# --------------------------------------------------------------------------
def render_trigger(trigger: dict, numbers_as_strings: bool = False, profile: Profile = HARSH) -> dict:
    """A deep copy of a stored trigger as the API answers it under ``profile``."""
    out = profile.shape_trigger(trigger)
    if numbers_as_strings:
        for key in ("id", "app_id", "template_id"):
            out[key] = str(out[key])
    return out


def render_template(template: dict, numbers_as_strings: bool = False) -> dict:
    """A deep copy of a template as the API answers it.

    With ``numbers_as_strings`` the ids become strings and every input's
    ``required`` flag becomes ``"true"``/``"false"``.
    """
    out = copy.deepcopy(template)
    if numbers_as_strings:
        for key in ("id", "network_id"):
            if out.get(key) is not None:
                out[key] = str(out[key])
        for inp in template_inputs(out):
            if "required" in inp:
                inp["required"] = "true" if is_required(inp["required"]) else "false"
    return out


def unique_key(trigger: dict) -> tuple:
    """The document's uniqueness rule: (app, template_id, type, filter_str)."""
    return (trigger["app_id"], trigger["template_id"], trigger["type"], trigger.get("filter_str"))


# --------------------------------------------------------------------------
# pagination
# --------------------------------------------------------------------------
class PageTokens:
    """Opaque, non-guessable page tokens.

    A token names one listing (the request path) and an offset into it. It
    is refused on any other listing. Tokens are offsets, not snapshots: when
    triggers are created or deleted between two pages, items can shift, as
    with any offset-paginated API. Tokens stay valid until the next reset.
    """

    def __init__(self) -> None:
        self._by_token: dict[str, tuple[str, int]] = {}
        self._by_position: dict[tuple[str, int], str] = {}

    def clear(self) -> None:
        """Forget every token issued so far."""
        self._by_token.clear()
        self._by_position.clear()

    def token_for(self, listing: str, offset: int) -> str:
        """The token of ``offset`` in ``listing`` (the same one on each call)."""
        position = (listing, offset)
        token = self._by_position.get(position)
        if token is None:
            token = secrets.token_urlsafe(18)
            self._by_position[position] = token
            self._by_token[token] = position
        return token

    def offset_of(self, listing: str, token: str) -> int:
        """The offset a token stands for; ApiError 400 if it is not ours."""
        position = self._by_token.get(token)
        if position is None or position[0] != listing:
            raise ApiError(400, ["Invalid pageToken"])
        return position[1]

    def page(self, listing: str, items: list, token: str | None, page_size: int):
        """Cut one page out of ``items``.

        Returns ``(page_items, next_token, previous_token)``.
        """
        offset = 0 if token is None else self.offset_of(listing, token)
        chunk = items[offset : offset + page_size]
        next_token = self.token_for(listing, offset + page_size) if offset + page_size < len(items) else None
        previous_token = self.token_for(listing, max(0, offset - page_size)) if offset > 0 else None
        return chunk, next_token, previous_token


# --------------------------------------------------------------------------
# the model
# --------------------------------------------------------------------------
class State:
    """Keys, apps, templates and triggers, with the document's rules.

    Stored triggers are kept in canonical form: integer ids, ``filter_str``
    only on event triggers, context values as the :attr:`profile` stores them
    (strings under the harsh one). A profile change applies to later writes
    and answers; triggers already stored are not rewritten.
    """

    def __init__(self, profile: Profile = HARSH) -> None:
        self.lock = threading.RLock()
        #: The behaviour profile deciding the points the document is silent on.
        self.profile = profile
        self.keys: dict[str, set[int] | None] = {}
        self.templates: dict[int, dict] = {}
        self.apps: dict[int, list[int]] = {}
        self.triggers: dict[int, dict] = {}
        self.tokens = PageTokens()
        self._last_id = FIRST_TRIGGER_ID - 1

    # -- set-up ------------------------------------------------------------
    def clear(self) -> None:
        """Drop all data and page tokens. Trigger ids are never reused."""
        with self.lock:
            self.keys.clear()
            self.templates.clear()
            self.apps.clear()
            self.triggers.clear()
            self.tokens.clear()

    def add_key(self, key: str, app_ids: Iterable[int] | None = ALL_APPS) -> None:
        """Register an API key, allowed on ``app_ids`` (None: every app)."""
        if not isinstance(key, str) or not key:
            raise ValueError("an API key must be a non-empty string")
        with self.lock:
            self.keys[key] = None if app_ids is None else {int(a) for a in app_ids}

    def add_template(self, template: dict, app_ids: Iterable[int] = ()) -> dict:
        """Register a template (as the API returns it) and offer it to apps."""
        if not isinstance(template, dict):
            raise ValueError("a template must be a dict")
        template_id = parse_int(template.get("id"))
        if template_id is None:
            raise ValueError(f"template id must be an integer, got {template.get('id')!r}")
        if not isinstance(template.get("context_meta", []), list):
            raise ValueError(f"template {template_id}: context_meta must be a list")
        stored = copy.deepcopy(template)
        stored["id"] = template_id
        with self.lock:
            app_ids = [int(a) for a in app_ids]
            for app_id in app_ids:
                if app_id not in self.apps:
                    raise ValueError(f"unknown app {app_id}")
            self.templates[template_id] = stored
            for app_id in app_ids:
                if template_id not in self.apps[app_id]:
                    self.apps[app_id].append(template_id)
        return copy.deepcopy(stored)

    def add_app(self, app_id: int, template_ids: Iterable[int] = ()) -> None:
        """Register an app and the templates available to it."""
        app_id = int(app_id)
        with self.lock:
            template_ids = [int(t) for t in template_ids]
            for template_id in template_ids:
                if template_id not in self.templates:
                    raise ValueError(f"unknown template {template_id}")
            self.apps[app_id] = list(dict.fromkeys(template_ids))

    # -- access control ------------------------------------------------------
    def authorize(self, key: str | None, app_id: int | None) -> None:
        """Check an ``Authentication-Key`` against an app.

        401 for a missing or unknown key; 403 if the key is not allowed on the
        app (also when the app does not exist); 404 for an unknown app when
        the key is allowed on every app. ``app_id=None`` checks the key only.
        """
        with self.lock:
            if not key or key not in self.keys:
                raise ApiError(401, ["Authentication Key is invalid"])
            if app_id is None:
                return
            allowed = self.keys[key]
            if allowed is not ALL_APPS and app_id not in allowed:
                raise ApiError(403, ["Authentication Key is not authorized to access the requested resource"])
            if app_id not in self.apps:
                raise ApiError(404, [f"App {app_id} was not found"])

    def key_status(self, key: str | None) -> str:
        """``missing``, ``valid`` or ``invalid``: what the request log keeps."""
        if not key:
            return "missing"
        with self.lock:
            return "valid" if key in self.keys else "invalid"

    # -- reading -----------------------------------------------------------
    def app_templates(self, app_id: int) -> list[dict]:
        """Templates available to an app, in the order they were offered."""
        with self.lock:
            return [self.templates[t] for t in self.apps.get(app_id, []) if t in self.templates]

    def app_triggers(self, app_id: int | None = None) -> list[dict]:
        """Stored triggers (of one app, or all), oldest first."""
        with self.lock:
            return [t for t in self.triggers.values() if app_id is None or t["app_id"] == app_id]

    def get_trigger(self, trigger_id: int) -> dict | None:
        """The stored trigger with that id, or None."""
        with self.lock:
            return self.triggers.get(trigger_id)

    def incomplete_templates(self, app_id: int) -> list[dict]:
        """The "pending setup" answer: templates of the app's incomplete triggers.

        A trigger is incomplete when one of its template's required inputs has
        no value: the context lacks it or holds ``""``, and the input has no
        (non-empty) ``default_value``. Each template appears once, in the order
        of the first incomplete trigger using it.
        """
        with self.lock:
            result: dict[int, dict] = {}
            for trigger in self.app_triggers(app_id):
                template = self.templates.get(trigger["template_id"])
                if template is None or template["id"] in result:
                    continue
                for inp in template_inputs(template):
                    if not is_required(inp.get("required")):
                        continue
                    value = api_string(trigger["context"].get(inp["id"], ""))
                    default = inp.get("default_value")
                    if value == "" and (default is None or api_string(default) == ""):
                        result[template["id"]] = template
                        break
            return list(result.values())

    # -- writing -------------------------------------------------------------
    def _new_id(self, wanted: int | None = None) -> int:
        if wanted is not None:
            if wanted in self.triggers:
                raise ValueError(f"trigger id {wanted} is taken")
            self._last_id = max(self._last_id, wanted)
            return wanted
        self._last_id += 1
        return self._last_id

    def _find_duplicate(self, candidate: dict, ignore_id: int | None = None) -> dict | None:
        key = unique_key(candidate)
        for trigger in self.triggers.values():
            if trigger["id"] != ignore_id and unique_key(trigger) == key:
                return trigger
        return None

    def _check_context(self, template: dict, context: Any, errors: list[str], strict: bool, stored: dict | None = None) -> dict | None:
        """Validate a context sent on POST (``stored`` None) or PATCH; append problems to errors.

        Returns the context to store, as the profile writes it (values as
        strings or as sent; merged into or replacing ``stored``), without the
        template defaults. The destination URL must be in that result; the URL
        and select rules check the values sent. With ``strict`` False
        (seeding, add_trigger) only the shape is checked.
        """
        if not isinstance(context, dict):
            errors.append("context must be an object")
            return None
        sent: dict[str, Any] = {}
        for key, value in context.items():
            if value is None or isinstance(value, (dict, list)):
                errors.append(f"context.{key} must be a string, number or boolean")
                continue
            sent[key] = self.profile.context_value(value)
        result = self.profile.written_context(stored, sent)
        if not strict:
            return result
        if not any(URL_KEY_RE.fullmatch(k) for k in result):
            errors.append("context must contain the destination URL: cpi_<network>_mostback_url (for example cpi_mostback_url)")
        for key in sent:
            if URL_KEY_RE.fullmatch(key) and not is_http_url(sent[key]):
                errors.append(f"context.{key} must be an http(s) URL")
        for inp in template_inputs(template):
            if inp.get("type") != "select" or inp["id"] not in sent:
                continue
            options = [api_string(o.get("value")) for o in inp.get("options") or [] if isinstance(o, dict)]
            value = api_string(sent[inp["id"]])
            if value not in options:
                errors.append(f"context.{inp['id']}: {value!r} is not one of the options ({', '.join(options)})")
        return result

    def create_trigger(
        self, body: Any, *, strict: bool = True, duplicate_status: int = 400, trigger_id: int | None = None, date_created: int | None = None
    ) -> dict:
        """Validate a POST /postbacks body and store the trigger.

        Returns the stored (canonical) trigger. Raises :class:`ApiError` 400
        naming each bad field, or :class:`DuplicateTriggerError`. Unknown
        apps raise ApiError 404 (the HTTP layer checks access first).
        ``strict=False`` skips the destination-URL and select-option rules
        (for seeds and test set-up that plant what the UI could have made).
        """
        if not isinstance(body, dict):
            raise ApiError(400, ["The request body must be a JSON object"])
        errors: list[str] = []
        for key in body:
            if key not in POST_FIELDS:
                errors.append(f"{key} is not a valid field")

        app_id = parse_int(body.get("app_id"))
        if "app_id" not in body:
            errors.append("app_id is required")
        elif app_id is None:
            errors.append("app_id must be an integer")

        trigger_type = body.get("type")
        if trigger_type not in TRIGGER_TYPES:
            errors.append(f"type must be one of {', '.join(TRIGGER_TYPES)}")

        title = body.get("title")
        if not isinstance(title, str) or not title.strip():
            errors.append("title must be a non-empty string")

        with self.lock:
            if app_id is not None and app_id not in self.apps:
                raise ApiError(404, [f"App {app_id} was not found"])

            template = None
            raw_template_id = body.get("template_id")
            template_id = parse_int(raw_template_id)
            if "template_id" not in body:
                errors.append("template_id is required")
            elif template_id is None:
                errors.append("template_id must be an integer")
            elif app_id is not None:
                if template_id in self.apps[app_id] and template_id in self.templates:
                    template = self.templates[template_id]
                else:
                    errors.append(f"template_id {template_id} is not available for app {app_id}")

            filter_str = body.get("filter_str")
            if trigger_type == "event":
                if not isinstance(filter_str, str) or not filter_str.strip():
                    errors.append("filter_str is required for event triggers and must be a non-empty string")

            active = body.get("active", False)
            if not isinstance(active, bool):
                errors.append("active must be a boolean")

            context = None
            if "context" not in body:
                errors.append("context is required")
            else:
                context = self._check_context(template or {}, body["context"], errors, strict)

            if errors:
                raise ApiError(400, errors)

            trigger = {
                "id": 0,
                "app_id": app_id,
                "type": trigger_type,
                "title": title,
                "template_id": template_id,
            }
            if trigger_type == "event":
                trigger["filter_str"] = filter_str
            trigger["active"] = active
            trigger["date_created"] = int(time.time()) if date_created is None else int(date_created)
            trigger["context"] = self.profile.with_defaults(template, context)

            duplicate = self._find_duplicate(trigger)
            if duplicate is not None:
                raise DuplicateTriggerError(duplicate["id"], duplicate_status)
            trigger["id"] = self._new_id(trigger_id)
            self.triggers[trigger["id"]] = trigger
            return trigger

    def update_trigger(self, trigger_id: int, body: Any) -> dict:
        """Apply a PATCH /postbacks/{id} body; returns the stored trigger.

        Only ``title``, ``active`` and ``context`` may be sent; ``context``
        replaces the whole context and template defaults are refilled (harsh)
        or is merged into it (lenient): see :mod:`.profiles`.
        """
        if not isinstance(body, dict):
            raise ApiError(400, ["The request body must be a JSON object"])
        with self.lock:
            trigger = self.triggers.get(trigger_id)
            if trigger is None:
                raise ApiError(404, [f"Postback trigger {trigger_id} was not found"])
            errors = [f"{key} cannot be updated" for key in body if key not in PATCH_FIELDS]
            if not body:
                errors.append("nothing to update: send at least one of title, active, context")
            if "title" in body and (not isinstance(body["title"], str) or not body["title"].strip()):
                errors.append("title must be a non-empty string")
            if "active" in body and not isinstance(body["active"], bool):
                errors.append("active must be a boolean")
            template = self.templates.get(trigger["template_id"], {})
            context = None
            if "context" in body:
                context = self._check_context(template, body["context"], errors, strict=True, stored=trigger["context"])
            if errors:
                raise ApiError(400, errors)
            if "title" in body:
                trigger["title"] = body["title"]
            if "active" in body:
                trigger["active"] = body["active"]
            if context is not None:
                trigger["context"] = self.profile.with_defaults(template, context)
            return trigger

    def delete_trigger(self, trigger_id: int) -> None:
        """Remove a trigger; ApiError 404 if there is none with that id."""
        with self.lock:
            if self.triggers.pop(trigger_id, None) is None:
                raise ApiError(404, [f"Postback trigger {trigger_id} was not found"])

    # -- snapshots -------------------------------------------------------------
    def snapshot(self) -> dict:
        """Apps, templates and triggers as plain data (keys are not included)."""
        with self.lock:
            return {
                "apps": {str(a): {"template_ids": list(t)} for a, t in self.apps.items()},
                "templates": copy.deepcopy(list(self.templates.values())),
                "triggers": copy.deepcopy(list(self.triggers.values())),
            }
