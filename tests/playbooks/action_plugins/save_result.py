# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only action: write a templated ``content`` to ``dest`` on the controller.

The playbook tests save each host's registered result with it. It does what
``ansible.builtin.copy`` with ``content`` did for them, without the two module
runs (stat, copy) that cost ~2 s of CPU per playbook: no module is executed.
"""

from __future__ import annotations

import os

from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        content, dest = self._task.args["content"], self._task.args["dest"]
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "w", encoding="utf-8") as handle:
            handle.write(str(content))
        result.update(changed=False, dest=dest)
        return result
