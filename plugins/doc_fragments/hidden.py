# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # hidden_context_keys and hidden_url_params, declared once in plugins/module_utils/_glue/spec.py (HIDDEN_ARGUMENT_SPEC).
    DOCUMENTATION = r"""
options:
  hidden_context_keys:
    description:
      - Context keys whose values are secret, for example a postback URL that carries a partner token in its query string.
      - Their values are compared and written as usual, but never shown. Results, plans, diffs, the echoed task arguments,
        warnings and error messages show C(********~3f2a) instead, the mask followed by a fingerprint of four hex digits
        (an empty value stays empty). The fingerprint is an HMAC of the value keyed with the API key, so a change of a
        hidden value shows as two different masks, and a fingerprint cannot be checked against a guessed value without the key.
        A hidden value is masked wherever else it appears too (a title, a filter_str, an error message,
        a warning), with the fingerprint it shows in its own field, so a message can be matched with the plan and the diff.
      - Set it once for every task with C(module_defaults) for the action group C(group/kochava.publisher.kochava)
        (recommended). If a task does not set it (neither itself nor through C(module_defaults)), the value of the
        E(KOCHAVA_HIDDEN_CONTEXT_KEYS) environment variable is used, a comma-separated list (spaces around names and
        empty names are dropped), and then V([]). A task's own value wins, V([]) included.
      - Every module of the collection takes this option; M(kochava.publisher.kochava_template_info) reads no trigger
        contexts and ignores it.
      - A context value that holds the mask C(********), fingerprinted or not (as an export shows a hidden value), is rejected,
        so an export can never overwrite a secret with its mask.
    type: list
    elements: str
    default: []
  hidden_url_params:
    description:
      - Names of URL query parameters (for example V(token) or V(sig)) whose values are secret inside any context value,
        while the rest of the URL stays readable, for example C(https://partner.example/cb?click={click_id}&token=********~3f2a).
      - A parameter is found after C(?), C(&), C(;) or C(#), its name compared without case; its value runs to the next of
        these characters (in a message or a warning, also at the URL's end, a blank or a quote). An empty value stays empty.
      - As with O(hidden_context_keys), the real value is compared and written as usual, and the mask is fingerprinted.
      - Set it per task, once with C(module_defaults) for the group (recommended), or through the
        E(KOCHAVA_HIDDEN_URL_PARAMS) environment variable (comma-separated), used when a task does not set it.
        M(kochava.publisher.kochava_template_info) ignores it.
    type: list
    elements: str
    default: []
notes:
  - Hidden values are masked by the modules themselves in everything they return, the echoed task arguments included,
    so they are not Ansible C(no_log) values (only the API key is). Ansible itself prints a loop's item (as its label, and
    in each item's result from C(-v) on), so loop over app ids and look each app's declaration up inside the task,
    never loop over the declarations; see the guide's "Several apps".
"""
