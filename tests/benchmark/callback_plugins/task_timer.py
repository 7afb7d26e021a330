# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark-only callback: wall time of each task, written as JSON."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: task_timer
type: aggregate
short_description: Record each task's wall time (benchmark only)
description:
  - Writes a JSON list of {name, seconds, changed, failed} to the file named by E(TASK_TIMER_OUT).
requirements:
  - enabled in ANSIBLE_CALLBACKS_ENABLED
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "task_timer"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self.records = []
        self.started = None
        self.name = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.started = time.perf_counter()
        self.name = task.get_name()

    def _done(self, result, failed):
        self.records.append(
            {"name": self.name, "seconds": time.perf_counter() - self.started, "changed": bool(result._result.get("changed")), "failed": failed}
        )

    def v2_runner_on_ok(self, result):
        self._done(result, False)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._done(result, True)

    def v2_playbook_on_stats(self, stats):
        with open(os.environ["TASK_TIMER_OUT"], "w") as handle:
            json.dump(self.records, handle)
