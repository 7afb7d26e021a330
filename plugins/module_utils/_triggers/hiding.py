# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The masking rules of hidden values: hidden context keys, hidden URL query
parameters, and the fingerprint that tells two masked values apart.

A hidden value shows as ``********~3f2a``: the mask, then four hex digits of
HMAC-SHA256(api_key, value). Two different values (almost always) show
different fingerprints, so a change of a hidden value is visible as a change;
without the key, a fingerprint cannot be checked against a guessed value.

Pure: nothing here talks to the network or imports Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import hmac
import re

from ansible_collections.kochava.publisher.plugins.module_utils._api.redact import MASK, redact
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import canonical

FINGERPRINT_DIGITS = 4
NO_LOG_PLACEHOLDER = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"  # what Ansible shows for a no_log option


def fingerprint(text, secret):
    """Four hex digits of HMAC-SHA256 keyed with ``secret`` (the API key) over ``text``."""
    mac = hmac.new(str(secret).encode("utf-8"), str(text).encode("utf-8"), hashlib.sha256)
    return mac.hexdigest()[:FINGERPRINT_DIGITS]


def split_names(text):
    """A comma-separated list (an environment variable): parts stripped, empty parts dropped."""
    return [part.strip() for part in str(text or "").split(",") if part.strip()]


def _url_param_re(names):
    if not names:
        return None
    # name=value after ?, &, ; or # (or at the start of the text); the value runs to the next separator
    return re.compile(r"(?:(?<=[?&;#])|^)(%s)=([^&;#]*)" % "|".join(re.escape(name) for name in names), re.IGNORECASE)


class Hider:
    """Masks the values of hidden context keys and of hidden URL query parameters.

    ``secret`` (the API key) keys the fingerprints; without it a hidden value
    shows the plain mask. ``everything`` masks every non-empty context value
    (used when the hidden options themselves could not be read).
    """

    def __init__(self, keys=(), url_params=(), secret=None, everything=False):
        self.keys = frozenset(keys or ())
        self.url_params = tuple(sorted(set(url_params or ())))
        self.secret = secret or None
        self.everything = everything
        self._url_re = _url_param_re(self.url_params)
        self._masks = {}

    def __bool__(self):
        return bool(self.keys or self.url_params or self.everything)

    def __contains__(self, key):
        """Whether context key ``key`` is hidden whole."""
        return self.everything or key in self.keys

    def mask(self, text):
        """The mask shown for the (non-empty) hidden text ``text``."""
        if self.secret is None:
            return MASK
        masked = self._masks.get(text)
        if masked is None:  # a value read and declared alike is fingerprinted once
            masked = self._masks[text] = "%s~%s" % (MASK, fingerprint(text, self.secret))
        return masked

    def value(self, key, value):
        """``value`` of context key ``key`` as shown: masked whole, its hidden URL parameters masked, or as it is."""
        if key in self:
            text = canonical(value)
            return self.mask(text) if text != "" else value
        if self._url_re is not None and isinstance(value, str):
            return self.url(value)
        return value

    def url(self, text):
        """``text`` with the value of every hidden URL parameter masked (an empty value stays empty)."""
        if self._url_re is None:
            return text
        return self._url_re.sub(lambda m: "%s=%s" % (m.group(1), self.mask(m.group(2)) if m.group(2) else ""), text)

    def context(self, context):
        """A copy of ``context`` as shown."""
        if not context:
            return dict(context or {})
        if not self:
            return dict(context)
        return dict((key, self.value(key, value)) for key, value in context.items())

    def secrets(self, context):
        """The hidden texts of ``context`` (whole values of hidden keys, values of hidden URL parameters)."""
        found = set()
        if not self or not isinstance(context, dict):
            return found
        for key, value in context.items():
            if key in self:
                text = canonical(value)
                if text != "":
                    found.update((str(value), text))
            elif self._url_re is not None and isinstance(value, str):
                found.update(m.group(2) for m in self._url_re.finditer(value) if m.group(2))
        return found


def hider_from(params):
    """The Hider of a module's parameters: hidden_context_keys, hidden_url_params, fingerprints keyed with api_key.

    Options that are not lists of strings (a task that failed validation) hide every context value.
    """
    keys, url_params = params.get("hidden_context_keys"), params.get("hidden_url_params")
    readable = all(value is None or (isinstance(value, list) and all(isinstance(v, str) for v in value)) for value in (keys, url_params))
    if not readable:
        return Hider(secret=params.get("api_key"), everything=True)
    return Hider(keys=keys, url_params=url_params, secret=params.get("api_key") if isinstance(params.get("api_key"), str) else None)


def declared_contexts(params):
    """The contexts a task declares (kochava_trigger's context, kochava_triggers' items' contexts)."""
    triggers = params.get("triggers")
    items = [item for item in triggers if isinstance(item, dict)] if isinstance(triggers, list) else []
    return [params.get("context")] + [item.get("context") for item in items]


def masked_params(params):
    """A task's arguments as shown (a result's invocation, the log): the API key replaced by
    Ansible's no_log placeholder, every context masked by the task's own hiding rules."""
    hider = hider_from(params)
    masked = dict(params)
    if masked.get("api_key") is not None:
        masked["api_key"] = NO_LOG_PLACEHOLDER
    if "context" in masked:
        masked["context"] = _masked_context(masked["context"], hider)
    triggers = masked.get("triggers")
    if isinstance(triggers, list):
        masked["triggers"] = [_masked_item(item, hider) for item in triggers]
    elif triggers is not None:
        masked["triggers"] = _masked_other(triggers, hider)
    return masked


def _masked_item(item, hider):
    if not isinstance(item, dict):
        return _masked_other(item, hider)
    return dict(item, context=_masked_context(item["context"], hider)) if "context" in item else dict(item)


def _masked_context(context, hider):
    return hider.context(context) if isinstance(context, dict) else _masked_other(context, hider)


def _masked_other(value, hider):
    """A value that is not what it should be (the task fails): as it is, unless anything is hidden."""
    return value if not hider or value is None else hider.mask(str(value))


def masked_message(msg, params, secrets=()):
    """A message as shown: ``secrets`` and the task's declared hidden texts redacted, hidden URL parameters masked."""
    hider = hider_from(params)
    secrets = set(secrets)
    for context in declared_contexts(params):
        secrets |= hider.secrets(context)
    return hider.url(redact(msg, secrets))


class SecretWatch:
    """A client whose answers' hidden texts are handed to ``keep`` (to redact messages; linear in the triggers read)."""

    # the calls whose answers carry triggers, writes included: their hidden texts are kept
    _TRIGGER_ANSWERS = ("list_triggers", "get_trigger", "create_trigger", "update_trigger")

    def __init__(self, client, hider, keep):
        self._client, self._hider, self._keep = client, hider, keep

    def __getattr__(self, name):
        attr = getattr(self._client, name)
        if name not in self._TRIGGER_ANSWERS:
            return attr

        def watched(*args, **kwargs):
            answer = attr(*args, **kwargs)
            for trigger in answer if isinstance(answer, list) else [answer]:
                if isinstance(trigger, dict):
                    self._keep(self._hider.secrets(trigger.get("context")))
            return answer

        return watched
