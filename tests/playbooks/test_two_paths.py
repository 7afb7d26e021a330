"""One behaviour, two paths: each scenario runs through ansible-playbook in process (the default for a
local host) and on the module path (``kochava_in_process: false``), against the same emulator state,
and the two registered results are compared field by field, as are the requests the emulator saw.

Only what cannot be equal is made equal first: the trigger ids (the emulator never reuses an id, so a
second run creates other ids) and the plan digests made of them. The -vvv line of each path proves
which one ran.
"""

from __future__ import annotations

import json
import re

import pytest
from playbook_helpers import calls, install, seed_install

from ansible_collections.kochava.publisher.tests.constants import APP, KEY_APP17, TEMPLATE, URL

TRIGGER = "kochava.publisher.kochava_trigger"
SET = "kochava.publisher.kochava_triggers"
INFO = "kochava.publisher.kochava_trigger_info"
TEMPLATES = "kochava.publisher.kochava_template_info"
TOKEN_URL = "https://collector.example.com/in?token=s3cr3t-two-paths"
HIDING = {"KOCHAVA_HIDDEN_URL_PARAMS": "token"}


def seed_event(emu, **extra):
    fields = dict(type="event", template_id=TEMPLATE, filter_str="Purchase", title="Purchase", context={"cpi_mostback_url": URL})
    fields.update(extra)
    return emu.add_trigger(APP, **fields)


def down(emu):
    emu.inject("GET", path_regex=r"/apps/\d+/postbacks.*", status=503, times=None)


# name -> (module, args, options of Runner.run, what to do to the emulator first)
SCENARIOS = {
    "create": (TRIGGER, install(), dict(diff=True), None),
    "create in check mode": (TRIGGER, install(), dict(check=True, diff=True), None),
    "converged": (TRIGGER, install(), {}, seed_install),
    "update": (TRIGGER, install(title="Renamed", active=False), dict(diff=True), seed_install),
    "delete": (TRIGGER, install(state="absent"), dict(diff=True), seed_install),
    "by id, missing": (TRIGGER, {"app_id": APP, "id": 999999, "state": "absent"}, {}, None),
    "drift gate": (TRIGGER, install(title="Renamed", expect_no_changes=True), dict(diff=True), seed_install),
    "bad choice": (TRIGGER, install(type="purchase"), {}, None),
    "unsupported option": (TRIGGER, install(colour="red"), {}, None),
    "both template options": (TRIGGER, install(template="Custom Postback"), {}, None),
    "bad context key": (TRIGGER, install(context={"cpi_mostback_url": URL, "typo": 1}), {}, None),
    "missing key": (TRIGGER, install(), dict(key=None), None),
    "refused key": (TRIGGER, install(), dict(key="not-a-key-of-the-emulator"), None),
    "key of another app": (TRIGGER, install(), dict(key=KEY_APP17), None),
    "API down": (TRIGGER, install(max_retries=0), {}, down),
    "http with user info": (TRIGGER, install(api_url="http://user:pa55word@127.0.0.1:9/"), {}, None),
    "app_id a boolean": (TRIGGER, install(app_id=True), {}, None),
    "hidden token in context": (TRIGGER, install(context={"cpi_mostback_url": TOKEN_URL}), dict(diff=True, env=HIDING), None),
    "set with purge": (
        SET,
        {"app_id": APP, "purge": True, "triggers": [install(), {"type": "click", "template_id": TEMPLATE, "title": "Click"}]},
        dict(diff=True),
        seed_event,
    ),
    "set in check mode, hidden": (
        SET,
        {"app_id": APP, "purge": True, "triggers": [install(context={"cpi_mostback_url": TOKEN_URL})]},
        dict(check=True, diff=True, env=HIDING),
        lambda emu: seed_event(emu, context={"cpi_mostback_url": TOKEN_URL + "-old"}),
    ),
    "set with bad items": (SET, {"app_id": APP, "triggers": [{"type": "event", "template_id": TEMPLATE}, {"type": 5}, "x"]}, {}, None),
    "set, empty purge": (SET, {"app_id": APP, "purge": True, "triggers": []}, {}, seed_install),
    "set over max_deletes": (SET, {"app_id": APP, "purge": True, "max_deletes": 0, "triggers": [install()]}, {}, seed_event),
    "set drift gate": (SET, {"app_id": APP, "expect_no_changes": True, "triggers": [install(title="New")]}, {}, seed_install),
    "set, stale review": (SET, {"app_id": APP, "expected_plan": "%d:0123456789abcdef" % APP, "triggers": [install()]}, {}, None),
    "set, API down": (SET, {"app_id": APP, "max_retries": 0, "triggers": [install()]}, {}, down),
    "info": (INFO, {"app_id": APP, "type": "install"}, {}, seed_install),
    "info, hidden": (INFO, {"app_id": APP}, dict(env=HIDING), lambda emu: seed_event(emu, context={"cpi_mostback_url": TOKEN_URL})),
    "info, reveal without no_log": (INFO, {"app_id": APP, "reveal_hidden": True}, {}, None),
    "templates": (TEMPLATES, {"app_id": APP, "name": "Custom Postback"}, {}, None),
    "templates, bad app_id": (TEMPLATES, {"app_id": "x"}, {}, None),
    "module_defaults group": (
        TEMPLATES,
        {},
        dict(extra_task={"module_defaults": {"group/kochava.publisher.kochava": {"app_id": APP, "pending": True}}}),
        None,
    ),
    "environment keyword": (
        TEMPLATES,
        {"app_id": APP},
        dict(key=None, extra_task={"environment": {"KOCHAVA_API_KEY": "{{ lookup('env', 'KEY_FOR_TASK') }}"}}),
        None,
    ),
}


