# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The argument specs, defined once: the connection and hiding options every
module takes, and each module's own options. The module glue hands them to
AnsibleModule, the action glue to ansible-core's ArgumentSpecValidator: one
spec, so both paths accept, refuse and default exactly the same task."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.common.parameters import env_fallback
from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.kochava.publisher.plugins.module_utils._api.client import DEFAULT_API_URL, DEFAULT_MAX_ANSWER_BYTES, DEFAULT_MAX_RETRIES
from ansible_collections.kochava.publisher.plugins.module_utils._api.retry import DEFAULT_RATE_LIMIT_WAIT
from ansible_collections.kochava.publisher.plugins.module_utils._plan.report import empty_plan
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.fields import argument_spec as trigger_argument_spec
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.hiding import split_names
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.items import validate_items

CONNECTION_ARGUMENT_SPEC = dict(
    # Not required=True: a missing key gets MISSING_KEY, which says where to set it.
    api_key=dict(type="str", no_log=True, fallback=(env_fallback, ["KOCHAVA_API_KEY"])),
    api_url=dict(type="str", default=DEFAULT_API_URL, fallback=(env_fallback, ["KOCHAVA_API_URL"])),
    validate_certs=dict(type="bool", default=True),
    timeout=dict(type="float", default=30),
    max_retries=dict(type="int", default=DEFAULT_MAX_RETRIES),
    rate_limit_wait=dict(type="float", default=DEFAULT_RATE_LIMIT_WAIT, fallback=(env_fallback, ["KOCHAVA_RATE_LIMIT_WAIT"])),
    max_requests_per_second=dict(type="float", default=0, fallback=(env_fallback, ["KOCHAVA_MAX_REQUESTS_PER_SECOND"])),
    max_answer_bytes=dict(type="int", default=DEFAULT_MAX_ANSWER_BYTES, fallback=(env_fallback, ["KOCHAVA_MAX_ANSWER_BYTES"])),
)
APP_ID = dict(type="int", required=True)


def env_names_fallback(*names):
    """A comma-separated environment variable as a list (parts stripped, empty parts dropped)."""
    for name in names:
        if name in os.environ:
            return split_names(os.environ[name])
    raise AnsibleFallbackNotFound


# Every module takes them (so a group default never breaks a task); the task's value, even [], wins over the environment.
HIDDEN_CONTEXT_KEYS = dict(type="list", elements="str", default=[], no_log=False, fallback=(env_names_fallback, ["KOCHAVA_HIDDEN_CONTEXT_KEYS"]))
HIDDEN_ARGUMENT_SPEC = dict(
    hidden_context_keys=HIDDEN_CONTEXT_KEYS,
    hidden_url_params=dict(HIDDEN_CONTEXT_KEYS, fallback=(env_names_fallback, ["KOCHAVA_HIDDEN_URL_PARAMS"])),
)
# The fields of one trigger (_triggers/fields.py): kochava_trigger's options.
TRIGGER_FIELDS = trigger_argument_spec()


class ModuleSpec:
    """What ansible-core validates for one module, and what our own code checks in its place.

    ``argument_spec`` is the whole spec (connection and hiding options included); ``validator_kwargs``
    the constraints both AnsibleModule and ArgumentSpecValidator take; ``checked_here`` the options
    held back from ansible-core and checked by our code (name -> function(raw value) -> value,
    raising TriggerError); ``failure_result`` what every failure returns at least."""

    def __init__(self, name, options, failure_result=None, checked_here=None, **validator_kwargs):
        self.name = name
        self.argument_spec = dict(CONNECTION_ARGUMENT_SPEC, **HIDDEN_ARGUMENT_SPEC)
        self.argument_spec.update(options)
        self.validator_kwargs = validator_kwargs
        self.failure_result = failure_result or {}
        self.checked_here = checked_here or {}


SPECS = dict(
    (spec.name, spec)
    for spec in (
        ModuleSpec(
            "kochava_trigger",
            dict(TRIGGER_FIELDS, app_id=APP_ID, id=dict(type="int"), expect_no_changes=dict(type="bool", default=False)),
            mutually_exclusive=[("template_id", "template")],
            required_one_of=[("id", "type")],
        ),
        ModuleSpec(
            "kochava_triggers",
            dict(
                app_id=APP_ID,
                # The items' suboptions are documented in the module and checked by _triggers/items.py, not by ansible-core:
                # once, in one pass, every bad item at once, each message naming triggers[N].
                triggers=dict(type="list", elements="dict", required=True),
                purge=dict(type="bool", default=False),
                max_deletes=dict(type="int", default=5),
                expect_no_changes=dict(type="bool", default=False),
                expected_plan=dict(type="raw"),
                return_triggers=dict(type="bool", default=False),
                allow_empty=dict(type="bool", default=False),
            ),
            failure_result={"plan": empty_plan()},
            checked_here={"triggers": validate_items},
        ),
        ModuleSpec(
            "kochava_trigger_info",
            dict(
                app_id=APP_ID,
                id=dict(type="int"),
                type=TRIGGER_FIELDS["type"],  # the filter takes the same types
                template_id=dict(type="int"),
                filter_str=dict(type="str"),
                active=dict(type="bool"),
                reveal_hidden=dict(type="bool", default=False),
            ),
        ),
        ModuleSpec(
            "kochava_template_info",
            dict(app_id=APP_ID, template_id=dict(type="int"), name=dict(type="str"), pending=dict(type="bool", default=False)),
        ),
    )
)
