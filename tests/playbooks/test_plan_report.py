"""The plan_report callback through ansible-playbook: three apps, one inventory host per app
(as in playbooks/multi_app/), against the emulator.

A converging run, then drift on the emulator and a check run: the report's JSON is checked
against the emulator's state and each host's registered result, the printed table, the
Markdown, a max_deletes failure, --limit, the ini setting, and a hidden value that appears
nowhere.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import yaml
from playbook_helpers import ACTION_PLUGINS, ANSIBLE_PLAYBOOK, ROOT, writes

from ansible_collections.kochava.publisher.tests.constants import APP, KEY, MMDSP_TEMPLATE, TEMPLATE, URL

CALLBACK = "kochava.publisher.plan_report"
APP17 = 17  # mmDSP only, in the seed
NEW_APP = 4242  # added to the emulator by each test, Custom Postback only
SECRET = "partner-tok-7f3a9c"
MASK = "********"
KINDS = ("create", "update", "delete", "unchanged")


def custom(type_, title, filter_str=None, **context):
    item = {"type": type_, "template_id": TEMPLATE, "title": title, "active": True, "context": dict({"cpi_mostback_url": URL + "/" + type_}, **context)}
    if filter_str:
        item["filter_str"] = filter_str
    return item


def mmdsp(name):
    return {
        "type": "event",
        "template_id": MMDSP_TEMPLATE,
        "filter_str": name,
        "title": "mmDSP " + name,
        "context": {"cpi_jumptap_mostback_url": URL + "/mmdsp", "cpi_jumptap_fingerprint_lookback_window": 30},
    }


DECLARED = {
    APP: [custom("install", "Install", cpi_custom_note=SECRET), custom("event", "Purchase", "Purchase")],
    APP17: [mmdsp("Signup"), mmdsp("Login"), mmdsp("Level")],
    NEW_APP: [custom("click", "Click")],
}


class Project:
    """A multi_app-like project in tmp_path: inventory (one host per app), site.yml, and ansible-playbook runs."""

    def __init__(self, emu, tmp_path, max_deletes=None, short_name=False):
        self.emu = emu
        self.tmp = tmp_path
        self.out = tmp_path / "results"
        emu.add_app(NEW_APP, [TEMPLATE])
        hosts = {}
        for app, triggers in DECLARED.items():
            hosts["app%d" % app] = {"kochava_app_id": app, "kochava_triggers": triggers, "kochava_max_deletes": (max_deletes or {}).get(app, 5)}
        inventory = {
            "kochava_apps": {
                "hosts": hosts,
                "vars": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable},
            }
        }
        (tmp_path / "inventory.yml").write_text(yaml.safe_dump(inventory, sort_keys=False))
        site = [
            {
                "name": "Postback triggers of every app",
                "hosts": "kochava_apps",
                "gather_facts": False,
                "tasks": [
                    {
                        "name": "Declare the app's whole set",
                        ("kochava_triggers" if short_name else "kochava.publisher.kochava_triggers"): {
                            "app_id": "{{ kochava_app_id }}",
                            "triggers": "{{ kochava_triggers }}",
                            "purge": True,
                            "max_deletes": "{{ kochava_max_deletes }}",
                            "hidden_context_keys": ["cpi_custom_note"],
                        },
                        "register": "postbacks",
                        "ignore_errors": True,
                    },
                    {
                        "name": "Save the result",
                        "save_result": {"content": "{{ postbacks | to_json }}", "dest": str(self.out) + "/{{ inventory_hostname }}.json"},
                        "check_mode": False,
                    },
                ],
            }
        ]
        if short_name:
            site[0]["collections"] = ["kochava.publisher"]
        (tmp_path / "site.yml").write_text(yaml.safe_dump(site, sort_keys=False))

    def run(self, *args, env=None, cwd=None):
        self.out.mkdir(exist_ok=True)
        for old in self.out.iterdir():
            old.unlink()
        environ = dict(os.environ)
        for name in list(environ):
            if name.startswith("ANSIBLE_") or name == "KOCHAVA_PLAN_REPORT":
                environ.pop(name)
        environ.update(
            ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build", "collections"),
            ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_RETRY_FILES_ENABLED="0",
            ANSIBLE_LOCAL_TEMP=str(self.tmp / "ansible-tmp"),
            ANSIBLE_ACTION_PLUGINS=ACTION_PLUGINS,
            KOCHAVA_API_URL=self.emu.url,
            KOCHAVA_API_KEY=KEY,
        )
        if not os.path.exists(str(self.tmp / "ansible.cfg")):
            environ["ANSIBLE_CALLBACKS_ENABLED"] = CALLBACK
        environ.update(env or {})
        cmd = [ANSIBLE_PLAYBOOK, "-i", str(self.tmp / "inventory.yml"), str(self.tmp / "site.yml"), "--forks", "3"] + list(args)
        proc = subprocess.run(cmd, env=environ, cwd=str(cwd or self.tmp), capture_output=True, text=True, timeout=300, check=False)
        self.results = dict((path.stem, json.loads(path.read_text())) for path in self.out.iterdir())
        return proc

    def report(self, name="plan.json"):
        with open(str(self.tmp / name)) as handle:
            return json.load(handle)


def counts(report):
    return dict((app, [len(entry["plan"][kind]) for kind in KINDS]) for app, entry in report["apps"].items())


def statuses(report):
    return dict((app, entry["status"]) for app, entry in report["apps"].items())


def table(stdout):
    """The rows the callback printed after its heading: {app: [create, update, delete, unchanged, status]}."""
    lines = stdout.split("KOCHAVA POSTBACK PLAN\n", 1)[1].splitlines()
    assert lines[0].split() == ["app", "create", "update", "delete", "unchanged", "status"], lines
    rows = {}
    for line in lines[1:]:
        if not line.strip():
            break
        if not set(line) <= set("- "):
            cells = line.split()
            rows[cells[0]] = [int(c) for c in cells[1:5]] + [" ".join(cells[5:])]  # "error (guard)": status and failure kind
    return rows


def key_of(trigger):
    return {"type": trigger["type"], "template_id": trigger["template_id"], "filter_str": trigger.get("filter_str") or ""}


def assert_matches_results(report, results):
    """Each app's entry is its host's registered result, reduced to what the report keeps."""
    for host, result in results.items():
        entry = report["apps"][host[len("app") :]]
        assert entry["host"] == host
        assert entry["plan"] == dict((kind, result["plan"][kind]) for kind in KINDS)  # every entry field; not the plan's digest
        assert entry["changed"] is result["changed"]
        assert entry["plan_digest"] == result.get("plan_digest")


def test_converging_run_then_drift_and_a_check_run(emu, tmp_path):
    project = Project(emu, tmp_path)
    stale = emu.add_trigger(NEW_APP, type="install", template_id=TEMPLATE, title="Stale", context={"cpi_mostback_url": URL})

    proc = project.run(env={"KOCHAVA_PLAN_REPORT": "plan.json"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = project.report()
    assert counts(report) == {"17": [3, 0, 0, 0], "87100": [2, 0, 0, 0], "4242": [1, 0, 1, 0]}
    assert statuses(report) == {"17": "changed", "87100": "changed", "4242": "changed"}
    assert report["outcome"] == "changed" and {e["failure"] for e in report["apps"].values()} == {None}
    assert report["totals"] == {"create": 6, "update": 0, "delete": 1, "unchanged": 0}
    for app in DECLARED:  # the created ids and keys are the emulator's triggers
        created = report["apps"][str(app)]["plan"]["create"]
        assert sorted((e["id"], json.dumps(e["key"], sort_keys=True)) for e in created) == sorted(
            (t["id"], json.dumps(key_of(t), sort_keys=True)) for t in emu.triggers(app)
        )
        assert all(e["applied"] is True for e in created)
    assert [e["id"] for e in report["apps"]["4242"]["plan"]["delete"]] == [stale["id"]]
    assert_matches_results(report, project.results)
    assert table(proc.stdout) == {
        "17": [3, 0, 0, 0, "changed"],
        "4242": [1, 0, 1, 0, "changed"],
        "87100": [2, 0, 0, 0, "changed"],
        "total": [6, 0, 1, 0, "changed"],
    }

    # drift: the hidden value of 87100's install trigger and a new trigger on 4242
    install = [t for t in emu.triggers(APP) if t["type"] == "install"][0]
    with emu.state.lock:
        emu.state.update_trigger(install["id"], {"context": dict(install["context"], cpi_custom_note=SECRET + "-rotated")})
    extra = emu.add_trigger(NEW_APP, type="event", template_id=TEMPLATE, filter_str="Refund", title="Refund", context={"cpi_mostback_url": URL})
    emu.clear_log()

    proc = project.run("--check", env={"KOCHAVA_PLAN_REPORT": "plan.json,plan.md"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert writes(emu) == []
    report = project.report()
    assert counts(report) == {"17": [0, 0, 0, 3], "87100": [0, 1, 0, 1], "4242": [0, 0, 1, 1]}
    assert statuses(report) == {"17": "converged", "87100": "changed", "4242": "changed"}
    assert report["outcome"] == "changed"
    assert report["totals"] == {"create": 0, "update": 1, "delete": 1, "unchanged": 5}
    update = report["apps"]["87100"]["plan"]["update"][0]
    assert (update["id"], update["applied"], list(update["changes"])) == (install["id"], False, ["context.cpi_custom_note"])
    old, new = update["changes"]["context.cpi_custom_note"]  # the hidden change is visible: two fingerprinted masks
    assert re.fullmatch(re.escape(MASK) + "~[0-9a-f]{4}", old) and re.fullmatch(re.escape(MASK) + "~[0-9a-f]{4}", new) and old != new
    assert [(e["id"], e["applied"]) for e in report["apps"]["4242"]["plan"]["delete"]] == [(extra["id"], False)]
    assert_matches_results(report, project.results)
    assert table(proc.stdout)["total"] == [0, 1, 1, 5, "changed"]

    markdown = (tmp_path / "plan.md").read_text()
    lines = markdown.splitlines()
    assert "| 17 | 0 | 0 | 0 | 3 | converged |" in lines
    assert "| **total** | **0** | **1** | **1** | **5** | **changed** |" in lines
    assert "| update | `install/%d` | Install | `context.cpi_custom_note` |" % TEMPLATE in lines
    assert "| delete | `event/%d/Refund` | Refund |  |" % TEMPLATE in lines
    assert "### App 17" not in markdown  # nothing changes there

    for text in (proc.stdout, proc.stderr, (tmp_path / "plan.json").read_text(), markdown):
        assert text.count(SECRET) == 0


def test_a_max_deletes_failure_is_reported_as_an_error_and_the_run_still_writes_the_report(emu, tmp_path):
    project = Project(emu, tmp_path, max_deletes={NEW_APP: 1})
    for name in ("Old1", "Old2"):
        emu.add_trigger(NEW_APP, type="event", template_id=TEMPLATE, filter_str=name, title=name, context={"cpi_mostback_url": URL})

    proc = project.run(env={"KOCHAVA_PLAN_REPORT": "plan.json"})
    report = project.report()
    assert statuses(report) == {"17": "changed", "87100": "changed", "4242": "error"}
    assert report["apps"]["4242"]["failure"] == "guard" and report["outcome"] == "error"
    assert project.results["app4242"]["failed"] is True
    assert not [w for w in writes(emu) if "/apps/%d/" % NEW_APP in w[1] or w[0] == "DELETE"]
    assert len(emu.triggers(NEW_APP)) == 2
    assert counts(report)["17"] == [3, 0, 0, 0] and counts(report)["87100"] == [2, 0, 0, 0]
    assert table(proc.stdout)["4242"][4] == "error (guard)" and table(proc.stdout)["total"][4] == "error"


def test_limit_reports_only_the_apps_run_and_a_missing_directory_only_warns(emu, tmp_path):
    project = Project(emu, tmp_path, short_name=True)  # the module named by its short name, through the play's collections
    missing = str(tmp_path / "no-such-dir" / "plan.json")

    proc = project.run("--limit", "app17", env={"KOCHAVA_PLAN_REPORT": missing + ",plan.json"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert counts(project.report()) == {"17": [3, 0, 0, 0]}
    assert sorted(table(proc.stdout)) == ["17", "total"]
    # ansible wraps a warning at any blank or hyphen (2.16 splits the path itself): compare without blanks
    warning = "".join((proc.stdout + proc.stderr).split())
    assert "notwritingthereportto" + missing in warning, proc.stderr
    assert emu.triggers(APP) == [] and emu.triggers(NEW_APP) == []


def test_ansible_cfg_enables_it_and_sets_a_path_relative_to_its_directory(emu, tmp_path):
    project = Project(emu, tmp_path)
    (tmp_path / "reports").mkdir()
    (tmp_path / "ansible.cfg").write_text("[defaults]\ncallbacks_enabled = %s\n\n[kochava_plan_report]\npath = reports/plan.md\n" % CALLBACK)
    other = tmp_path / "elsewhere"
    other.mkdir()

    proc = project.run("--check", env={"ANSIBLE_CONFIG": str(tmp_path / "ansible.cfg")}, cwd=other)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    markdown = (tmp_path / "reports" / "plan.md").read_text()
    assert "| **total** | **6** | **0** | **0** | **0** | **changed** |" in markdown.splitlines()
    assert table(proc.stdout)["total"] == [6, 0, 0, 0, "changed"]
    assert list(other.iterdir()) == []
