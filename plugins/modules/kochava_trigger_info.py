#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kochava_trigger_info
short_description: List Kochava postback triggers
version_added: 1.0.0
description:
  - Read the postback triggers of a Kochava app through the Premium Publisher API, across all pages of the list.
  - Read one trigger by O(id), or filter the full list by O(type), O(template_id), O(filter_str) and O(active).
    Filters match as a trigger's key is matched everywhere in this collection, O(type) without case and O(filter_str) exactly.
  - RV(export) gives the listed triggers in the shape of the O(kochava.publisher.kochava_triggers#module:triggers) option,
    to back up, restore or clone an app's set.
author:
  - Kochava Publisher maintainers (@kochava-publisher)
extends_documentation_fragment:
  - kochava.publisher.connection
  - kochava.publisher.attributes
  - kochava.publisher.attributes.info_module
  - kochava.publisher.hidden
options:
  app_id:
    description: The Kochava app whose triggers are read.
    type: int
    required: true
  id:
    description:
      - Read only the trigger with this id (one API call). A trigger that does not exist in the app gives an empty list.
      - The filters below still apply.
    type: int
  type:
    description: Only triggers of this type.
    type: str
    choices: [install, event, click]
  template_id:
    description: Only triggers of this postback template.
    type: int
  filter_str:
    description:
      - Only triggers with this event name. An empty string matches triggers without one (install and click triggers).
    type: str
  active:
    description: Only active (V(true)) or inactive (V(false)) triggers.
    type: bool
  reveal_hidden:
    description:
      - Give RV(export) with the real values of O(hidden_context_keys) and O(hidden_url_params), for an export meant
        for re-applying (restore, clone) when hidden values are set for the whole fleet (E(KOCHAVA_HIDDEN_URL_PARAMS),
        the AWX credential type). RV(hidden_revealed) then says that RV(export) holds real values.
        RV(triggers), warnings and error messages stay masked.
      - Requires the task keyword C(no_log) set to V(true), checked before any API call. A module cannot mark its own result as secret,
        so the task does. Ansible then keeps the result out of its output at every verbosity, out of callbacks
        (the plan report, AWX job events) and out of C(log_path). The registered variable holds the real values, so
        store it without printing it (C(no_log) and C(diff) set to V(true) and V(false) on the task that writes it, or Ansible Vault).
      - A failure of such a task shows only that the output was hidden; run it without O(reveal_hidden) to read the message.
        The module cannot tell the task's C(no_log) from E(ANSIBLE_NO_TARGET_SYSLOG), which Ansible passes to modules the same way.
    type: bool
    default: false
seealso:
  - module: kochava.publisher.kochava_trigger
  - module: kochava.publisher.kochava_triggers
"""

EXAMPLES = r"""
- name: All triggers of an app (every page)
  kochava.publisher.kochava_trigger_info:
    app_id: 87100
  register: all_triggers

- name: Active purchase event triggers of one template
  kochava.publisher.kochava_trigger_info:
    app_id: 87100
    type: event
    template_id: 3373
    filter_str: Purchase
    active: true
  register: purchase

- name: One trigger by id
  kochava.publisher.kochava_trigger_info:
    app_id: 17
    id: 54636
  register: one

- name: Export app 87100's set, with the postback URL hidden
  kochava.publisher.kochava_trigger_info:
    app_id: 87100
    hidden_context_keys: [cpi_mostback_url]
  register: exported

- name: Show the titles
  ansible.builtin.debug:
    msg: "{{ all_triggers.triggers | map(attribute='title') | list }}"
"""

RETURN = r"""
export:
  description:
    - The listed triggers in exactly the shape of the O(kochava.publisher.kochava_triggers#module:triggers) option
      (C(type), C(template_id), C(filter_str) for event triggers, C(title), C(active), and every
      context value the server holds), sorted by key. No C(id), C(app_id) or C(date_created), so it restores onto an emptied app or clones to another.
    - Values of O(hidden_context_keys) and of O(hidden_url_params) show C(********~3f2a), which M(kochava.publisher.kochava_triggers)
      refuses as a value. With O(reveal_hidden=true) they are the real values (see RV(hidden_revealed)).
  returned: always
  type: list
  elements: dict
  sample:
    - type: event
      template_id: 3373
      filter_str: Purchase
      title: Purchase Postback
      active: true
      context:
        cpi_mostback_url: https://collector.example.com/purchase
        deferred_for: "0"
        max_delivery_attempts: "2"
hidden_revealed:
  description:
    - Whether RV(export) holds the real values of hidden context keys and URL parameters (O(reveal_hidden=true)),
      so it must be kept like a secret. With V(false), hidden values show their mask.
  returned: always
  type: bool
  sample: true
status:
  description:
    - The outcome of the task, for pipelines. V(converged) when the read succeeded (the module changes nothing), else V(error).
    - The collection's action plugins return the failures whose RV(failure) is V(unavailable), V(denied) or V(answer) as
      C(unreachable) (C(ansible-playbook) exits 4), the others as C(failed) (exit 2); see the guide's exit codes.
  returned: always
  type: str
  choices: [converged, error]
  sample: converged
failure:
  description:
    - What kind of failure it was. V(input) (options refused before any call), V(unavailable) (the API unreachable, timeouts,
      5xx or 429 past the retry budget), V(denied) (401 invalid key, 403 not authorized for the app), V(answer) (an answer that
      could not be trusted), V(not_found) (404), V(rejected) (400 or another 4xx), V(dependency) (C(requests) or C(voluptuous)
      missing).
  returned: failure
  type: str
  sample: unavailable
triggers:
  description:
    - The matching triggers as the API gives them, with ids as integers, RV(triggers[].active) as a boolean
      and RV(triggers[].filter_str) always present (empty for install and click triggers).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 54636
      app_id: 87100
      type: install
      title: Install Custom Postback
      template_id: 3373
      filter_str: ""
      active: false
      date_created: 1394048564
      context:
        cpi_mostback_url: https://collector.example.com/ingest
        deferred_for: "0"
  contains:
    id:
      description: The trigger's id.
      type: int
      returned: always
    app_id:
      description: The app the trigger belongs to.
      type: int
      returned: always
    type:
      description: V(install), V(event) or V(click).
      type: str
      returned: always
    title:
      description: The trigger's title.
      type: str
      returned: always
    template_id:
      description: The trigger's postback template.
      type: int
      returned: always
    filter_str:
      description: The event name of an V(event) trigger; empty for other types.
      type: str
      returned: always
    active:
      description: Whether the trigger is active.
      type: bool
      returned: always
    date_created:
      description: When the trigger was created, in seconds since the epoch.
      type: int
      returned: when the API gives it
    context:
      description: The trigger's settings; the API returns values as strings.
      type: dict
      returned: always
"""

from ansible_collections.kochava.publisher.plugins.module_utils._glue.module import run_module


def main():
    run_module("kochava_trigger_info")


if __name__ == "__main__":
    main()
