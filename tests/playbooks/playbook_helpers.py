"""Helpers of the playbook tests: the real modules run through ansible-playbook
against the API emulator; assertions read the emulator's state and request log.

(A plain module, not conftest.py: test files import from it by a unique name.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import yaml

# The shared test values live in tests/constants.py (test files import them from there).
from ansible_collections.kochava.publisher.plugins.module_utils._plan.outcome import UNREACHABLE
from ansible_collections.kochava.publisher.tests.constants import APP, KEY, TEMPLATE, URL

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
# save_result: writes a registered result to a file on the controller, no module run (~2 s of CPU less a playbook than copy)
ACTION_PLUGINS = os.path.join(HERE, "action_plugins")


class Runner:
    """Runs one task through ansible-playbook and returns each host's registered result."""

    def __init__(self, emu, tmp_path):
        self.emu = emu
        self.tmp = tmp_path
        self.last = None

    def run(self, module, args, check=False, diff=False, hosts=1, verbosity=0, env=None, key=KEY, api_url=None, extra_task=None):
        out = self.tmp / "out"
        out.mkdir(exist_ok=True)
        for old in out.iterdir():
            old.unlink()
        # ignore_unreachable: a failure the action plugin returns as unreachable (the API down, a refused key) is registered too
        task = {"name": "task under test", module: args, "register": "result", "ignore_errors": True, "ignore_unreachable": True}
        task.update(extra_task or {})
        play = [
            {
                "name": "test",
                "hosts": "all",
                "gather_facts": False,
                "tasks": [
                    task,
                    {
                        "name": "save result",
                        "save_result": {"content": "{{ result | to_json }}", "dest": str(out) + "/{{ inventory_hostname }}.json"},
                        "check_mode": False,
                        "diff": False,
                    },
                ],
            }
        ]
        playbook = self.tmp / "play.yml"
        playbook.write_text(yaml.safe_dump(play, sort_keys=False))
        inventory = self.tmp / "hosts.ini"
        inventory.write_text("".join("host%d ansible_connection=local ansible_python_interpreter=%s\n" % (i, sys.executable) for i in range(hosts)))
        environ = dict(os.environ)
        environ.update(
            ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build", "collections"),
            ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_FORCE_COLOR="0",
            ANSIBLE_RETRY_FILES_ENABLED="0",
            ANSIBLE_LOCAL_TEMP=str(self.tmp / "ansible-tmp"),
            ANSIBLE_ACTION_PLUGINS=ACTION_PLUGINS,
            KOCHAVA_API_URL=api_url or self.emu.url,
        )
        environ.pop("KOCHAVA_API_KEY", None)
        if key is not None:
            environ["KOCHAVA_API_KEY"] = key
        environ.update(env or {})
        cmd = [ANSIBLE_PLAYBOOK, "-i", str(inventory), str(playbook), "--forks", str(max(hosts, 1))]
        if check:
            cmd.append("--check")
        if diff:
            cmd.append("--diff")
        if verbosity:
            cmd.append("-" + "v" * verbosity)
        proc = subprocess.run(cmd, env=environ, cwd=str(self.tmp), capture_output=True, text=True, timeout=300, check=False)
        results = {}
        for path in sorted(out.iterdir()):
            results[path.stem] = json.loads(path.read_text())
        self.last = proc
        assert len(results) == hosts, "ansible-playbook did not finish every host:\n%s\n%s" % (proc.stdout, proc.stderr)
        return results["host0"] if hosts == 1 else results


# A -vvv line of each path: the module path's "Using module file", the in-process path's own (plugins/plugin_utils/action.py).
VVV_LINES = ("Using module file", "running in process on the controller")


def at_vvv(output):
    """True when ``output`` is really of -vvv or more, on either path."""
    return any(line in output for line in VVV_LINES)


def writes(emu):
    return [(e["method"], e["path"]) for e in emu.log if e["method"] in ("POST", "PATCH", "DELETE")]


def calls(emu):
    return [(e["method"], e["path"]) for e in emu.log]


def assert_clean_failure(result, *fragments):
    """Failed with a message (never a traceback) that says what is wrong: ``unreachable`` (never also
    ``failed``) when the app's state could not be read or written (_plan/outcome.py), else ``failed``."""
    assert_failed(result)
    assert "msg" in result and result["msg"], result
    for bad in ("module_stderr", "module_stdout"):
        assert not result.get(bad), "raw module output leaked: %r" % result
    # ansible-core 2.19 puts "(traceback unavailable)" here for every failure
    for text in (result["msg"], str(result.get("exception", ""))):
        assert "Traceback (most recent call last)" not in text and 'File "' not in text, result
    for fragment in fragments:
        assert fragment in result["msg"], (fragment, result["msg"])


def assert_failed(result):
    """The task failed: ``unreachable`` for the failure kinds that mean the app could not be read or written, ``failed`` for the rest."""
    if result.get("failure") in UNREACHABLE:
        assert result.get("unreachable") is True and not result.get("failed"), result  # ansible-core adds failed: false
    else:
        assert result.get("failed") is True and "unreachable" not in result, result


def install(**extra):
    """kochava_trigger arguments for the install trigger of the test template (``extra`` overrides)."""
    args = {"app_id": APP, "type": "install", "template_id": TEMPLATE, "title": "Install", "context": {"cpi_mostback_url": URL}}
    args.update(extra)
    return args


def seed_install(emu, **context):
    """Store that install trigger in the emulator directly (no request, no log entry)."""
    ctx = {"cpi_mostback_url": URL}
    ctx.update(context)
    return emu.add_trigger(APP, type="install", template_id=TEMPLATE, title="Install", context=ctx)
