# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Module glue: argument-spec pieces defined once, a client from module
parameters, secrets registered and masked, and errors turned into fail_json.
The only module_utils file that imports AnsibleModule."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import os

from ansible.module_utils.basic import AnsibleFallbackNotFound, AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.kochava.publisher.plugins.module_utils._api.client import (
    DEFAULT_API_URL,
    DEFAULT_MAX_ANSWER_BYTES,
    DEFAULT_MAX_RETRIES,
    HAS_REQUESTS,
    MISSING_KEY,
    REQUESTS_IMPORT_ERROR,
    KochavaClient,
    KochavaError,
    api_key_missing,
)
from ansible_collections.kochava.publisher.plugins.module_utils._api.options import connection_problem, url_credentials
from ansible_collections.kochava.publisher.plugins.module_utils._api.retry import DEFAULT_RATE_LIMIT_WAIT
from ansible_collections.kochava.publisher.plugins.module_utils._api.schemas import HAS_VOLUPTUOUS, VOLUPTUOUS_IMPORT_ERROR
from ansible_collections.kochava.publisher.plugins.module_utils._plan.outcome import failure_fields, failure_of, success_status
from ansible_collections.kochava.publisher.plugins.module_utils._plan.report import masked_trigger, plan_report
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.fields import argument_spec as trigger_argument_spec
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.hiding import (
    SecretWatch,
    declared_contexts,
    hider_from,
    masked_message,
    masked_params,
    split_names,
)
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import TriggerError

CONNECTION_ARGUMENT_SPEC = dict(
    # Not required=True: a missing key gets MISSING_KEY, which says where to set it.
    api_key=dict(type="str", no_log=True, fallback=(env_fallback, ["KOCHAVA_API_KEY"])),
    api_url=dict(type="str", default=DEFAULT_API_URL, fallback=(env_fallback, ["KOCHAVA_API_URL"])),
    validate_certs=dict(type="bool", default=True),
    timeout=dict(type="float", default=30),
    max_retries=dict(type="int", default=DEFAULT_MAX_RETRIES),
    rate_limit_wait=dict(type="float", default=DEFAULT_RATE_LIMIT_WAIT, fallback=(env_fallback, ["KOCHAVA_RATE_LIMIT_WAIT"])),
    max_requests_per_second=dict(type="float", default=0, fallback=(env_fallback, ["KOCHAVA_MAX_REQUESTS_PER_SECOND"])),
    max_answer_bytes=dict(type="int", default=DEFAULT_MAX_ANSWER_BYTES, fallback=(env_fallback, ["KOCHAVA_MAX_ANSWER_BYTES"])),
)
APP_ID = dict(type="int", required=True)


def env_names_fallback(*names):
    """A comma-separated environment variable as a list (parts stripped, empty parts dropped)."""
    for name in names:
        if name in os.environ:
            return split_names(os.environ[name])
    raise AnsibleFallbackNotFound


# Every module takes them (so a group default never breaks a task); the task's value, even [], wins over the environment.
HIDDEN_CONTEXT_KEYS = dict(type="list", elements="str", default=[], no_log=False, fallback=(env_names_fallback, ["KOCHAVA_HIDDEN_CONTEXT_KEYS"]))
HIDDEN_ARGUMENT_SPEC = dict(
    hidden_context_keys=HIDDEN_CONTEXT_KEYS,
    hidden_url_params=dict(HIDDEN_CONTEXT_KEYS, fallback=(env_names_fallback, ["KOCHAVA_HIDDEN_URL_PARAMS"])),
)
# The fields of one trigger (_triggers/fields.py): kochava_trigger's options.
TRIGGER_FIELDS = trigger_argument_spec()
TRIGGER_TYPE = TRIGGER_FIELDS["type"]  # kochava_trigger_info's filter takes the same types


