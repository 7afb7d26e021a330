# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fields of one trigger as a task gives them, listed once.

Everything else is derived from ``FIELDS``: kochava_trigger's options (the
argument spec in ``_glue/module.py``), the items ``_triggers/items.py``
accepts in kochava_triggers' ``triggers``, and the item the engine builds
from kochava_trigger's parameters. ``tests/unit/plugins/module_utils/test_fields.py``
holds both modules' DOCUMENTATION against it. To add a field: add it here,
then document it in both modules.

Plain data, no import of Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import TYPES

STATES = ("present", "absent")

# name -> what the field takes, in argument-spec words: type, and choices / default where it has them
FIELDS = dict(
    type=dict(type="str", choices=TYPES),
    template_id=dict(type="int"),
    template=dict(type="str"),
    filter_str=dict(type="str"),
    title=dict(type="str"),
    active=dict(type="bool"),
    context=dict(type="dict"),
    purge_context=dict(type="bool", default=False),
    allow_unknown_context=dict(type="bool", default=False),
    state=dict(type="str", choices=STATES, default="present"),
)


def argument_spec():
    """``FIELDS`` as an AnsibleModule argument spec: a fresh copy, choices as lists."""
    spec = {}
    for name, field in FIELDS.items():
        spec[name] = dict(field)
        if "choices" in field:
            spec[name]["choices"] = list(field["choices"])
    return spec
