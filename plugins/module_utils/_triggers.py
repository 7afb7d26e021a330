# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure trigger logic: values compared by meaning, the uniqueness key,
context validation against a template, and the desired state of a trigger.

Nothing here talks to the network or imports Ansible, so all of it is tested
with plain pytest. The engine (_engine.py) puts these pieces together.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import math
import re

# context.cpi_<network>_mostback_url, or plain cpi_mostback_url (the API document).
DESTINATION_KEY_RE = re.compile(r"^cpi_(?:[a-z0-9]+_)*mostback_url$")
_INT_RE = re.compile(r"^[+-]?\d+$")
TYPES_WITHOUT_FILTER = ("install", "click")
DIFF_FIELDS = ("type", "template_id", "filter_str", "title", "active", "context")


class TriggerError(Exception):
    """A problem with what the user asked for, found before any write.

    ``changed`` says whether something was written before the problem showed
    (only set by the engine's post-write verification).
    """

    def __init__(self, message, changed=False, trigger=None):
        super().__init__(message)
        self.message = message
        self.changed = changed
        self.trigger = trigger


# --------------------------------------------------------------------------
# Values by meaning
# --------------------------------------------------------------------------
def canonical(value):
    """A comparable form of a context value.

    The API stores and returns context values as strings ("7" for 7, "true"
    for true), so 7, 7.0, "7" and "07" are one value; True, "true" and "True"
    are one value; None and "" are one value.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True)
    text = str(value)
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered
    if _INT_RE.match(text.strip()):
        return str(int(text.strip()))
    try:
        number = float(text)
    except ValueError:
        return text
    if math.isnan(number) or math.isinf(number):
        return text
    return str(int(number)) if number.is_integer() else repr(number)


def same_value(left, right):
    return canonical(left) == canonical(right)


def trigger_key(trigger):
    """The per-app uniqueness key: (template_id, type, filter_str)."""
    template_id = trigger.get("template_id")
    return (
        int(template_id) if template_id is not None else None,  # a trigger without one matches no key
        str(trigger.get("type") or "").lower(),
        trigger.get("filter_str") or "",
    )


def find_by_key(triggers, key):
    """The triggers whose uniqueness key is ``key`` (a missing filter_str equals '')."""
    return [t for t in triggers if trigger_key(t) == key]


# --------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------
def template_inputs(template):
    """Map input id -> input dict of a (normalised) template."""
    inputs = {}
    for meta in template.get("context_meta") or []:
        spec = meta.get("input") or {}
        if spec.get("id"):
            inputs[spec["id"]] = spec
    return inputs


def template_defaults(template):
    """Input id -> default value, for inputs that have a non-empty default."""
    defaults = {}
    for key, spec in template_inputs(template).items():
        default = spec.get("default_value")
        if default is not None and default != "":
            defaults[key] = default
    return defaults


def find_template(templates, template_id=None, name=None):
    """The template with this id or name, or a TriggerError naming what exists."""
    if template_id is None and name is None:
        raise TriggerError("the trigger's template is not known (the API answered a trigger without template_id)")
    if template_id is not None:
        for template in templates:
            if template["id"] == template_id:
                return template
        raise TriggerError("template_id %s is not a postback template available to this app; available: %s" % (template_id, _describe_templates(templates)))
    matches = [t for t in templates if t.get("name") == name]
    if not matches:
        matches = [t for t in templates if str(t.get("name", "")).lower() == str(name).lower()]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise TriggerError("template '%s' is not a postback template available to this app; available: %s" % (name, _describe_templates(templates)))
    raise TriggerError(
        "template name '%s' matches %d templates (ids %s); use template_id instead" % (name, len(matches), ", ".join(str(t["id"]) for t in matches))
    )


def _describe_templates(templates):
    if not templates:
        return "none"
    return ", ".join("%s (%s)" % (t["id"], t.get("name", "")) for t in sorted(templates, key=lambda t: t["id"]))


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------
def check_scalar_context(context):
    """Context values must be strings, numbers or booleans (the API stores strings)."""
    for key, value in (context or {}).items():
        if value is None:
            raise TriggerError("context.%s has no value (null); give it a value, or leave it out (purge_context=true removes keys not given)" % key)
        if isinstance(value, (dict, list, tuple, set)):
            raise TriggerError("context.%s must be a string, number or boolean, got %s" % (key, type(value).__name__))


def _option_values(spec):
    return [option.get("value") for option in spec.get("options") or [] if isinstance(option, dict)]


def validate_context(template, given, resulting, creating, allow_unknown):
    """Check a context about to be written against its template.

    ``given`` is what the user asked for, ``resulting`` the complete context
    that will be sent. Every failure names the key and what is allowed.
    """
    inputs = template_inputs(template)
    problems = []
    if not allow_unknown:
        # The destination URL key is required by the API itself, whether or
        # not a template lists it among its inputs.
        unknown = sorted(k for k in given if k not in inputs and not DESTINATION_KEY_RE.match(k))
        if unknown:
            problems.append(
                "context key%s %s not known to template %s (%s); known keys: %s. Set allow_unknown_context=true to send %s anyway"
                % (
                    "s" if len(unknown) > 1 else "",
                    ", ".join(unknown),
                    template["id"],
                    template.get("name", ""),
                    ", ".join(sorted(inputs)) or "none",
                    "them" if len(unknown) > 1 else "it",
                )
            )
    for key in sorted(given):
        spec = inputs.get(key)
        if spec is None or spec.get("type") != "select":
            continue
        allowed = _option_values(spec)
        if allowed and not any(same_value(given[key], option) for option in allowed):
            problems.append("context.%s must be one of %s, got %r" % (key, ", ".join(canonical(v) for v in allowed), given[key]))
    for key in sorted(inputs):
        spec = inputs[key]
        if not spec.get("required"):
            continue
        if canonical(resulting.get(key)) == "" and canonical(spec.get("default_value")) == "":
            problems.append("context.%s is required by template %s (%s) and has no default" % (key, template["id"], template.get("name", "")))
    destination = [k for k in resulting if DESTINATION_KEY_RE.match(k)]
    if creating and not destination:
        wanted = sorted(k for k in inputs if DESTINATION_KEY_RE.match(k)) or ["cpi_<network>_mostback_url"]
        problems.append("context must contain the destination URL (%s) when a trigger is created" % " or ".join(wanted))
    for key in sorted(destination):
        if key not in given and not creating:
            continue
        url = canonical(resulting.get(key))
        if url and not re.match(r"^https?://[^\s/]+", url, re.IGNORECASE):
            problems.append("context.%s must be an http(s) URL, got %r" % (key, resulting.get(key)))
    if problems:
        raise TriggerError("; ".join(_dedupe(problems)))


def _dedupe(items):
    seen = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


# --------------------------------------------------------------------------
# Desired state
# --------------------------------------------------------------------------
def comparable_context(context, defaults):
    """Context reduced to what it means: a value equal to the template
    default counts as unset, and so does an empty value."""
    reduced = {}
    for key, value in (context or {}).items():
        text = canonical(value)
        if text == "" or (key in defaults and text == canonical(defaults[key])):
            continue
        reduced[key] = text
    return reduced


def merge_context(existing, given, purge, defaults):
    """The complete context to send: existing keys kept, given keys changed.

    With ``purge``, keys not given are reset to the template default, or
    emptied ("") when the template has none. Leaving a key out would remove
    it only where PATCH replaces the context; an empty value is unset under
    either reading (an empty value counts as unset when comparing).
    """
    existing = existing or {}
    if purge:
        resulting = {}
        for key in existing:
            if key not in given:
                resulting[key] = defaults.get(key, "")
    else:
        resulting = dict(existing)
    for key, value in given.items():
        # Keep the server's spelling of an unchanged value (a quiet diff).
        if key in existing and same_value(existing[key], value):
            resulting[key] = existing[key]
        else:
            resulting[key] = value
    return resulting


def context_differs(existing, given, purge, defaults):
    """Whether writing ``given`` would change what ``existing`` means."""
    existing = existing or {}
    if purge:
        return comparable_context(existing, defaults) != comparable_context(given, defaults)
    for key, value in given.items():
        if key in existing:
            if not same_value(existing[key], value):
                return True
        elif canonical(value) != canonical(defaults.get(key)):
            # Missing on the server: a change unless the value is the default
            # the server applies anyway. Empty equals missing.
            if canonical(value) != "" or key in defaults:
                return True
    return False


def changed_fields(existing, title=None, active=None):
    """Which of title/active differ (None means unmanaged)."""
    changes = {}
    if title is not None and title != existing.get("title"):
        changes["title"] = title
    if active is not None and bool(active) != bool(existing.get("active")):
        changes["active"] = bool(active)
    return changes


def diff_view(trigger):
    """The part of a trigger shown in --diff."""
    if not trigger:
        return {}
    view = {}
    for field in DIFF_FIELDS:
        if field in trigger:
            view[field] = trigger[field]
    if "filter_str" in view and view.get("type") in TYPES_WITHOUT_FILTER and not view["filter_str"]:
        del view["filter_str"]
    if "context" in view:
        view["context"] = dict(sorted((view["context"] or {}).items()))
    return view


def predict_created(app_id, payload, template):
    """What the server is expected to hold after a POST (check mode)."""
    context = dict(template_defaults(template)) if template else {}
    context.update(payload.get("context") or {})
    trigger = {
        "id": None,
        "app_id": app_id,
        "type": payload["type"],
        "title": payload["title"],
        "template_id": payload["template_id"],
        "filter_str": payload.get("filter_str") or "",
        "active": bool(payload.get("active", False)),
        "context": context,
    }
    return trigger
