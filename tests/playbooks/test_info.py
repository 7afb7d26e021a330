"""kochava_trigger_info and kochava_template_info through ansible-playbook."""

from __future__ import annotations

import pytest
from playbook_helpers import assert_clean_failure, calls, writes

from ansible_collections.kochava.publisher.tests.constants import APP, KEY, KEY_APP17, MMDSP_TEMPLATE, TEMPLATE, URL

TRIGGER_INFO = "kochava.publisher.kochava_trigger_info"
TEMPLATE_INFO = "kochava.publisher.kochava_template_info"


def seed(emu, count=5):
    made = [emu.add_trigger(APP, type="install", template_id=TEMPLATE, title="Install", context={"cpi_mostback_url": URL}, active=True)]
    for i in range(count - 1):
        made.append(emu.add_trigger(APP, type="event", template_id=TEMPLATE, filter_str="ev%d" % i, title="ev%d" % i, context={"cpi_mostback_url": URL}))
    return made


def test_trigger_info_reads_every_page(runner, emu):
    emu.set_page_size(2)
    made = seed(emu, 5)
    result = runner.run(TRIGGER_INFO, {"app_id": APP})
    assert sorted(t["id"] for t in result["triggers"]) == sorted(t["id"] for t in made)
    assert result["changed"] is False
    lists = [e for e in emu.log if e["path"] == "/apps/%d/postbacks" % APP]
    assert len(lists) == 3
    assert "pageToken" not in lists[0]["query"] and all(e["query"].get("pageToken") for e in lists[1:])
    install = [t for t in result["triggers"] if t["type"] == "install"][0]
    assert install["filter_str"] == "" and install["active"] is True and isinstance(install["id"], int)


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"type": "event"}, 4),
        ({"filter_str": "ev2"}, 1),
        ({"filter_str": ""}, 1),
        ({"active": True}, 1),
        ({"active": False, "type": "event", "template_id": TEMPLATE}, 4),
        ({"template_id": MMDSP_TEMPLATE}, 0),
    ],
)
def test_trigger_info_filters(runner, emu, filters, expected):
    emu.set_page_size(3)
    seed(emu, 5)
    args = {"app_id": APP}
    args.update(filters)
    result = runner.run(TRIGGER_INFO, args, check=True)
    assert result["changed"] is False
    assert len(result["triggers"]) == expected
    assert writes(emu) == []


def test_trigger_info_by_id(runner, emu):
    made = seed(emu, 2)
    result = runner.run(TRIGGER_INFO, {"app_id": APP, "id": made[1]["id"]})
    assert [t["id"] for t in result["triggers"]] == [made[1]["id"]]
    assert calls(emu) == [("GET", "/apps/%d/postbacks/%d" % (APP, made[1]["id"]))]
    assert runner.run(TRIGGER_INFO, {"app_id": APP, "id": 424242})["triggers"] == []


def test_template_info_normalises_required_and_filters(runner, emu):
    result = runner.run(TEMPLATE_INFO, {"app_id": APP})
    assert result["changed"] is False
    assert sorted(t["id"] for t in result["templates"]) == [MMDSP_TEMPLATE, TEMPLATE]
    mmdsp = [t for t in result["templates"] if t["id"] == MMDSP_TEMPLATE][0]
    required = {m["input"]["id"]: m["input"]["required"] for m in mmdsp["context_meta"]}
    assert required == {"cpi_jumptap_app_id": False, "cpi_jumptap_fingerprint_lookback_window": True, "cpi_jumptap_mostback_url": True}
    assert [t["id"] for t in runner.run(TEMPLATE_INFO, {"app_id": APP, "name": "mmDSP"})["templates"]] == [MMDSP_TEMPLATE]
    assert [t["id"] for t in runner.run(TEMPLATE_INFO, {"app_id": APP, "template_id": TEMPLATE})["templates"]] == [TEMPLATE]


def test_template_info_pending(runner, emu):
    # complete: nothing pending
    assert runner.run(TEMPLATE_INFO, {"app_id": APP, "pending": True})["templates"] == []
    assert calls(emu) == [("GET", "/apps/%d/postbacks/incomplete" % APP)]
    # a trigger of mmDSP without its required cpi_jumptap_mostback_url: mmDSP is pending setup
    seed_trigger = {"type": "install", "template_id": MMDSP_TEMPLATE, "title": "Incomplete", "context": {"cpi_mostback_url": URL}}
    emu.add_trigger(APP, **seed_trigger)
    result = runner.run(TEMPLATE_INFO, {"app_id": APP, "pending": True})
    assert [t["id"] for t in result["templates"]] == [MMDSP_TEMPLATE]


def test_module_defaults_group_sets_connection_options(runner, emu):
    seed(emu, 1)
    # no key in the environment: it comes from module_defaults for the group
    result = runner.run(
        TRIGGER_INFO,
        {"app_id": APP},
        key=None,
        extra_task={"module_defaults": {"group/kochava.publisher.kochava": {"api_key": KEY, "max_retries": 0}}},
        verbosity=4,
    )
    assert len(result["triggers"]) == 1
    assert [e["auth"] for e in emu.log] == ["valid"]
    # given as an option (not the environment), the key is still masked at -vvvv
    assert KEY not in runner.last.stdout + runner.last.stderr


@pytest.mark.parametrize("module", [TRIGGER_INFO, TEMPLATE_INFO])
def test_info_fails_cleanly_on_401_403_and_garbage(runner, emu, module):
    assert_clean_failure(runner.run(module, {"app_id": APP}, key="not-a-key-123"), "401")
    assert_clean_failure(runner.run(module, {"app_id": APP}, key=KEY_APP17), "403")
    path = "/apps/%d/postbacks" % APP if module == TRIGGER_INFO else "/apps/%d/postbacks/templates" % APP
    emu.inject("GET", path, status=200, body="<html>maintenance</html>", headers={"Content-Type": "text/html"})
    assert_clean_failure(runner.run(module, {"app_id": APP}), "GET", path, "200")


def test_info_key_never_in_output(runner, emu):
    runner.run(TRIGGER_INFO, {"app_id": APP}, verbosity=4)
    assert KEY not in runner.last.stdout + runner.last.stderr
