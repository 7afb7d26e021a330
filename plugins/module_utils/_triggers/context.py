# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Pure context rules: validation against a template, compare by meaning,
the complete context to send, and no placeholder of a hidden value written back.

Nothing here talks to the network or imports Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from urllib.parse import urlsplit

from ansible_collections.kochava.publisher.plugins.module_utils._api.redact import MASK
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.hiding import NO_LOG_PLACEHOLDER
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import (
    TriggerError,
    canonical,
    same_value,
    template_inputs,
)

# The API document: context.cpi_<network>_mostback_url, for example cpi_mostback_url.
# A network name is one lower-case alphanumeric word (cpi_openxperformance_...), or none.
DESTINATION_KEY_RE = re.compile(r"^cpi_(?:[a-z0-9]+_)?mostback_url$")
# What results show in place of a hidden value, and what Ansible shows in place of a no_log value:
# neither may be written back. A fingerprinted mask (********~3f2a) contains the first.
PLACEHOLDERS = (MASK, NO_LOG_PLACEHOLDER)


def is_http_url(text):
    """An absolute http(s) URL with a host name and no blank anywhere (what the API accepts)."""
    if any(char.isspace() or not char.isprintable() for char in text):
        return False
    try:
        parts = urlsplit(text)
        host, _port = parts.hostname, parts.port  # .port raises ValueError for a port that is not a number
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(host)


def url_problem(text):
    """Why ``text`` is not an http(s) URL the API accepts, without quoting it (it may hold a secret); None if it is one."""
    if any(char.isspace() or not char.isprintable() for char in text):
        return "it holds a blank or a control character"
    try:
        parts = urlsplit(text)
        host = parts.hostname
        _port = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        return "its host or port cannot be read"
    if parts.scheme.lower() not in ("http", "https"):
        return "its scheme is not http or https" if parts.scheme else "it has no scheme (http:// or https://)"
    if not host:
        return "it has no host name"
    return None


def check_scalar_context(context):
    """Context values must be strings, numbers or booleans (the API stores
    strings), and never a placeholder that stands for a hidden value."""
    for key, value in (context or {}).items():
        if value is None:
            raise TriggerError("context.%s has no value (null); give it a value, or leave it out (purge_context=true removes keys not given)" % key)
        if isinstance(value, (dict, list, tuple, set)):
            raise TriggerError("context.%s must be a string, number or boolean, got %s" % (key, type(value).__name__))
        if isinstance(value, str) and any(mark in value for mark in PLACEHOLDERS):
            raise TriggerError(
                "context.%s holds the placeholder of a hidden value (%s), as an export shows it; give the real value (for example from Ansible Vault),"
                " or take an export meant for re-applying with reveal_hidden: true (and no_log: true) on its kochava_trigger_info task" % (key, MASK)
            )


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
        unknown = sorted(k for k in given if k not in inputs and not DESTINATION_KEY_RE.fullmatch(k))
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
            # the value given is not quoted: a context value may be secret (messages name the field)
            problems.append("context.%s must be one of %s (the value given is not one of them)" % (key, ", ".join(canonical(v) for v in allowed)))
    for key in sorted(inputs):
        spec = inputs[key]
        if spec.get("required") and canonical(resulting.get(key)) == "" and canonical(spec.get("default_value")) == "":
            problems.append("context.%s is required by template %s (%s) and has no default" % (key, template["id"], template.get("name", "")))
    destination = [k for k in resulting if DESTINATION_KEY_RE.fullmatch(k)]
    if creating and not any(canonical(resulting[k]) != "" for k in destination):  # an empty value is no value
        wanted = sorted(k for k in inputs if DESTINATION_KEY_RE.fullmatch(k)) or ["cpi_<network>_mostback_url"]
        problems.append("context must contain the destination URL (%s) when a trigger is created" % " or ".join(wanted))
    for key in sorted(destination):
        if key not in given and not creating:
            continue
        url = canonical(resulting.get(key))
        problem = url_problem(url) if url else None
        if problem:
            problems.append("context.%s must be an http(s) URL with a host name: %s" % (key, problem))
    if problems:
        raise TriggerError("; ".join(sorted(set(problems), key=problems.index)))


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
        resulting = dict((key, defaults.get(key, "")) for key in existing if key not in given)
    else:
        resulting = dict(existing)
    for key, value in given.items():
        # Keep the server's spelling of an unchanged value (a quiet diff).
        resulting[key] = existing[key] if key in existing and same_value(existing[key], value) else value
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
        elif canonical(value) != canonical(defaults.get(key)) and (canonical(value) != "" or key in defaults):
            # Missing on the server: a change unless the value is the default
            # the server applies anyway. Empty equals missing.
            return True
    return False
