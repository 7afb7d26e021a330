"""kochava_triggers refuses purge=true with nothing to keep (issue 24), through ansible-playbook.

``triggers: []`` with ``purge: true`` deleted every trigger of the app with rc 0, and with 3 to 5
triggers an app ``max_deletes`` (5) did not stop it. Such a list mostly comes from a variable that
failed to load. The run is now refused before any API call, in check mode too, unless the task
says ``allow_empty: true``. Assertions read the emulator's state and request log.
"""

from __future__ import annotations

import pytest
from playbook_helpers import assert_clean_failure, writes

from ansible_collections.kochava.publisher.tests.constants import APP, TEMPLATE, URL

SET = "kochava.publisher.kochava_triggers"
CAUSE = "a variable that is undefined or empty"
FIX = "set allow_empty: true"


def seed(emu, count=3):
    made = [emu.add_trigger(APP, type="install", template_id=TEMPLATE, title="Install", context={"cpi_mostback_url": URL})]
    for i in range(count - 1):
        made.append(emu.add_trigger(APP, type="event", template_id=TEMPLATE, filter_str="ev%d" % i, title="ev%d" % i, context={"cpi_mostback_url": URL}))
    return sorted(t["id"] for t in made)


DECLARATIONS = {
    "an empty list": ([], "triggers is empty"),
    "a variable that did not load": ("{{ app_triggers | default([]) }}", "triggers is empty"),
    "only state=absent items": ([{"type": "event", "template_id": TEMPLATE, "filter_str": "ev0", "state": "absent"}], "triggers has only state=absent items"),
}


@pytest.mark.parametrize("check", [True, False], ids=["check", "apply"])
@pytest.mark.parametrize("declared", sorted(DECLARATIONS))
def test_purge_with_nothing_to_keep_is_refused_before_any_call(runner, emu, declared, check):
    ids = seed(emu)
    triggers, what = DECLARATIONS[declared]
    result = runner.run(SET, {"app_id": APP, "purge": True, "triggers": triggers}, check=check, diff=True)
    assert_clean_failure(result, what, "purge=true would delete every trigger of app %d" % APP, CAUSE, FIX)
    assert emu.log == []  # refused before any call: no read, no delete
    assert sorted(t["id"] for t in emu.triggers(APP)) == ids
    assert result["changed"] is False and result["plan"]["delete"] == [] and result["app_id"] == APP


@pytest.mark.parametrize("check", [True, False], ids=["check", "apply"])
def test_allow_empty_deletes_every_trigger_on_purpose(runner, emu, check):
    ids = seed(emu)
    result = runner.run(SET, {"app_id": APP, "purge": True, "allow_empty": True, "triggers": []}, check=check)
    assert result.get("failed") is not True, result
    assert result["changed"] is True and sorted(e["id"] for e in result["plan"]["delete"]) == ids
    if check:
        assert writes(emu) == [] and len(emu.triggers(APP)) == 3
    else:
        assert sorted(writes(emu)) == sorted(("DELETE", "/postbacks/%d" % i) for i in ids) and emu.triggers(APP) == []


def test_allow_empty_keeps_the_max_deletes_guard(runner, emu):
    ids = seed(emu, 3)
    result = runner.run(SET, {"app_id": APP, "purge": True, "allow_empty": True, "max_deletes": 2, "triggers": []})
    assert_clean_failure(result, "max_deletes")
    assert writes(emu) == [] and sorted(t["id"] for t in emu.triggers(APP)) == ids


def test_an_empty_list_without_purge_changes_nothing(runner, emu):
    ids = seed(emu)
    result = runner.run(SET, {"app_id": APP, "triggers": []})
    assert result.get("failed") is not True and result["changed"] is False, result
    assert writes(emu) == [] and sorted(t["id"] for t in emu.triggers(APP)) == ids
