# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test templates and triggers shared by the unit tests of the pure layers.

APP, TEMPLATE and URL come from tests/constants.py, where every test value
shared across the tests tree is defined once. The templates are in the
normalised shape the client hands to the engine (``required`` a bool), with the
values the API document shows: the Custom Postback template 3373 of app 87100,
Delivery Delay 0 or 30000, Retry Attempts 0 to 3 (default 3).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.kochava.publisher.tests.constants import APP, MMDSP_TEMPLATE, TEMPLATE, TEMPLATE_NAME, URL

CUSTOM_POSTBACK = {
    "id": TEMPLATE,
    "network_id": 1,
    "platform": "",
    "name": TEMPLATE_NAME,
    "context_meta": [
        {"label": {"name": "Postback URL"}, "input": {"id": "cpi_mostback_url", "type": "text", "required": True}},
        {
            "label": {"name": "Delivery Delay"},
            "input": {
                "id": "deferred_for",
                "type": "select",
                "required": False,
                "default_value": 0,
                "options": [{"value": 0, "label": "Realtime Delivery"}, {"value": 30000, "label": "30 Second Delay"}],
            },
        },
        {
            "label": {"name": "Retry Attempts"},
            "input": {
                "id": "max_delivery_attempts",
                "type": "select",
                "required": False,
                "default_value": 3,
                "options": [
                    {"value": 0, "label": "Do Not Retry"},
                    {"value": 1, "label": "1 Attempt"},
                    {"value": 2, "label": "2 Attempts"},
                    {"value": 3, "label": "3 Attempts"},
                ],
            },
        },
    ],
}
CUSTOM_POSTBACK_DEFAULTS = {"deferred_for": 0, "max_delivery_attempts": 3}

# The document's mmDSP sample: its inputs name no destination URL key.
MMDSP = {
    "id": MMDSP_TEMPLATE,
    "network_id": 3,
    "platform": "",
    "name": "mmDSP",
    "context_meta": [{"label": {"name": "App ID"}, "input": {"id": "cpi_jumptap_app_id", "type": "text", "required": False, "default_value": ""}}],
}


def template_with(template, *inputs):
    """A copy of ``template`` with more inputs (for rules the seed templates do not exercise)."""
    result = copy.deepcopy(template)
    result["context_meta"] += [{"input": dict(spec)} for spec in inputs]
    return result


def trigger(trigger_id, trigger_type="install", filter_str="", title=None, context=None, **fields):
    """A trigger as the client returns it (normalised)."""
    result = {
        "id": trigger_id,
        "app_id": APP,
        "type": trigger_type,
        "title": title if title is not None else "Trigger %s" % trigger_id,
        "template_id": TEMPLATE,
        "filter_str": filter_str,
        "active": False,
        "date_created": 1394048564,
        "context": dict(context) if context is not None else {"cpi_mostback_url": URL, "deferred_for": "0", "max_delivery_attempts": "3"},
    }
    result.update(fields)
    return result
