# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Reads a write may be decided on.

A trigger in a read answer must be the one the call asked for: of the app in
the path, with the id asked for, and with the fields of its key. Anything
else stops the run with a ``KochavaResponseError`` before a write is decided
on an answer that cannot be trusted.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kochava.publisher.plugins.module_utils._api.errors import KochavaResponseError

KEY_FIELDS = ("app_id", "type", "template_id")  # every trigger of the API document has them


def why_foreign(trigger, app_id, wanted_id=None):
    """Why ``trigger`` is not one the call asked for, or None."""
    if wanted_id is not None and str(trigger.get("id")) != str(wanted_id):
        return "trigger %s instead of trigger %s" % (trigger.get("id"), wanted_id)
    missing = [field for field in KEY_FIELDS if trigger.get(field) in (None, "")]
    if missing:
        return "trigger %s without %s" % (trigger.get("id"), " or ".join(missing))
    if str(trigger["app_id"]) != str(app_id):
        return "trigger %s of app %s" % (trigger.get("id"), trigger["app_id"])
    return None


def trusted(triggers, app_id, call, wanted_id=None):
    """``triggers`` when every one is of ``app_id`` (and ``wanted_id``) with its key fields; else raise."""
    if triggers is None:
        raise KochavaResponseError("%s answered data: null where the API document gives a list" % call, *call.split(" ", 1))
    for trigger in triggers:
        problem = why_foreign(trigger, app_id, wanted_id)
        if problem:
            raise KochavaResponseError(
                "%s answered %s, which this call did not ask for; nothing is decided on that answer" % (call, problem), *call.split(" ", 1)
            )
    return triggers
