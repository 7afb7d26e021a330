"""kochava_trigger_info's reveal_hidden (issue 24): an export meant for re-applying under fleet-wide hiding.

With KOCHAVA_HIDDEN_URL_PARAMS=token (what the AWX credential type injects), an export shows the
tokens masked and kochava_triggers refuses a mask as a value, so export -> clone failed. With
``reveal_hidden: true`` the export holds the real values and says so (``hidden_revealed``); the
task must have ``no_log: true``, which makes Ansible keep the result out of its output, its log
file and the callbacks. Every run here is at -vvvv --diff; assertions read the emulator's state
and request log, the registered results, the output, ``log_path`` and a callback's files.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import yaml
from playbook_helpers import ACTION_PLUGINS, ANSIBLE_PLAYBOOK, ROOT, assert_clean_failure, at_vvv, writes

from ansible_collections.kochava.publisher.tests.constants import APP, MMDSP_TEMPLATE, TEMPLATE, URL

INFO = "kochava.publisher.kochava_trigger_info"
SET = "kochava.publisher.kochava_triggers"
CLONE_APP = 87200  # an app of this emulator with the same templates as APP (added per test)
TOKENS = ("tok-Reveal1a2b", "tok-Reveal3c4d")
HIDING = {"KOCHAVA_HIDDEN_URL_PARAMS": "token"}
MASKED_TOKEN = r"token=\*{8}~[0-9a-f]{4}"
FIELDS = ("type", "template_id", "filter_str", "title", "active", "context")


RECORDER = """
import json, os
from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "record_results"
    CALLBACK_NEEDS_ENABLED = True

    def _record(self, result):
        with open(os.environ["RECORD_RESULTS"], "a") as f:
            f.write(json.dumps({"task": result._task.get_name(), "result": result._result}, default=str) + "\\n")

    v2_runner_on_ok = v2_runner_on_failed = _record
