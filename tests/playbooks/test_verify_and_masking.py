"""Issue 23 (an apply that checks it landed, hidden values masked wherever they sit, messages
escaped) and issue 24 item 4 (masking that keeps messages whole), through ansible-playbook
against the emulator. Assertions read the emulator's state and request log.
"""

from __future__ import annotations

import json
import re

import pytest
from playbook_helpers import assert_clean_failure, at_vvv, calls, writes

from ansible_collections.kochava.publisher.tests.constants import APP, TEMPLATE, URL

SET = "kochava.publisher.kochava_triggers"
SINGLE = "kochava.publisher.kochava_trigger"
LIST = ("GET", "/apps/%d/postbacks" % APP)
TEMPLATES = ("GET", "/apps/%d/postbacks/templates" % APP)
TOKEN = "LEAKME-42"
FINGERPRINTED = r"\*{8}~([0-9a-f]{4})"


def event(name, **extra):
    item = {"type": "event", "template_id": TEMPLATE, "filter_str": name, "title": name, "context": {"cpi_mostback_url": URL}}
    item.update(extra)
    return item


def after_last_write(emu):
    """The requests after the run's last write: the verifying read."""
    log = calls(emu)
    last = max(index for index, call in enumerate(log) if call[0] in ("POST", "PATCH", "DELETE"))
    return log[last + 1 :]


def assert_not_anywhere(runner, result, text):
    for where in (runner.last.stdout, runner.last.stderr, json.dumps(result)):
        assert text not in where, where[-3000:]


# -- an apply that checks it landed ----------------------------------------------------------------
def test_a_post_answered_201_whose_trigger_is_missing_fails_naming_the_trigger(runner, emu):
    emu.inject("POST", "/postbacks", lost_write=True)  # the first create: answered 201 with an id, not kept
    result = runner.run(SET, {"app_id": APP, "triggers": [event("Purchase"), event("Signup")]})
    assert_clean_failure(result, "trigger event/%d/Purchase 'Purchase'" % TEMPLATE, "was created (the API answered success) but is not there when read back")
    assert "Signup" not in result["msg"]  # the create that landed is not blamed
    assert result["changed"] is True
    assert [(e["key"]["filter_str"], e["applied"]) for e in result["plan"]["create"]] == [("Purchase", True), ("Signup", True)]
    assert writes(emu) == [("POST", "/postbacks")] * 2  # nothing resent, nothing duplicated
    assert after_last_write(emu) == [LIST]  # exactly one verifying read of the app's pages
    assert [t["filter_str"] for t in emu.triggers(APP)] == ["Signup"]


def test_a_patch_answered_200_whose_change_is_missing_fails_naming_trigger_and_field(runner, emu):
    stored = emu.add_trigger(APP, type="install", template_id=TEMPLATE, title="Old", context={"cpi_mostback_url": URL})
    emu.inject("PATCH", "/postbacks/%d" % stored["id"], lost_write=True)
    result = runner.run(SINGLE, {"app_id": APP, "type": "install", "template_id": TEMPLATE, "title": "New"})
    assert_clean_failure(result, "trigger install/%d 'New' (id %d) does not hold what was sent: title is 'Old', sent 'New'" % (TEMPLATE, stored["id"]))
    assert result["changed"] is True and result["trigger"]["title"] == "Old"
    assert writes(emu) == [("PATCH", "/postbacks/%d" % stored["id"])]
    assert after_last_write(emu) == [("GET", "/apps/%d/postbacks/%d" % (APP, stored["id"]))]  # one read: the trigger written
    assert emu.trigger(stored["id"])["title"] == "Old"


def test_a_write_that_lands_with_a_field_dropped_or_rewritten_fails_naming_the_fields(runner, emu):
    emu.configure(page_size=2)  # the verifying read is every page, once
    for name in ("a", "b", "c"):
        emu.add_trigger(APP, type="event", template_id=TEMPLATE, title=name, filter_str=name, context={"cpi_mostback_url": URL})
    emu.clear_log()
    emu.inject("POST", "/postbacks", rewrite={"title": "Rewritten", "context.deferred_for": None})
    items = [event("a", title="A"), event("b"), event("c"), event("Purchase", context={"cpi_mostback_url": URL, "deferred_for": 30000})]
    result = runner.run(SET, {"app_id": APP, "triggers": items})
    created = [t for t in emu.triggers(APP) if t["filter_str"] == "Purchase"]
    assert len(created) == 1  # nothing duplicated
    assert_clean_failure(
        result,
        "trigger event/%d/Purchase 'Purchase' (id %d) does not hold what was sent: context.deferred_for is missing, title is 'Rewritten', sent 'Purchase'"
        % (TEMPLATE, created[0]["id"]),
    )
    assert result["changed"] is True and result["plan"]["create"][0]["applied"] is True
    assert "trigger event/%d/a" % TEMPLATE not in result["msg"]  # the update that landed is not blamed
    assert writes(emu) == [("PATCH", "/postbacks/%d" % emu.triggers(APP)[0]["id"]), ("POST", "/postbacks")]
    assert after_last_write(emu) == [LIST] * 2  # 4 triggers, 2 a page: one read of the app's pages