def run(runner, emu, scenario, in_process):
    module, args, options, prepare = SCENARIOS[scenario]
    options = dict(options)
    extra_task = dict(options.pop("extra_task", {}))
    env = dict(options.pop("env", {}))
    if scenario == "environment keyword":
        env["KEY_FOR_TASK"] = emu.demo_key or "test-key-all-apps"
    if not in_process:
        extra_task["vars"] = {"kochava_in_process": False}
    emu.wait_idle()
    emu.reset()
    if prepare is not None:
        prepare(emu)
    seeded = [t["id"] for t in emu.triggers(APP)]
    result = runner.run(module, json.loads(json.dumps(args)), verbosity=3, env=env, extra_task=extra_task, **options)
    output = runner.last.stdout
    if in_process:
        assert "running in process on the controller" in output and "Using module file" not in output, output[-2000:]
    else:
        assert "running the module, not in process: kochava_in_process is false" in output and "Using module file" in output, output[-2000:]
    ids = seeded + [t["id"] for t in emu.triggers(APP) if t["id"] not in seeded]
    return comparable(result, ids), comparable(calls(emu), ids)


def comparable(value, ids, key=None):
    """``value`` with the emulator's trigger ids numbered in the order this run met them, digests and the
    emulator's creation times made equal, ansible-core's internal keys left out."""
    if isinstance(value, dict):
        return dict((name, comparable(item, ids, name)) for name, item in value.items() if not name.startswith("_ansible_"))
    if isinstance(value, (list, tuple)):
        return [comparable(item, ids) for item in value]
    if key is not None and key.startswith("date_"):
        return "DATE"
    if isinstance(value, int) and not isinstance(value, bool) and value in ids:
        return "ID%d" % ids.index(value)
    if isinstance(value, str):
        value = re.sub(r"\b\d+:[0-9a-f]{16}\b", "DIGEST", value)
        for number, trigger_id in enumerate(ids):
            value = re.sub(r"\b%d\b" % trigger_id, "ID%d" % number, value)
    return value


# What ansible-core itself adds to a module's failed result, and never to an action plugin's:
# 2.19 and later give every module failure an ``exception`` (its traceback, or this text).
CORE_ONLY = {"exception": "(traceback unavailable)"}


def without_core_additions(module_result, in_process_result):
    return dict((name, value) for name, value in module_result.items() if not (CORE_ONLY.get(name) == value and name not in in_process_result))


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_both_paths_give_the_same_result_and_the_same_requests(runner, emu, scenario):
    in_process, in_process_calls = run(runner, emu, scenario, in_process=True)
    module, module_calls = run(runner, emu, scenario, in_process=False)
    module = without_core_additions(module, in_process)
    assert sorted(in_process) == sorted(module)
    for name in sorted(module):
        assert (name, in_process[name]) == (name, module[name])
    assert in_process_calls == module_calls


def test_the_corpus_covers_success_failure_and_unreachable(runner, emu):
    """The comparison is worth something only if the corpus has each kind of result."""
    kinds = set()
    for scenario in ("converged", "bad choice", "API down"):
        result = run(runner, emu, scenario, in_process=True)[0]
        kinds.add("unreachable" if result.get("unreachable") else "failed" if result.get("failed") else "ok")
    assert kinds == {"ok", "failed", "unreachable"}
