"""The exit-code table (README, guide "Pipelines and workflows") through ansible-playbook: the
shipped playbooks/multi_app (apps 87100 and 17, one host each) with the plan report enabled, against
the emulator on the demo seed, as a pipeline runs it.

Each row: the exit code, the report's ``outcome`` and each app's ``status``/``failure``, and what
the emulator saw (no write where nothing may be written).

The exit code 4 (the app's state could not be read or written, 401/403 included) is given by the
collection's action plugins, which return those failures as ``unreachable``; the tests named
``test_*_exits_4`` assert it and need them. Every other assertion holds on the module path too.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from playbook_helpers import ANSIBLE_PLAYBOOK, ROOT, writes

DEMO_SEED = os.path.join(ROOT, "playbooks", "files", "emulator_seed.json")
APP, APP17 = 87100, 17


@pytest.fixture(scope="module")
def demo_server():
    from kochava_emulator import Emulator

    with Emulator(seed=DEMO_SEED) as server:
        yield server


@pytest.fixture
def demo(demo_server):
    demo_server.reset()
    return demo_server


class Pipeline:
    """A copy of playbooks/multi_app run with ansible-playbook, the plan report written to plan.json."""

    def __init__(self, emu, tmp_path):
        self.emu = emu
        self.tmp = tmp_path
        self.project = tmp_path / "project"
        shutil.copytree(os.path.join(ROOT, "playbooks", "multi_app"), str(self.project))
        os.chmod(str(self.project), 0o755)  # ansible.cfg in a world-writable directory would be ignored

    def run(self, *args, key=None, api_url=None):
        report = self.project / "plan.json"
        if report.exists():
            report.unlink()
        env = dict(os.environ)
        for name in list(env):
            if name.startswith(("KOCHAVA_", "ANSIBLE_")):
                del env[name]
        env.update(
            ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build", "collections"),
            ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_RETRY_FILES_ENABLED="0",
            ANSIBLE_LOCAL_TEMP=str(self.tmp / "ansible-tmp"),
            ANSIBLE_CALLBACKS_ENABLED="kochava.publisher.plan_report",
            KOCHAVA_PLAN_REPORT="plan.json",
            KOCHAVA_API_URL=api_url or self.emu.url,
            KOCHAVA_API_KEY=key or self.emu.demo_key,
            PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
        )
        self.proc = subprocess.run(
            [ANSIBLE_PLAYBOOK, "site.yml", *args], cwd=str(self.project), env=env, capture_output=True, text=True, timeout=300, check=False
        )
        with open(str(report)) as handle:
            self.report = json.load(handle)
        return self.proc.returncode

    def statuses(self):
        return dict((int(app), (entry["status"], entry["failure"])) for app, entry in self.report["apps"].items())

    def output(self):
        return self.proc.stdout + self.proc.stderr


@pytest.fixture
def pipeline(demo, tmp_path):
    pipe = Pipeline(demo, tmp_path)
    assert pipe.run() == 0, pipe.output()  # the fleet applied once: the gate starts converged
    demo.clear_log()
    return pipe


GATE = ("-e", "kochava_expect_no_changes=true")


def drift(emu):
    install = [t for t in emu.triggers(APP) if t["type"] == "install"][0]
    with emu.state.lock:  # deleted by hand, outside Ansible
        emu.state.delete_trigger(install["id"])
    return install


def test_converged_exits_0(pipeline, demo):
    assert pipeline.run(*GATE) == 0, pipeline.output()
    assert pipeline.report["outcome"] == "converged"
    assert pipeline.statuses() == {APP: ("converged", None), APP17: ("converged", None)}
    assert writes(demo) == []


def test_changes_applied_exit_0_with_status_changed(pipeline, demo):
    drift(demo)
    assert pipeline.run() == 0, pipeline.output()
    assert pipeline.report["outcome"] == "changed"
    assert pipeline.statuses() == {APP: ("changed", None), APP17: ("converged", None)}
    assert [method for method, _path in writes(demo)] == ["POST"]


def test_drift_exits_2_and_names_only_the_app_that_drifted(pipeline, demo):
    drift(demo)
    assert pipeline.run(*GATE) == 2, pipeline.output()
    assert pipeline.report["outcome"] == "drift"
    assert pipeline.statuses() == {APP: ("drift", "drift"), APP17: ("converged", None)}
    assert len(pipeline.report["apps"][str(APP)]["plan"]["create"]) == 1
    assert writes(demo) == []


def test_a_stale_review_exits_2(pipeline, demo):
    reviewed = {"kochava_require_review": True, "kochava_plan_%d" % APP: "%d:0123456789abcdef" % APP, "kochava_plan_%d" % APP17: "%d:0123456789abcdef" % APP17}
    assert pipeline.run("-e", json.dumps(reviewed)) == 2, pipeline.output()
    assert pipeline.report["outcome"] == "stale"
    assert pipeline.statuses() == {APP: ("stale", "stale"), APP17: ("stale", "stale")}
    assert writes(demo) == []


def test_bad_input_exits_2_before_any_call(pipeline, demo):
    assert pipeline.run(*GATE, "-e", "kochava_max_deletes=-5") == 2, pipeline.output()
    assert pipeline.report["outcome"] == "error"
    assert pipeline.statuses() == {APP: ("error", "input"), APP17: ("error", "input")}
    assert "max_deletes must be -1 (no limit) or zero or more, got -5" in pipeline.output()
    assert demo.log == []


def api_down(demo):
    # every call answers 503; Retry-After 0 so the retry budget (5 attempts) is spent at once
    demo.inject("*", path_regex=".*", status=503, headers={"Retry-After": "0"}, times=None)


def test_api_down_is_reported_as_error_unavailable_and_never_as_drift(pipeline, demo):
    api_down(demo)
    pipeline.run(*GATE)  # the code: test_api_down_exits_4
    assert pipeline.report["outcome"] == "error"
    assert pipeline.statuses() == {APP: ("error", "unavailable"), APP17: ("error", "unavailable")}
    assert writes(demo) == []


def test_api_down_exits_4(pipeline, demo):
    """Needs the action plugins (unreachable): on the module path the failed host exits 2."""
    api_down(demo)
    assert pipeline.run(*GATE) == 4, pipeline.output()
    assert pipeline.statuses() == {APP: ("error", "unavailable"), APP17: ("error", "unavailable")}


def test_a_refused_key_is_reported_as_error_denied(pipeline, demo):
    pipeline.run(*GATE, key="not-a-key-of-this-api")  # 401 on every app; the code: test_a_refused_key_exits_4
    assert pipeline.report["outcome"] == "error"
    assert pipeline.statuses() == {APP: ("error", "denied"), APP17: ("error", "denied")}
    assert "not-a-key-of-this-api" not in pipeline.output() + json.dumps(pipeline.report)
    assert writes(demo) == []


def test_a_refused_key_exits_4(pipeline, demo):
    """Needs the action plugins (unreachable): 401 reads nothing, as an outage; never the drift code."""
    assert pipeline.run(*GATE, key="not-a-key-of-this-api") == 4, pipeline.output()
    assert pipeline.statuses() == {APP: ("error", "denied"), APP17: ("error", "denied")}


def test_apps_that_end_differently_get_one_code_and_each_its_status(pipeline, demo):
    demo.add_key("app87100-only-key", [APP])  # 403 on app 17
    drift(demo)
    pipeline.run(*GATE, key="app87100-only-key")  # the code: test_mixed_apps_exit_4
    assert pipeline.report["outcome"] == "error"
    assert pipeline.statuses() == {APP: ("drift", "drift"), APP17: ("error", "denied")}
    assert writes(demo) == []


def test_mixed_apps_exit_4(pipeline, demo):
    """Needs the action plugins: any app whose state could not be read makes the run exit 4."""
    demo.add_key("app87100-only-key", [APP])
    drift(demo)
    assert pipeline.run(*GATE, key="app87100-only-key") == 4, pipeline.output()
    assert pipeline.statuses() == {APP: ("drift", "drift"), APP17: ("error", "denied")}
