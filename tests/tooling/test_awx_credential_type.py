"""The AWX/AAP credential type drives the demo the way an AWX job would.

The env vars come from rendering the credential type's own injector templates
(with a credential holding the emulator's demo key and URL) into
``env/envvars`` of an ansible-runner private data dir; ``playbooks/demo.yml``
then runs through ansible-runner against the in-process emulator. The key may
appear in no file of the job's directory but the ``env/envvars`` input and
ansible-runner's environment record (``artifacts/<ident>/command``, which
ansible-runner 2.4 always writes; AWX shows that environment with values of
names matching KEY redacted).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import json
import os
import shutil
import stat

import ansible_runner
import jinja2
import jinja2.sandbox
import yaml
from tooling_helpers import ROOT, VENV_BIN

AWX_DIR = os.path.join(ROOT, "extensions", "awx")


def load_yaml(name):
    with open(os.path.join(AWX_DIR, name)) as f:
        return yaml.safe_load(f)


def credential_inputs(given):
    """The inputs AWX would hand to the injectors: given values, then field defaults."""
    spec = load_yaml("credential_type_inputs.yml")
    ids = [field["id"] for field in spec["fields"]]
    unknown = set(given) - set(ids)
    assert not unknown, "not inputs of the credential type: %s" % unknown
    for name in spec.get("required", []):
        assert name in given, "required input %s missing" % name
    inputs = {field["id"]: field["default"] for field in spec["fields"] if "default" in field}
    inputs.update(given)
    return inputs


def render_env(inputs):
    """Render the credential type's env injectors like AWX (Jinja2, strict undefined)."""
    injectors = load_yaml("credential_type_injectors.yml")
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined)
    return {name: env.from_string(template).render(**inputs) for name, template in injectors["env"].items()}


def test_inputs_and_injectors_shape():
    spec = load_yaml("credential_type_inputs.yml")
    fields = {field["id"]: field for field in spec["fields"]}
    assert fields["api_key"].get("secret") is True
    assert fields["api_url"]["default"] == "https://api.kochava.com"
    env = render_env(credential_inputs({"api_key": "k"}))
    # the optional hidden-value inputs render empty, which the modules read as "nothing hidden"
    assert env == {
        "KOCHAVA_API_KEY": "k",
        "KOCHAVA_API_URL": "https://api.kochava.com",
        "KOCHAVA_HIDDEN_CONTEXT_KEYS": "",
        "KOCHAVA_HIDDEN_URL_PARAMS": "",
    }
    for name in ("hidden_context_keys", "hidden_url_params"):
        assert name not in spec.get("required", []) and not fields[name].get("secret")


def test_hidden_value_inputs_are_injected_as_the_modules_read_them():
    env = render_env(credential_inputs({"api_key": "k", "hidden_context_keys": "cpi_mostback_url", "hidden_url_params": "token, sig"}))
    assert env["KOCHAVA_HIDDEN_CONTEXT_KEYS"] == "cpi_mostback_url"
    assert env["KOCHAVA_HIDDEN_URL_PARAMS"] == "token, sig"
    # the modules split on commas and drop the spaces around names (_hiding.split_names)
    assert [part.strip() for part in env["KOCHAVA_HIDDEN_URL_PARAMS"].split(",") if part.strip()] == ["token", "sig"]


def test_demo_runs_like_an_awx_job(tmp_path, monkeypatch, emulator):
    url, key = emulator
    injected = render_env(credential_inputs({"api_key": key, "api_url": url}))
    assert key in injected.values() and url in injected.values()

    # The job's private data dir, laid out as AWX does (the seed, which holds
    # the key, stays out of the project).
    pdd = tmp_path / "job"
    shutil.copytree(os.path.join(ROOT, "playbooks"), str(pdd / "project"), ignore=shutil.ignore_patterns("emulator_seed.json"))
    (pdd / "inventory").mkdir()
    shutil.copy(os.path.join(ROOT, "playbooks", "inventory.ini"), str(pdd / "inventory" / "hosts"))
    (pdd / "env").mkdir()
    envvars = pdd / "env" / "envvars"
    envvars.write_text(yaml.safe_dump(injected))

    # Nothing about Kochava may reach the job except through the credential.
    for name in list(os.environ):
        if name.startswith("KOCHAVA_"):
            monkeypatch.delenv(name)
    # ansible-playbook from this venv; kochava.publisher via the checkout's link.
    monkeypatch.setenv("PATH", VENV_BIN + os.pathsep + os.environ.get("PATH", ""))
    monkeypatch.setenv("ANSIBLE_COLLECTIONS_PATH", os.path.join(ROOT, ".build", "collections"))
    monkeypatch.setenv("ANSIBLE_COLLECTIONS_SCAN_SYS_PATH", "false")

    # -vvvv: module arguments and results are in the job events; the key must still be absent
    result = ansible_runner.run(private_data_dir=str(pdd), playbook="demo.yml", quiet=True, verbosity=4)
    stdout = result.stdout.read()
    assert result.status == "successful", stdout
    assert result.rc == 0, stdout
    assert "failed=0" in stdout
    assert "module_args" in stdout  # really ran at -vvvv: the invocation arguments are shown

    # The key appears in no file but the env input ...
    leaks = []
    for dirpath, _dirs, files in os.walk(str(pdd)):
        for name in files:
            path = os.path.join(dirpath, name)
            if path in (str(envvars), *command_records(pdd)):
                continue
            with open(path, "rb") as f:
                if key.encode() in f.read():
                    leaks.append(os.path.relpath(path, str(pdd)))
    assert envvars.read_text().count(key) == 1
    assert not leaks, "API key written to: %s" % leaks
    # ... and ansible-runner's own record of the process it started
    # (artifacts/<ident>/command: argv, cwd and the whole environment, mode 0600),
    # which ansible-runner 2.4 always writes. There the key may only be the value
    # of the injected variable, never part of the command line.
    records = command_records(pdd)
    assert records, "ansible-runner wrote no artifacts"
    for path in records:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
        with open(path) as f:
            record = json.load(f)
        assert key not in json.dumps(record["command"]) and key not in record["cwd"]
        holding_key = sorted(name for name, value in record["env"].items() if key in value)
        assert holding_key == sorted(name for name, value in injected.items() if key in value), holding_key


def command_records(pdd):
    return glob.glob(os.path.join(str(pdd), "artifacts", "*", "command"))
