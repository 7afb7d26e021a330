#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kochava_trigger
short_description: Manage Kochava postback triggers
version_added: 1.0.0
description:
  - Create, update and delete postback triggers of a Kochava app through the Premium Publisher API.
  - A trigger is found by its uniqueness key within the app (O(template_id), O(type), O(filter_str)), or directly by O(id).
  - Idempotent. A run that finds nothing to change makes one list call per page of the app's triggers and no write.
  - Values are compared by meaning, not representation. The API returns context values as strings, so V(7) equals V("7") and V(true) equals V("true").
    A missing O(filter_str) equals an empty one.
  - The API does not say whether an update merges or replaces the context, so the module always sends the complete resulting context.
    Keys already on the trigger are kept unless O(purge_context=true). Nothing is lost under either reading.
  - Context is checked against the app's template before any write. Every required input must have a value, a select input must get one of its options,
    and the destination URL must be an http(s) URL. Unknown keys are rejected unless O(allow_unknown_context=true).
author:
  - Kochava Publisher maintainers (@kochava-publisher)
extends_documentation_fragment:
  - kochava.publisher.connection
  - kochava.publisher.attributes
  - kochava.publisher.hidden
attributes:
  check_mode:
    support: full
    details: No POST, PATCH or DELETE is sent in check mode; reads are. RV(trigger) is the predicted result, with template defaults.
  diff_mode:
    support: full
    details: The diff shows type, template_id, filter_str, title, active and context before and after.
  idempotent:
    support: full
options:
  app_id:
    description:
      - The Kochava app the trigger belongs to.
    type: int
    required: true
  state:
    description:
      - V(present) creates the trigger if it does not exist and updates what differs.
      - V(absent) deletes it if it exists.
    type: str
    choices: [present, absent]
    default: present
  expect_no_changes:
    description:
      - A drift gate. The module computes what it would do, writes nothing (with or without check mode), and fails when the trigger
        would be created, updated or deleted; the message names the trigger (its key and title) and, for an update, the changing fields.
      - In diff mode the failed result carries RV(diff) too, with RV(diff.after) as the task would have made the trigger.
      - A converged trigger gives C(ok) (C(changed=false)), so C(ansible-playbook) exits non-zero exactly on drift.
    type: bool
    default: false
  id:
    description:
      - Address one existing trigger directly instead of by its key, to update or delete it.
      - Any of O(type), O(template_id), O(template) or O(filter_str) given with O(id) must match that trigger.
        The key of a trigger cannot change, so a difference is an error.
      - With O(state=present), a trigger that does not exist is an error. With O(state=absent), it is a no-op.
    type: int
  type:
    description:
      - The kind of trigger. An app has one V(install) and one V(click) trigger per template, and any number of V(event) triggers
        told apart by O(filter_str).
      - Required unless O(id) is given.
    type: str
    choices: [install, event, click]
  template_id:
    description:
      - The postback template (network) of the trigger. See M(kochava.publisher.kochava_template_info).
      - Required unless O(template) or O(id) is given.
    type: int
  template:
    description:
      - The template's name, looked up through the app's templates. Names are compared without case and surrounding blanks;
        a name that matches more than one template is an error.
      - Costs one more API call per run than O(template_id).
    type: str
  filter_str:
    description:
      - The event name that an V(event) trigger fires on. Required for V(event) triggers when O(id) is not given.
      - Rejected for V(install) and V(click) triggers.
    type: str
  title:
    description:
      - The trigger's title. Required when the trigger is created.
      - Left alone when omitted.
    type: str
  active:
    description:
      - Whether the trigger is active. New triggers are inactive unless this says otherwise.
      - Left alone when omitted.
    type: bool
  context:
    description:
      - The trigger's settings, keyed by the template's input ids (for example C(cpi_mostback_url) or C(deferred_for)).
      - The destination URL (C(cpi_mostback_url) or C(cpi_<network>_mostback_url)) is required when the trigger is created.
      - Left alone when omitted. Keys not given are kept unless O(purge_context=true).
      - Values are strings, numbers or booleans.
    type: dict
  purge_context:
    description:
      - When V(true), context keys not in O(context) are reset to the template's default, or emptied (V("")) when the template has none.
        An empty value counts as unset; it is sent rather than leaving the key out, so the key is cleared whether the API merges or replaces the context.
        A key whose value equals the template default counts as unset, so a purge run converges.
      - Has no effect when O(context) is omitted.
      - Costs one templates call per run (the defaults are needed to compare).
    type: bool
    default: false
  allow_unknown_context:
    description:
      - Send context keys that the template does not list. By default such keys are rejected, because a typo would otherwise be ignored.
    type: bool
    default: false
notes:
  - B(Concurrency.) A create answered with a duplicate error (HTTP 409, or the HTTP 400 "Duplicate ... post-back" the API gives today) means the trigger
    exists now. The module re-reads it, adopts it and converges it, so several hosts running the same task at once end with exactly one trigger.
  - B(Lost answers.) A create whose outcome is unknown (connection lost, timeout, HTTP 5xx) is never resent blindly.
    The module re-reads first and creates only if the trigger is still missing.
  - B(Verification.) After a write (never when converged, never in check mode) the module reads the trigger back once
    (C(GET /apps/{appId}/postbacks/{id})), because an answer of success does not prove the server kept the write.
    It fails, with C(changed=true), naming the trigger and the field, if the trigger is missing or does not hold the requested state
    (a deleted trigger still there included).
  - B(One engine.) This module is M(kochava.publisher.kochava_triggers) given one trigger and no purge, so
    matching, comparison, validation and verification are the same.