class KochavaModule(AnsibleModule):
    """AnsibleModule with the connection options, a client built from them,
    and every secret (the key, hidden context values) masked in what it says."""

    def __init__(self, argument_spec, failure_result=None, checked_here=None, **kwargs):
        # What every failure returns at least (kochava_triggers: an empty plan),
        # argument-spec failures raised inside AnsibleModule.__init__ included.
        self.failure_result = failure_result or {}
        # Options this module checks itself: name -> function(raw value) -> value, raising TriggerError (see _load_params).
        self.checked_here = checked_here or {}
        self.secrets = set()
        spec = dict(CONNECTION_ARGUMENT_SPEC, **HIDDEN_ARGUMENT_SPEC)
        spec.update(argument_spec)
        super().__init__(argument_spec=spec, **kwargs)
        for name, value in self._raw_checked_here.items():
            problem = None
            try:
                self.params[name] = self.checked_here[name](value)
            except TriggerError as exc:
                self.params[name], problem = value, exc.message
            if problem is not None:  # failing outside the except block: no traceback in the result
                self.fail_json(msg=problem)
        self.hidden = hider_from(self.params)
        for context in declared_contexts(self.params):
            self.add_secrets(self.hidden.secrets(context))
        if api_key_missing(self.params["api_key"]):
            self.fail_json(msg=MISSING_KEY)
        self.add_secrets([self.params["api_key"]])
        problem = connection_problem(self.params)
        if problem:
            self.fail_json(msg=problem)
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        if not HAS_VOLUPTUOUS:
            self.fail_json(msg=missing_required_lib("voluptuous"), exception=VOLUPTUOUS_IMPORT_ERROR)
        self.client = None

    def _load_params(self):
        """Read the arguments, holding back the options the module checks itself (kochava_triggers'
        items): ansible-core validates an empty list in their place, so each item is checked once,
        by _triggers/items.py, with messages naming triggers[N], and a long list is not deep-copied."""
        super()._load_params()
        self._raw_checked_here = dict((name, self.params[name]) for name in self.checked_here if name in self.params)
        self.params.update((name, []) for name in self._raw_checked_here)

    def add_secrets(self, values):
        """Mask ``values`` in our messages. Only the API key is an Ansible no_log value: hidden values are
        masked by our own pass over all we return, which stays linear (ansible-core's scrubbing costs values x strings)."""
        self.secrets.update(v for v in values if v and isinstance(v, str))

    def _echoed(self):
        """The arguments as echoed: options checked here as the task gave them (as ansible-core echoes a list of dicts without suboptions)."""
        params = getattr(self, "params", None) or {}
        raw = getattr(self, "_raw_checked_here", None)
        return dict(params, **raw) if raw else params

    def _masked_module_args(self):
        """The echoed arguments, masked, built once: the journal line and the result show the same (options are final by then)."""
        if getattr(self, "_masked_module_args_cache", None) is None:
            self._masked_module_args_cache = masked_params(self._echoed())
        return self._masked_module_args_cache

    def _mask_url_credentials(self):
        """User info in api_url (refused, never sent) is masked in all we return, the echoed invocation included."""
        for value in url_credentials((getattr(self, "params", None) or {}).get("api_url")):
            self.no_log_values.add(value)
            getattr(self, "secrets", set()).add(value)

    def _log_invocation(self):
        # AnsibleModule logs the arguments to the target's journal/syslog: with hidden values masked.
        self._mask_url_credentials()
        params, self.params = self.params, self._masked_module_args()
        try:
            super()._log_invocation()
        finally:
            self.params = params

    def get_client(self):
        if self.client is None:
            try:
                self.client = KochavaClient(
                    api_key=self.params["api_key"],
                    api_url=self.params["api_url"],
                    validate_certs=self.params["validate_certs"],
                    timeout=self.params["timeout"],
                    max_retries=self.params["max_retries"],
                    rate_limit_wait=self.params["rate_limit_wait"],
                    max_requests_per_second=self.params["max_requests_per_second"],
                    max_answer_bytes=self.params["max_answer_bytes"],
                )
            except KochavaError as exc:
                error = exc
            else:
                return self.client
            self.fail_from(error)
        return self.client

    def _flush_client_notes(self, notes=()):
        """API warnings, the engine's recoveries, and one warning that says what was retried and why."""
        for note in notes:
            self.warn(self.masked("Kochava API: %s" % note))
        if self.client is None:
            return
        for warning in self.client.warnings:
            self.warn(self.masked("Kochava API: %s" % warning))
        del self.client.warnings[:]  # the client appends to this very list
        retried = self.client.retry.summary()
        if retried:
            self.warn(self.masked("Kochava API calls were retried: %s" % retried))
        del self.client.retry.events[:]

    def masked(self, text):
        """A message or warning as shown (_triggers/hiding.py masked_message: masked, redacted, escaped)."""
        return masked_message(text, getattr(self, "params", None) or {}, getattr(self, "secrets", ()), getattr(self, "hidden", None))

    def exit_result(self, **result):
        self._flush_client_notes(result.pop("notes", ()))
        self.exit_json(**result)

    def exit_json(self, **kwargs):
        self._mask_url_credentials()
        kwargs.setdefault("invocation", {"module_args": self._masked_module_args()})  # the echoed task arguments, masked
        kwargs.setdefault("status", success_status(kwargs.get("changed", False)))  # a pipeline's field (_plan/outcome.py)
        super().exit_json(**kwargs)

    def fail_from(self, exc, **result):
        """Turn an error into fail_json: a clear message, what was done, never a traceback."""
        self._flush_client_notes(getattr(exc, "notes", ()))
        if getattr(exc, "trigger", None) is not None:
            result.setdefault("trigger", masked_trigger(exc.trigger, self.hidden))
        if getattr(exc, "actions", None) is not None:
            result.setdefault("plan", plan_report(exc.actions, self.hidden))
            if getattr(exc, "digest", None):
                result["plan"]["digest"] = result["plan_digest"] = exc.digest
        result.setdefault("changed", bool(getattr(exc, "changed", False)))
        for name, value in failure_fields(failure_of(exc)).items():
            result.setdefault(name, value)
        self.fail_json(msg=str(exc), **result)  # fail_json finishes the message (masks, redacts, escapes)

    def fail_json(self, msg, **kwargs):
        self._mask_url_credentials()
        for name, value in getattr(self, "failure_result", {}).items():
            kwargs.setdefault(name, copy.deepcopy(value))
        params = getattr(self, "params", None) or {}
        if "plan" in kwargs and isinstance(params.get("app_id"), int):
            kwargs.setdefault("app_id", params["app_id"])  # a pipeline ties the plan to its app
        kwargs.setdefault("invocation", {"module_args": self._masked_module_args()})
        # What fails here without an error of the engine or client is the task's input (argument spec, options),
        # or a missing library (the only failures given an exception).
        missing_lib = "exception" in kwargs and not (HAS_REQUESTS and HAS_VOLUPTUOUS)
        for name, value in failure_fields("dependency" if missing_lib else "input").items():
            kwargs.setdefault(name, value)
        super().fail_json(msg=self.masked(msg), **kwargs)

    def run(self, func):
        """Call ``func(client)`` and exit with its result dict, or fail cleanly."""
        client = SecretWatch(self.get_client(), self.hidden, self.add_secrets) if self.hidden else self.get_client()
        error = result = None
        try:
            result = func(client)
        except (KochavaError, TriggerError) as exc:
            error = exc
        if error is not None:
            # Failing outside the except block keeps the exception (and any
            # traceback of it) out of the result.
            self.fail_from(error)
        if not self._diff:
            result.pop("diff", None)
        self.exit_result(**result)
