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

A Hider also remembers every hidden text it has seen (the task's declared
contexts, the contexts read from the API) and masks it wherever else it sits:
a title, a filter_str, a message, a warning, with the same fingerprint as in
its own field (``Hider.text``, one pass over a text whatever the number of
hidden texts). Messages are finished once, by ``masked_message``: hidden texts
masked, other secrets (the API key) redacted, stray hidden URL parameters
masked up to the URL's end, then control and bidirectional characters escaped.

Pure: nothing here talks to the network or imports Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import hmac
import re
import unicodedata

from ansible_collections.kochava.publisher.plugins.module_utils._api.redact import MASK, redact
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import canonical

FINGERPRINT_DIGITS = 4
NO_LOG_PLACEHOLDER = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"  # what Ansible shows for a no_log option
# What a masked value looks like, fingerprinted or not (a message may carry one already).
_MASKED_RE = re.compile(re.escape(MASK) + r"(?:~[0-9a-f]{%d})?" % FINGERPRINT_DIGITS)


def fingerprint(text, secret):
    """Four hex digits of HMAC-SHA256 keyed with ``secret`` (the API key) over ``text``."""
    mac = hmac.new(str(secret).encode("utf-8"), str(text).encode("utf-8"), hashlib.sha256)
    return mac.hexdigest()[:FINGERPRINT_DIGITS]


def split_names(text):
    """A comma-separated list (an environment variable): parts stripped, empty parts dropped."""
    return [part.strip() for part in str(text or "").split(",") if part.strip()]


# Inside a message a URL ends where a URL cannot go on: a blank, a quote, <, >, a backslash, a backtick.
URL_END = "\\s'\"<>\\\\`"
WINDOW = 8  # texts at least this long are found through one window of theirs (see _Finder)


def _url_param_re(names, ends=""):
    if not names:
        return None
    # name=value after ?, &, ; or # (or at the start of the text); the value runs to the next separator
    # (and, in a message, to the URL's end: ``ends``)
    return re.compile(r"(?:(?<=[?&;#])|^)(%s)=([^&;#%s]*)" % ("|".join(re.escape(name) for name in names), ends), re.IGNORECASE)


