"""playbooks/multi_app as the two job templates of an AWX workflow, run with ansible-runner
as AWX runs them: the check job publishes each app's plan (its writes and digest) with set_stats, the
artifacts become the apply job's extra vars (what AWX hands a workflow's next node after the
approval), and the apply job applies exactly the reviewed plan of each app.

Between the two jobs a change is made on the server to one app: the apply refuses that app
(0 writes to it), naming the trigger and the field that changed, and applies the other. Checked
in the emulator's state and request log, and the plan report's statuses.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import sys

import ansible_runner
import pytest
import yaml
from tooling_helpers import EMULATOR_DIR, ROOT, SEED, VENV_BIN, demo_key

APP, APP17 = 87100, 17
COLLECTOR = "https://collector.example.com"


@pytest.fixture
def emu():
    if EMULATOR_DIR not in sys.path:
        sys.path.insert(0, EMULATOR_DIR)
    from kochava_emulator import Emulator

    server = Emulator(seed=SEED)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def job(emu, tmp_path, name, monkeypatch, extravars=None, check=False, report=None, key=None):
    """One AWX job of the workflow: the project, the credential's env vars, extra vars."""
    pdd = tmp_path / name
    shutil.copytree(os.path.join(ROOT, "playbooks", "multi_app"), str(pdd / "project"))
    os.chmod(str(pdd / "project"), 0o755)
    (pdd / "env").mkdir()
    # The credential type injects these (extensions/awx); the key never goes in extra vars.
    envvars = {"KOCHAVA_API_KEY": key or demo_key(), "KOCHAVA_API_URL": emu.url}
    if report:
        envvars.update(ANSIBLE_CALLBACKS_ENABLED="kochava.publisher.plan_report", KOCHAVA_PLAN_REPORT=str(report))
    (pdd / "env" / "envvars").write_text(yaml.safe_dump(envvars))
    for variable in list(os.environ):
        if variable.startswith("KOCHAVA_"):
            monkeypatch.delenv(variable)
    monkeypatch.setenv("PATH", VENV_BIN + os.pathsep + os.environ.get("PATH", ""))
    monkeypatch.setenv("ANSIBLE_COLLECTIONS_PATH", os.path.join(ROOT, ".build", "collections"))
    monkeypatch.setenv("ANSIBLE_COLLECTIONS_SCAN_SYS_PATH", "false")
    result = ansible_runner.run(
        private_data_dir=str(pdd),
        playbook="site.yml",
        inventory=str(pdd / "project" / "inventory"),
        extravars=extravars or {},
        cmdline="--check" if check else None,
        quiet=True,
    )
    return result


def artifacts(result):
    """set_stats data (per_host false): what AWX passes to the workflow's next node."""
    stats = [e for e in result.events if e.get("event") == "playbook_on_stats"]
    assert len(stats) == 1
    return stats[0]["event_data"].get("artifact_data") or {}


def app_writes(emu, app_id):
    """Writes to one app's triggers, from the request log."""
    ids = {t["id"] for t in emu.triggers(app_id)}
    found = []
    for entry in emu.log:
        if entry["method"] == "POST" and entry.get("app_id") == app_id:
            found.append(entry)
        elif entry["method"] in ("PATCH", "DELETE") and any(entry["path"].endswith("/postbacks/%d" % i) for i in ids):
            found.append(entry)
    return found


def keys(emu, app_id):
    return {(t["type"], t["template_id"], t.get("filter_str") or ""): t for t in emu.triggers(app_id)}


