# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The action plugin of kochava.publisher.kochava_triggers: the module's engine in process on the controller, the module elsewhere
(plugins/plugin_utils/action.py; the documentation is the module's)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kochava.publisher.plugins.plugin_utils.action import KochavaAction


class ActionModule(KochavaAction):
    MODULE = "kochava_triggers"
