# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""_triggers/context.py: scalar and placeholder checks, validation against a template,
the destination key, merge and purge, compare by meaning, hiding."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kochava.publisher.plugins.module_utils._triggers import context as c
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import TriggerError
from ansible_collections.kochava.publisher.tests.unit.plugins.module_utils.constants import (
    CUSTOM_POSTBACK,
    CUSTOM_POSTBACK_DEFAULTS,
    MMDSP,
    URL,
    template_with,
)

# Custom Postback plus a required input with a default and an optional one without.
RICH = template_with(CUSTOM_POSTBACK, {"id": "cpi_x_key", "type": "text", "required": True, "default_value": "dflt"}, {"id": "note", "type": "text"})


def failure(function, *args, **kwargs):
    with pytest.raises(TriggerError) as info:
        function(*args, **kwargs)
    return info.value.message


def create(template, given, allow_unknown=False):
    c.validate_context(template, given, given, creating=True, allow_unknown=allow_unknown)


# --------------------------------------------------------------------------
# Scalars and placeholders
# --------------------------------------------------------------------------
@pytest.mark.parametrize("context", [None, {}, {"a": "x", "b": 7, "c": 0.5, "d": True, "e": ""}])
def test_scalar_context_accepted(context):
    assert c.check_scalar_context(context) is None


@pytest.mark.parametrize("value, kind", [([1], "list"), ({"x": 1}, "dict"), ((1,), "tuple"), ({1}, "set")])
def test_scalar_context_only(value, kind):
    assert failure(c.check_scalar_context, {"a": value}) == "context.a must be a string, number or boolean, got %s" % kind


def test_null_context_value_refused():
    assert failure(c.check_scalar_context, {"a": None}) == (
        "context.a has no value (null); give it a value, or leave it out (purge_context=true removes keys not given)"
    )


@pytest.mark.parametrize("value", ["********", "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", "https://user:********@collector.example.com/in"])
def test_placeholder_of_a_hidden_value_refused(value):
    assert failure(c.check_scalar_context, {"token": value}) == (
        "context.token holds the placeholder of a hidden value (********), as an export shows it; give the real value (for example from Ansible Vault),"
        " or take an export meant for re-applying with reveal_hidden: true (and no_log: true) on its kochava_trigger_info task"
    )


# --------------------------------------------------------------------------
# The destination key
# --------------------------------------------------------------------------
@pytest.mark.parametrize("key", ["cpi_mostback_url", "cpi_jumptap_mostback_url", "cpi_openxperformance_mostback_url", "cpi_x1_mostback_url"])
def test_destination_key_accepted(key):
    assert c.DESTINATION_KEY_RE.fullmatch(key) is not None


@pytest.mark.parametrize(
    "key", ["cpi_a_b_mostback_url", "CPI_MOSTBACK_URL", "cpi_mostback_url\n", "cpi__mostback_url", "xcpi_mostback_url", "cpi_mostback_urls", "cpi_mostbak_url"]
)
def test_destination_key_refused(key):
    assert c.DESTINATION_KEY_RE.fullmatch(key) is None


@pytest.mark.parametrize("key", ["cpi_a_b_mostback_url", "CPI_MOSTBACK_URL", "cpi_mostback_url\n"])
def test_refused_destination_key_is_an_unknown_key(key):
    given = {"cpi_mostback_url": URL, key: URL}
    assert failure(create, CUSTOM_POSTBACK, given).startswith("context key %s not known to template 3373 (Custom Postback)" % key)


def test_destination_key_is_known_even_when_the_template_omits_it():
    # the document's mmDSP sample lists no URL input, yet the API requires one
    assert create(MMDSP, {"cpi_jumptap_mostback_url": URL}) is None
    assert failure(create, MMDSP, {"cpi_jumptap_mostback_url": URL, "cpi_jumptap_mostbak_url": "x"}) == (
        "context key cpi_jumptap_mostbak_url not known to template 2209 (mmDSP); known keys: cpi_jumptap_app_id. "
        "Set allow_unknown_context=true to send it anyway"
    )


