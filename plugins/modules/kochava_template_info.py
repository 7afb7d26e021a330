#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kochava_template_info
short_description: List the postback templates available to a Kochava app
version_added: 1.0.0
description:
  - Read the postback templates (networks) available to a Kochava app through the Premium Publisher API, across all pages.
  - A template's C(context_meta) lists the inputs a trigger's context takes, with their defaults and, for select inputs, their options.
  - With O(pending=true), read the templates whose triggers still need setting up (the API's "Get Pending Setup" call).
author:
  - Kochava Publisher maintainers (@kochava-publisher)
extends_documentation_fragment:
  - kochava.publisher.connection
  - kochava.publisher.attributes
  - kochava.publisher.attributes.info_module
  - kochava.publisher.hidden
options:
  app_id:
    description: The Kochava app whose templates are read.
    type: int
    required: true
  template_id:
    description: Only the template with this id.
    type: int
  name:
    description: Only templates with this name, compared without case and surrounding blanks (as O(kochava.publisher.kochava_trigger#module:template) is).
    type: str
  pending:
    description:
      - Read C(GET /apps/{appId}/postbacks/incomplete) instead of the full list, the templates whose triggers still need setting up.
    type: bool
    default: false
notes:
  - Templates hold no trigger contexts, so O(hidden_context_keys) and O(hidden_url_params) have no effect here. The module
    takes them so that one C(module_defaults) for C(group/kochava.publisher.kochava) serves every module of the collection.
seealso:
  - module: kochava.publisher.kochava_trigger
"""

EXAMPLES = r"""
- name: Every template available to the app
  kochava.publisher.kochava_template_info:
    app_id: 87100
  register: templates

- name: The inputs of one template, by name
  kochava.publisher.kochava_template_info:
    app_id: 87100
    name: Custom Postback
  register: custom

- name: Templates whose triggers still need setting up
  kochava.publisher.kochava_template_info:
    app_id: 87100
    template_id: 2209
    pending: true
  register: pending

- name: Show the required inputs of the template
  ansible.builtin.debug:
    msg: "{{ custom.templates[0].context_meta | selectattr('input.required') | map(attribute='input.id') | list }}"
"""

RETURN = r"""
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
templates:
  description:
    - The matching templates as the API gives them, with ids as integers and C(context_meta[].input.required)
      as a boolean (the API sends both V("true") and V(false)).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 2209
      network_id: 3
      platform: ""
      name: mmDSP
      context_meta:
        - label:
            name: Fingerprint Lookback
            description: The lookback window for fingerprint reconciliation.
          input:
            id: cpi_jumptap_fingerprint_lookback_window
            type: select
            required: true
            default_value: "7"
            options:
              - value: 1
                label: 1 day
  contains:
    id:
      description: The template's id, used as a trigger's C(template_id).
      type: int
      returned: always
    network_id:
      description: The network the template posts to.
      type: int
      returned: when the API gives it
    name:
      description: The template's name.
      type: str
      returned: always
    platform:
      description: The platform the template is for; often empty.
      type: str
      returned: when the API gives it
    context_meta:
      description: The inputs a trigger's context takes (C(label) and C(input) with C(id), C(type), C(required), C(default_value), C(options)).
      type: list
      elements: dict
      returned: always
"""

from ansible_collections.kochava.publisher.plugins.module_utils._glue.module import run_module


def main():
    run_module("kochava_template_info")


if __name__ == "__main__":
    main()
