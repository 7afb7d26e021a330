"""Pure trigger logic: values by meaning, key, validation, merge and purge."""

from __future__ import annotations

import pytest

from ansible_collections.kochava.publisher.plugins.module_utils import _triggers as t

TEMPLATE = {
    "id": 3373,
    "name": "Custom Postback",
    "context_meta": [
        {"input": {"id": "cpi_mostback_url", "type": "text", "required": True, "default_value": ""}},
        {"input": {"id": "deferred_for", "type": "select", "required": False, "default_value": 0, "options": [{"value": 0}, {"value": 30000}]}},
        {
            "input": {
                "id": "max_delivery_attempts",
                "type": "select",
                "required": False,
                "default_value": "3",
                "options": [{"value": 0}, {"value": 3}, {"value": 5}],
            }
        },
        {"input": {"id": "cpi_x_key", "type": "text", "required": True, "default_value": "dflt"}},
        {"input": {"id": "note", "type": "text", "required": False}},
    ],
}


@pytest.mark.parametrize(
    "left, right",
    [(7, "7"), (7.0, "7"), ("07", 7), (True, "true"), ("True", True), (False, "false"), (None, ""), ("a", "a"), (0.5, "0.5")],
)
def test_same_value_by_meaning(left, right):
    assert t.same_value(left, right)


@pytest.mark.parametrize("left, right", [(7, "8"), (True, "1"), ("a", "A"), (None, "0"), ("nan", "NaN")])
def test_different_values(left, right):
    assert not t.same_value(left, right)


def test_key_treats_missing_filter_str_as_empty():
    assert t.trigger_key({"template_id": "3373", "type": "Install"}) == (3373, "install", "")
    triggers = [
        {"id": 1, "template_id": 3373, "type": "install", "filter_str": None},
        {"id": 2, "template_id": 3373, "type": "event", "filter_str": "Purchase"},
    ]
    assert [x["id"] for x in t.find_by_key(triggers, (3373, "install", ""))] == [1]
    assert [x["id"] for x in t.find_by_key(triggers, (3373, "event", "Purchase"))] == [2]
    # a trigger the API returns without its key fields matches nothing (no KeyError)
    assert t.find_by_key([{"id": 3}], (3373, "install", "")) == []


def test_find_template_by_name_and_id():
    other = dict(TEMPLATE, id=1, name="custom postback")
    assert t.find_template([TEMPLATE, other], name="Custom Postback")["id"] == 3373
    assert t.find_template([TEMPLATE], name="CUSTOM POSTBACK")["id"] == 3373
    with pytest.raises(t.TriggerError, match="matches 2 templates"):
        t.find_template([TEMPLATE, other], name="CUSTOM POSTBACK")
    with pytest.raises(t.TriggerError, match="template_id 9 .*3373 \\(Custom Postback\\)"):
        t.find_template([TEMPLATE], template_id=9)


def test_validate_accepts_options_by_meaning():
    given = {"cpi_mostback_url": "https://x.example/in", "deferred_for": "30000", "max_delivery_attempts": 5}
    t.validate_context(TEMPLATE, given, given, creating=True, allow_unknown=False)


@pytest.mark.parametrize(
    "given, message",
    [
        ({"cpi_mostback_url": "https://x.example", "typo": 1}, "context key typo not known"),
        ({"cpi_mostback_url": "https://x.example", "deferred_for": 5}, "context.deferred_for must be one of 0, 30000"),
        ({"deferred_for": 0}, "destination URL \\(cpi_mostback_url\\)"),
        ({"cpi_mostback_url": ""}, "context.cpi_mostback_url is required"),
        ({"cpi_mostback_url": "example.com"}, "must be an http\\(s\\) URL"),
    ],
)
def test_validate_names_the_key(given, message):
    with pytest.raises(t.TriggerError, match=message):
        t.validate_context(TEMPLATE, given, given, creating=True, allow_unknown=False)


def test_validate_unknown_allowed_on_request():
    given = {"cpi_mostback_url": "https://x.example", "typo": 1}
    t.validate_context(TEMPLATE, given, given, creating=True, allow_unknown=True)