def test_create_needs_the_destination_even_when_the_template_omits_it():
    assert (
        failure(create, MMDSP, {"cpi_jumptap_app_id": "7"}) == "context must contain the destination URL (cpi_<network>_mostback_url) when a trigger is created"
    )


def test_create_refuses_an_empty_destination_when_the_template_omits_it():
    # An empty value counts as unset everywhere else (comparable_context,
    # merge_context): an empty destination is no destination.
    assert failure(create, MMDSP, {"cpi_jumptap_mostback_url": ""}) == (
        "context must contain the destination URL (cpi_<network>_mostback_url) when a trigger is created"
    )


# --------------------------------------------------------------------------
# Validation against the template
# --------------------------------------------------------------------------
def test_validate_accepts_options_by_meaning():
    assert create(CUSTOM_POSTBACK, {"cpi_mostback_url": URL, "deferred_for": "30000", "max_delivery_attempts": 3.0}) is None


def test_required_input_with_a_default_may_be_left_out():
    assert create(RICH, {"cpi_mostback_url": URL}) is None


@pytest.mark.parametrize(
    "given, message",
    [
        (
            {"cpi_mostback_url": URL, "typo": 1},
            "context key typo not known to template 3373 (Custom Postback); known keys: cpi_mostback_url, deferred_for, max_delivery_attempts. "
            "Set allow_unknown_context=true to send it anyway",
        ),
        ({"cpi_mostback_url": URL, "deferred_for": 5}, "context.deferred_for must be one of 0, 30000 (the value given is not one of them)"),
        (
            {"cpi_mostback_url": URL, "max_delivery_attempts": "4"},
            "context.max_delivery_attempts must be one of 0, 1, 2, 3 (the value given is not one of them)",
        ),
        (
            {"deferred_for": 0},
            "context.cpi_mostback_url is required by template 3373 (Custom Postback) and has no default; "
            "context must contain the destination URL (cpi_mostback_url) when a trigger is created",
        ),
        (
            {"cpi_mostback_url": ""},
            "context.cpi_mostback_url is required by template 3373 (Custom Postback) and has no default; "
            "context must contain the destination URL (cpi_mostback_url) when a trigger is created",
        ),
        (
            {"cpi_mostback_url": "collector.example.com/in"},
            "context.cpi_mostback_url must be an http(s) URL with a host name: it has no scheme (http:// or https://)",
        ),
        (
            {"cpi_mostback_url": "ftp://collector.example.com"},
            "context.cpi_mostback_url must be an http(s) URL with a host name: its scheme is not http or https",
        ),
    ],
)
def test_validate_names_the_key(given, message):
    assert failure(create, CUSTOM_POSTBACK, given) == message


def test_several_unknown_keys_in_one_message():
    assert failure(create, CUSTOM_POSTBACK, {"cpi_mostback_url": URL, "b": 1, "a": 2}).startswith("context keys a, b not known to template 3373")
    assert failure(create, CUSTOM_POSTBACK, {"cpi_mostback_url": URL, "b": 1, "a": 2}).endswith("Set allow_unknown_context=true to send them anyway")


def test_every_problem_reported_at_once():
    given = {"typo": 1, "deferred_for": 5}
    assert failure(create, CUSTOM_POSTBACK, given) == "; ".join(
        [
            "context key typo not known to template 3373 (Custom Postback); known keys: cpi_mostback_url, deferred_for, max_delivery_attempts. "
            "Set allow_unknown_context=true to send it anyway",
            "context.deferred_for must be one of 0, 30000 (the value given is not one of them)",
            "context.cpi_mostback_url is required by template 3373 (Custom Postback) and has no default",
            "context must contain the destination URL (cpi_mostback_url) when a trigger is created",
        ]
    )


def test_validate_unknown_allowed_on_request():
    assert create(CUSTOM_POSTBACK, {"cpi_mostback_url": URL, "typo": 1}, allow_unknown=True) is None


def test_update_checks_only_the_destination_given():
    # an odd URL already on the server does not block an unrelated change
    existing = {"cpi_mostback_url": "weird"}
    resulting = c.merge_context(existing, {"deferred_for": 0}, False, {})
    assert c.validate_context(CUSTOM_POSTBACK, {"deferred_for": 0}, resulting, creating=False, allow_unknown=False) is None