def test_check_approve_apply_refuses_only_the_app_that_changed(emu, tmp_path, monkeypatch):
    report = tmp_path / "plan.json"
    check = job(emu, tmp_path, "check", monkeypatch, check=True, report=report)
    assert check.status == "successful", check.stdout.read()
    assert [e for e in emu.log if e["method"] in ("POST", "PATCH", "DELETE")] == []
    published = artifacts(check)
    assert sorted(published) == ["kochava_plan_%d" % APP17, "kochava_plan_%d" % APP]
    # the plan itself, its writes and digest (the unchanged triggers left out)
    assert sorted(published["kochava_plan_%d" % APP]) == ["create", "delete", "digest", "update"]
    assert published["kochava_plan_%d" % APP]["digest"].startswith("%d:" % APP)
    assert [e["key"] for e in published["kochava_plan_%d" % APP17]["create"]] == [{"type": "event", "template_id": 2209, "filter_str": "Purchase"}]
    # what the approver sees: the plan report of the check job
    shown = json.loads(report.read_text())
    assert shown["apps"][str(APP)]["plan_digest"] == published["kochava_plan_%d" % APP]["digest"]
    assert shown["outcome"] == "changed"
    assert {app: len(entry["plan"]["create"]) for app, entry in shown["apps"].items()} == {str(APP): 2, str(APP17): 1}

    # Before the approval, someone creates app 17's mmDSP trigger by hand with another title:
    # the apply would now update it instead of creating it, which nobody reviewed.
    emu.add_trigger(
        APP17,
        type="event",
        template_id=2209,
        filter_str="Purchase",
        title="Made by hand",
        context={"cpi_jumptap_mostback_url": COLLECTOR + "/17/mmdsp", "cpi_jumptap_fingerprint_lookback_window": 7, "deferred_for": 30000},
    )
    before17 = keys(emu, APP17)
    emu.clear_log()

    applied = tmp_path / "apply.json"
    apply = job(emu, tmp_path, "apply", monkeypatch, extravars=dict(published, kochava_require_review=True), report=applied)
    stdout = apply.stdout.read()
    assert apply.status == "failed" and apply.rc == 2
    assert "expected_plan: the plan of app 17 is not the reviewed one" in stdout
    # the refusal names the trigger (key and title) and the field that differs, from the published plan
    made = keys(emu, APP17)[("event", 2209, "Purchase")]
    assert 'create event/2209/Purchase \\"mmDSP Purchase\\": in the review, not in the plan now' in stdout
    assert 'update trigger id %d (event/2209/Purchase \\"mmDSP Purchase\\"): in the plan now, not in the review (it writes title)' % made["id"] in stdout
    outcome = json.loads(applied.read_text())
    assert outcome["outcome"] == "stale"
    assert {app: (e["status"], e["failure"]) for app, e in outcome["apps"].items()} == {str(APP): ("changed", None), str(APP17): ("stale", "stale")}
    assert app_writes(emu, APP17) == [] and keys(emu, APP17) == before17
    assert [e["method"] for e in app_writes(emu, APP)] == ["POST", "POST"]
    assert set(keys(emu, APP)) == {("install", 3373, ""), ("event", 3373, "Purchase")}
    assert apply.stats["failures"] == {"app17": 1} and "app87100" in apply.stats["ok"]


def test_a_digest_only_review_still_works_and_says_to_publish_the_plan(emu, tmp_path, monkeypatch):
    """A workflow that publishes only the digest (as it did before): applied when nothing changed,
    refused with the digest-only message and its hint when something did."""
    check = job(emu, tmp_path, "check", monkeypatch, check=True)
    digests = dict((name, plan["digest"]) for name, plan in artifacts(check).items())
    emu.add_trigger(
        APP17, type="event", template_id=2209, filter_str="Purchase", title="Made by hand", context={"cpi_jumptap_mostback_url": COLLECTOR + "/17/mmdsp"}
    )
    emu.clear_log()
    apply = job(emu, tmp_path, "apply", monkeypatch, extravars=dict(digests, kochava_require_review=True))
    stdout = apply.stdout.read()
    assert apply.status == "failed" and apply.rc == 2
    assert "the writes differ (the review is a digest alone; publish the reviewed plan dict with it" in stdout
    assert app_writes(emu, APP17) == [] and [e["method"] for e in app_writes(emu, APP)] == ["POST", "POST"]


