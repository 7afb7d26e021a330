"""Hidden values set once for the fleet (issue 14), through ansible-playbook at -vvvv with --diff.

A token may appear 0 times in the whole output (stdout and stderr of ansible-playbook, the
task arguments echoed as ``invocation`` included) and in the registered result, whichever way
the hidden options were set: in the task, once through ``module_defaults`` for the group, or
through KOCHAVA_HIDDEN_CONTEXT_KEYS / KOCHAVA_HIDDEN_URL_PARAMS. Assertions read the
emulator's state and request log, never only the module's ``changed``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
import yaml
from playbook_helpers import ANSIBLE_PLAYBOOK, ROOT, at_vvv, writes

from ansible_collections.kochava.publisher.tests.constants import APP, MMDSP_TEMPLATE, TEMPLATE, URL

SET = "kochava.publisher.kochava_triggers"
SINGLE = "kochava.publisher.kochava_trigger"
INFO = "kochava.publisher.kochava_trigger_info"
TEMPLATES = "kochava.publisher.kochava_template_info"
GROUP = "group/kochava.publisher.kochava"
TOKENS = ["tok-Fleet1a2b3c", "tok-Fleet4d5e6f", "tok-Fleet7g8h9i"]
MASKED = r"\*{8}~[0-9a-f]{4}"  # the mask and its fingerprint
PARTNER = URL + "/purchase?click={click_id}&token=%s&site=17"


def token_url(index, path="install"):
    return "%s/%s?token=%s" % (URL, path, TOKENS[index])


def install(context_url, **extra):
    item = {"type": "install", "template_id": TEMPLATE, "title": "Install", "active": True, "context": {"cpi_mostback_url": context_url}}
    item.update(extra)
    return item


def seed(emu, **fields):
    fields.setdefault("title", fields.get("filter_str") or fields["type"])
    return emu.add_trigger(APP, template_id=TEMPLATE, **fields)


def group_defaults(**options):
    return {"module_defaults": {GROUP: options}}


def assert_no_token(runner, result=None):
    """No token anywhere in the run's output at -vvvv, nor in the registered result."""
    texts = [runner.last.stdout, runner.last.stderr, json.dumps(result or {})]
    for text in texts:
        for token in TOKENS:
            assert text.count(token) == 0, (token, text[-3000:])
    assert "task under test" in runner.last.stdout
    # really -vvv or more (ansible-core 2.21 no longer prints module_args): a -vvv line of either path
    assert at_vvv(runner.last.stdout)


def assert_ok(result):
    assert result.get("failed") is not True, result


# -- 1. a purge by a task that does not list the hidden keys -------------------------------------
HOW = {
    "module_defaults": ({}, group_defaults(hidden_context_keys=["cpi_mostback_url"])),
    "environment": ({"KOCHAVA_HIDDEN_CONTEXT_KEYS": " cpi_mostback_url , "}, None),
}


@pytest.mark.parametrize("how", sorted(HOW))
def test_a_purge_without_hidden_keys_in_the_task_shows_no_token(runner, emu, how):
    env, extra_task = HOW[how]
    stray = seed(emu, type="event", filter_str="Partner", context={"cpi_mostback_url": token_url(0, "partner")})
    kept = seed(emu, type="install", title="Install", active=True, context={"cpi_mostback_url": token_url(1)})
    args = {"app_id": APP, "purge": True, "triggers": [install(token_url(1))]}

    checked = runner.run(SET, args, check=True, diff=True, verbosity=4, env=env, extra_task=extra_task)
    assert_ok(checked)
    assert_no_token(runner, checked)
    assert writes(emu) == []
    assert checked["changed"] is True and [e["id"] for e in checked["plan"]["delete"]] == [stray["id"]]

    applied = runner.run(SET, args, diff=True, verbosity=4, env=env, extra_task=extra_task)
    assert_ok(applied)
    assert_no_token(runner, applied)
    assert writes(emu) == [("DELETE", "/postbacks/%d" % stray["id"])]
    assert [t["id"] for t in emu.triggers(APP)] == [kept["id"]]
    assert emu.trigger(kept["id"])["context"]["cpi_mostback_url"] == token_url(1)  # left as it was

    emu.clear_log()
    info = runner.run(INFO, {"app_id": APP}, diff=True, verbosity=4, env=env, extra_task=extra_task)
    assert_ok(info)
    assert_no_token(runner, info)
    assert re.fullmatch(MASKED, info["triggers"][0]["context"]["cpi_mostback_url"])
    assert re.fullmatch(MASKED, info["export"][0]["context"]["cpi_mostback_url"])
    assert writes(emu) == []


