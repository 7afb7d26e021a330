"""Malformed task parameters for the four modules, as Hypothesis strategies.

Every case is a known-bad mutation of a valid base task, so what must go
wrong is known in advance: ``names`` are the option or key names the failure
message must contain, ``reads`` says whether judging the case needs an API
read (an unknown template name, a select value, a key that must match an
existing trigger): then GETs are allowed but never a write; otherwise the
module must fail before any API call.

(A plain module, not conftest.py: the test files import it by this name.)
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

from hypothesis import strategies as st

from ansible_collections.kochava.publisher.plugins.module_utils._triggers.fields import FIELDS
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.hiding import escaped
from ansible_collections.kochava.publisher.tests.constants import APP, TEMPLATE, URL

SEEDED_ID = 500001  # the install trigger of 3373 planted for the id cases
MASK = "********"

CONNECTION = ("api_key", "api_url", "validate_certs", "timeout", "max_retries", "rate_limit_wait", "max_requests_per_second", "max_answer_bytes")
TRIGGER_FIELDS = tuple(FIELDS)  # a trigger's fields, listed once in _triggers/fields.py
HIDDEN = ("hidden_context_keys", "hidden_url_params")  # every module takes them (a group default never breaks a task)
SPEC = {
    "kochava_trigger": set(CONNECTION + HIDDEN + TRIGGER_FIELDS + ("app_id", "id")),
    "kochava_triggers": set(CONNECTION + HIDDEN + ("app_id", "triggers", "purge", "max_deletes")),
    "kochava_trigger_info": set(CONNECTION + HIDDEN + ("app_id", "id", "type", "template_id", "filter_str", "active")),
    "kochava_template_info": set(CONNECTION + HIDDEN + ("app_id", "template_id", "name", "pending")),
}
INT_OPTIONS = {
    "kochava_trigger": ("app_id", "id", "template_id", "max_retries", "max_answer_bytes"),
    "kochava_triggers": ("app_id", "max_deletes", "max_retries", "max_answer_bytes"),
    "kochava_trigger_info": ("app_id", "id", "template_id", "max_retries", "max_answer_bytes"),
    "kochava_template_info": ("app_id", "template_id", "max_retries", "max_answer_bytes"),
}
BOOL_OPTIONS = {
    "kochava_trigger": ("validate_certs", "active", "purge_context", "allow_unknown_context"),
    "kochava_triggers": ("validate_certs", "purge"),
    "kochava_trigger_info": ("validate_certs", "active"),
    "kochava_template_info": ("validate_certs", "pending"),
}
CHOICE_OPTIONS = {
    "kochava_trigger": {"type": ("install", "event", "click"), "state": ("present", "absent")},
    "kochava_triggers": {},
    "kochava_trigger_info": {"type": ("install", "event", "click")},
    "kochava_template_info": {},
}
# Inputs of template 3373 (tests/playbooks/seed.json), and its select options.
KNOWN_3373 = ("cpi_mostback_url", "deferred_for", "max_delivery_attempts", "cpi_custom_note")
SELECTS_3373 = {"deferred_for": ("0", "30000", "60000"), "max_delivery_attempts": ("0", "1", "2", "3")}
DESTINATION_KEY_RE = re.compile(r"^cpi_(?:[a-z0-9]+_)?mostback_url$")


@dataclass(eq=False)
class Case:
    """One malformed task: ``args`` of ``module``; ``kind`` the mutation."""

    module: str
    kind: str
    args: dict
    names: tuple  # each must appear in the failure message
    reads: bool = False  # GETs allowed (never a write)
    seed: bool = False  # needs the install trigger SEEDED_ID in the emulator
    echo: tuple = ()  # generated texts the message may quote (ignored by the internals check)

    def label(self):
        return "%s/%s" % (self.module, self.kind)


# ----------------------------------------------------------------- values

_CHARS = st.characters(blacklist_categories=("Cs", "Cc"))
unicode_text = st.text(alphabet=_CHARS, min_size=1, max_size=40)
huge_text = st.builds(lambda ch, n: ch * n, st.sampled_from(["x", "é", "字", "😀", " "]), st.integers(2000, 8000))
empty_text = st.sampled_from(["", " ", "\t", "   \n  "])
any_text = st.one_of(unicode_text, huge_text, empty_text)
junk = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(alphabet=_CHARS, max_size=12)),
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(st.text(alphabet=_CHARS, max_size=8), children, max_size=3)),
    max_leaves=8,
)
nested = st.one_of(
    st.lists(junk, min_size=0, max_size=3),
    st.dictionaries(st.text(alphabet=_CHARS, max_size=8), junk, min_size=0, max_size=3),
)


def _int_like(text):
    # "inf"/"nan" are left out too: ansible-core 2.19's own int check raises
    # on them (OverflowError in check_type_int) before the module runs.
    try:
        if not math.isfinite(float(text)):
            return True
    except (ValueError, OverflowError):
        pass
    try:
        int(text)
        return True
    except ValueError:
        pass
    try:
        return float(text).is_integer()
    except (ValueError, OverflowError):
        return False


# Values Ansible cannot turn into an int: non-numeric text, fractions, nested junk.
not_int = st.one_of(
    any_text.filter(lambda s: not _int_like(s)),
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer()),
    nested,
)
# Values that are not booleans to Ansible.
_BOOLEAN_WORDS = {"y", "yes", "on", "1", "true", "t", "n", "no", "off", "0", "false", "f"}
not_bool = st.one_of(
    any_text.filter(lambda s: s.strip().lower() not in _BOOLEAN_WORDS and s.lower() not in _BOOLEAN_WORDS),
    st.integers().filter(lambda i: i not in (0, 1)),
    nested,
)
# Not a dict to Ansible (strings are parsed as JSON or key=value, so none here).
not_dict = st.one_of(st.lists(junk, min_size=1, max_size=3), st.integers(), st.floats(allow_nan=False), st.booleans())


def not_choice(choices):
    return any_text.filter(lambda s: s not in choices)


# api_url values that are no http(s) URL at all, or one without a usable host.
BAD_API_URLS = (
    "ftp://api.example.com",
    "https://",
    "http://",
    "not a url",
    "//api.example.com",
    "api.example.com",
    "mailto:ops@example.com",
    "javascript:alert(1)",
    "http//127.0.0.1",
    "https:/127.0.0.1",
    "http://127.0.0.1:notaport",
    "http://127.0.0.1:99999",
    "http://[::1",
    "http://[not-ipv6]/",
    "☃://snow.example",
    # issue 23: https only (plain http for a loopback host only), no query, no fragment
    "http://api.kochava.com",
    "http://10.0.0.1:8080/v1",
    "https://api.kochava.com/?x=1",
    "https://api.kochava.com/v1#frag",
)
bad_api_url = st.one_of(
    st.sampled_from(BAD_API_URLS),
    st.builds(lambda scheme, rest: scheme + "://" + rest, st.sampled_from(["ftp", "file", "gopher", "ws", "htp"]), st.from_regex(r"\A[a-z0-9.]{1,20}\Z")),
    st.builds(lambda host: host + ".example", st.from_regex(r"\A[a-z0-9-]{1,20}\Z")),
    huge_text.map(lambda s: s.replace(" ", "x")),
)
# Destination URL values (context cpi_*_mostback_url): not an absolute http(s) URL with a host.
BAD_DESTINATIONS = (
    "ftp://collector.example.com/in",
    "collector.example.com/in",
    "//collector.example.com/in",
    "http://",
    "https://",
    "https:///path",
    "javascript:alert(1)",
    "mailto:ops@example.com",
    "https://exa mple.com/in",
    "https://collector.example.com/in put",
    "https://collector.example.com/\u2028x",
    "https://@",
    "http://:80",
    "https://?x=1",
    "https://#frag",
    " https://collector.example.com/in",
    "https://collector.example.com/in\n",
)
bad_destination = st.one_of(
    st.sampled_from(BAD_DESTINATIONS),
    st.builds(lambda text: "no url " + text, unicode_text),
    st.builds(lambda scheme, host: scheme + "://" + host, st.sampled_from(["ftp", "file", "ws", "htp", "httpx"]), st.from_regex(r"\A[a-z0-9.]{1,20}\Z")),
    st.builds(lambda path: "https://collector.example.com/" + path + " " + path, st.from_regex(r"\A[a-z0-9]{1,10}\Z")),
)
unknown_context_key = st.one_of(st.from_regex(r"\A[a-z][a-z0-9_]{0,30}\Z"), unicode_text, huge_text.map(lambda s: "k" + s.replace(" ", "_"))).filter(
    lambda k: k not in KNOWN_3373 and not DESTINATION_KEY_RE.fullmatch(k) and k.strip() == k and k
)


def unknown_option(module):
    names = st.one_of(st.from_regex(r"\A[a-z][a-z0-9_]{0,24}\Z"), unicode_text, huge_text.map(lambda s: "o" + s.replace(" ", "_")))
    return names.filter(lambda n: n not in SPEC[module] and not n.startswith("_") and n.strip() == n and "," not in n)


# ----------------------------------------------------------------- bases

TRIGGER_BASES = (
    {"app_id": APP, "type": "install", "template_id": TEMPLATE, "title": "Install", "context": {"cpi_mostback_url": URL}},
    {"app_id": APP, "type": "event", "template_id": TEMPLATE, "filter_str": "Purchase", "title": "Purchase", "context": {"cpi_mostback_url": URL}},
    {"app_id": APP, "type": "click", "template": "Custom Postback", "title": "Click", "context": {"cpi_mostback_url": URL, "deferred_for": 30000}},
)
ITEM_BASES = tuple(dict((k, v) for k, v in base.items() if k != "app_id") for base in TRIGGER_BASES)
BASES = {
    "kochava_trigger": TRIGGER_BASES,
    "kochava_triggers": (
        {"app_id": APP, "triggers": [ITEM_BASES[0]]},
        {"app_id": APP, "triggers": list(ITEM_BASES), "purge": True, "max_deletes": 2},
        {"app_id": APP, "triggers": [ITEM_BASES[1], ITEM_BASES[2]], "max_deletes": -1},
    ),
    "kochava_trigger_info": ({"app_id": APP}, {"app_id": APP, "type": "event", "template_id": TEMPLATE, "filter_str": "Purchase", "active": True}),
    "kochava_template_info": ({"app_id": APP}, {"app_id": APP, "template_id": TEMPLATE, "name": "Custom Postback", "pending": False}),
}


def _texts(*values):
    return tuple(v for v in values if isinstance(v, str)) + tuple(str(v) for v in values if not isinstance(v, str))


def _with(base, **changes):
    args = dict(base)
    args.update(changes)
    return args


def _set_option(module, kind, option, values, names=None, reads=False):
    """The base with ``option`` set to a drawn value."""

    def build(base, value):
        return Case(module, kind, _with(base, **{option: value}), names or (option,), reads=reads, echo=_texts(value))

    return st.builds(build, st.sampled_from(BASES[module]), values)


def common_mutations(module):
    """Mutations every module shares: connection options, types, unknown options."""
    bases = st.sampled_from(BASES[module])
    found = [
        st.builds(
            lambda base, name, value: Case(module, "unknown option", _with(base, **{name: value}), (name,), echo=_texts(name, value)),
            bases,
            unknown_option(module),
            junk,
        ),
        st.builds(lambda base: Case(module, "missing app_id", dict((k, v) for k, v in base.items() if k != "app_id"), ("app_id",)), bases),
        _set_option(module, "bad api_url", "api_url", bad_api_url),
        _set_option(module, "empty api_key", "api_key", empty_text),
        _set_option(module, "api_key with a control or non-latin-1 character", "api_key", st.sampled_from(BAD_API_KEYS)),
        _set_option(module, "negative timeout", "timeout", st.floats(max_value=-1e-9, allow_nan=False) | st.integers(max_value=-1)),
        _set_option(module, "zero timeout", "timeout", st.sampled_from([0, 0.0, "0"])),
        _set_option(module, "non-finite timeout", "timeout", st.sampled_from([math.inf, -math.inf, math.nan, "inf", "nan", "1e999"])),
        _set_option(module, "timeout not a number", "timeout", st.one_of(any_text.filter(lambda s: not _float_like(s)), nested)),
        _set_option(module, "negative max_retries", "max_retries", st.integers(max_value=-1)),
        _set_option(module, "app_id not a positive integer", "app_id", st.sampled_from([True, False, 0]) | st.integers(max_value=0)),
        _set_option(module, "max_answer_bytes out of range", "max_answer_bytes", st.integers(max_value=65535) | st.integers(min_value=2**30 + 1)),
        _set_option(module, "hidden_context_keys not a list", "hidden_context_keys", st.dictionaries(st.text(max_size=5), junk, min_size=1, max_size=2))
        if "hidden_context_keys" in SPEC[module]
        else st.nothing(),
    ]
    for option in INT_OPTIONS[module]:
        found.append(_set_option(module, "%s not an int" % option, option, not_int))
    for option in BOOL_OPTIONS[module]:
        found.append(_set_option(module, "%s not a bool" % option, option, not_bool))
    for option, choices in CHOICE_OPTIONS[module].items():
        found.append(_set_option(module, "%s not a choice" % option, option, not_choice(choices)))
    return found


def _float_like(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


# ----------------------------------------------------------------- one trigger (kochava_trigger, and each item of kochava_triggers)


def item_mutations():
    """Strategies of ``(kind, mutate(item) -> item, names, reads, echo)`` for one trigger's fields.

    kochava_trigger and kochava_triggers share them: the function applies
    the mutation to a base item. One strategy per kind, so each kind is drawn
    about as often as any other.
    """

    def m(kind, names, reads=False):
        def make(change, *echo):
            return (kind, change, names, reads, _texts(*echo))

        return make

    def key_of(item):
        return dict((k, v) for k, v in item.items() if k in ("type", "template_id", "template", "filter_str"))

    return [
        st.builds(
            lambda v: m("template_id and template", ("template_id", "template"))(lambda i: _with(i, template_id=TEMPLATE, template="Custom Postback")),
            st.just(0),
        ),
        st.builds(
            lambda v: m("event without filter_str", ("filter_str",))(lambda i: _with(dict((k, x) for k, x in i.items() if k != "filter_str"), type="event")),
            st.just(0),
        ),
        st.builds(
            lambda v: m(
                "event with an empty filter_str",
                ("filter_str",),
            )(lambda i: _with(i, type="event", filter_str=v), v),
            empty_text,
        ),
        st.builds(
            lambda t, v: m("filter_str on %s" % t, ("filter_str",))(lambda i: _with(i, type=t, filter_str=v), v),
            st.sampled_from(["install", "click"]),
            any_text.filter(lambda s: s != ""),
        ),
        st.builds(lambda v: m("empty title", ("title",))(lambda i: _with(i, title=v), v), st.one_of(empty_text, huge_text.map(lambda s: " " * len(s)))),
        st.builds(
            lambda v: m("empty template", ("template",))(lambda i: _with(dict((k, x) for k, x in i.items() if k != "template_id"), template=v), v), empty_text
        ),
        st.builds(
            lambda v: m("unknown template name", ("template",), reads=True)(
                lambda i: _with(dict((k, x) for k, x in i.items() if k != "template_id"), template=v), v
            ),
            any_text.map(lambda s: "No such template " + s),
        ),
        st.builds(
            lambda v: m("unknown template_id", ("template_id",), reads=True)(
                lambda i: _with(dict((k, x) for k, x in i.items() if k != "template"), template_id=v), v
            ),
            st.integers(1, 10**9).filter(lambda n: n not in (3373, 2209)),
        ),
        st.builds(lambda v: m("context not a dict", ("context",))(lambda i: _with(i, context=v), v), not_dict),
        st.builds(
            lambda k, v: m("nested junk as a context value", ("context." + k,))(lambda i: _with(i, context=_with(i.get("context") or {}, **{k: v})), k, v),
            st.sampled_from(KNOWN_3373 + ("extra_key",)),
            st.one_of(nested.filter(lambda x: True), st.none()),
        ),
        st.builds(
            lambda k, v: m("unknown context key", (k,), reads=True)(lambda i: _with(i, context=_with(i.get("context") or {}, **{k: v})), k, v),
            unknown_context_key,
            st.one_of(st.integers(), unicode_text),
        ),
        st.builds(
            lambda k, v: m("select value not an option", ("context." + k,), reads=True)(
                lambda i: _with(i, context=_with(i.get("context") or {}, **{k: v})), k, v
            ),
            st.sampled_from(sorted(SELECTS_3373)),
            st.one_of(st.integers(), unicode_text).filter(lambda v: str(v).strip() not in ("0", "1", "3", "5", "30000", "60000")),
        ),
        st.builds(
            lambda v: m("bad destination URL", ("context.cpi_mostback_url",), reads=True)(
                lambda i: _with(i, context=_with(i.get("context") or {}, cpi_mostback_url=v)), v
            ),
            bad_destination,
        ),
        st.builds(
            lambda k, pre, post: m("placeholder as a context value", ("context." + k,))(
                lambda i: _with(i, context=_with(i.get("context") or {}, **{k: pre + MASK + post}))
            ),
            st.sampled_from(KNOWN_3373),
            st.sampled_from(["", "https://collector.example.com/?t="]),
            st.sampled_from(["", "x"]),
        ),
        st.builds(
            lambda v: m("context without the destination URL", ("cpi_mostback_url",), reads=True)(lambda i: _with(i, context=v)),
            st.sampled_from([{}, {"deferred_for": 0}, {"cpi_custom_note": "n"}]),
        ),
        st.builds(lambda v: m("missing title on create", ("title",), reads=True)(lambda i: dict((k, x) for k, x in i.items() if k != "title")), st.just(0)),
    ]


def kochava_trigger_cases():
    module = "kochava_trigger"
    own = [
        st.builds(
            lambda base, mutation: Case(module, mutation[0], mutation[1](base), mutation[2], reads=mutation[3], echo=mutation[4]),
            st.sampled_from(TRIGGER_BASES),
            mutation,
        )
        for mutation in item_mutations()
    ] + [
        st.builds(
            lambda base: Case(module, "neither type nor id", dict((k, v) for k, v in base.items() if k != "type"), ("type", "id")),
            st.sampled_from(TRIGGER_BASES),
        ),
        # id with a key that is not the trigger's: GET of that trigger needed to judge, never a write
        st.builds(
            lambda field, value, extra: Case(
                module,
                "id with a mismatching %s" % field,
                dict({"app_id": APP, "id": SEEDED_ID, field: value}, **extra),
                (field,),
                reads=True,
                seed=True,
                echo=_texts(value),
            ),
            st.sampled_from(["type"]),
            st.sampled_from(["event", "click"]),
            st.sampled_from([{}, {"title": "Renamed"}]),
        ),
        st.builds(
            lambda value, extra: Case(
                module, "id with a mismatching template_id", dict({"app_id": APP, "id": SEEDED_ID, "template_id": value}, **extra), ("template_id",), True, True
            ),
            st.sampled_from([2209, 1, 99999]),
            st.sampled_from([{}, {"title": "Renamed"}, {"active": True}]),
        ),
        st.builds(
            lambda value: Case(
                module,
                "id with a mismatching filter_str",
                {"app_id": APP, "id": SEEDED_ID, "filter_str": value},
                ("filter_str",),
                True,
                True,
                echo=_texts(value),
            ),
            unicode_text.filter(lambda s: s.strip() == s),
        ),
        st.builds(
            lambda name: Case(module, "id with a mismatching template", {"app_id": APP, "id": SEEDED_ID, "template": name}, ("template",), True, True),
            st.sampled_from(["mmDSP", "MMDSP ", "No Such Template"]),
        ),
    ]
    return st.one_of(common_mutations(module) + own)


def kochava_triggers_cases():
    module = "kochava_triggers"
    bases = st.sampled_from(BASES[module])

    def item_case(base, index, mutation):
        items = [dict(i) for i in base["triggers"]]
        index %= len(items)
        items[index] = mutation[1](items[index])
        names = mutation[2] + ("triggers",)
        return Case(module, "item: " + mutation[0], _with(base, triggers=items), names, reads=mutation[3], echo=mutation[4])

    def duplicate(base, index, variant):
        items = [dict(i) for i in base["triggers"]]
        item = dict(items[index % len(items)])
        copy = dict(item)
        if variant == "retitled":
            copy.update(title="Another title", active=True)
        elif variant == "by name" and "template_id" in copy:
            copy.pop("template_id")
            copy["template"] = " custom POSTBACK "
        elif variant == "by id" and "template" in copy:
            copy.pop("template")
            copy["template_id"] = TEMPLATE
        elif variant == "absent":
            copy = dict((k, v) for k, v in copy.items() if k in ("type", "template_id", "template", "filter_str"))
            copy["state"] = "absent"
        items.insert(len(items), copy)
        reads = any("template" in i for i in items)
        return Case(module, "duplicate keys in triggers (%s)" % variant, _with(base, triggers=items), ("triggers[",), reads=reads)

    item_field_types = [
        st.builds(lambda f, v: ("%s not an int" % f, functools.partial(_with, **{f: v}), (f, "triggers"), False, _texts(v)), st.just("template_id"), not_int),
        st.builds(
            lambda f, v: ("%s not a bool" % f, functools.partial(_with, **{f: v}), (f, "triggers"), False, _texts(v)),
            st.sampled_from(["active", "purge_context", "allow_unknown_context"]),
            not_bool,
        ),
        st.builds(
            lambda f, v: ("%s not a choice" % f, functools.partial(_with, **{f: v}), (f, "triggers"), False, _texts(v)),
            st.sampled_from(["type", "state"]),
            not_choice(("install", "event", "click", "present", "absent")),
        ),
        st.builds(
            lambda name, v: ("unknown item option", functools.partial(_with, **{name: v}), (name, "triggers"), False, _texts(name, v)),
            unknown_option(module).filter(lambda n: n not in TRIGGER_FIELDS),
            junk,
        ),
        st.builds(lambda v: ("item without type", lambda i: dict((k, x) for k, x in i.items() if k != "type"), ("type", "triggers"), False, ()), st.just(0)),
        st.builds(
            lambda v: (
                "item without template",
                lambda i: dict((k, x) for k, x in i.items() if k not in ("template", "template_id")),
                ("template", "triggers"),
                False,
                (),
            ),
            st.just(0),
        ),
    ]
    own = [st.builds(item_case, bases, st.integers(0, 5), mutation) for mutation in item_mutations() + item_field_types] + [
        st.builds(duplicate, bases, st.integers(0, 5), st.sampled_from(["identical", "retitled", "by name", "by id", "absent"])),
        _set_option(module, "max_deletes below -1", "max_deletes", st.integers(max_value=-2)),
        _set_option(module, "triggers not a list", "triggers", st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans())),
        st.builds(lambda base: Case(module, "missing triggers", dict((k, v) for k, v in base.items() if k != "triggers"), ("triggers",)), bases),
    ]
    return st.one_of(common_mutations(module) + own)


def kochava_trigger_info_cases():
    return st.one_of(common_mutations("kochava_trigger_info"))


def kochava_template_info_cases():
    return st.one_of(common_mutations("kochava_template_info"))


BAD_API_KEYS = ("key\nwith-newline", "key\r\n", "ключ-0000", "key\x00nul")
ODD_TIMEOUTS = (math.inf, -math.inf, math.nan, "inf", "nan", "1e999", 0, -1, -0.5)


def explicit_cases(module):
    """Every listed bad value once, on the first base (Hypothesis draws from the lists, this makes sure each is tried)."""
    base = BASES[module][0]
    cases = [Case(module, "bad api_url", _with(base, api_url=url), ("api_url",), echo=(url,)) for url in BAD_API_URLS]
    cases += [Case(module, "api_key with a control or non-latin-1 character", _with(base, api_key=key), ("api_key",)) for key in BAD_API_KEYS]
    cases += [Case(module, "odd timeout", _with(base, timeout=value), ("timeout",), echo=(str(value),)) for value in ODD_TIMEOUTS]
    if module == "kochava_trigger":
        for url in BAD_DESTINATIONS:
            cases.append(
                Case(module, "bad destination URL", _with(base, context={"cpi_mostback_url": url}), ("context.cpi_mostback_url",), reads=True, echo=(url,))
            )
    if module == "kochava_triggers":
        for url in BAD_DESTINATIONS:
            items = [_with(ITEM_BASES[0], context={"cpi_mostback_url": url})]
            cases.append(
                Case(module, "item: bad destination URL", _with(base, triggers=items), ("context.cpi_mostback_url", "triggers"), reads=True, echo=(url,))
            )
    return cases


CASES = {
    "kochava_trigger": kochava_trigger_cases,
    "kochava_triggers": kochava_triggers_cases,
    "kochava_trigger_info": kochava_trigger_info_cases,
    "kochava_template_info": kochava_template_info_cases,
}

# ----------------------------------------------------------------- judging a result

_INTERNALS = re.compile(
    r"Traceback \(most recent call last\)|File \"|\b[A-Z][A-Za-z]*(?:Error|Exception)\b|NoneType|has no attribute|not subscriptable|unhashable type"
    r"|invalid literal for|object is not|unexpected keyword argument|positional argument|maximum recursion|Exceeds the limit"
)


def strings_of(value, path=""):
    """Every string in a result, with where it is (``exception`` and ``invocation`` left out)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if path == "" and key in ("exception", "invocation"):
                continue
            yield from strings_of(item, "%s.%s" % (path, key) if path else str(key))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from strings_of(item, "%s[%d]" % (path, index))
    elif isinstance(value, str):
        yield path, value