class _Finder:
    """Finds any of many texts inside a text in one pass: linear in the text's length, not in the number of texts.

    A text of WINDOW characters or more is filed under one window of WINDOW characters of its own (the least
    used of a few), so a position of the searched text costs one dict look-up; shorter texts are looked up by
    length (at most WINDOW - 1 look-ups a position).
    """

    def __init__(self, texts):
        self.long, self.short = {}, {}
        for text in sorted(texts, key=len, reverse=True):
            if len(text) < WINDOW:
                self.short.setdefault(len(text), set()).add(text)
                continue
            last = len(text) - WINDOW
            offsets = sorted(set((0, last, last // 2, last // 4, 3 * last // 4)))
            offset = min(offsets, key=lambda o: len(self.long.get(text[o : o + WINDOW], ())))
            self.long.setdefault(text[offset : offset + WINDOW], []).append((text, offset))

    def spans(self, text):
        """``(start, end)`` of every occurrence, the longest first at each start."""
        found = []
        if self.long:
            get = self.long.get
            for index in range(len(text) - WINDOW + 1):
                candidates = get(text[index : index + WINDOW])
                if candidates:
                    for known, offset in candidates:
                        start = index - offset
                        if start >= 0 and text.startswith(known, start):
                            found.append((start, start + len(known)))
        for length, known in self.short.items():
            for index in range(len(text) - length + 1):
                if text[index : index + length] in known:
                    found.append((index, index + length))
        found.sort(key=lambda span: (span[0], -span[1]))
        return found


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
        self._url_in_text_re = _url_param_re(self.url_params, URL_END)
        self._masks = {}
        self._known = {}  # every hidden text seen -> its mask
        self._finder = None
        self._masked_texts = {}
        self._seen = {}  # (context key, str value) -> its hidden texts

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

    def learn(self, text, mask_of=None):
        """Remember hidden ``text`` (masked as ``mask_of`` is, by default as itself) to mask it wherever it sits."""
        if text and text not in self._known:
            self._known[text] = self.mask(text if mask_of is None else mask_of)
            self._finder = None
            self._masked_texts = {}

    def learn_contexts(self, contexts):
        """Remember the hidden texts of every context of ``contexts`` (an iterable of dicts)."""
        if self:
            for context in contexts:
                self.secrets(context)

    def text(self, text):
        """``text`` (a str; anything else as it is) with every hidden text seen masked, fingerprinted as in its own field."""
        if not self._known or not isinstance(text, str) or not text:
            return text
        shown = self._masked_texts.get(text)
        if shown is None:
            if self._finder is None:
                self._finder = _Finder(self._known)
            shown = self._masked_texts[text] = self._replace(text, self._finder.spans(text))
        return shown

    def _replace(self, text, spans):
        parts, end = [], 0
        for start, stop in spans:
            if start < end:  # inside (or overlapping) a span already masked
                if stop > end:
                    end = stop
                continue
            parts.append(text[end:start])
            parts.append(self._known[text[start:stop]])
            end = stop
        parts.append(text[end:])
        return "".join(parts)

    def in_message(self, text):
        """``text`` with the values of hidden URL parameters masked, each ending at the URL's end
        (a quote, a blank), and left alone when they are a mask already."""
        if self._url_in_text_re is None:
            return text

        def masked(match):
            value = match.group(2)
            if not value or _MASKED_RE.fullmatch(value):
                return match.group(0)
            return "%s=%s" % (match.group(1), self._known.get(value) or self.mask(value))

        return self._url_in_text_re.sub(masked, text)

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
            if not isinstance(value, str):
                found.update(self._value_secrets(key, value))
                continue
            texts = self._seen.get((key, value))
            if texts is None:  # a value met again (declared, read, echoed) costs one look-up
                texts = self._seen[key, value] = self._value_secrets(key, value)
            found.update(texts)
        return found

    def _value_secrets(self, key, value):
        """The hidden texts of one context value, learnt."""
        if key in self:
            text = canonical(value)
            if text == "":
                return ()
            self.learn(text)
            self.learn(str(value), text)  # "0030" shows as "30" does, as in its own field
            return (str(value), text)
        if self._url_re is None or not isinstance(value, str):
            return ()
        texts = tuple(match.group(2) for match in self._url_re.finditer(value) if match.group(2))
        for text in texts:
            self.learn(text)
        return texts


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
    hider.learn_contexts(declared_contexts(params))
    masked = dict(params)
    if masked.get("api_key") is not None:
        masked["api_key"] = NO_LOG_PLACEHOLDER
    if "context" in masked:
        masked["context"] = _masked_context(masked["context"], hider)
    _texts_masked(masked, hider)
    triggers = masked.get("triggers")
    if isinstance(triggers, list):
        masked["triggers"] = [_masked_item(item, hider) for item in triggers]
    elif triggers is not None:
        masked["triggers"] = _masked_other(triggers, hider)
    return masked


def _masked_item(item, hider):
    if not isinstance(item, dict):
        return _masked_other(item, hider)
    return _texts_masked(dict(item, context=_masked_context(item["context"], hider)) if "context" in item else dict(item), hider)


def _texts_masked(options, hider):
    """``options`` (changed in place) with hidden texts masked in title and filter_str (a token pasted into a title)."""
    for name in ("title", "filter_str"):
        if isinstance(options.get(name), str):
            options[name] = hider.text(options[name])
    return options


def _masked_context(context, hider):
    return hider.context(context) if isinstance(context, dict) else _masked_other(context, hider)


def _masked_other(value, hider):
    """A value that is not what it should be (the task fails): as it is, unless anything is hidden."""
    return value if not hider or value is None else hider.mask(str(value))


def masked_message(msg, params, secrets=(), hider=None):
    """A message or warning as shown, finished here once: every hidden text ``hider`` has seen and the task's
    declared ones masked (with the fingerprint of their own field), ``secrets`` (the API key) redacted, stray
    hidden URL parameters masked up to the URL's end, control and bidirectional characters escaped."""
    hider = hider if hider is not None else hider_from(params)
    hider.learn_contexts(declared_contexts(params))
    secrets = [secret for secret in secrets if secret not in hider._known]  # masked already, fingerprinted
    return escaped(hider.in_message(redact(hider.text(str(msg)), secrets)))


_PLAIN_RE = re.compile(r"[\x20-\x7e]*\Z")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escaped(text):
    """``text`` with every control, format (bidirectional marks and overrides, zero-width characters) and
    line or paragraph separator character written as an escape (``\\r\\n``, ``\\u202e``): a message copies
    titles, filter strings and API texts, and must not fake a line of a log or turn text around."""
    if _PLAIN_RE.match(text):
        return text
    return "".join(_escape(char) if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") else char for char in text)


def _escape(char):
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    return "\\x%02x" % code if code < 0x100 else "\\u%04x" % code if code < 0x10000 else "\\U%08x" % code


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