def test_a_task_s_own_empty_list_wins_over_the_environment(runner, emu):
    seed(emu, type="install", title="Install", context={"cpi_mostback_url": URL + "/install"})
    env = {"KOCHAVA_HIDDEN_CONTEXT_KEYS": "cpi_mostback_url"}
    hidden = runner.run(INFO, {"app_id": APP}, env=env)
    assert re.fullmatch(MASKED, hidden["triggers"][0]["context"]["cpi_mostback_url"])
    shown = runner.run(INFO, {"app_id": APP, "hidden_context_keys": []}, env=env)
    assert shown["triggers"][0]["context"]["cpi_mostback_url"] == URL + "/install"


# -- 2. hidden_url_params ------------------------------------------------------------------------------
def test_hidden_url_params_hide_the_token_keep_the_url_readable_write_it_and_converge(runner, emu):
    env = {"KOCHAVA_HIDDEN_URL_PARAMS": "token,sig"}
    item = {
        "type": "event",
        "template_id": TEMPLATE,
        "filter_str": "Purchase",
        "title": "Purchase",
        "active": True,
        "context": {"cpi_mostback_url": PARTNER % TOKENS[0]},
    }
    args = {"app_id": APP, "triggers": [item], "return_triggers": True}
    readable = re.escape(URL + "/purchase?click={click_id}&token=") + MASKED + re.escape("&site=17")

    checked = runner.run(SET, args, check=True, diff=True, verbosity=4, env=env)
    assert_no_token(runner, checked)
    assert writes(emu) == []
    assert re.fullmatch(readable, checked["plan"]["create"][0]["values"]["context"]["cpi_mostback_url"])

    created = runner.run(SET, args, diff=True, verbosity=4, env=env)
    assert_no_token(runner, created)
    assert [m for m, _path in writes(emu)] == ["POST"]
    [stored] = emu.triggers(APP)
    assert stored["context"]["cpi_mostback_url"] == PARTNER % TOKENS[0]  # the real URL is written
    shown = created["triggers"][0]["context"]["cpi_mostback_url"]
    assert re.fullmatch(readable, shown)  # host, path and the other parameters readable
    assert shown in created["diff"]["after"] and shown in runner.last.stdout

    emu.clear_log()
    again = runner.run(SET, args, diff=True, verbosity=4, env=env)
    assert_no_token(runner, again)
    assert again["changed"] is False and writes(emu) == []  # converged: compared by the real value


# -- 3. a hidden change is visible as a change -----------------------------------------------------
@pytest.mark.parametrize("option", ["hidden_context_keys", "hidden_url_params"])
def test_a_hidden_change_shows_two_different_masks_and_no_secret(runner, emu, option):
    trigger = seed(emu, type="install", title="Install", active=True, context={"cpi_mostback_url": token_url(0)})
    extra_task = group_defaults(**{option: ["cpi_mostback_url"] if option == "hidden_context_keys" else ["token"]})
    args = {"app_id": APP, "triggers": [install(token_url(2))]}

    checked = runner.run(SET, args, check=True, diff=True, verbosity=4, extra_task=extra_task)
    assert_no_token(runner, checked)
    assert writes(emu) == []
    [update] = checked["plan"]["update"]
    old, new = update["changes"]["context.cpi_mostback_url"]
    assert old != new
    if option == "hidden_context_keys":
        assert re.fullmatch(MASKED, old) and re.fullmatch(MASKED, new)
    else:
        assert re.fullmatch(re.escape(URL + "/install?token=") + MASKED, old) and re.fullmatch(re.escape(URL + "/install?token=") + MASKED, new)
    # the --diff output shows the change as a - and a + line, each with its own mask
    assert ('-install/%d  context.cpi_mostback_url: "%s"' % (TEMPLATE, old)) in runner.last.stdout
    assert ('+install/%d  context.cpi_mostback_url: "%s"' % (TEMPLATE, new)) in runner.last.stdout

    applied = runner.run(SET, args, diff=True, verbosity=4, extra_task=extra_task)
    assert_no_token(runner, applied)
    assert writes(emu) == [("PATCH", "/postbacks/%d" % trigger["id"])]
    assert emu.trigger(trigger["id"])["context"]["cpi_mostback_url"] == token_url(2)
    assert applied["plan"]["update"][0]["changes"]["context.cpi_mostback_url"] == [old, new]  # the same fingerprints


def test_kochava_trigger_masks_a_change_and_its_echoed_arguments(runner, emu):
    trigger = seed(emu, type="install", title="Install", context={"cpi_mostback_url": token_url(0)})
    args = {"app_id": APP, "type": "install", "template_id": TEMPLATE, "context": {"cpi_mostback_url": token_url(1)}}
    result = runner.run(SINGLE, args, diff=True, verbosity=4, env={"KOCHAVA_HIDDEN_URL_PARAMS": "token"})
    assert_ok(result)
    assert_no_token(runner, result)
    assert writes(emu) == [("PATCH", "/postbacks/%d" % trigger["id"])]
    assert emu.trigger(trigger["id"])["context"]["cpi_mostback_url"] == token_url(1)
    before, after = result["diff"]["before"]["context"]["cpi_mostback_url"], result["diff"]["after"]["context"]["cpi_mostback_url"]
    assert before != after and re.fullmatch(re.escape(URL + "/install?token=") + MASKED, after)


