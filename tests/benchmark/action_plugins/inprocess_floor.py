# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark-only action plugin: the in-process floor of a converged set task (issue 22).

What library/floor_items.py does as a module, in the controller's worker:
take a set task's items (``app_id``, ``triggers``; the worker has templated
them), read every page of the app's triggers with requests (GET
/apps/{app_id}/postbacks, following nextToken with ?pageToken=, as the
collection's client does) and return ``{"changed": false, "listed": <count>}``.
Nothing is validated, planned or echoed: no action plugin that makes those
page reads goes under it. ``api_key`` and ``api_url`` come from the task or
from KOCHAVA_API_KEY / KOCHAVA_API_URL.

With ``result_file`` it returns instead the JSON object in that file (less its
``invocation``): a set task's recorded result, so its cost beyond the plain
floor is what the controller pays for that result on the in-process path.

requests is imported at the top: the linear strategy loads an action plugin's
class in the controller's main process (to read BYPASS_HOST_LOOP) before it
forks the task's worker, so the import is paid once per ansible-playbook and
every worker inherits it, as an action plugin importing the engine at its top would.
"""

from __future__ import annotations

import json
import os

import requests
from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self._task.args
        items = args["triggers"]
        if not isinstance(items, list):
            return dict(result, failed=True, msg="triggers must be a list, got %s" % type(items).__name__)
        api_url = (args.get("api_url") or os.environ["KOCHAVA_API_URL"]).rstrip("/")
        api_key = args.get("api_key") or os.environ["KOCHAVA_API_KEY"]
        url = "%s/apps/%d/postbacks" % (api_url, int(args["app_id"]))
        listed, token = 0, None
        with requests.Session() as session:
            while True:
                answer = session.get(url, params={"pageToken": token} if token else None, headers={"Authentication-Key": api_key}, timeout=30)
                body = answer.json()
                listed += len(body.get("data") or [])
                token = body.get("nextToken")
                if not token:
                    break
        if args.get("result_file"):
            with open(args["result_file"]) as handle:
                recorded = json.load(handle)
            recorded.pop("invocation", None)
            result.update(recorded)
            return result
        result.update(changed=False, listed=listed)
        return result
