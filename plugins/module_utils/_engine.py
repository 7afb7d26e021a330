# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one engine behind kochava_trigger: match, compare, write, verify.

It takes a client (anything with the KochavaClient domain methods) and plain
parameters, never an AnsibleModule, so tests drive it with a fake client or
against the emulator. Check mode is decided here and only here: in check
mode no POST, PATCH or DELETE is ever sent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.kochava.publisher.plugins.module_utils._client import (
    KochavaDuplicateError,
    KochavaNotFoundError,
    KochavaUncertainWriteError,
)
from ansible_collections.kochava.publisher.plugins.module_utils._triggers import (
    TYPES_WITHOUT_FILTER,
    TriggerError,
    changed_fields,
    check_scalar_context,
    context_differs,
    diff_view,
    find_by_key,
    find_template,
    merge_context,
    predict_created,
    template_defaults,
    validate_context,
)

KEY_FIELDS = ("type", "template_id", "filter_str")


def check_params(params):
    """Checks that need no API call; run before anything is sent."""
    check_scalar_context(params.get("context"))
    if params.get("title") is not None and not params["title"].strip():
        raise TriggerError("title must not be empty")
    trigger_type = params.get("type")
    filter_str = params.get("filter_str")
    if params.get("id") is None:
        if not trigger_type or (params.get("template_id") is None and not params.get("template")):
            raise TriggerError("without id, a trigger is addressed by its key: type and template_id (or template) are required")
        if trigger_type == "event" and not filter_str:
            raise TriggerError("filter_str is required when type=event (event triggers are told apart by filter_str)")
    if trigger_type in TYPES_WITHOUT_FILTER and filter_str:
        raise TriggerError("filter_str is only valid for event triggers; %s triggers are one per template per app" % trigger_type)