def test_update_checks_only_given_destination():
    # an existing odd URL on the server does not block an unrelated change
    existing = {"cpi_mostback_url": "weird"}
    resulting = t.merge_context(existing, {"deferred_for": 0}, False, {})
    t.validate_context(TEMPLATE, {"deferred_for": 0}, resulting, creating=False, allow_unknown=False)


def test_merge_keeps_existing_keys_and_server_spelling():
    existing = {"cpi_mostback_url": "https://a", "deferred_for": "30000", "note": "keep"}
    merged = t.merge_context(existing, {"deferred_for": 30000, "max_delivery_attempts": 5}, False, {})
    assert merged == {"cpi_mostback_url": "https://a", "deferred_for": "30000", "note": "keep", "max_delivery_attempts": 5}


def test_purge_resets_to_default_or_empties():
    defaults = t.template_defaults(TEMPLATE)
    assert defaults == {"deferred_for": 0, "max_delivery_attempts": "3", "cpi_x_key": "dflt"}
    existing = {"cpi_mostback_url": "https://a", "deferred_for": "30000", "note": "drop"}
    merged = t.merge_context(existing, {"cpi_mostback_url": "https://a"}, True, defaults)
    assert merged == {"cpi_mostback_url": "https://a", "deferred_for": 0, "note": ""}


def test_context_differs_by_meaning():
    defaults = t.template_defaults(TEMPLATE)
    server = {"cpi_mostback_url": "https://a", "deferred_for": "0", "max_delivery_attempts": "3", "cpi_x_key": "dflt"}
    assert not t.context_differs(server, {"deferred_for": 0}, False, {})
    assert t.context_differs(server, {"deferred_for": 30000}, False, {})
    assert not t.context_differs({"a": "1"}, {"b": ""}, False, {})  # empty equals missing
    assert t.context_differs({"a": "1"}, {"b": "x"}, False, {})
    # purge: defaults count as unset, so a server that filled them in is converged
    assert not t.context_differs(server, {"cpi_mostback_url": "https://a"}, True, defaults)
    assert t.context_differs(dict(server, note="x"), {"cpi_mostback_url": "https://a"}, True, defaults)
    assert t.context_differs(dict(server, deferred_for="30000"), {"cpi_mostback_url": "https://a"}, True, defaults)


def test_changed_fields_leaves_unset_alone():
    existing = {"title": "a", "active": False}
    assert t.changed_fields(existing) == {}
    assert t.changed_fields(existing, title="a", active=False) == {}
    assert t.changed_fields(existing, title="b", active=True) == {"title": "b", "active": True}


def test_diff_view_hides_empty_filter_of_install():
    view = t.diff_view({"id": 1, "type": "install", "filter_str": "", "title": "x", "context": {"b": 1, "a": 2}, "date_created": 5})
    assert view == {"type": "install", "title": "x", "context": {"a": 2, "b": 1}}
    assert t.diff_view(None) == {}


def test_predict_created_fills_defaults():
    payload = {"type": "install", "title": "x", "template_id": 3373, "context": {"cpi_mostback_url": "https://a", "deferred_for": 30000}}
    predicted = t.predict_created(87100, payload, TEMPLATE)
    assert predicted["context"] == {"cpi_mostback_url": "https://a", "deferred_for": 30000, "max_delivery_attempts": "3", "cpi_x_key": "dflt"}
    assert predicted["active"] is False and predicted["id"] is None


def test_scalar_context_only():
    with pytest.raises(t.TriggerError, match="context.a must be a string, number or boolean"):
        t.check_scalar_context({"a": [1]})


def test_destination_key_is_known_even_when_the_template_omits_it():
    # the document's mmDSP sample lists no URL input, yet the API requires one
    template = {"id": 2209, "name": "mmDSP", "context_meta": [{"input": {"id": "cpi_jumptap_app_id", "type": "text"}}]}
    given = {"cpi_jumptap_mostback_url": "https://x.example/in"}
    t.validate_context(template, given, given, creating=True, allow_unknown=False)
    with pytest.raises(t.TriggerError, match="context key cpi_jumptap_mostbak_url not known"):
        bad = {"cpi_jumptap_mostback_url": "https://x.example/in", "cpi_jumptap_mostbak_url": "x"}
        t.validate_context(template, bad, bad, creating=True, allow_unknown=False)