def internals_in(result, echo=()):
    """Python internals shown anywhere in a result (values the case itself put in are ignored)."""
    found = []
    for where, text in strings_of(result):
        for quoted in sorted(echo, key=len, reverse=True):
            if quoted:
                text = text.replace(quoted, "").replace(repr(quoted), "")
        match = _INTERNALS.search(text)
        if match:
            found.append("%s shows %r" % (where, text[max(0, match.start() - 60) : match.end() + 60]))
    return found


def short(value, limit=240):
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + "...(%d chars)" % len(text)


def judge(case, result, log):
    """Problems of one malformed case's run: [] when it failed cleanly, naming what is wrong, without a call it should not make."""
    problems = []
    if result.get("traceback"):
        lines = [line for line in result["traceback"].strip().splitlines() if line.strip()]
        return ["traceback: %s" % short(" | ".join(lines[-3:]), 600)]
    if result.get("failed") is not True:
        problems.append("did not fail (changed=%r)" % result.get("changed"))
    msg = result.get("msg") or ""
    for name in case.names:
        if name not in msg and escaped(name) not in msg:  # messages show control and format characters escaped
            problems.append("msg does not name %s: %s" % (short(name, 60), short(msg)))
    problems.extend(internals_in(result, case.echo))
    calls = [(entry["method"], entry["path"]) for entry in log]
    if case.reads:
        writes = [c for c in calls if c[0] != "GET"]
        if writes:
            problems.append("wrote %s (msg: %s)" % (writes, short(msg)))
    elif calls:
        problems.append("called the API before failing: %s (msg: %s)" % (calls, short(msg)))
    return problems
