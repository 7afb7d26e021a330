# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # hidden_context_keys, declared once in plugins/module_utils/_module.py (HIDDEN_CONTEXT_KEYS).
    DOCUMENTATION = r"""
options:
  hidden_context_keys:
    description:
      - Context keys whose values are secret, for example a postback URL that carries a partner token in its query string.
      - Their values are compared and written as usual, but never shown. Results, plans, diffs, warnings and error messages
        show C(********) instead (an empty value stays empty), and the values are registered with Ansible's no_log values,
        so logs at any verbosity mask them too.
      - Ansible masks a no_log value wherever it appears, so a very short secret also masks the same characters elsewhere in the output.
      - A context value that holds the placeholder C(********) (as an export shows a hidden value) is rejected, so an export
        can never overwrite a secret with its mask.
    type: list
    elements: str
    default: []
"""