def test_update_checks_a_destination_given():
    given = {"cpi_mostback_url": "weird"}
    message = failure(c.validate_context, CUSTOM_POSTBACK, given, given, creating=False, allow_unknown=False)
    assert message == "context.cpi_mostback_url must be an http(s) URL with a host name: it has no scheme (http:// or https://)"


def test_update_needs_no_destination():
    given = {"deferred_for": 30000}
    resulting = {"cpi_mostback_url": URL, "deferred_for": 30000}
    assert c.validate_context(CUSTOM_POSTBACK, given, resulting, creating=False, allow_unknown=False) is None


# --------------------------------------------------------------------------
# Merge, purge, compare
# --------------------------------------------------------------------------
def test_merge_keeps_existing_keys_and_server_spelling():
    existing = {"cpi_mostback_url": URL, "deferred_for": "30000", "note": "keep"}
    merged = c.merge_context(existing, {"deferred_for": 30000, "max_delivery_attempts": 2}, False, {})
    assert merged == {"cpi_mostback_url": URL, "deferred_for": "30000", "note": "keep", "max_delivery_attempts": 2}


def test_merge_does_not_change_its_arguments():
    existing, given = {"a": "1"}, {"b": "2"}
    c.merge_context(existing, given, True, {"a": "0"})
    assert (existing, given) == ({"a": "1"}, {"b": "2"})


def test_purge_resets_to_default_or_empties():
    defaults = {"deferred_for": 0, "max_delivery_attempts": 3, "cpi_x_key": "dflt"}
    existing = {"cpi_mostback_url": URL, "deferred_for": "30000", "note": "drop"}
    merged = c.merge_context(existing, {"cpi_mostback_url": URL}, True, defaults)
    assert merged == {"cpi_mostback_url": URL, "deferred_for": 0, "note": ""}


def test_merge_of_no_existing_context():
    assert c.merge_context(None, {"cpi_mostback_url": URL}, True, CUSTOM_POSTBACK_DEFAULTS) == {"cpi_mostback_url": URL}


def test_comparable_context_drops_defaults_and_empty_values():
    context = {"cpi_mostback_url": URL, "deferred_for": "0", "max_delivery_attempts": "2", "note": "", "other": None}
    assert c.comparable_context(context, CUSTOM_POSTBACK_DEFAULTS) == {"cpi_mostback_url": URL, "max_delivery_attempts": "2"}


SERVER = {"cpi_mostback_url": URL, "deferred_for": "0", "max_delivery_attempts": "3"}


@pytest.mark.parametrize(
    "existing, given, purge, defaults, expected",
    [
        (SERVER, {"deferred_for": 0}, False, {}, False),
        (SERVER, {"deferred_for": 30000}, False, {}, True),
        ({"a": "1"}, {"b": ""}, False, {}, False),  # empty equals missing
        ({"a": "1"}, {"b": "x"}, False, {}, True),
        ({"a": "1"}, {"deferred_for": 0}, False, CUSTOM_POSTBACK_DEFAULTS, False),  # the default the server applies
        ({"a": "1"}, {"deferred_for": ""}, False, CUSTOM_POSTBACK_DEFAULTS, True),  # emptying a key that has a default
        (None, {}, False, {}, False),
        # purge: defaults count as unset, so a server that filled them in is converged
        (SERVER, {"cpi_mostback_url": URL}, True, CUSTOM_POSTBACK_DEFAULTS, False),
        (dict(SERVER, note="x"), {"cpi_mostback_url": URL}, True, CUSTOM_POSTBACK_DEFAULTS, True),
        (dict(SERVER, deferred_for="30000"), {"cpi_mostback_url": URL}, True, CUSTOM_POSTBACK_DEFAULTS, True),
        (SERVER, {"cpi_mostback_url": URL, "max_delivery_attempts": 3.0}, True, CUSTOM_POSTBACK_DEFAULTS, False),
    ],
)
def test_context_differs_by_meaning(existing, given, purge, defaults, expected):
    assert c.context_differs(existing, given, purge, defaults) is expected
