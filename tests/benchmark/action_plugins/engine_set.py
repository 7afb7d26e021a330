# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark-only action plugin: kochava_triggers' engine in the controller's worker, with no glue (issue 22).

A stand-in for measuring and profiling the in-process design apart from the
collection's action glue: the task's arguments (templated by the worker) go
to ``_plan.engine.run_set`` with the module's defaults, through a
``KochavaClient`` built from them (``api_key``/``api_url`` from the task or
KOCHAVA_API_KEY / KOCHAVA_API_URL), and its result is returned as the module
returns it (``notes`` and ``diff`` dropped; ``invocation`` echoing the task's
arguments, the API key masked). No argument-spec validation, no masking of
hidden values in messages, no fallback to the module: never for users.

Two switches, to measure what nobody asked for:
``echo: false`` returns no ``invocation``; ``unchanged: false`` leaves the
``unchanged`` list of the plan empty (a count in ``unchanged_count`` instead).

The engine is imported at the top: the linear strategy loads the plugin's
class in the controller's main process, so the import (requests included) is
paid once per ansible-playbook and inherited by every forked worker.
"""

from __future__ import annotations

import os

from ansible.plugins.action import ActionBase

from ansible_collections.kochava.publisher.plugins.module_utils._api.client import KochavaClient
from ansible_collections.kochava.publisher.plugins.module_utils._plan.engine import run_set

DEFAULTS = dict(
    purge=False,
    expected_plan=None,
    expect_no_changes=False,
    max_deletes=None,
    return_triggers=False,
    hidden_context_keys=[],
    hidden_url_params=[],
)
SWITCHES = ("echo", "unchanged")


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = dict(self._task.args)
        echo, unchanged = (bool(args.pop(name, True)) for name in SWITCHES)
        params = dict(DEFAULTS, **args)
        params.setdefault("api_key", os.environ.get("KOCHAVA_API_KEY"))
        params.setdefault("api_url", os.environ.get("KOCHAVA_API_URL"))
        client = KochavaClient(api_key=params["api_key"], api_url=params["api_url"])
        answer = run_set(client, params, check_mode=bool(self._task.check_mode), diff=False)
        answer.pop("notes", None)
        answer.pop("diff", None)
        if not unchanged:
            answer["unchanged_count"] = len(answer["plan"]["unchanged"])
            answer["plan"]["unchanged"] = []
        if echo:
            answer["invocation"] = {"module_args": dict(args, api_key="VALUE_SPECIFIED_IN_NO_LOG_PARAMETER")}
        result.update(answer)
        return result