def test_an_error_message_shows_no_hidden_value(runner, emu):
    trigger = seed(emu, type="install", title="Install", context={"cpi_mostback_url": token_url(0)})
    bad = {"app_id": APP, "triggers": [install("not a url?token=%s" % TOKENS[1])]}
    result = runner.run(SET, bad, diff=True, verbosity=4, extra_task=group_defaults(hidden_url_params=["token"]))
    assert result.get("failed") is True and "cpi_mostback_url" in result["msg"]
    assert_no_token(runner, result)
    assert writes(emu) == []
    assert emu.trigger(trigger["id"])["context"]["cpi_mostback_url"] == token_url(0)


# -- 4. diff headers, and every module takes the group's options ----------------------------------
def test_the_diff_names_the_app_and_a_deleted_trigger_is_its_own_block(runner, emu):
    for name in ("A", "B", "C"):
        seed(emu, type="event", filter_str=name, context={"cpi_mostback_url": URL + "/same"})
    keep = [{"type": "event", "template_id": TEMPLATE, "filter_str": name, "title": name} for name in ("A", "C")]
    result = runner.run(SET, {"app_id": APP, "purge": True, "triggers": keep}, check=True, diff=True)
    assert result["diff"]["before_header"] == "app %d (before)" % APP and result["diff"]["after_header"] == "app %d (after)" % APP
    out = runner.last.stdout
    assert "--- before: app %d (before)" % APP in out and "+++ after: app %d (after)" % APP in out
    removed = [line for line in out.splitlines() if line.startswith("-") and not line.startswith("---")]
    assert removed and all(line.startswith("-event/%d/B  " % TEMPLATE) for line in removed), removed
    assert writes(emu) == []


def test_template_info_takes_the_group_s_hidden_options(runner, emu):
    extra_task = group_defaults(hidden_context_keys=["cpi_mostback_url"], hidden_url_params=["token"])
    result = runner.run(TEMPLATES, {"app_id": APP, "template_id": TEMPLATE}, extra_task=extra_task, env={"KOCHAVA_HIDDEN_URL_PARAMS": "sig"})
    assert_ok(result)
    assert [t["id"] for t in result["templates"]] == [TEMPLATE]


# -- 5. the guide's loop ---------------------------------------------------------------------------
def guide_block(first_name):
    with open(os.path.join(ROOT, "docs", "docsite", "rst", "guide.rst")) as f:
        text = f.read()
    for match in re.finditer(r"^\.\. code-block:: yaml\n\n((?:    .*\n|\n)+)", text, flags=re.M):
        code = "\n".join(line[4:] for line in match.group(1).split("\n"))
        data = yaml.safe_load(code)
        if isinstance(data, list) and data and isinstance(data[0], dict) and data[0].get("name") == first_name:
            return data
    raise AssertionError("no guide block starts with %r" % first_name)


def test_the_guide_s_loop_prints_no_token_at_vvvv(emu, tmp_path):
    tasks = guide_block("Every app's triggers from one dict, in a loop")
    # this seed's app 17 has the mmDSP template only: the same loop, with that template
    app17 = tasks[0]["vars"]["kochava_apps"][17][0]
    app17.update(template_id=MMDSP_TEMPLATE, context={"cpi_jumptap_mostback_url": app17["context"]["cpi_openxperformance_mostback_url"]})
    play = [{"name": "loop", "hosts": "localhost", "gather_facts": False, "vars": {"vault_partner_token": TOKENS[2]}, "tasks": tasks}]
    path = tmp_path / "loop.yml"
    path.write_text(yaml.safe_dump(play, sort_keys=False))
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build", "collections"),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"),
        KOCHAVA_API_URL=emu.url,
        KOCHAVA_API_KEY=emu.demo_key,
    )
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    for check in (True, False):
        cmd = [ANSIBLE_PLAYBOOK, "-i", str(inventory), str(path), "-vvvv", "--diff"] + (["--check"] if check else [])
        proc = subprocess.run(cmd, env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=300, check=False)
        assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
        assert at_vvv(proc.stdout) and "app 87100" in proc.stdout and "app 17" in proc.stdout
        assert (proc.stdout + proc.stderr).count(TOKENS[2]) == 0
    [install87100] = emu.triggers(APP)
    [install17] = emu.triggers(17)
    assert install87100["context"]["cpi_mostback_url"] == "https://collector.example.com/87100/install?token=" + TOKENS[2]  # written for real
    assert install17["context"]["cpi_jumptap_mostback_url"].endswith("/17/openx?token=" + TOKENS[2])
