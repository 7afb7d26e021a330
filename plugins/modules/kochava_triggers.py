#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kochava_triggers
short_description: Manage an app's whole set of Kochava postback triggers
version_added: 1.1.0
description:
  - Declare the postback triggers of a Kochava app in one task. The module plans what to create, update and delete, checks the whole plan,
    and only then writes.
  - Each item is matched to the app's triggers by its uniqueness key (O(triggers[].type), O(triggers[].template_id) or O(triggers[].template),
    O(triggers[].filter_str)). Fields left out of an item are left alone, exactly as in M(kochava.publisher.kochava_trigger).
  - With O(purge=true), the app's triggers that no item names are deleted. O(max_deletes) stops a run that would delete more than expected.
  - Everything that can be checked is checked before the first write (two items with one key, missing key fields, unknown templates,
    context against the template's rules, placeholders of hidden values). A bad item anywhere in the list means nothing is written.
  - Writes go in the order updates, creates, deletes, so an app is never left without a postback that was only being replaced.
    The first failed write stops the run; RV(plan) then says which actions were applied, and the next run converges.
  - A converged run makes one list call per page of the app's triggers, plus one templates call when an item names its template
    or purges context, and nothing else. After writes (never on a converged run, never in check mode), the module reads the app once
    (one GET for one trigger, else one listing of all its pages) and fails, with C(changed=true) and the plan, naming the
    trigger and the field, when a write did not land or landed with other values.
  - The RV(kochava.publisher.kochava_trigger_info#module:export) result has the shape of O(triggers),
    so an app's set can be exported, restored or cloned to another app.
author:
  - Kochava Publisher maintainers (@kochava-publisher)
extends_documentation_fragment:
  - kochava.publisher.connection
  - kochava.publisher.attributes
  - kochava.publisher.hidden
attributes:
  check_mode:
    support: full
    details:
      - No POST, PATCH or DELETE is sent in check mode; reads are. RV(plan) and RV(triggers) are the full prediction.
      - The O(max_deletes) guard applies in check mode too, so a check-mode gate catches a mass deletion.
  diff_mode:
    support: full
    details: The diff shows the app's triggers before and after, keyed by C(type/template_id/filter_str).
  idempotent:
    support: full
options:
  app_id:
    description: The Kochava app whose triggers are declared.
    type: int
    required: true
  triggers:
    description:
      - The triggers the app must have (or must not have, with O(triggers[].state=absent)). May be empty.
      - Each item takes the options of the same names of M(kochava.publisher.kochava_trigger); see there for details.
      - Two items with the same key are an error.
      - The module checks every item before any API call, with the conversions Ansible makes for typed options (V(yes)/V(no) for
        booleans, numeric strings for O(triggers[].template_id)). It reports every bad item in one message, each problem naming
        the item and the field (for example C(triggers[2].active must be a boolean)), and never quotes a context value.
      - A whole number written as a float or a decimal string (V(3373.0), V(1e3)) is an integer in an item on every ansible-core,
        as ansible-core 2.18 and later read a typed option; ansible-core 2.16 and 2.17 refuse it for the options they convert
        themselves, such as O(app_id) and the options of M(kochava.publisher.kochava_trigger).
    type: list
    elements: dict
    required: true
    suboptions:
      type:
        description: V(install), V(event) or V(click).
        type: str
        choices: [install, event, click]
        required: true
      template_id:
        description: The postback template. One of O(triggers[].template_id) and O(triggers[].template) is required.
        type: int
      template:
        description: The template's name (compared without case), looked up with one templates call per run.
        type: str
      filter_str:
        description: The event name; required for V(event) triggers, rejected for others.
        type: str
      title:
        description: The trigger's title. Required when the trigger is created; left alone when omitted.
        type: str
      active:
        description: Whether the trigger is active. New triggers are inactive unless this says otherwise; left alone when omitted.
        type: bool
      context:
        description:
          - The trigger's settings, keyed by the template's input ids. Left alone when omitted; keys not given are kept
            unless O(triggers[].purge_context=true).
        type: dict
      purge_context:
        description: Reset context keys not in O(triggers[].context) to the template's default (or empty them).
        type: bool
        default: false
      allow_unknown_context:
        description: Send context keys the template does not list.
        type: bool
        default: false
      state:
        description: V(present) creates or updates the trigger; V(absent) deletes it if it exists.
        type: str
        choices: [present, absent]
        default: present
  purge:
    description:
      - Delete the app's triggers that no item of O(triggers) names.
      - A run that would keep no trigger (O(triggers) empty, or every item O(triggers[].state=absent)) would delete every trigger
        of the app, which is most often a variable that is undefined or empty. It is refused before any API call, in check mode
        too, unless O(allow_empty=true).
    type: bool
    default: false
  allow_empty:
    description:
      - Allow O(purge=true) with no trigger to keep (O(triggers) empty, or every item O(triggers[].state=absent)), that is,
        deleting every trigger of the app on purpose. O(max_deletes) still applies.
      - Without O(purge), an empty O(triggers) changes nothing and needs no permission.
    type: bool
    default: false
  max_deletes:
    description:
      - A run that would delete more triggers than this (purged and O(triggers[].state=absent) together) fails before any write,
        listing the triggers it would have deleted (id, type, template, filter_str, title).
      - V(-1) means no limit.
    type: int
    default: 5
  expect_no_changes:
    description:
      - A drift gate. The module computes its plan, writes nothing (with or without check mode), and fails when anything would be
        created, updated or deleted. The message names every trigger that differs (its key and title, and for an update the
        changing fields), and the result carries the full RV(plan).
      - In diff mode the failed result carries RV(diff) too (the app now, and as the declaration would make it), as for the other
        refusals before any write (O(expected_plan), O(max_deletes)).
      - A converged app gives C(ok) (C(changed=false)), so C(ansible-playbook) exits non-zero exactly when an app has drifted.
    type: bool
    default: false
  expected_plan:
    description:
      - Binds this run to a reviewed plan, for example the check-mode job of an AWX workflow before its approval node.
      - Either the RV(plan_digest) of the reviewed run, or its whole RV(plan) dict (which carries its own C(digest)).
      - The run computes its plan first and, when it would send other writes than the reviewed plan, fails before any write
        (in check mode too), returns the plan of now, and (given the plan dict) says what differs from the review,
        which trigger, which field, reviewed and now.
      - Two plans are the same when they create the same triggers (by key) with the same values the API will hold, update
        the same triggers (by id) to the same values, and delete the same triggers (by id). Unchanged triggers, strays the run
        leaves alone, other apps and the old values an update overwrites do not count. A trigger deleted and re-created by hand
        since the review has a new id, so the plan is not the same.
      - The checks run in this order, all before any write (the first that fails is reported, with the plan). Validation,
        then O(expected_plan), then O(expect_no_changes), then O(max_deletes).
    type: raw
  return_triggers:
    description:
      - Whether the result carries RV(triggers), the app's triggers after the run (as the API gives them, hidden values masked).
      - Off by default. RV(plan) already names every trigger the items address, with its id, and the result of every task is
        read, scrubbed and shown by the controller and stored by AWX/AAP as a job event. At a thousand triggers the list is
        about half of the result (350 kB) and of what a converged task costs. Turn it on to register the app's set, or use
        M(kochava.publisher.kochava_trigger_info), which reads the same list.
    type: bool
    default: false
notes:
  - B(Concurrency and lost answers.) As in M(kochava.publisher.kochava_trigger), a duplicate answer to a create adopts the existing trigger,
    and a create whose outcome is unknown is re-read before it is ever sent again, so no run leaves a duplicate.
seealso:
  - module: kochava.publisher.kochava_trigger
  - module: kochava.publisher.kochava_trigger_info
    description: Its RV(kochava.publisher.kochava_trigger_info#module:export) feeds O(triggers) unchanged.
"""

EXAMPLES = r"""
- name: The whole postback set of app 87100; triggers not listed are deleted
  kochava.publisher.kochava_triggers:
    app_id: 87100
    purge: true
    triggers:
      - type: install
        template_id: 3373
        title: Install Custom Postback
        active: true
        context:
          cpi_mostback_url: https://collector.example.com/install
      - type: event
        template_id: 3373
        filter_str: Purchase
        title: Purchase Postback
        active: true
        context:
          cpi_mostback_url: https://collector.example.com/purchase
          max_delivery_attempts: 2
      - type: click
        template: Custom Postback
        title: Click Postback
        context:
          cpi_mostback_url: https://collector.example.com/click
          deferred_for: 30000
  register: postbacks

- name: Show what the run did
  ansible.builtin.debug:
    msg: "{{ postbacks.plan }}"

- name: Plan a change without writing (check mode); fails if it would delete more than 2
  kochava.publisher.kochava_triggers:
    app_id: 87100
    purge: true
    max_deletes: 2
    triggers:
      - type: install
        template_id: 3373
        title: Install Custom Postback v2
  check_mode: true
  register: planned

- name: Apply exactly the plan reviewed above, or fail without writing if it changed since
  kochava.publisher.kochava_triggers:
    app_id: 87100
    purge: true
    max_deletes: 2
    expected_plan: "{{ planned.plan_digest }}"
    triggers:
      - type: install
        template_id: 3373
        title: Install Custom Postback v2

- name: Remove one event trigger, leave the rest alone
  kochava.publisher.kochava_triggers:
    app_id: 87100
    triggers:
      - type: event
        template_id: 3373
        filter_str: Purchase
        state: absent

- name: A postback URL with a partner token, kept out of every output
  kochava.publisher.kochava_triggers:
    app_id: 87100
    hidden_context_keys: [cpi_mostback_url]
    triggers:
      - type: install
        template_id: 3373
        title: Install Custom Postback
        context:
          cpi_mostback_url: "https://collector.example.com/install?token={{ partner_token }}"
  vars:
    partner_token: example-token  # from Ansible Vault in real use

- name: Drift gate for a nightly job - write nothing, fail if the app differs from this
  kochava.publisher.kochava_triggers:
    app_id: 87100
    purge: true
    expect_no_changes: true
    hidden_context_keys: [cpi_mostback_url]
    triggers:
      - type: install
        template_id: 3373
        title: Install Custom Postback
        context:
          cpi_mostback_url: "https://collector.example.com/install?token={{ partner_token }}"
  vars:
    partner_token: example-token
"""

RETURN = r"""
triggers:
  description:
    - The app's triggers after the run, as the API gives them, sorted by type, template_id and filter_str.
    - In check mode, as predicted (a trigger that would be created has C(id=null)).
    - Values of O(hidden_context_keys) and of O(hidden_url_params) show the mask C(********~3f2a) (with a fingerprint).
  returned: success, when O(return_triggers=true)
  type: list
  elements: dict
  sample:
    - id: 54636
      app_id: 87100
      type: install
      title: Install Custom Postback
      template_id: 3373
      filter_str: ""
      active: true
      date_created: 1394048564
      context:
        cpi_mostback_url: https://collector.example.com/install
app_id:
  description: The app the run is about, so a pipeline can tie RV(plan) and RV(plan_digest) to it.
  returned: always
  type: int
  sample: 87100
status:
  description:
    - The outcome of the task, for pipelines to branch on (never on the message). V(converged) (nothing to change), V(changed)
      (written, or in check mode would be written), V(drift) (O(expect_no_changes) found differences, nothing was written),
      V(stale) (O(expected_plan) is no longer the plan, nothing was written) or V(error).
    - The collection's action plugins return the failures whose RV(failure) is V(unavailable), V(denied) or V(answer) as
      C(unreachable) (C(ansible-playbook) exits 4), the others as C(failed) (exit 2); see the guide's exit codes.
  returned: always
  type: str
  choices: [converged, changed, drift, stale, error]
  sample: converged
failure:
  description:
    - What kind of failure it was. V(input) (options or items refused before any write, most before any call), V(drift),
      V(stale), V(guard) (O(max_deletes)), V(unavailable) (the API unreachable, timeouts, 5xx or 429 past the retry budget, a write
      whose outcome stayed unknown), V(denied) (401 invalid key, 403 not authorized for the app), V(answer) (an answer that could
      not be trusted, or a write not read back as sent), V(not_found) (404), V(conflict) (a duplicate that could not be adopted),
      V(rejected) (400 or another 4xx), V(dependency) (C(requests) or C(voluptuous) missing).
  returned: failure
  type: str
  sample: drift
plan_digest:
  description:
    - A short digest of the writes of RV(plan), C(<app_id>:<16 hex digits>). Two runs that would send the same writes give the
      same digest (see O(expected_plan) for the rule); pass it back as O(expected_plan) to apply exactly what was reviewed.
    - It is an HMAC keyed with the API key. It changes when a hidden value changes, but cannot be checked against a guessed value
      without the key.
    - Not returned when the run failed before it read anything (validation).
  returned: when the plan is known
  type: str
  sample: "87100:6f1c0a9e3b7d2c45"
plan:
  description:
    - What the run does (or did, or would do in check mode), as lists C(create), C(update), C(delete) and C(unchanged).
    - Each entry has the trigger's C(key) (C(type), C(template_id), C(filter_str)), C(id) where known, C(title), and C(applied)
      (whether the write was sent and accepted). An update has C(changes), mapping each changing field (C(title), C(active),
      C(context.<key>)) to C([old, new]). A create that found the trigger already there has C(adopted=true).
    - A create has C(values), the C(title), C(active) and C(context) the API will hold (template defaults filled).
    - C(digest) is RV(plan_digest), so the dict alone can be passed back as O(expected_plan).
    - Also returned when a run fails, to say what was done. A run that failed before it read anything (validation) returns
      empty lists and no C(digest).
  returned: always
  type: dict
  sample:
    create:
      - key: {type: event, template_id: 3373, filter_str: Purchase}
        id: 54637
        title: Purchase Postback
        applied: true
        values:
          title: Purchase Postback
          active: true
          context: {cpi_mostback_url: "https://collector.example.com/purchase"}
    update:
      - key: {type: install, template_id: 3373, filter_str: ""}
        id: 54636
        title: Install Custom Postback v2
        applied: true
        changes:
          title: [Install Custom Postback, Install Custom Postback v2]
    delete: []
    unchanged: []
    digest: "87100:6f1c0a9e3b7d2c45"
diff:
  description:
    - "The app's triggers before and after, as text in the order of C(type/template_id/filter_str), one line per field,
      each line led by the trigger's key, for example C(event/3373/Purchase  context.max_delivery_attempts: \"2\").
      So C(--diff) shows a created or deleted trigger as a block of its own, and a change as the lines of the changing fields."
    - Context values are shown as the API holds them (strings), hidden values masked.
    - A refusal before any write (O(expect_no_changes), O(expected_plan), O(max_deletes)) returns it too, with RV(diff.after)
      as the run would have made the app.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The app's triggers before the run.
      type: str
      returned: when diff mode is on
    after:
      description: The app's triggers after the run (predicted in check mode).
      type: str
      returned: when diff mode is on
    before_header:
      description: Names the app, for C(--diff).
      type: str
      returned: when diff mode is on
      sample: app 87100 (before)
    after_header:
      description: Names the app, for C(--diff).
      type: str
      returned: when diff mode is on
      sample: app 87100 (after)
"""

from ansible_collections.kochava.publisher.plugins.module_utils._glue.module import run_module


def main():
    run_module("kochava_triggers")


if __name__ == "__main__":
    main()
