# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one applier: sends a plan's writes, adopts after duplicate or lost
answers, and verifies what the server holds.

Writes go in the order updates, creates, deletes, so an app is never left
without a postback that was only being replaced. The first failure stops
the run; each action says whether it was ``applied``.

After the writes, the app is read once (one GET of the trigger when the run
wrote one trigger whose id is known, else one listing: all its pages) and
every create, update and delete is compared with the plan by meaning: an
answer of success proves only that the request was accepted (Terraform reads
a resource back after creating it for the same reason). A write that did not
land, or landed with other values, fails the task naming the trigger and the
field, with ``changed`` true and the plan.
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
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import TriggerError, canonical, find_by_key, key_text, trigger_key

WRITE_ORDER = ("update", "create", "delete")


class Applier:
    """Carries out the actions of a plan with the client of ``planner.reader``."""

    def __init__(self, planner):
        self.planner = planner
        self.reader = planner.reader
        self.client = planner.reader.client
        self.notes = []  # recoveries the user should hear of (a lost answer, a duplicate answer)

    def apply(self, actions):
        """Send every write; then read the app once and check that every write landed."""
        for write in WRITE_ORDER:
            for planned in actions:
                if planned["action"] == write:
                    getattr(self, write)(planned)
        self.verify([a for a in actions if a["action"] in WRITE_ORDER])

    # -- writes -------------------------------------------------------------
    def update(self, planned):
        self.client.update_trigger(planned["before"]["id"], planned["body"])
        planned["applied"] = True

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
                    failure="unavailable",
                )
            policy.wait(attempt, self.client.call_name("POST", "/postbacks"), "an unknown outcome (the trigger was not there when re-read)")

    def created(self, planned, trigger):
        """The POST was answered: ``trigger`` is what the answer carried (or None)."""
        planned["applied"] = True
        # Keep the answer's id only if it shows this very trigger (the verifying read compares the values).
        usable = trigger is not None and not why_foreign(trigger, self.reader.app_id) and trigger_key(trigger) == planned["key"]
        planned["after"] = trigger if usable else None

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
                failure="conflict",
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
    def differences(self, planned, trigger):
        """The fields of ``trigger`` that differ from what the action asked for, by the planner's rules
        (values by meaning, template defaults): ``{field: (held, sent)}``."""
        item = planned["item"]
        body, changes = wanted_changes(trigger, item, self.planner.defaults(item, trigger.get("template_id")))
        return changes if body else {}

    def verify(self, written):
        """Read the app once (one GET for one trigger of known id, else one listing) and compare with the plan."""
        if not written:
            return
        single = (written[0]["after"] or written[0]["before"]) if len(written) == 1 else None
        if single is not None and single.get("id") is not None:
            fresh = self.client.get_trigger(self.reader.app_id, single["id"])
            listing = [fresh] if fresh is not None else []
        else:
            self.reader.forget_triggers()
            listing = self.reader.triggers()
        by_id = dict((str(t.get("id")), t) for t in listing)
        failures, about = [], None
        for planned in written:
            known = planned["after"] or planned["before"] or {}
            found = by_id.get(str(known.get("id"))) if known.get("id") is not None else None
            if planned["action"] == "delete":
                if found is not None:
                    failures.append("%s was deleted (the API answered success) but is still there" % trigger_label(planned, found))
                    about = about or found
                continue
            matches = find_by_key(listing, planned["key"])
            if len(matches) > 1:  # the write landed twice (or another one made the key again)
                failures.append("%s is there %d times (ids %s)" % (trigger_label(planned, known), len(matches), ", ".join(str(t.get("id")) for t in matches)))
                about = about or matches[0]
                continue
            if found is None:
                found = matches[0] if matches else None
            if found is None:
                what = "created" if planned["action"] == "create" else "updated"
                failures.append("%s was %s (the API answered success) but is not there when read back" % (trigger_label(planned, known), what))
                continue
            planned["after"] = found
            changes = self.differences(planned, found)
            if changes:
                failures.append(
                    "%s does not hold what was sent: %s" % (trigger_label(planned, found), ", ".join(describe_change(f, v) for f, v in sorted(changes.items())))
                )
                about = about or found
        if failures:
            raise TriggerError(
                "the API accepted the writes but the app read back differs from the plan: %s" % "; ".join(failures),
                changed=True,
                trigger=about,
                failure="answer",
            )


def trigger_label(planned, trigger):
    """A trigger as a message names it: its key, title and id (``install/3373 'Install' (id 100001)``)."""
    title = (planned.get("item") or {}).get("title") or trigger.get("title")
    label = "trigger %s" % key_text(planned["key"])
    if title:
        label += " %r" % title
    return label + (" (id %s)" % trigger["id"] if trigger.get("id") is not None else "")


def describe_change(field, values):
    """One differing field, named; a context value is never quoted (it may be secret)."""
    held, sent = values
    if field.startswith("context."):
        return "%s %s" % (field, "is missing" if canonical(held) == "" else "holds another value")
    return "%s is %r, sent %r" % (field, held, sent)
