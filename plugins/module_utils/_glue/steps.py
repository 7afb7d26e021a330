# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The steps of one task, from parameters ansible-core has validated to the
result dict, written once: the module glue (AnsibleModule, on the target) and
the action glue (in the controller's worker) both drive them, so both paths
check, mask, fail and answer alike.

Imports nothing from Ansible: parameters come in as a dict, the result goes out
as one, and a refusal is a ``TaskFailed`` carrying the message and the fields
of the failed result. What each module does (its own checks and its work) is
in ``WORK`` below; its options are in ``_glue/spec.py``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.kochava.publisher.plugins.module_utils._api.client import MISSING_KEY, KochavaClient, KochavaError, api_key_missing
from ansible_collections.kochava.publisher.plugins.module_utils._api.options import connection_problem, url_credentials
from ansible_collections.kochava.publisher.plugins.module_utils._plan.engine import run_set, run_single
from ansible_collections.kochava.publisher.plugins.module_utils._plan.outcome import failure_fields, failure_of, success_status
from ansible_collections.kochava.publisher.plugins.module_utils._plan.report import export_item, masked_trigger, plan_report, sort_key
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.hiding import (
    Hider,
    SecretWatch,
    declared_contexts,
    hider_from,
    masked_message,
    masked_params,
)
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import TriggerError, matches_filters, templates_named

CLIENT_OPTIONS = ("api_key", "api_url", "validate_certs", "timeout", "max_retries", "rate_limit_wait", "max_requests_per_second", "max_answer_bytes")

REVEAL_NEEDS_NO_LOG = (
    "reveal_hidden=true returns the real hidden values in export: set no_log: true on this task, so that Ansible keeps "
    "its result out of its output, logs and callbacks (the registered variable still holds the real values)"
)
EMPTY_PURGE = (
    "triggers %s, so purge=true would delete every trigger of app %d. Such a list most often comes from a variable "
    "that is undefined or empty (a vars file that did not load, a misspelt name, a default([])); nothing was read or written. "
    "To delete every trigger of the app on purpose, set allow_empty: true"
)


class TaskFailed(Exception):
    """A refusal of the task: ``msg`` as the user reads it (unmasked; ``TaskSteps.failure`` masks it)
    and the fields of the failed result (``failure`` kind among them)."""

    def __init__(self, msg, **result):
        super().__init__(msg)
        self.msg = msg
        self.result = result


class TaskSteps:
    """One task of module ``spec.name``: ``hold_back`` (before ansible-core validates), then
    ``prepare(params)`` and ``execute()``; ``failure`` builds any failed result, ``warnings`` what to warn.

    ``no_log`` is what the module would see (the task's no_log, or ANSIBLE_NO_TARGET_SYSLOG);
    ``client_factory`` builds the HTTP client from its options (the action glue reuses a session)."""

    client_factory = KochavaClient

    def __init__(self, spec, check_mode=False, diff=False, no_log=False, client_factory=None):
        self.spec = spec
        self.check_mode, self.diff, self.no_log = bool(check_mode), bool(diff), bool(no_log)
        if client_factory is not None:
            self.client_factory = client_factory
        self.params = {}
        self.raw_checked_here = {}
        self.secrets = set()
        self.hidden = None
        self.client = None
        self.warned = []
        self._masked_args = None

    # -- before validation -------------------------------------------------

    def hold_back(self, args):
        """``args`` (changed in place) with the options our code checks replaced by ``[]``: ansible-core
        validates an empty list there, and each item is checked once, by our code, with messages naming
        triggers[N]; a long list is not deep-copied."""
        self.raw_checked_here = dict((name, args[name]) for name in self.spec.checked_here if name in args)
        args.update((name, []) for name in self.raw_checked_here)
        return args

    # -- after validation ----------------------------------------------------

    def prepare(self, params):
        """Check what ansible-core does not, in the order the modules always did; raise TaskFailed."""
        self.params = params
        for name, value in self.raw_checked_here.items():
            try:
                params[name] = self.spec.checked_here[name](value)
            except TriggerError as exc:
                params[name] = value
                problem = exc.message
            else:
                continue
            raise TaskFailed(problem, **failure_fields("input"))
        self.hidden = hider_from(params)
        for context in declared_contexts(params):
            self.add_secrets(self.hidden.secrets(context))
        if api_key_missing(params["api_key"]):
            raise TaskFailed(MISSING_KEY, **failure_fields("input"))
        self.add_secrets([params["api_key"]])
        self.add_secrets(url_credentials(params.get("api_url")))
        problem = connection_problem(params)
        if problem:
            raise TaskFailed(problem, **failure_fields("input"))
        problem = WORK[self.spec.name].refusal(params, self.no_log)
        if problem:
            raise TaskFailed(problem, **failure_fields("input"))

    def add_secrets(self, values):
        """Mask ``values`` in our messages. Only the API key (and user info in api_url) is an Ansible no_log
        value: hidden values are masked by our own pass over all we return, which stays linear."""
        self.secrets.update(v for v in values if v and isinstance(v, str))

    def no_log_values(self):
        """What ansible-core's no_log scrubbing removes from the result: the key and any user info in api_url."""
        values = set(url_credentials(self.params.get("api_url")))
        if isinstance(self.params.get("api_key"), str) and self.params["api_key"]:
            values.add(self.params["api_key"])
        return values

    def get_client(self):
        if self.client is None:
            self.client = self.client_factory(**dict((name, self.params[name]) for name in CLIENT_OPTIONS))
        return self.client

    def execute(self):
        """Run the module's work; the success result, or raise TaskFailed with the failed one."""
        try:
            client = self.get_client()
            if self.hidden:
                client = SecretWatch(client, self.hidden, self.add_secrets)
            result = WORK[self.spec.name].work(self, client)
        except (KochavaError, TriggerError) as exc:
            error = exc
        else:
            self.flush_notes(result.pop("notes", ()))
            if not self.diff:
                result.pop("diff", None)
            result.setdefault("invocation", {"module_args": self.masked_args()})
            result.setdefault("status", success_status(result.get("changed", False)))
            return result
        raise self.failure_of_error(error)  # outside the except block: no traceback chained to it

    # -- results -------------------------------------------------------------

    def failure_of_error(self, exc):
        """The TaskFailed of an engine or client error: a clear message, what was done (trigger, plan, changed)."""
        self.flush_notes(getattr(exc, "notes", ()))
        result = {}
        if getattr(exc, "trigger", None) is not None:
            result["trigger"] = masked_trigger(exc.trigger, self.hidden)
        if getattr(exc, "actions", None) is not None:
            result["plan"] = plan_report(exc.actions, self.hidden)
            if getattr(exc, "digest", None):
                result["plan"]["digest"] = result["plan_digest"] = exc.digest
        if self.diff and getattr(exc, "diff", None) is not None:  # a refusal before any write: what it refused, in --diff
            result["diff"] = exc.diff
        result["changed"] = bool(getattr(exc, "changed", False))
        result.update(failure_fields(failure_of(exc)))
        return TaskFailed(str(exc), **result)

    def failure(self, msg, **result):
        """The whole failed result: ``msg`` masked, the module's failure defaults, app_id beside a plan, the invocation."""
        for name, value in self.spec.failure_result.items():
            result.setdefault(name, copy.deepcopy(value))
        if "plan" in result and isinstance(self.params.get("app_id"), int):
            result.setdefault("app_id", self.params["app_id"])  # a pipeline ties the plan to its app
        result.setdefault("invocation", {"module_args": self.masked_args()})
        for name, value in failure_fields("input").items():  # what fails without an error of the engine: the task's input
            result.setdefault(name, value)
        result.setdefault("changed", False)
        result.update(failed=True, msg=self.masked(msg))
        return result

    def masked(self, text):
        """A message or warning as shown (_triggers/hiding.py masked_message: masked, redacted, escaped)."""
        return masked_message(text, self.params, self.secrets, self.hidden)

    def masked_args(self):
        """The arguments as echoed (options checked here as the task gave them), masked; built once."""
        if self._masked_args is None:
            echoed = dict(self.params, **self.raw_checked_here) if self.raw_checked_here else self.params
            self._masked_args = masked_params(echoed)
        return self._masked_args

    def flush_notes(self, notes=()):
        """API warnings, the engine's recoveries, and one warning that says what was retried and why: into ``warned``."""
        for note in notes:
            self.warned.append(self.masked("Kochava API: %s" % note))
        if self.client is None:
            return
        for warning in self.client.warnings:
            self.warned.append(self.masked("Kochava API: %s" % warning))
        del self.client.warnings[:]  # the client appends to this very list
        retried = self.client.retry.summary()
        if retried:
            self.warned.append(self.masked("Kochava API calls were retried: %s" % retried))
        del self.client.retry.events[:]


class _Work:
    """What one module does: ``refusal(params, no_log)`` (a message, or None) and ``work(steps, client)`` (the result)."""

    def __init__(self, work, refusal=None):
        self.work = work
        self.refusal = refusal or (lambda params, no_log: None)


def _trigger(steps, client):
    return run_single(client, steps.params, check_mode=steps.check_mode)


def _triggers_refusal(params, no_log):
    if params["max_deletes"] < -1:
        return "max_deletes must be -1 (no limit) or zero or more, got %d" % params["max_deletes"]
    if params["purge"] and not params["allow_empty"] and not any(item.get("state") != "absent" for item in params["triggers"]):
        return EMPTY_PURGE % ("is empty" if not params["triggers"] else "has only state=absent items", params["app_id"])
    return None


def _triggers(steps, client):
    return run_set(client, steps.params, check_mode=steps.check_mode, diff=steps.diff)


def _trigger_info_refusal(params, no_log):
    # A module cannot mark its result as secret (ansible-core drops _ansible_no_log from a module's return): the task does.
    return REVEAL_NEEDS_NO_LOG if params["reveal_hidden"] and not no_log else None


def _trigger_info(steps, client):
    params = steps.params
    exported = Hider() if params["reveal_hidden"] else steps.hidden
    if params["id"] is not None:
        found = client.get_trigger(params["app_id"], params["id"])
        triggers = [found] if found is not None else []
    else:
        triggers = client.list_triggers(params["app_id"])
    filters = dict(trigger_type=params["type"], template_id=params["template_id"], filter_str=params["filter_str"], active=params["active"])
    triggers = [t for t in triggers if matches_filters(t, **filters)]
    return {
        "changed": False,
        "triggers": [masked_trigger(t, steps.hidden) for t in triggers],
        "export": [export_item(t, exported) for t in sorted(triggers, key=sort_key)],
        "hidden_revealed": bool(params["reveal_hidden"]),
    }


def _template_info(steps, client):
    params = steps.params
    templates = client.list_templates(params["app_id"], pending=params["pending"])
    if params["template_id"] is not None:
        templates = [t for t in templates if t.get("id") == params["template_id"]]
    if params["name"] is not None:
        templates = templates_named(templates, params["name"])
    return {"changed": False, "templates": templates}


WORK = {
    "kochava_trigger": _Work(_trigger),
    "kochava_triggers": _Work(_triggers, _triggers_refusal),
    "kochava_trigger_info": _Work(_trigger_info, _trigger_info_refusal),
    "kochava_template_info": _Work(_template_info),
}