"""


def recorded(tmp_path, task):
    """What the recording callback was given for ``task``."""
    lines = [json.loads(line) for line in (tmp_path / "recorded.jsonl").read_text().splitlines()]
    found = [entry["result"] for entry in lines if entry["task"] == task]
    assert len(found) == 1, lines
    return found[0]


def seed_source(emu):
    emu.add_trigger(APP, type="install", template_id=TEMPLATE, title="Install", active=True, context={"cpi_mostback_url": URL + "/install?token=" + TOKENS[0]})
    emu.add_trigger(
        APP,
        type="event",
        template_id=MMDSP_TEMPLATE,
        filter_str="Purchase",
        title="mmDSP Purchase",
        context={"cpi_jumptap_mostback_url": URL + "/mmdsp?click={click_id}&token=" + TOKENS[1]},
    )


def comparable(triggers):
    return sorted(({f: t.get(f) for f in FIELDS} for t in triggers), key=lambda t: (t["type"], t["template_id"], t["filter_str"] or ""))


def play(emu, tmp_path, tasks, env=None, callbacks=False):
    """Run ``tasks`` on localhost at -vvvv --diff; returns (the registered results, the whole output)."""
    registered = sorted({task["register"] for task in tasks if "register" in task})
    dump = tmp_path / "registered.json"
    save = {"save_result": {"content": "{{ {%s} | to_json }}" % ", ".join("%r: %s" % (n, n) for n in registered), "dest": str(dump)}}
    path = tmp_path / "play.yml"
    path.write_text(
        yaml.safe_dump([{"name": "reveal", "hosts": "localhost", "gather_facts": False, "tasks": tasks + [dict(save, diff=False)]}], sort_keys=False)
    )
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "KOCHAVA_"))}
    environ.update(
        ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build", "collections"),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_RETRY_FILES_ENABLED="0",
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"),
        ANSIBLE_ACTION_PLUGINS=ACTION_PLUGINS,
        ANSIBLE_LOG_PATH=str(tmp_path / "ansible.log"),
        KOCHAVA_API_URL=emu.url,
        KOCHAVA_API_KEY=emu.demo_key,
    )
    if callbacks:  # a callback that writes every result it is given (as AWX's records job events), and the collection's own
        (tmp_path / "callback_plugins").mkdir(exist_ok=True)
        (tmp_path / "callback_plugins" / "record_results.py").write_text(RECORDER)
        environ.update(
            ANSIBLE_CALLBACK_PLUGINS=str(tmp_path / "callback_plugins"),
            ANSIBLE_CALLBACKS_ENABLED="record_results,kochava.publisher.plan_report",
            RECORD_RESULTS=str(tmp_path / "recorded.jsonl"),
            KOCHAVA_PLAN_REPORT=str(tmp_path / "plan.json"),
        )
    environ.update(env or {})
    cmd = [ANSIBLE_PLAYBOOK, "-i", str(inventory), str(path), "-vvvv", "--diff"]
    proc = subprocess.run(cmd, env=environ, cwd=str(tmp_path), capture_output=True, text=True, timeout=300, check=False)
    output = proc.stdout + proc.stderr
    assert at_vvv(proc.stdout), output[-3000:]  # really -vvvv
    with open(dump) as f:
        return json.load(f), output


def export_task(register="exported", **extra):
    args = dict({"app_id": APP, "reveal_hidden": True}, **extra)
    return {"name": "export, real values", INFO: args, "no_log": True, "register": register}


def assert_no_token(*texts):
    for text in texts:
        assert [text.count(token) for token in TOKENS] == [0, 0], text[-3000:]


def test_reveal_hidden_without_no_log_is_refused_before_any_call(runner, emu):
    seed_source(emu)
    result = runner.run(INFO, {"app_id": APP, "reveal_hidden": True}, env=HIDING, verbosity=4, diff=True)
    assert_clean_failure(result, "reveal_hidden=true returns the real hidden values in export: set no_log: true on this task")
    assert emu.log == []  # refused before any call
    assert "export" not in result
    assert_no_token(runner.last.stdout, runner.last.stderr)


def test_reveal_hidden_gives_the_real_export_and_ansible_hides_the_result(emu, tmp_path):
    seed_source(emu)
    registered, output = play(emu, tmp_path, [export_task()], env=HIDING, callbacks=True)
    exported = registered["exported"]
    assert exported["hidden_revealed"] is True and exported.get("failed") is not True
    urls = sorted(v for item in exported["export"] for v in item["context"].values() if "token=" in str(v))
    assert urls == [URL + "/install?token=" + TOKENS[0], URL + "/mmdsp?click={click_id}&token=" + TOKENS[1]]  # the real values
    listed = [v for t in exported["triggers"] for v in t["context"].values() if "token=" in str(v)]
    assert len(listed) == 2 and all(re.search(MASKED_TOKEN, v) for v in listed)  # triggers stay masked
    # Ansible treats the result as secret: not in the output at -vvvv, the log file, or a callback's files
    assert "the output has been hidden due to the fact that 'no_log: true' was specified for this result" in output
    assert "censored" in recorded(tmp_path, "export, real values") and "export" not in recorded(tmp_path, "export, real values")
    assert_no_token(output, (tmp_path / "ansible.log").read_text(), (tmp_path / "recorded.jsonl").read_text())
    assert writes(emu) == []


def test_without_reveal_hidden_the_export_is_masked_and_says_so(runner, emu):
    seed_source(emu)
    result = runner.run(INFO, {"app_id": APP}, env=HIDING)
    assert result["hidden_revealed"] is False
    urls = [v for item in result["export"] for v in item["context"].values() if "token=" in str(v)]
    assert len(urls) == 2 and all(re.search(MASKED_TOKEN, v) for v in urls)


def test_a_masked_export_given_back_names_the_fix(runner, emu):
    seed_source(emu)
    emu.add_app(CLONE_APP, [TEMPLATE, MMDSP_TEMPLATE])
    masked = runner.run(INFO, {"app_id": APP}, env=HIDING)["export"]
    emu.clear_log()
    result = runner.run(SET, {"app_id": CLONE_APP, "triggers": masked}, env=HIDING, verbosity=4, diff=True)
    assert_clean_failure(result, "holds the placeholder of a hidden value", "reveal_hidden: true (and no_log: true) on its kochava_trigger_info task")
    assert writes(emu) == [] and emu.triggers(CLONE_APP) == []
    assert_no_token(runner.last.stdout, runner.last.stderr)


def test_export_then_clone_under_fleet_hiding_prints_no_token(emu, tmp_path):
    """The documented export -> clone with KOCHAVA_HIDDEN_URL_PARAMS=token: the clone equals the source, 0 tokens at -vvvv --diff."""
    seed_source(emu)
    emu.add_app(CLONE_APP, [TEMPLATE, MMDSP_TEMPLATE])
    clone = {"name": "clone", SET: {"app_id": CLONE_APP, "triggers": "{{ exported.export }}"}, "register": "cloned"}
    registered, output = play(emu, tmp_path, [export_task(), clone], env=HIDING, callbacks=True)
    assert registered["cloned"].get("failed") is not True, registered["cloned"]
    assert comparable(emu.triggers(CLONE_APP)) == comparable(emu.triggers(APP))  # the real values, written
    assert sorted(m for m, _path in writes(emu)) == ["POST", "POST"]
    assert re.search(MASKED_TOKEN, output)  # the clone's diff, masked
    report = (tmp_path / "plan.json").read_text()
    assert str(CLONE_APP) in report
    assert recorded(tmp_path, "clone")["plan"]["create"]  # the callback got the clone's (masked) result
    assert_no_token(output, json.dumps(registered["cloned"]), (tmp_path / "ansible.log").read_text(), report, (tmp_path / "recorded.jsonl").read_text())

    emu.clear_log()  # converged: the clone of the same export changes nothing
    registered, output = play(emu, tmp_path, [export_task(), clone], env=HIDING)
    assert registered["cloned"]["changed"] is False and writes(emu) == []
    assert_no_token(output)
