# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark-only module (bench_scale.py): the floor of a converged set task built on requests.

What any kochava_triggers made of AnsibleModule and requests cannot avoid: the
no-op module's work (library/noop_items.py: the same items, validated as a list
of dicts and echoed), plus importing requests and reading every page of the
app's triggers (GET /apps/{app_id}/postbacks, following nextToken with
?pageToken=, as the collection's client does). Nothing is planned, checked or
returned beyond ``{"changed": false, "listed": <count>}``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: floor_items
short_description: Take a set task's items and read the app's triggers, nothing else (benchmark only)
description:
  - The floor of C(tests/benchmark/bench_scale.py). Returns C(changed=false) and the number of triggers listed.
options:
  app_id:
    description: As kochava_triggers' app_id.
    type: int
    required: true
  triggers:
    description: As kochava_triggers' triggers (a list of dicts, not checked further).
    type: list
    elements: dict
    required: true
  api_key:
    description: As kochava_triggers' api_key.
    type: str
    fallback: KOCHAVA_API_KEY
  api_url:
    description: As kochava_triggers' api_url.
    type: str
    fallback: KOCHAVA_API_URL
author:
  - Kochava Publisher maintainers (@kochava-publisher)
"""

from ansible.module_utils.basic import AnsibleModule, env_fallback


def main():
    module = AnsibleModule(
        argument_spec=dict(
            app_id=dict(type="int", required=True),
            triggers=dict(type="list", elements="dict", required=True),
            api_key=dict(type="str", no_log=True, fallback=(env_fallback, ["KOCHAVA_API_KEY"])),
            api_url=dict(type="str", fallback=(env_fallback, ["KOCHAVA_API_URL"])),
        ),
        supports_check_mode=True,
    )
    import requests  # as the collection's client does, at every start

    session = requests.Session()
    url = "%s/apps/%d/postbacks" % (module.params["api_url"].rstrip("/"), module.params["app_id"])
    listed, token = 0, None
    while True:
        answer = session.get(url, params={"pageToken": token} if token else None, headers={"Authentication-Key": module.params["api_key"]}, timeout=30)
        body = answer.json()
        listed += len(body.get("data") or [])
        token = body.get("nextToken")
        if not token:
            break
    module.exit_json(changed=False, listed=listed)


if __name__ == "__main__":
    main()
