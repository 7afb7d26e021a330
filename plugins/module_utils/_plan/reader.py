# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""An app's triggers and templates, each read at most once per run.

A converged run reads the app's triggers once and the templates only when a
rule needs them (a template name, purge_context, a create or a context change).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import find_template


class Reader:
    """The app's triggers and templates, each read at most once (until ``forget``)."""

    def __init__(self, client, app_id):
        self.client = client
        self.app_id = app_id
        self._triggers = None
        self._templates = None

    def triggers(self):
        if self._triggers is None:
            self._triggers = self.client.list_triggers(self.app_id)
        return self._triggers

    def templates(self):
        if self._templates is None:
            self._templates = self.client.list_templates(self.app_id)
        return self._templates

    def template(self, template_id=None, name=None):
        return find_template(self.templates(), template_id=template_id, name=name)

    def forget_triggers(self):
        self._triggers = None
