"""The API emulator installs and runs outside this repository (``tests/emulator`` as a package).

One fresh venv per run (``python -m venv``): ``pip install`` of a copy of ``tests/emulator`` (a copy,
because pip builds in the source tree and would leave ``build/`` and
``*.egg-info`` in the checkout). Flask and Werkzeug come from the package
index, pinned by ``tests/constraints.txt``; setuptools for the isolated build is
pinned through ``PIP_CONSTRAINT`` (the one way to reach pip's build
environment), so the install is reproducible. Nothing here puts
``tests/emulator`` on ``PYTHONPATH``: every command runs the installed
``kochava-emulator``, away from the checkout.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from tooling_helpers import EMULATOR_DIR, ROOT, SEED, demo_key

CONSTRAINTS = os.path.join(ROOT, "tests", "constraints.txt")
# The build backend pip installs into its isolated build environment.
BUILD_PINS = ["setuptools==84.2.1"]
REPO_VENV_BIN = os.path.join(ROOT, ".venv", "bin")
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
DEMO_APP = 87100
DEMO_TEMPLATE_IDS = [3373, 2209, 2602]


def clean_env(**extra):
    """The environment minus anything that would let the checkout's emulator in, or preset the API."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "KOCHAVA_API_URL", "KOCHAVA_API_KEY")}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """A fresh venv holding the installed kochava-emulator; yields its bin directory."""
    base = tmp_path_factory.mktemp("emulator-package")
    source = str(base / "source")
    shutil.copytree(EMULATOR_DIR, source, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "build", "*.egg-info", ".pytest_cache"))
    # No pip of its own (ensurepip is most of a venv's creation time): this pytest's pip
    # installs into it through --python (pip >= 22.3), running under the venv's interpreter.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(base / "venv")], check=True, timeout=120)
    bin_dir = str(base / "venv" / "bin")
    pins = base / "constraints.txt"
    with open(CONSTRAINTS) as f:
        pins.write_text(f.read() + "\n" + "\n".join(BUILD_PINS) + "\n")
    pip = [sys.executable, "-m", "pip", "--python", os.path.join(bin_dir, "python"), "--disable-pip-version-check"]
    cmd = pip + ["install", "-q", "-c", CONSTRAINTS, source]
    result = subprocess.run(cmd, env=clean_env(PIP_CONSTRAINT=str(pins)), cwd=str(base), capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return bin_dir


def installed(bin_dir, name):
    return os.path.join(bin_dir, name)


def get(url, key):
    request = urllib.request.Request(url, headers={"Authentication-Key": key} if key else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_the_installed_package_stands_alone(venv, tmp_path):
    script = (
        "import importlib.metadata as m, importlib.util, json, kochava_emulator as k\n"
        "print(json.dumps({'file': k.__file__, 'seed': str(k.DEMO_SEED), 'version': k.__version__,"
        " 'dist_version': m.version('kochava-emulator'), 'requires': m.requires('kochava-emulator'),"
        " 'ansible': importlib.util.find_spec('ansible') is not None}))\n"
    )
    result = subprocess.run(
        [installed(venv, "python"), "-c", script], env=clean_env(), cwd=str(tmp_path), capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout)
    site = os.path.dirname(os.path.dirname(facts["file"]))
    assert site.startswith(os.path.dirname(venv) + os.sep) and site.endswith("site-packages"), facts
    assert facts["seed"] == os.path.join(site, "kochava_emulator", "seeds", "demo.json")
    with open(facts["seed"], "rb") as packaged, open(SEED, "rb") as repo:
        assert packaged.read() == repo.read()
    assert facts["version"] == facts["dist_version"]
    assert sorted(r.split(">", maxsplit=1)[0].split("<", maxsplit=1)[0].strip().lower() for r in facts["requires"]) == ["flask", "werkzeug"]
    assert facts["ansible"] is False  # no dependency on the collection or ansible-core

    version = subprocess.run([installed(venv, "kochava-emulator"), "--version"], env=clean_env(), capture_output=True, text=True, timeout=60, check=False)
    assert (version.returncode, version.stdout.strip()) == (0, "kochava-emulator " + facts["version"])


def test_serve_prints_the_url_on_line_one_and_serves_the_api(venv, tmp_path):
    cmd = [installed(venv, "kochava-emulator"), "serve", "--port", "0", "--seed", "demo", "--quiet"]
    process = subprocess.Popen(cmd, env=clean_env(), cwd=str(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready = select.select([process.stdout], [], [], 30)[0]
        assert ready, "no URL on stdout within 30 s"
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), (url, process.stderr.read() if process.poll() is not None else "")
        status, body = get("%s/apps/%d/postbacks/templates" % (url, DEMO_APP), demo_key())
        assert status == 200 and [t["id"] for t in body["data"]] == DEMO_TEMPLATE_IDS
        assert get("%s/apps/%d/postbacks" % (url, DEMO_APP), None)[0] == 401
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0


def test_serve_prints_export_lines_and_serves_extra_apps(venv, tmp_path):
    # line 1 the URL, then `export KOCHAVA_API_URL=...` and `export KOCHAVA_API_KEY=...` in the same
    # flushed write; --app serves more apps with the templates of the seed's first app
    cmd = [installed(venv, "kochava-emulator"), "serve", "--port", "0", "--seed", "demo", "--quiet", "--app", "87200", "--app", "87300"]
    process = subprocess.Popen(cmd, env=clean_env(), cwd=str(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert select.select([process.stdout], [], [], 30)[0], "nothing on stdout within 30 s"
        url, url_line, key_line = [process.stdout.readline().rstrip("\n") for _line in range(3)]
        assert url.startswith("http://127.0.0.1:"), url
        assert url_line == "export KOCHAVA_API_URL=" + url
        assert key_line == "export KOCHAVA_API_KEY=" + demo_key()
        for app_id in (87200, 87300, DEMO_APP):
            status, body = get("%s/apps/%d/postbacks/templates" % (url, app_id), demo_key())
            assert status == 200 and [t["id"] for t in body["data"]] == DEMO_TEMPLATE_IDS, (app_id, status, body)
        status, body = get("%s/apps/87200/postbacks" % url, demo_key())
        assert (status, body["data"]) == (200, [])
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0


def test_run_serves_the_api_to_the_command(venv, tmp_path):
    # the command gets KOCHAVA_API_URL and the demo seed's KOCHAVA_API_KEY; its status comes back
    script = (
        "import json, os, sys, urllib.request\n"
        "url = os.environ['KOCHAVA_API_URL'] + '/apps/%d/postbacks/templates'\n"
        "request = urllib.request.Request(url, headers={'Authentication-Key': os.environ['KOCHAVA_API_KEY']})\n"
        "with urllib.request.urlopen(request, timeout=10) as response:\n"
        "    ids = [t['id'] for t in json.loads(response.read())['data']]\n"
        "sys.exit(7 if response.status == 200 and ids == %r else 1)\n"
    ) % (DEMO_APP, DEMO_TEMPLATE_IDS)
    log_file = tmp_path / "log.json"
    cmd = [installed(venv, "kochava-emulator"), "run", "--seed", "demo", "--log-file", str(log_file), "--", installed(venv, "python"), "-c", script]
    result = subprocess.run(cmd, env=clean_env(), cwd=str(tmp_path), capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 7, result.stdout + result.stderr
    assert [(e["method"], e["status"], e["auth"]) for e in json.loads(log_file.read_text())] == [("GET", 200, "valid")]


def test_run_serves_the_demo_playbook(venv, tmp_path):
    ansible_playbook = os.path.join(REPO_VENV_BIN, "ansible-playbook")
    assert os.path.exists(ansible_playbook), "the demo needs the repo's .venv and collection link: make venv collection"
    log_file = tmp_path / "log.json"
    cmd = [installed(venv, "kochava-emulator"), "run", "--seed", "demo", "--log-file", str(log_file), "--"]
    cmd += [ansible_playbook, "-i", os.path.join(ROOT, "playbooks", "inventory.ini"), os.path.join(ROOT, "playbooks", "demo.yml")]
    env = clean_env(ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false", ANSIBLE_NOCOLOR="1")
    env.pop("ANSIBLE_FORCE_COLOR", None)
    result = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "failed=0" in result.stdout
    writes = [(e["method"], e["status"]) for e in json.loads(log_file.read_text()) if e["method"] != "GET"]
    assert ("POST", 201) in writes and ("DELETE", 200) in writes, writes
