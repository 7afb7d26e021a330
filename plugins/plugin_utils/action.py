# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Action glue: the in-process path. Each module has an action plugin of the
same name (plugins/action/) built on ``KochavaAction``; when the task runs on
the controller it validates the task with ansible-core's ArgumentSpecValidator
against the module's own spec (module_utils/_glue/spec.py) and runs the shared
steps (module_utils/_glue/steps.py) in the worker process, with no module
process to start. Otherwise, or when ``kochava_in_process`` is false, it runs
the module as any task would (``_execute_module``) and says why at -vvv.

Both paths end in ``as_unreachable``: a failure whose app state could not be read or
written is returned as ``unreachable`` (ansible-playbook exits 4; _plan/outcome.py).
The twin of this file on the module path is module_utils/_glue/module.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import getpass
import os
import traceback
from collections.abc import Mapping

from ansible import constants as C
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.kochava.publisher.plugins.module_utils._api.client import HAS_REQUESTS, KochavaClient
from ansible_collections.kochava.publisher.plugins.module_utils._api.schemas import HAS_VOLUPTUOUS
from ansible_collections.kochava.publisher.plugins.module_utils._glue.spec import SPECS
from ansible_collections.kochava.publisher.plugins.module_utils._glue.steps import TaskFailed, TaskSteps
from ansible_collections.kochava.publisher.plugins.module_utils._plan.outcome import as_unreachable, failure_fields
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.hiding import NO_LOG_PLACEHOLDER

display = Display()

OPT_OUT = "kochava_in_process"  # the one variable: false runs the module path

# One HTTP session per API URL and key, in this worker process: the items of a loop run in one
# worker, so they share connections; the next task runs in a new worker and starts afresh.
_SESSIONS = {}


class KochavaAction(ActionBase):
    """The action plugin of module ``MODULE``: in process when it can, the module otherwise."""

    MODULE = None
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        del tmp
        why_not = self.why_not_in_process(task_vars)
        if why_not:
            display.vvv("%s: running the module, not in process: %s" % (self._task.action, why_not), host=self._play_context.remote_addr)
            result.update(self._run_module(task_vars))
        else:
            display.vvv("%s: running in process on the controller" % self._task.action, host=self._play_context.remote_addr)
            result.update(self._run_in_process(task_vars))
        return as_unreachable(result)  # both paths: an app that could not be read or written is unreachable

    # -- which path ------------------------------------------------------------

    def why_not_in_process(self, task_vars):
        """None when the task can run in this worker, else why not (said at -vvv)."""
        value = task_vars.get(OPT_OUT, True)
        try:
            value = self._templar.template(value)  # task_vars hold a variable as written, templates unresolved
            wanted = boolean(value, strict=True)
        except Exception:  # pylint: disable=broad-except  # a bad value never fails the task: the module path runs
            return "%s is %r, not a boolean" % (OPT_OUT, plain(value))
        if not wanted:
            return "%s is false" % OPT_OUT
        transport = getattr(self._connection, "transport", None)
        if transport not in ("local", "ansible.builtin.local"):
            return "the task's connection is %s, not local" % transport
        if self._task.async_val:
            return "the task is async"
        if self._play_context.become and (self._play_context.become_user or "root") != getpass.getuser():
            return "the task becomes %s" % (self._play_context.become_user or "root")
        if not (HAS_REQUESTS and HAS_VOLUPTUOUS):
            return "the controller's Python cannot import %s" % " and ".join(
                name for name, found in (("requests", HAS_REQUESTS), ("voluptuous", HAS_VOLUPTUOUS)) if not found
            )
        return None

    # -- the module path ---------------------------------------------------------

    def _run_module(self, task_vars):
        wrap_async = bool(self._task.async_val) and not self._connection.has_native_async
        result = self._execute_module(task_vars=task_vars, wrap_async=wrap_async)
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    # -- the in-process path ------------------------------------------------------

    def _run_in_process(self, task_vars):
        spec = SPECS[self.MODULE]
        no_target_syslog = C.config.get_config_value("DEFAULT_NO_TARGET_SYSLOG", variables=task_vars)
        steps = TaskSteps(
            spec, check_mode=self._task.check_mode, diff=self._task.diff, no_log=bool(self._task.no_log or no_target_syslog), client_factory=_client
        )
        no_log_values = set()
        try:
            with task_environment(self._task_environment()):
                args = steps.hold_back(plain(self._task.args))
                checked = ArgumentSpecValidator(spec.argument_spec, **spec.validator_kwargs).validate(args)
                no_log_values.update(checked._no_log_values)
                steps.params = params = dict(args, **checked.validated_parameters)
                if checked.errors.errors:
                    raise TaskFailed(self._validation_message(checked.errors), **failure_fields("input"))
                steps.prepare(params)
                result = steps.execute()
        except TaskFailed as exc:
            result = steps.failure(exc.msg, **exc.result)
        except Exception as exc:  # pylint: disable=broad-except
            # An error of ours: a clear message, the traceback only at -vvv (as a module's would be), nothing unmasked.
            result = steps.failure("an unexpected error inside kochava.publisher (%s): %s" % (type(exc).__name__, exc), **failure_fields("internal"))
            result["exception"] = steps.masked(traceback.format_exc())
        no_log_values.update(steps.no_log_values())
        if steps.warned:
            result["warnings"] = list(steps.warned)
        if not inject_invocation(task_vars):
            result.pop("invocation", None)
        return scrubbed(result, no_log_values) if no_log_values else result

    def _validation_message(self, errors):
        """ansible-core's message for a task its argument spec refuses, as AnsibleModule gives it."""
        msg = errors.msg
        if isinstance(errors[0], UnsupportedError):
            msg = "Unsupported parameters for (%s) module: %s" % (self._task.action, msg)
        return msg

    def _task_environment(self):
        """The task's ``environment:`` as the module would get it."""
        environment = {}
        self._compute_environment_string(environment)
        return environment