def test_the_apply_job_refuses_an_app_without_a_reviewed_plan(emu, tmp_path, monkeypatch):
    check = job(emu, tmp_path, "check", monkeypatch, check=True)
    published = artifacts(check)
    published.pop("kochava_plan_%d" % APP17)
    apply = job(emu, tmp_path, "apply", monkeypatch, extravars=dict(published, kochava_require_review=True))
    assert "app 17 has no reviewed plan" in apply.stdout.read()
    assert app_writes(emu, APP17) == [] and len(app_writes(emu, APP)) == 2


def test_nightly_drift_gate_fails_exactly_on_drift(emu, tmp_path, monkeypatch):
    assert job(emu, tmp_path, "apply", monkeypatch).status == "successful"
    emu.clear_log()
    gate = job(emu, tmp_path, "gate", monkeypatch, extravars={"kochava_expect_no_changes": True})
    assert gate.status == "successful" and gate.rc == 0
    install = keys(emu, APP)[("install", 3373, "")]
    with emu.state.lock:  # deleted by hand, outside Ansible
        emu.state.delete_trigger(install["id"])
    gate = job(emu, tmp_path, "gate-2", monkeypatch, extravars={"kochava_expect_no_changes": True})
    assert gate.status == "failed" and gate.rc == 2
    assert "expect_no_changes: app 87100 differs from its declaration in 1 trigger" in gate.stdout.read()
    assert [e for e in emu.log if e["method"] in ("POST", "PATCH", "DELETE")] == []
    assert gate.stats["failures"] == {"app87100": 1}


def gate_outcome(report):
    data = json.loads(report.read_text())
    return data["outcome"], {app: (e["status"], e["failure"]) for app, e in data["apps"].items()}


def test_the_gate_fails_bad_input_with_rc_2_before_any_call(emu, tmp_path, monkeypatch):
    report = tmp_path / "gate.json"
    gate = job(emu, tmp_path, "gate", monkeypatch, extravars={"kochava_expect_no_changes": True, "kochava_max_deletes": -5}, report=report)
    assert gate.status == "failed" and gate.rc == 2
    assert gate_outcome(report) == ("error", {str(APP): ("error", "input"), str(APP17): ("error", "input")})
    assert emu.log == []


def test_the_gate_reports_an_outage_and_a_refused_key_as_errors_never_as_drift(emu, tmp_path, monkeypatch):
    report = tmp_path / "gate.json"
    emu.inject("*", path_regex=".*", status=503, headers={"Retry-After": "0"}, times=None)
    job(emu, tmp_path, "down", monkeypatch, extravars={"kochava_expect_no_changes": True}, report=report)
    assert gate_outcome(report) == ("error", {str(APP): ("error", "unavailable"), str(APP17): ("error", "unavailable")})
    emu.clear_faults()
    job(emu, tmp_path, "refused", monkeypatch, extravars={"kochava_expect_no_changes": True}, report=report, key="not-a-key-of-this-api")
    assert gate_outcome(report) == ("error", {str(APP): ("error", "denied"), str(APP17): ("error", "denied")})
    assert [e for e in emu.log if e["method"] in ("POST", "PATCH", "DELETE")] == []


def test_the_gate_exits_4_on_an_outage_and_on_a_refused_key(emu, tmp_path, monkeypatch):
    """Needs the action plugins, which return these failures as unreachable (ansible-playbook exits 4)."""
    emu.inject("*", path_regex=".*", status=503, headers={"Retry-After": "0"}, times=None)
    down = job(emu, tmp_path, "down", monkeypatch, extravars={"kochava_expect_no_changes": True})
    assert down.status == "failed" and down.rc == 4
    assert sorted(down.stats["dark"]) == ["app17", "app87100"]  # ansible-runner's name for unreachable hosts
    emu.clear_faults()
    refused = job(emu, tmp_path, "refused", monkeypatch, extravars={"kochava_expect_no_changes": True}, key="not-a-key-of-this-api")
    assert refused.status == "failed" and refused.rc == 4