class TriggerEngine:
    """Brings one trigger of one app to the state described by ``params``."""

    def __init__(self, client, params, check_mode=False):
        self.client = client
        self.params = params
        self.app_id = params["app_id"]
        self.check_mode = check_mode
        self.max_attempts = int(params.get("max_retries", 4) or 0) + 1
        self._templates = None
        self._template = None

    # -- reads ------------------------------------------------------------
    def templates(self):
        if self._templates is None:
            self._templates = self.client.list_templates(self.app_id)
        return self._templates

    def template(self, template_id=None):
        """The trigger's template (by the given id/name, or the trigger's own id)."""
        if self._template is None:
            name = self.params.get("template")
            if template_id is None:
                template_id = self.params.get("template_id")
            if name and template_id is None:
                self._template = find_template(self.templates(), name=name)
            else:
                self._template = find_template(self.templates(), template_id=template_id)
        return self._template

    def wanted_key(self):
        template_id = self.params.get("template_id")
        if template_id is None and self.params.get("template"):
            template_id = self.template()["id"]
        return (template_id, self.params["type"], self.params.get("filter_str") or "")

    def find_current(self):
        """The trigger addressed by id, or by its uniqueness key; None if absent."""
        trigger_id = self.params.get("id")
        if trigger_id is not None:
            trigger = self.client.get_trigger(self.app_id, trigger_id)
            if trigger is not None:
                self._check_key_unchanged(trigger)
            return trigger
        return self._find_by_key(self.wanted_key())

    def _find_by_key(self, key):
        matches = find_by_key(self.client.list_triggers(self.app_id), key)
        if len(matches) > 1:
            raise TriggerError(
                "%d triggers of app %s match template_id=%s, type=%s, filter_str=%r (ids %s); address one with id"
                % (len(matches), self.app_id, key[0], key[1], key[2], ", ".join(str(t["id"]) for t in matches))
            )
        return matches[0] if matches else None

    def _check_key_unchanged(self, trigger):
        wanted = {
            "type": self.params.get("type"),
            "template_id": self.params.get("template_id"),
            "filter_str": self.params.get("filter_str"),
        }
        if self.params.get("template") and wanted["template_id"] is None:
            wanted["template_id"] = self.template()["id"]
        for field in KEY_FIELDS:
            if wanted[field] is not None and wanted[field] != (trigger.get(field) or ("" if field == "filter_str" else None)):
                raise TriggerError(
                    "trigger %s has %s=%r but the task says %r; the key (type, template_id, filter_str) of a trigger cannot change"
                    % (trigger["id"], field, trigger.get(field), wanted[field])
                )

    def defaults_for(self, template_id):
        if not self.params.get("purge_context"):
            return {}
        return template_defaults(self.template(template_id))

    # -- entry point ----------------------------------------------------------
    def run(self):
        check_params(self.params)
        if self.params.get("template") and self.params.get("template_id") is None:
            self.template()  # one templates call resolves the name (and serves validation and defaults later)
        current = self.find_current()
        if self.params.get("state") == "absent":
            return self.ensure_absent(current)
        return self.ensure_present(current)

    def result(self, changed, before, after):
        return {
            "changed": changed,
            "trigger": after or {},
            "diff": {"before": diff_view(before), "after": diff_view(after)},
        }

    # -- absent ---------------------------------------------------------------
    def ensure_absent(self, current):
        if current is None:
            return self.result(False, None, None)
        if not self.check_mode:
            try:
                self.client.delete_trigger(current["id"])
            except KochavaNotFoundError:
                pass  # gone already (a retried DELETE whose first answer was lost)
        return self.result(True, current, None)

    # -- present --------------------------------------------------------------
    def ensure_present(self, current):
        if current is None:
            if self.params.get("id") is not None:
                raise TriggerError("trigger %s does not exist in app %s" % (self.params["id"], self.app_id))
            return self.create()
        return self.update(current, changed=False)

    def create_payload(self):
        params = self.params
        if not params.get("title"):
            raise TriggerError("title is required to create a trigger (none matches type=%s, template %s)" % (params["type"], self.wanted_key()[0]))
        template = self.template()
        given = dict(params.get("context") or {})
        validate_context(template, given, given, creating=True, allow_unknown=params.get("allow_unknown_context"))
        payload = {
            "app_id": self.app_id,
            "type": params["type"],
            "title": params["title"],
            "template_id": template["id"],
            "context": given,
        }
        if params.get("filter_str"):
            payload["filter_str"] = params["filter_str"]
        if params.get("active") is not None:
            payload["active"] = bool(params["active"])
        return payload

    def create(self):
        payload = self.create_payload()
        if self.check_mode:
            return self.result(True, None, predict_created(self.app_id, payload, self.template()))
        key = (payload["template_id"], payload["type"], payload.get("filter_str") or "")
        may_have_created = False
        for attempt in range(self.max_attempts):
            try:
                created = self.client.create_trigger(payload)
            except KochavaDuplicateError:
                # Created concurrently, or by an earlier attempt whose answer was lost.
                existing = self._find_by_key(key)
                if existing is None:
                    raise TriggerError("the API answered that this trigger already exists, but no trigger of app %s has key %r" % (self.app_id, key)) from None
                return self.update(existing, changed=may_have_created)
            except KochavaUncertainWriteError as exc:
                # Never resend blindly: look first, create only if still missing.
                may_have_created = True
                existing = self._find_by_key(key)
                if existing is not None:
                    return self.update(existing, changed=True)
                if attempt + 1 >= self.max_attempts:
                    raise TriggerError(
                        "could not confirm that the trigger was created after %d attempts: %s" % (self.max_attempts, exc),
                        changed=True,
                    ) from None
                self.client.pause(attempt)
                continue
            if created is not None and not self.problems(created):
                return self.result(True, None, created)
            # The answer carried no trigger, or not all of it: re-read what the server holds.
            reread = self.client.get_trigger(self.app_id, created["id"]) if created is not None else self._find_by_key(key)
            if reread is None:
                raise TriggerError("the API accepted the new trigger but it cannot be read back", changed=True)
            self.verify(reread, changed=True)
            return self.result(True, None, reread)
        raise TriggerError("unreachable")  # pragma: no cover

    def update(self, current, changed):
        params = self.params
        given = dict(params.get("context") or {}) if params.get("context") is not None else None
        purge = bool(params.get("purge_context")) and given is not None
        defaults = self.defaults_for(current.get("template_id")) if purge else {}
        body = changed_fields(current, title=params.get("title"), active=params.get("active"))
        context_change = given is not None and context_differs(current.get("context"), given, purge, defaults)
        if not body and not context_change:
            return self.result(changed, current, current)
        resulting = copy.deepcopy(current.get("context") or {})
        if context_change:
            resulting = merge_context(current.get("context"), given, purge, defaults)
            validate_context(
                self.template(current.get("template_id")),
                given,
                resulting,
                creating=False,
                allow_unknown=params.get("allow_unknown_context"),
            )
        # The API document does not say whether PATCH merges or replaces the
        # context, so the complete resulting context is always sent: nothing
        # is lost under either reading.
        body["context"] = resulting
        if self.check_mode:
            predicted = copy.deepcopy(current)
            predicted.update(body)
            if purge:
                filled = dict(defaults)
                filled.update(resulting)
                predicted["context"] = filled
            return self.result(True, current, predicted)
        self.client.update_trigger(current["id"], body)
        # The PATCH answer may carry no trigger: re-read what the server holds.
        after = self.client.get_trigger(self.app_id, current["id"])
        if after is None:
            raise TriggerError("trigger %s disappeared while it was being updated" % current["id"], changed=True)
        self.verify(after, changed=True)
        return self.result(True, current, after)

    def verify(self, trigger, changed):
        """Fail loudly if the server does not hold what was written."""
        problems = self.problems(trigger)
        if problems:
            raise TriggerError(
                "the API accepted the write but trigger %s does not hold the requested state: %s" % (trigger.get("id"), "; ".join(problems)),
                changed=changed,
                trigger=trigger,
            )

    def problems(self, trigger):
        """How ``trigger`` differs from what the task asks for (empty when it matches)."""
        params = self.params
        problems = []
        wanted = changed_fields(trigger, title=params.get("title"), active=params.get("active"))
        for field, value in wanted.items():
            problems.append("%s is %r, expected %r" % (field, trigger.get(field), value))
        given = params.get("context")
        if given is not None:
            purge = bool(params.get("purge_context"))
            defaults = self.defaults_for(trigger.get("template_id")) if purge else {}
            if context_differs(trigger.get("context"), given, purge, defaults):
                problems.append("context is %r" % (trigger.get("context"),))
        return problems