def inject_invocation(task_vars):
    """Whether a result keeps ``invocation``, as AnsibleModule decides it: ansible-core 2.21 added
    INJECT_INVOCATION (default false: the module drops it); before, a module's result always kept it."""
    try:
        return bool(C.config.get_config_value("INJECT_INVOCATION", variables=task_vars))
    except Exception:  # pylint: disable=broad-except  # no such setting before 2.21
        return True


# ansible-core 2.19 and later keep True, False and None as they are; 2.16-2.18 test their text too
_KEEPS_CONSTANTS = remove_values([True, False, None], ["True", "False", "None"]) == [True, False, None]


class _NotPlain(Exception):
    pass


def scrubbed(result, no_log_values):
    """``remove_values(result, no_log_values)``, as the module path's exit_json applies it, in one pass over
    plain data (dict, list, str, int, float, bool, None: what the steps return): a string equal to a value
    becomes ansible-core's placeholder, a value inside a string becomes ``********`` (longest first), a number
    whose text holds one becomes the placeholder; keys are kept. About 4x cheaper than remove_values, whose
    abstract-type checks cost 30 ms on a converged 1,000-trigger result (tests/benchmark/README.md); anything
    else (a tuple, a deep structure) goes through remove_values itself. A unit test compares the two."""
    secrets = sorted(set(no_log_values), key=len, reverse=True)
    exact = frozenset(secrets)

    def text(value):
        if value in exact:
            return NO_LOG_PLACEHOLDER
        for secret in secrets:
            if secret in value:
                value = value.replace(secret, "********")
        return value

    def walk(value):
        kind = type(value)
        if kind is str:
            return text(value)
        if kind is dict:
            return dict((key, walk(item)) for key, item in value.items())
        if kind is list:
            return [walk(item) for item in value]
        if value is True or value is False or value is None:
            if _KEEPS_CONSTANTS:
                return value
        elif kind is not int and kind is not float:
            raise _NotPlain()
        shown = str(value)
        return NO_LOG_PLACEHOLDER if any(secret in shown for secret in secrets) else value

    try:
        return walk(result)
    except (_NotPlain, RecursionError):
        return remove_values(result, no_log_values)


def plain(value):
    """``value`` as the module receives it through JSON: plain dicts, lists, str, int, float, bool and None.
    The worker's values carry ansible-core's types (tagged or unsafe strings, vaulted values), whose type names
    would show in messages and whose plaintext a module gets; one deep pass, linear in the arguments."""
    if value is None or value is True or value is False:
        return value
    if isinstance(value, str):
        return str.__str__(value)  # an exact str, also of a subclass
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, Mapping):
        return dict((plain(key), plain(item)) for key, item in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(item) for item in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="surrogateescape")
    return str(value)  # a vaulted value (its plaintext), or what JSON would refuse: the module would get text


@contextlib.contextmanager
def task_environment(environment):
    """``os.environ`` with the task's environment set, as the module process would see it (fallbacks,
    proxies); restored after. The worker process runs one task at a time."""
    saved = dict((name, os.environ.get(name)) for name in environment)
    try:
        for name, value in environment.items():
            os.environ[name] = str(value)
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _client(**options):
    """A client whose HTTP session is shared by the tasks of this worker with the same URL and key (a loop's items)."""
    key = (options["api_url"], options["api_key"], options["validate_certs"])
    client = KochavaClient(session=_SESSIONS.get(key), **options)
    _SESSIONS.setdefault(key, client.session)
    return client
