# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark-only module (bench_scale.py): takes kochava_triggers' arguments and does nothing.

The baseline of a set task: ansible-core's own cost of templating the items,
shipping them, starting a module, validating ``triggers`` as kochava_triggers'
argument spec does (a list of dicts, the items held back from suboption
checks) and echoing them back in ``invocation``. No API call, no import
beyond ``AnsibleModule``; returns ``{"changed": false}``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: noop_items
short_description: Take a set task's items and do nothing (benchmark only)
description:
  - The baseline of C(tests/benchmark/bench_scale.py). Returns C(changed=false) and nothing else.
options:
  app_id:
    description: As kochava_triggers' app_id.
    type: int
    required: true
  triggers:
    description: As kochava_triggers' triggers (a list of dicts, not checked further).
    type: list
    elements: dict
    required: true
  hidden_context_keys:
    description: As kochava_triggers' hidden_context_keys (ignored).
    type: list
    elements: str
    default: []
  hidden_url_params:
    description: As kochava_triggers' hidden_url_params (ignored).
    type: list
    elements: str
    default: []
author:
  - Kochava Publisher maintainers (@kochava-publisher)
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(
        argument_spec=dict(
            app_id=dict(type="int", required=True),
            triggers=dict(type="list", elements="dict", required=True),
            hidden_context_keys=dict(type="list", elements="str", default=[], no_log=False),
            hidden_url_params=dict(type="list", elements="str", default=[], no_log=False),
        ),
        supports_check_mode=True,
    )
    module.exit_json(changed=False)


if __name__ == "__main__":
    main()
