# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Module glue: the module path. AnsibleModule validates the task against the
module's spec (_glue/spec.py), then the shared steps (_glue/steps.py) run it;
this file only turns their result or refusal into exit_json / fail_json.
The only module_utils file that imports AnsibleModule; its twin on the
controller is plugins/plugin_utils/action.py."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.kochava.publisher.plugins.module_utils._api.client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.kochava.publisher.plugins.module_utils._api.schemas import HAS_VOLUPTUOUS, VOLUPTUOUS_IMPORT_ERROR
from ansible_collections.kochava.publisher.plugins.module_utils._glue.spec import SPECS
from ansible_collections.kochava.publisher.plugins.module_utils._glue.steps import TaskFailed, TaskSteps
from ansible_collections.kochava.publisher.plugins.module_utils._plan.outcome import failure_fields


class KochavaModule(AnsibleModule):
    """AnsibleModule for one of our modules (``name``, a key of SPECS): every message masked,
    every failure given the module's failure fields, including argument-spec failures."""

    def __init__(self, name):
        spec = SPECS[name]
        self.steps = TaskSteps(spec)
        super().__init__(argument_spec=spec.argument_spec, supports_check_mode=True, **spec.validator_kwargs)
        self.steps.check_mode, self.steps.diff, self.steps.no_log = self.check_mode, self._diff, self.no_log
        failed = None
        try:
            self.steps.prepare(self.params)
        except TaskFailed as exc:
            failed = exc
        if failed is not None:  # failing outside the except block: no traceback in the result
            self.fail_json(msg=failed.msg, **failed.result)
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR, **failure_fields("dependency"))
        if not HAS_VOLUPTUOUS:
            self.fail_json(msg=missing_required_lib("voluptuous"), exception=VOLUPTUOUS_IMPORT_ERROR, **failure_fields("dependency"))

    def _load_params(self):
        super()._load_params()
        self.steps.params = self.steps.hold_back(self.params)  # the very dict AnsibleModule then validates in place

    def _masked_module_args(self):
        return self.steps.masked_args()

    def _log_invocation(self):
        # AnsibleModule logs the arguments to the target's journal/syslog: with hidden values masked.
        self.no_log_values.update(self.steps.no_log_values())
        params, self.params = self.params, self._masked_module_args()
        try:
            super()._log_invocation()
        finally:
            self.params = params

    def _warn_all(self):
        for warning in self.steps.warned:
            self.warn(warning)
        del self.steps.warned[:]

    def exit_json(self, **kwargs):
        self.no_log_values.update(self.steps.no_log_values())
        self._warn_all()
        super().exit_json(**kwargs)

    def fail_json(self, msg, **kwargs):
        self.no_log_values.update(self.steps.no_log_values())
        result = self.steps.failure(msg, **kwargs)
        self._warn_all()
        result.pop("failed")
        super().fail_json(msg=result.pop("msg"), **result)

    def run(self):
        """Run the task and exit with its result, or fail cleanly."""
        failed = result = None
        try:
            result = self.steps.execute()
        except TaskFailed as exc:
            failed = exc
        if failed is not None:
            self.fail_json(msg=failed.msg, **failed.result)
        self.exit_json(**result)


def run_module(name):
    """A module's main(): validate, check, run, exit."""
    KochavaModule(name).run()
