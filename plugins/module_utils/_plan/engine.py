# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The engine behind kochava_trigger and kochava_triggers: plan, apply, report.

It takes a client (anything with the KochavaClient methods) and plain
parameters, never an AnsibleModule. A single-trigger task is the set engine
given one item and no purge. Check mode is decided here and only here: in
check mode no POST, PATCH or DELETE is ever sent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kochava.publisher.plugins.module_utils._plan.planner import Planner
from ansible_collections.kochava.publisher.plugins.module_utils._plan.reader import Reader
from ansible_collections.kochava.publisher.plugins.module_utils._plan.report import diff_view, drift_message, masked_trigger, plan_report, set_diff, sort_key
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.fields import FIELDS
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.hiding import hider_from
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.items import check_item, check_values, validate_items
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import KEY_FIELDS, TriggerError, key_fields, trigger_key


def run_plan(planner, actions, check_mode, digest=None):
    """Apply ``actions`` unless in check mode; a failure carries what was done."""
    if check_mode or all(planned["action"] == "unchanged" for planned in actions):
        return []
    # Imported here, as _plan/digest.py in run_set: every module run compiles what it imports from the
    # AnsiballZ zip (no .pyc there), and a converged run, the common one, writes nothing.
    from ansible_collections.kochava.publisher.plugins.module_utils._plan.apply import Applier

    applier = Applier(planner)
    try:
        applier.apply(actions)
    except Exception as exc:  # a Kochava or trigger error part-way: say what was done
        exc.changed = getattr(exc, "changed", False) or any(a["applied"] for a in actions)
        exc.actions, exc.notes, exc.digest = actions, applier.notes, digest
        raise
    return applier.notes


def writes_nothing(params, check_mode):
    """Check mode, or the drift gate (``expect_no_changes``): no POST, PATCH or DELETE is sent."""
    return check_mode or bool(params.get("expect_no_changes"))


def drift_gate(params, actions, trigger=None, refused_diff=None):
    """``expect_no_changes``: a TriggerError naming every trigger that differs, before any write
    (carrying ``refused_diff()``, the --diff of what it refused, when given)."""
    if params.get("expect_no_changes"):
        drift = drift_message(params["app_id"], actions)
        if drift:
            refused = TriggerError(drift, trigger=trigger, failure="drift")
            refused.diff = refused_diff() if refused_diff else None
            raise refused


def check_plan(planner, actions, params, review, digest, hidden, refused_diff=None):
    """The checks of a known plan, in order (all before any write): the
    reviewed plan, then the drift gate, then the max_deletes guard. A refusal carries
    the plan, its digest and ``refused_diff()`` (the --diff of what it refused, when given)."""
    try:
        if review is not None:
            report = plan_report(actions, hidden)
            differences = review.differences(report, digest)
            if differences:
                raise TriggerError(
                    "expected_plan: the plan of app %s is not the reviewed one (reviewed %s, now %s); nothing was written. %s. "
                    "Review the plan of now (returned as plan) and pass its plan_digest or plan"
                    % (params["app_id"], review.digest, digest, "; ".join(differences)),
                    failure="stale",
                )
        drift_gate(params, actions)
        planner.guard(actions, params.get("max_deletes"))
    except TriggerError as exc:
        exc.actions, exc.digest = actions, digest
        exc.diff = refused_diff() if refused_diff else None
        raise


def run_set(client, params, check_mode=False, diff=True):
    """kochava_triggers: the app's whole declared set."""
    from ansible_collections.kochava.publisher.plugins.module_utils._plan.digest import Review, plan_digest

    hidden = hider_from(params)
    app_id = params["app_id"]
    # expected_plan is checked before anything is read: a bad one costs no call
    review = Review(params["expected_plan"], app_id) if params.get("expected_plan") is not None else None
    reader = Reader(client, app_id)
    planner = Planner(reader)
    items = validate_items(params["triggers"])  # every item checked and normalised in one pass (_triggers/items.py), before any call
    actions = planner.plan(items, purge=params.get("purge"))
    digest = plan_digest(app_id, actions, params.get("api_key"))
    before = list(reader.triggers())
    learn_hidden(hidden, [item.get("context") for item in items], before)  # before the reviewed plan is compared
    refused_diff = (lambda: set_diff(before, final_triggers(before, actions), hidden, app_id)) if diff else None
    check_plan(planner, actions, params, review, digest, hidden, refused_diff)
    notes = run_plan(planner, actions, writes_nothing(params, check_mode), digest)
    learn_hidden(hidden, [], [a["after"] for a in actions if a["after"]])  # what the verifying read found
    wanted = params.get("return_triggers", False)
    after = final_triggers(before, actions) if wanted or diff else None
    plan = plan_report(actions, hidden)
    plan["digest"] = digest
    result = {
        "notes": notes,
        "changed": any(a["action"] != "unchanged" for a in actions) if check_mode else any(a["applied"] for a in actions),
        "app_id": app_id,
        "plan": plan,
        "plan_digest": digest,
        "diff": set_diff(before, after, hidden, app_id) if diff else None,  # rendered only when asked for: a big app's diff is long
    }
    if wanted:  # only when asked for: every trigger of a big app is most of what a converged task returns
        result["triggers"] = [masked_trigger(t, hidden) for t in sorted(after, key=sort_key)]
    return result


