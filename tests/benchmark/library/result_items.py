# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark-only module (bench_scale.py): the no-op module that returns a set task's result.

Takes the same items as library/noop_items.py, calls nothing, and returns the
result kochava_triggers gave for them (recorded by bench_scale.py before the
playbook, in the file named by BENCH_RESULT_FILE; its ``invocation`` is left
out, as ansible-core echoes the arguments anyway). What it costs beyond the
no-op module is what ansible-core pays for the set task's result: scrubbing,
shipping and parsing the plan of 1,000 ``unchanged`` entries.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: result_items
short_description: Take a set task's items and return a recorded set result (benchmark only)
description:
  - The result case of C(tests/benchmark/bench_scale.py). Returns the JSON object in the file named by C(BENCH_RESULT_FILE).
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
author:
  - Kochava Publisher maintainers (@kochava-publisher)
"""

import json
import os

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(
        argument_spec=dict(
            app_id=dict(type="int", required=True),
            triggers=dict(type="list", elements="dict", required=True),
        ),
        supports_check_mode=True,
    )
    with open(os.environ["BENCH_RESULT_FILE"]) as handle:
        result = json.load(handle)
    result.pop("invocation", None)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
