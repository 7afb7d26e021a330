# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark-only module (bench_scale.py): takes kochava_triggers' arguments and does nothing.

The baseline of a set task: ansible-core's own cost of templating the items,
shipping them, starting a module, validating ``triggers`` as kochava_triggers'
argument spec does (a list of dicts, the items held back from suboption
checks) and echoing them back in ``invocation``. No API call, no import
beyond ``AnsibleModule``; returns ``{"changed": false}``.

With ``result_file`` it returns instead the JSON object in that file (less its
``invocation``, which ansible-core echoes anyway): bench_scale.py's "result"
case, the by-id set task's own result recorded before the playbook, so its
cost beyond the plain no-op is what ansible-core pays for that result.
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
  result_file:
    description: A JSON file holding a module result to return instead of C(changed=false).
    type: path
author:
  - Kochava Publisher maintainers (@kochava-publisher)
"""

import json

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(
        argument_spec=dict(
            app_id=dict(type="int", required=True),
            triggers=dict(type="list", elements="dict", required=True),
            hidden_context_keys=dict(type="list", elements="str", default=[], no_log=False),
            hidden_url_params=dict(type="list", elements="str", default=[], no_log=False),
            result_file=dict(type="path"),
        ),
        supports_check_mode=True,
    )
    if module.params["result_file"] is None:
        module.exit_json(changed=False)
    with open(module.params["result_file"]) as handle:
        result = json.load(handle)
    result.pop("invocation", None)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