def run_single(client, params, check_mode=False):
    """kochava_trigger: one trigger, by key or by id."""
    hidden = hider_from(params)
    reader = Reader(client, params["app_id"])
    planner = Planner(reader, label_items=False)
    item = dict((option, params.get(option)) for option in FIELDS)  # the item kochava_triggers would take
    current = None
    if params.get("id") is not None:
        check_values(item)  # before the read: nothing is sent for a task that cannot run
        found = client.get_trigger(params["app_id"], params["id"])
        if found is None:
            if item.get("state") == "absent":
                return {"changed": False, "trigger": {}, "diff": {"before": {}, "after": {}}}
            raise TriggerError("trigger %s does not exist in app %s" % (params["id"], params["app_id"]), failure="not_found")
        item = addressed_item(reader, item, found)
        current = [found]
    check_item(item, "")  # the static checks of kochava_triggers' items (_triggers/items.py)
    actions = planner.plan([item], current=current)
    planned = actions[0]
    learn_hidden(hidden, [item.get("context")], [planned["before"]] if planned["before"] else [])
    drift_gate(params, actions, trigger=planned["before"], refused_diff=lambda: single_diff(planned, hidden))
    notes = run_plan(planner, actions, writes_nothing(params, check_mode))
    changed = planned["action"] != "unchanged" if check_mode else planned["applied"]
    learn_hidden(hidden, [], [planned["after"]] if planned["after"] else [])
    return {
        "notes": notes,
        "changed": changed,
        "trigger": masked_trigger(planned["after"], hidden) or {},
        "diff": single_diff(planned, hidden),
    }


def single_diff(planned, hidden):
    """kochava_trigger's --diff: the trigger before and after (in check mode or refused: as it would be)."""
    return {"before": diff_view(planned["before"], hidden), "after": diff_view(planned["after"], hidden)}


def learn_hidden(hidden, contexts, triggers):
    """Let ``hidden`` know the hidden texts of the declared ``contexts`` and of ``triggers``, so they are
    masked wherever else they sit (a title, a filter_str) in what the task returns (linear in the triggers)."""
    hidden.learn_contexts(contexts)
    hidden.learn_contexts(t.get("context") for t in triggers if isinstance(t, dict))


def addressed_item(reader, item, trigger):
    """The item of a task that addresses ``trigger`` by id: key fields given must match it."""
    given = dict(item)
    if item.get("template") and item.get("template_id") is None:
        given["template_id"] = reader.template(name=item["template"])["id"]
    actual = key_fields(trigger_key(trigger))
    for field in KEY_FIELDS:
        if given.get(field) is not None and given[field] != actual[field]:
            raise TriggerError(
                "trigger %s has %s=%r but the task says %r; the key (type, template_id, filter_str) of a trigger cannot change"
                % (trigger.get("id"), field, trigger.get(field), given[field])
            )
    if actual["template_id"] is None:
        raise TriggerError("trigger %s has no template_id, so its key is not known" % trigger.get("id"))
    given.update(actual, template=None)
    return given


def final_triggers(before, actions):
    """The app's triggers after the run (in check mode, as predicted)."""
    by_id = dict((t.get("id"), t) for t in before)
    for planned in actions:
        if planned["before"] is not None:
            by_id.pop(planned["before"].get("id"), None)
        after = planned["after"]
        if after is not None:
            by_id[after.get("id") if after.get("id") is not None else ("new", planned["index"])] = after
    return list(by_id.values())
