# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module glue: the shared argument spec, a client from module parameters,
and Kochava errors turned into fail_json. The only module_utils file that
imports AnsibleModule."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.kochava.publisher.plugins.module_utils._client import (
    DEFAULT_API_URL,
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    KochavaClient,
    KochavaError,
)
from ansible_collections.kochava.publisher.plugins.module_utils._schemas import HAS_VOLUPTUOUS, VOLUPTUOUS_IMPORT_ERROR
from ansible_collections.kochava.publisher.plugins.module_utils._triggers import TriggerError

CONNECTION_ARGUMENT_SPEC = dict(
    api_key=dict(type="str", required=True, no_log=True, fallback=(env_fallback, ["KOCHAVA_API_KEY"])),
    api_url=dict(type="str", default=DEFAULT_API_URL, fallback=(env_fallback, ["KOCHAVA_API_URL"])),
    validate_certs=dict(type="bool", default=True),
    timeout=dict(type="float", default=30),
    max_retries=dict(type="int", default=4),
)


class KochavaModule(AnsibleModule):
    """AnsibleModule with the connection options, and a client built from them."""

    def __init__(self, argument_spec, **kwargs):
        spec = dict(CONNECTION_ARGUMENT_SPEC)
        spec.update(argument_spec)
        super().__init__(argument_spec=spec, **kwargs)
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        if not HAS_VOLUPTUOUS:
            self.fail_json(msg=missing_required_lib("voluptuous"), exception=VOLUPTUOUS_IMPORT_ERROR)
        for option in ("timeout", "max_retries"):
            if self.params[option] < 0:
                self.fail_json(msg="%s must be zero or more, got %s" % (option, self.params[option]))
        if self.params["timeout"] == 0:
            self.fail_json(msg="timeout must be more than 0 seconds")
        self.client = None

    def get_client(self):
        if self.client is None:
            try:
                self.client = KochavaClient(
                    api_key=self.params["api_key"],
                    api_url=self.params["api_url"],
                    validate_certs=self.params["validate_certs"],
                    timeout=self.params["timeout"],
                    max_retries=self.params["max_retries"],
                )
            except KochavaError as exc:
                error = exc
            else:
                return self.client
            self.fail_from(error)
        return self.client

    def _scrub(self, text):
        key = self.params.get("api_key")
        text = str(text)
        if key:
            text = text.replace(key, "********")
        return text

    def _flush_api_warnings(self):
        if self.client is None:
            return
        for warning in self.client.warnings:
            self.warn("Kochava API: %s" % self._scrub(warning))
        self.client.warnings = []

    def exit_result(self, **result):
        self._flush_api_warnings()
        self.exit_json(**result)

    def fail_from(self, exc, **result):
        """Turn a Kochava error into fail_json: a clear message, never a traceback."""
        self._flush_api_warnings()
        if isinstance(exc, TriggerError):
            result.setdefault("changed", exc.changed)
            if exc.trigger is not None:
                result.setdefault("trigger", exc.trigger)
        result.setdefault("changed", False)
        self.fail_json(msg=self._scrub(exc), **result)

    def run(self, func):
        """Call ``func(client)`` and exit with its result dict, or fail cleanly."""
        client = self.get_client()
        error = result = None
        try:
            result = func(client)
        except (KochavaError, TriggerError) as exc:
            error = exc
        if error is not None:
            # Failing outside the except block keeps the exception (and any
            # traceback of it) out of the result.
            self.fail_from(error)
        self.exit_result(**result)
