# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

from ansible_collections.kochava.publisher.plugins.module_utils._api.normalize import normalize_template, normalize_trigger

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures")


def fixture(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return json.load(handle)


def test_normalize_trigger_coerces_and_fills():
    raw = {"id": "689966", "app_id": "87100", "template_id": "3373", "type": "Install", "active": "false", "filter_str": None, "context": None, "extra": "kept"}
    assert normalize_trigger(raw) == {
        "id": 689966,
        "app_id": 87100,
        "template_id": 3373,
        "type": "install",
        "active": False,
        "filter_str": "",
        "context": {},
        "extra": "kept",
    }
    assert raw["id"] == "689966", "input is not modified"


def test_normalize_trigger_keeps_context_values_as_returned():
    context = {"deferred_for": 30000, "max_delivery_attempts": "3", "flag": True, "nested": {"a": 1}}
    result = normalize_trigger({"id": 1, "context": context})
    assert result["context"] == context
    assert result["context"] is not context
    assert result["filter_str"] == ""
    assert "active" not in result, "active is not invented when absent"


def test_normalize_trigger_without_id_for_desired_state():
    result = normalize_trigger({"type": "EVENT", "filter_str": "Purchase", "template_id": 3373})
    assert result == {"type": "event", "filter_str": "Purchase", "template_id": 3373, "context": {}}


def test_normalize_template_required_and_ids():
    raw = fixture("templates.json")["data"][1]
    result = normalize_template(raw)
    assert result["id"] == 3373
    assert result["network_id"] == 12
    assert result["context_meta"][0]["input"]["required"] is False
    assert raw["context_meta"][0]["input"]["required"] == "false", "input is not modified"
    assert normalize_template({"id": 1})["context_meta"] == []
    assert normalize_template({"id": 1, "context_meta": [{"input": {"id": "x"}}]})["context_meta"][0]["input"] == {"id": "x", "required": False}


def test_normalize_template_keeps_odd_items():
    raw = {"id": 1, "context_meta": [5, {"label": "no input"}, {"input": {"id": "a", "required": "maybe"}}]}
    assert normalize_template(raw)["context_meta"] == [5, {"label": "no input"}, {"input": {"id": "a", "required": "maybe"}}]
