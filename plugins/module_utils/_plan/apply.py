# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one applier: sends a plan's writes, adopts after duplicate or lost
answers, and verifies what the server holds.

Writes go in the order updates, creates, deletes, so an app is never left
without a postback that was only being replaced. The first failure stops
the run; each action says whether it was ``applied``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kochava.publisher.plugins.module_utils._api.client import (
    KochavaDuplicateError,
    KochavaNotFoundError,
    KochavaUncertainWriteError,
)
from ansible_collections.kochava.publisher.plugins.module_utils._api.trust import why_foreign
from ansible_collections.kochava.publisher.plugins.module_utils._plan.planner import wanted_changes
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import TriggerError, find_by_key, key_text, trigger_key

WRITE_ORDER = ("update", "create", "delete")


class Applier:
    """Carries out the actions of a plan with the client of ``planner.reader``."""

    def __init__(self, planner):
        self.planner = planner
        self.reader = planner.reader
        self.client = planner.reader.client
        self.notes = []  # recoveries the user should hear of (a lost answer, a duplicate answer)

    def apply(self, actions):
        """Send every write; then re-read once what the answers did not show."""
        for write in WRITE_ORDER:
            for planned in actions:
                if planned["action"] == write:
                    getattr(self, write)(planned)
        self.verify([a for a in actions if a.get("reread")])

    # -- writes -------------------------------------------------------------
    def update(self, planned):
        self.client.update_trigger(planned["before"]["id"], planned["body"])
        planned["applied"] = planned["reread"] = True

    def delete(self, planned):
        try:
            self.client.delete_trigger(planned["before"]["id"])
        except KochavaNotFoundError:
            pass  # gone already (a retried DELETE whose first answer was lost)
        planned["applied"] = True

    def create(self, planned):
        """POST the trigger. After a duplicate answer or an unknown outcome, ``recover``; an unknown
        outcome whose trigger is not there is sent again (never blindly), up to ``max_retries`` times."""
        policy = self.client.retry
        may_have_created = False
        for attempt in range(policy.max_attempts):
            error = None
            try:
                created = self.client.create_trigger(planned["payload"])
            except (KochavaDuplicateError, KochavaUncertainWriteError) as exc:
                error = exc
            if error is None:
                self.created(planned, created)
                return
            may_have_created = may_have_created or isinstance(error, KochavaUncertainWriteError)
            if self.recover(planned, error, may_have_created):
                return
            if attempt + 1 >= policy.max_attempts:
                raise TriggerError(
                    "could not confirm that trigger %s was created after %d attempts: %s" % (key_text(planned["key"]), policy.max_attempts, error),
                    changed=True,
                )
            policy.wait(attempt, self.client.call_name("POST", "/postbacks"), "an unknown outcome (the trigger was not there when re-read)")

    def created(self, planned, trigger):
        """The POST was answered: ``trigger`` is what the answer carried (or None)."""
        planned["applied"] = True
        planned["after"] = trigger
        # Trust the answer only if it shows this very trigger in the requested state.
        usable = trigger is not None and not why_foreign(trigger, self.reader.app_id) and trigger_key(trigger) == planned["key"]
        planned["reread"] = not usable or bool(self.problems(planned, trigger))

    def recover(self, planned, error, written):
        """The one recovery of a create: re-read the app's triggers and adopt the one with the key.

        ``error`` is the duplicate answer (created concurrently, or by an earlier attempt whose
        answer was lost) or the unknown outcome; ``written``: whether an attempt may have created
        it. Returns whether the trigger was there; a duplicate answer without it is an error.
        """
        key = planned["key"]
        duplicate = isinstance(error, KochavaDuplicateError)
        existing = self.find(key)
        self.note(key, existing, "the API answered that the trigger already exists" if duplicate else "the outcome was unknown (%s)" % error)
        if existing is not None:
            self.adopt(planned, existing, written)
            return True
        if duplicate:
            raise TriggerError(
                "the API answered that trigger %s already exists, but no trigger of app %s has that key" % (key_text(key), self.reader.app_id),
                changed=written,
            )
        return False

    def note(self, key, existing, what):
        found = "found it on re-read and adopted it instead of creating it again" if existing else "did not find it on re-read"
        self.notes.append("%s for trigger %s: %s; %s" % (self.client.call_name("POST", "/postbacks"), key_text(key), what, found))

    def adopt(self, planned, existing, written):
        """The trigger exists after all: converge it instead of creating it."""
        planned.update(before=existing, after=existing, adopted=True, applied=written)
        body, changes = wanted_changes(existing, planned["item"], self.planner.defaults(planned["item"], existing.get("template_id")))
        if body:
            planned.update(body=body, changes=changes)
            self.update(planned)

    def find(self, key):
        self.reader.forget_triggers()
        matches = find_by_key(self.reader.triggers(), key)
        return matches[0] if matches else None

    # -- verification ---------------------------------------------------------
    def problems(self, planned, trigger):
        """How ``trigger`` differs from what the action asked for."""
        item = planned["item"]
        body, changes = wanted_changes(trigger, item, self.planner.defaults(item, trigger.get("template_id")))
        return ["%s is %r, expected %r" % (field, old, new) for field, (old, new) in sorted(changes.items())] if body else []

    def verify(self, written):
        """Re-read what was written (one GET for one trigger, else one listing) and compare."""
        if not written:
            return
        single = written[0]["after"] or written[0]["before"] if len(written) == 1 else None
        if single is not None and single.get("id") is not None:
            fresh = self.client.get_trigger(self.reader.app_id, single["id"])
            listing = [fresh] if fresh is not None else []
        else:
            self.reader.forget_triggers()
            listing = self.reader.triggers()
        for planned in written:
            known = planned["after"] or planned["before"]
            found = [t for t in listing if known and known.get("id") is not None and t.get("id") == known["id"]]
            found = found or find_by_key(listing, planned["key"])
            if not found:
                raise TriggerError("trigger %s was written but cannot be read back" % key_text(planned["key"]), changed=True)
            planned["after"] = found[0]
            problems = self.problems(planned, found[0])
            if problems:
                raise TriggerError(
                    "the API accepted the write but trigger %s does not hold the requested state: %s" % (found[0].get("id"), "; ".join(problems)),
                    changed=True,
                    trigger=found[0],
                )