seealso:
  - module: kochava.publisher.kochava_triggers
    description: An app's whole set of triggers in one task, with a plan and a purge guard.
  - module: kochava.publisher.kochava_trigger_info
  - module: kochava.publisher.kochava_template_info
"""

EXAMPLES = r"""
- name: Set the connection options once for every kochava.publisher module
  module_defaults:
    group/kochava.publisher.kochava:
      # From your variables (Ansible Vault) when set, else KOCHAVA_API_KEY and KOCHAVA_API_URL
      api_key: "{{ kochava_api_key | default(omit) }}"
      api_url: "{{ kochava_api_url | default(omit) }}"
      validate_certs: true
      timeout: 30
      max_retries: 4
  block:
    - name: Install postback to our collector
      kochava.publisher.kochava_trigger:
        app_id: 87100
        type: install
        template_id: 3373
        title: Install Custom Postback
        active: true
        context:
          cpi_mostback_url: https://collector.example.com/ingest
          deferred_for: 0

    - name: Purchase event postback, template by name, other context keys reset to defaults
      kochava.publisher.kochava_trigger:
        app_id: 87100
        type: event
        template: Custom Postback
        filter_str: Purchase
        title: Purchase Postback
        context:
          cpi_mostback_url: https://collector.example.com/purchase
          max_delivery_attempts: 2
        purge_context: true

    - name: Click postback with a key the template does not list
      kochava.publisher.kochava_trigger:
        app_id: 87100
        type: click
        template_id: 3373
        title: Click Postback
        context:
          cpi_mostback_url: https://collector.example.com/click
          cpi_jumptap_app_id: "17"
        allow_unknown_context: true

- name: Deactivate a trigger addressed by id (context left alone)
  kochava.publisher.kochava_trigger:
    app_id: 87100
    id: 689966
    active: false

- name: Remove the purchase postback
  kochava.publisher.kochava_trigger:
    app_id: 87100
    type: event
    template_id: 3373
    filter_str: Purchase
    state: absent
"""

RETURN = r"""
trigger:
  description:
    - The trigger as the server holds it after the task, read back after a write.
    - In check mode, the predicted result (template defaults included; RV(trigger.id) is V(null) for a trigger that would be created).
    - Empty after O(state=absent).
  returned: always
  type: dict
  sample:
    id: 54636
    app_id: 87100
    type: event
    title: Purchase Postback
    template_id: 3373
    filter_str: Purchase
    active: true
    date_created: 1394048564
    context:
      cpi_mostback_url: https://collector.example.com/purchase
      deferred_for: "0"
      max_delivery_attempts: "2"
  contains:
    id:
      description: The trigger's id.
      type: int
      returned: success
    app_id:
      description: The app the trigger belongs to.
      type: int
      returned: success
    type:
      description: V(install), V(event) or V(click).
      type: str
      returned: success
    title:
      description: The trigger's title.
      type: str
      returned: success
    template_id:
      description: The trigger's postback template.
      type: int
      returned: success
    filter_str:
      description: The event name of an V(event) trigger; empty for other types.
      type: str
      returned: success
    active:
      description: Whether the trigger is active.
      type: bool
      returned: success
    date_created:
      description: When the trigger was created, in seconds since the epoch, as the API gives it.
      type: int
      returned: when the API gives it
    context:
      description: The trigger's settings. The API returns values as strings.
      type: dict
      returned: success
status:
  description:
    - The outcome of the task, for pipelines to branch on (never on the message). V(converged) (nothing to change), V(changed)
      (written, or in check mode would be written), V(drift) (O(expect_no_changes) found differences, nothing was written)
      or V(error).
    - The collection's action plugins return the failures whose RV(failure) is V(unavailable), V(denied) or V(answer) as
      C(unreachable) (C(ansible-playbook) exits 4), the others as C(failed) (exit 2); see the guide's exit codes.
  returned: always
  type: str
  choices: [converged, changed, drift, error]
  sample: converged
failure:
  description:
    - What kind of failure it was. V(input) (options refused before any write, most before any call), V(drift),
      V(unavailable) (the API unreachable, timeouts, 5xx or 429 past the retry budget, a write whose outcome stayed unknown),
      V(denied) (401 invalid key, 403 not authorized for the app), V(answer) (an answer that could not be trusted, or a write
      not read back as sent), V(not_found) (404, or a trigger O(id) that does not exist), V(conflict) (a duplicate that could
      not be adopted), V(rejected) (400 or another 4xx), V(dependency) (C(requests) or C(voluptuous) missing).
  returned: failure
  type: str
  sample: drift
diff:
  description: The trigger before and after the task (type, template_id, filter_str, title, active, context).
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The trigger before the task; empty if it did not exist.
      type: dict
      returned: when diff mode is on
    after:
      description: The trigger after the task; empty after a delete.
      type: dict
      returned: when diff mode is on
"""

from ansible_collections.kochava.publisher.plugins.module_utils._glue.module import run_module


def main():
    run_module("kochava_trigger")


if __name__ == "__main__":
    main()
