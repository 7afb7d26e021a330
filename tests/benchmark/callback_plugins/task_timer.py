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
  - Writes a JSON list of {name, seconds, start, end, changed, failed, items} to the file named by E(TASK_TIMER_OUT).
  - O(start) and O(end) are epoch seconds (to attribute the API emulator's log entries to tasks); O(items) holds, for a task
    with a loop, one {seconds, end, changed, failed} per item, O(seconds) being the time since the previous item's result
    (or since the task started).
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
        self.started_epoch = None
        self.last = None
        self.items = []
        self.name = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.started = self.last = time.perf_counter()
        self.started_epoch = time.time()
        self.items = []
        self.name = task.get_name()

    def _done(self, result, failed):
        self.records.append(
            {
                "name": self.name,
                "seconds": time.perf_counter() - self.started,
                "start": self.started_epoch,
                "end": time.time(),
                "changed": bool(result._result.get("changed")),
                "failed": failed,
                "items": self.items,
            }
        )

    def _item(self, result, failed):
        now = time.perf_counter()
        self.items.append({"seconds": now - self.last, "end": time.time(), "changed": bool(result._result.get("changed")), "failed": failed})
        self.last = now

    def v2_runner_item_on_ok(self, result):
        self._item(result, False)

    def v2_runner_item_on_failed(self, result):
        self._item(result, True)

    def v2_runner_on_ok(self, result):
        self._done(result, False)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._done(result, True)

    def v2_playbook_on_stats(self, stats):
        with open(os.environ["TASK_TIMER_OUT"], "w") as handle:
            json.dump(self.records, handle)