@pytest.mark.parametrize("profile", ["harsh", "lenient"])
def test_a_faithful_server_passes_the_check_with_one_read_and_a_converged_run_reads_once(runner, emu, profile):
    emu.configure(profile=profile)
    old = [emu.add_trigger(APP, type="event", template_id=TEMPLATE, title=n, filter_str=n, context={"cpi_mostback_url": URL}) for n in ("u", "gone")]
    emu.clear_log()
    items = [
        event("u", title="U", context={"cpi_mostback_url": URL, "deferred_for": 30000}, purge_context=True),
        event("new", context={"cpi_mostback_url": URL, "max_delivery_attempts": 2}, active=True),
    ]
    result = runner.run(SET, {"app_id": APP, "triggers": items, "purge": True})
    assert result["changed"] is True and not result.get("failed"), result
    assert sorted(writes(emu)) == sorted([("PATCH", "/postbacks/%d" % old[0]["id"]), ("POST", "/postbacks"), ("DELETE", "/postbacks/%d" % old[1]["id"])])
    assert after_last_write(emu) == [LIST]
    emu.clear_log()
    again = runner.run(SET, {"app_id": APP, "triggers": items, "purge": True})
    assert again["changed"] is False and calls(emu) == [LIST, TEMPLATES]  # converged: no verifying read (templates: purge_context)
    emu.clear_log()
    checked = runner.run(SET, {"app_id": APP, "triggers": [event("other")]}, check=True)
    assert checked["changed"] is True and writes(emu) == [] and LIST in calls(emu) and calls(emu).count(LIST) == 1  # check mode: no verifying read


# -- hidden values masked wherever they sit; whole messages whose fingerprint matches the diff ------------
def test_a_non_http_url_with_a_hidden_token_is_named_not_quoted(runner, emu):
    url = "ftp://c.example.com/i?token=%s" % TOKEN
    result = runner.run(
        SINGLE,
        {"app_id": APP, "type": "install", "template_id": TEMPLATE, "title": "Install", "context": {"cpi_mostback_url": url}, "hidden_url_params": ["token"]},
    )
    assert_clean_failure(result)
    assert result["msg"] == "context.cpi_mostback_url must be an http(s) URL with a host name: its scheme is not http or https", result["msg"]
    assert_not_anywhere(runner, result, TOKEN)
    assert writes(emu) == []


def test_a_hidden_token_in_a_title_shows_the_fingerprint_of_the_diff_in_the_drift_message(runner, emu):
    url = "%s/i?click={click_id}&token=%s" % (URL, TOKEN)
    emu.add_trigger(APP, type="install", template_id=TEMPLATE, title="Install %s" % TOKEN, context={"cpi_mostback_url": url})
    item = {"type": "install", "template_id": TEMPLATE, "title": "Install %s (2)" % TOKEN, "context": {"cpi_mostback_url": url}}  # pasted into the title too
    args = {"app_id": APP, "triggers": [item], "expect_no_changes": True, "hidden_url_params": ["token"]}
    result = runner.run(SET, args, diff=True, verbosity=3)
    assert_clean_failure(result, "expect_no_changes: app %d differs" % APP)
    in_message = re.findall(FINGERPRINTED, result["msg"])
    in_diff = re.findall(r"token=" + FINGERPRINTED, result["diff"]["before"])  # --diff shows what the gate refused
    assert in_message and in_diff and set(in_message) == set(in_diff), (result["msg"], in_diff)
    # the title in the plan and the diff is masked too, with the same fingerprint
    assert [re.findall(FINGERPRINTED, title) for title in result["plan"]["update"][0]["changes"]["title"]] == [in_message, in_message]
    assert_not_anywhere(runner, result, TOKEN)  # at -vvv, the echoed task arguments (the item's title) included
    assert at_vvv(runner.last.stdout)
    assert writes(emu) == []


# -- messages show control and bidirectional characters escaped -----------------------------------------------
def test_messages_and_warnings_escape_control_and_bidirectional_characters(runner, emu):
    title = "Install\r\nok: [host0] => fake\u202eevil"
    emu.add_trigger(APP, type="install", template_id=TEMPLATE, title=title, context={"cpi_mostback_url": URL})
    listing = emu.triggers(APP)
    emu.inject(
        "GET",
        "/apps/%d/postbacks" % APP,
        json={
            "success": True,
            "data": listing,
            "errors": [],
            "warnings": ["slow\r\nfatal: [host0]: FAKED \u2066x"],
            "messages": [],
            "nextToken": None,
            "previousToken": None,
            "meta": None,
        },
    )
    item = {"type": "install", "template_id": TEMPLATE, "title": "Install", "context": {"cpi_mostback_url": URL}}
    result = runner.run(SET, {"app_id": APP, "triggers": [item], "expect_no_changes": True})
    assert_clean_failure(result, "'Install\\r\\nok: [host0] => fake\\u202eevil'")
    for text in [result["msg"]] + result["warnings"]:
        assert not any(char in text for char in "\r\n\u202e\u2066"), text
    assert any("slow\\r\\nfatal: [host0]: FAKED \\u2066x" in warning for warning in result["warnings"]), result["warnings"]
    assert "\nok: [host0] => fake" not in runner.last.stdout and "\nfatal: [host0]: FAKED" not in runner.last.stdout
    assert writes(emu) == []
