"""Every YAML example the collection ships runs, unchanged, against the API emulator.

Sources: the EXAMPLES of the four modules, the ```yaml fences of README.md, the
``.. code-block:: yaml`` blocks of docs/docsite/rst/guide.rst, and the playbooks
under playbooks/. Each example is run with this venv's ansible-playbook against a
fresh emulator (the demo seed, the apps and templates of the API document), must
succeed, and must leave in the emulator what it claims (CHECKS below).

The only set-up around an example is its environment: KOCHAVA_API_URL/KOCHAVA_API_KEY point
at the emulator (no other connection value: an example that sets ``api_url`` or ``api_key``
to anything but a variable a user sets fails ``test_examples_set_no_connection_value``), the
inventory holds what the guide tells a user to create (``vault_partner_token``, in an
encrypted ``group_vars/all/vault.yml``, as "Hidden values with Ansible Vault" says), a few
examples run with an environment variable the guide tells them about (EXAMPLE_ENV), and a
SETUP function may first store triggers the example addresses (by id, or to have something
to update, purge or export). The text is never rewritten: a task list is wrapped in a play on
localhost as it is, and the run fails if the written playbook holds anything else (the tasks
are compared with the example's). A guide block introduced by a line holding
``playbooks/...`` shows that file: it must be the file, byte for byte.

A source in which no example is found fails, so the extraction cannot silently break;
an example without a check fails, so a new example cannot go untested.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VENV_BIN = os.path.dirname(sys.executable)
ANSIBLE_PLAYBOOK = os.path.join(VENV_BIN, "ansible-playbook")
# save_result (tests/playbooks/action_plugins): writes the registered results on the controller, no module run
ACTION_PLUGINS = os.path.join(ROOT, "tests", "playbooks", "action_plugins")
ANSIBLE_VAULT = os.path.join(VENV_BIN, "ansible-vault")
SEED = os.path.join(ROOT, "playbooks", "files", "emulator_seed.json")
MODULES = ["kochava_trigger", "kochava_triggers", "kochava_trigger_info", "kochava_template_info"]
SOURCES = ["module", "readme", "guide", "playbook"]
PROD_URL = "https://api.kochava.com"
APP, APP17, CUSTOM, MMDSP, OPENX = 87100, 17, 3373, 2209, 2602
URL = "https://collector.example.com"
PARTNER_TOKEN = "example-token-5f3e9a"
# A guide block shown as a CI system's file (GitLab CI, GitHub Actions): its ansible-playbook
# commands are run in playbooks/multi_app (test_ci_snippets), not the block as a playbook.
CI_FILE = r"^\s*``(\.gitlab-ci\.yml|\.github/workflows/[^`]+)``:\s*$"
# What the guide tells a user to keep in Ansible Vault; the test's inventory holds it, encrypted.
VAULT_VARS = {"vault_partner_token": PARTNER_TOKEN}
VAULT_PASSWORD = "example-vault-password"


# -- discovery ---------------------------------------------------------------------------
class Example:
    def __init__(self, source, where, text, path=None):
        self.source = source
        self.where = where  # human-readable origin
        self.text = text
        self.path = path  # a playbook file under playbooks/
        self.data = yaml.safe_load(text)
        assert isinstance(self.data, list) and self.data, "%s: not a list of plays or tasks" % where
        self.is_play = all(isinstance(item, dict) and "hosts" in item for item in self.data)
        first = self.data[0].get("name", "") if isinstance(self.data[0], dict) else ""
        self.id = "%s:%s" % (source, os.path.relpath(path, os.path.join(ROOT, "playbooks")) if path else first)


def module_examples():
    found = []
    for name in MODULES:
        module = importlib.import_module("ansible_collections.kochava.publisher.plugins.modules." + name)
        if module.EXAMPLES.strip():
            found.append(Example("module", "%s EXAMPLES" % name, module.EXAMPLES))
    return found


def readme_examples():
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    blocks = re.findall(r"^```ya?ml\n(.*?)^```", text, flags=re.M | re.S)
    # A requirements file (a dict, not a list of plays or tasks) is installed by tests/tooling/test_install.py.
    blocks = [block for block in blocks if not isinstance(yaml.safe_load(block), dict)]
    return [Example("readme", "README.md yaml block %d" % i, block) for i, block in enumerate(blocks, 1)]


def guide_blocks():
    """(line number, text, the file it shows or None) of every yaml code-block of the guide."""
    with open(os.path.join(ROOT, "docs", "docsite", "rst", "guide.rst")) as f:
        lines = f.read().split("\n")
    blocks = []
    for i, line in enumerate(lines):
        match = re.match(r"^(\s*)\.\. code-block:: ya?ml\s*$", line)
        if not match:
            continue
        indent = len(match.group(1))
        j = i + 1
        while j < len(lines) and re.match(r"^\s+:\w[\w-]*:", lines[j]):  # directive options
            j += 1
        body = []
        for k in range(j, len(lines)):
            text = lines[k]
            if text.strip() and len(text) - len(text.lstrip()) <= indent:
                break
            body.append(text)
        while body and not body[-1].strip():
            body.pop()
        while body and not body[0].strip():
            body.pop(0)
        width = min(len(b) - len(b.lstrip()) for b in body if b.strip())
        code = "\n".join(b[width:] for b in body) + "\n"
        previous = next((lines[k] for k in range(i - 1, -1, -1) if lines[k].strip()), "")
        shown = re.match(r"^\s*``(playbooks/[^`]+)``:\s*$", previous)
        ci_file = re.match(CI_FILE, previous)
        blocks.append((i + 1, code, shown.group(1) if shown else ("ci:" + ci_file.group(1) if ci_file else None)))
    return blocks


def guide_examples():
    return [Example("guide", "guide.rst line %d" % line, code) for line, code, shown in guide_blocks() if shown is None]


def playbook_examples():
    found = []
    for dirpath, _dirs, files in os.walk(os.path.join(ROOT, "playbooks")):
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            if not name.endswith((".yml", ".yaml")):
                continue
            with open(path) as f:
                text = f.read()
            data = yaml.safe_load(text)
            if isinstance(data, list) and data and all(isinstance(p, dict) and "hosts" in p for p in data):
                found.append(Example("playbook", os.path.relpath(path, ROOT), text, path=path))
    return found


DISCOVER = {"module": module_examples, "readme": readme_examples, "guide": guide_examples, "playbook": playbook_examples}


def all_examples():
    return [example for source in SOURCES for example in DISCOVER[source]()]


EXAMPLES = all_examples()


# -- running -----------------------------------------------------------------------------
@pytest.fixture(scope="session")
def demo_emulator():
    from kochava_emulator import Emulator

    with Emulator(seed=SEED) as server:
        yield server


@pytest.fixture
def emu(demo_emulator):
    demo_emulator.reset()
    return demo_emulator


def registers(tasks):
    names = []
    for task in tasks or []:
        if not isinstance(task, dict):
            continue
        if task.get("register"):
            names.append(task["register"])
        for section in ("block", "rescue", "always"):
            names += registers(task.get(section))
    return names


def environment(emu, tmp_path, key=None):
    env = dict(os.environ)
    for name in list(env):
        if name.startswith(("KOCHAVA_", "ANSIBLE_")):
            del env[name]
    env.update(
        ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build", "collections"),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_RETRY_FILES_ENABLED="0",
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-tmp"),
        ANSIBLE_ACTION_PLUGINS=ACTION_PLUGINS,  # save_result, for the registered results
        KOCHAVA_API_URL=emu.url,
        KOCHAVA_API_KEY=key or emu.demo_key,
    )
    return env


def playbook(cmd, env, cwd):
    proc = subprocess.run([ANSIBLE_PLAYBOOK, *cmd], env=env, cwd=str(cwd), capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, "ansible-playbook failed (%d):\n%s\n%s" % (proc.returncode, proc.stdout[-6000:], proc.stderr[-3000:])
    assert "failed=0" in proc.stdout and "unreachable=0" in proc.stdout, proc.stdout[-6000:]
    return proc


def vault_inventory(tmp_path):
    """An inventory of localhost with the user's vault: group_vars/all/vault.yml, encrypted."""
    inventory = tmp_path / "inventory"
    (inventory / "group_vars" / "all").mkdir(parents=True)
    (inventory / "hosts.ini").write_text("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    vault = inventory / "group_vars" / "all" / "vault.yml"
    vault.write_text(yaml.safe_dump(VAULT_VARS))
    password = tmp_path / "vault-password"
    password.write_text(VAULT_PASSWORD + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "KOCHAVA_"))}
    subprocess.run([ANSIBLE_VAULT, "encrypt", "--vault-password-file", str(password), str(vault)], env=env, check=True, capture_output=True)
    return inventory, password


def run_example(example, emu, tmp_path, env=None, options=()):
    """Run a README/guide/module example as written; returns (its registered results, the run)."""
    data = yaml.safe_load(example.text)
    if example.is_play:
        plays = list(data)
        names = [n for play in plays for section in ("pre_tasks", "tasks", "post_tasks") for n in registers(play.get(section))]
    else:
        plays = [{"name": "example", "hosts": "localhost", "gather_facts": False, "tasks": data}]
        names = registers(data)
    dump = str(tmp_path / "registered.json")
    content = "{{ {%s} | to_json }}" % ", ".join("%r: (%s | default(None))" % (n, n) for n in names)
    plays.append(
        {
            "name": "save the registered results",
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [{"save_result": {"content": content, "dest": dump}, "check_mode": False, "diff": False}],
        }
    )
    path = tmp_path / "example.yml"
    path.write_text(yaml.safe_dump(plays, sort_keys=False))
    written = yaml.safe_load(path.read_text())[:-1]
    shipped = yaml.safe_load(example.text)
    assert written == (shipped if example.is_play else [dict(plays[0], tasks=shipped)]), "the run would change %s" % example.where
    inventory, password = vault_inventory(tmp_path)
    cmd = ["-i", str(inventory / "hosts.ini"), "--vault-password-file", str(password), *options, str(path)]
    proc = playbook(cmd, dict(environment(emu, tmp_path), **(env or {})), tmp_path)
    (tmp_path / "output.txt").write_text(proc.stdout + proc.stderr)  # what the run printed, for a check
    with open(dump) as f:
        return json.load(f), proc


# -- what each example claims ------------------------------------------------------------
def by_key(emu, app):
    return {(t["type"], t["template_id"], t.get("filter_str") or ""): t for t in emu.triggers(app)}


def writes(emu):
    return [(e["method"], e["path"]) for e in emu.log if e["method"] in ("POST", "PATCH", "DELETE")]


def find_task(example, name):
    for task in example.data:
        for candidate in [task] + list(task.get("block", [])):
            if candidate.get("name") == name:
                return candidate
    raise AssertionError("no task %r in %s" % (name, example.where))


def seed(emu, app=APP, type="install", template_id=CUSTOM, title="Seeded", filter_str=None, context=None, **extra):
    return emu.add_trigger(
        app, type=type, template_id=template_id, title=title, filter_str=filter_str, context=context or {"cpi_mostback_url": URL + "/seeded"}, **extra
    )


def setup_module_trigger(emu):
    # The example addresses trigger 689966 (the document's PATCH example) by id.
    seed(emu, title="Install Custom Postback", context={"cpi_mostback_url": URL + "/ingest"}, active=True, id=689966)


def check_module_trigger(emu, reg, example, tmp_path):
    triggers = by_key(emu, APP)
    install = emu.trigger(689966)
    assert install["app_id"] == APP and install["active"] is False  # deactivated by id
    assert install["context"]["cpi_mostback_url"] == URL + "/ingest"
    assert ("event", CUSTOM, "Purchase") not in triggers  # created, then removed
    assert triggers[("click", CUSTOM, "")]["context"]["cpi_jumptap_app_id"] == "17"
    methods = [m for m, dummy in writes(emu)]
    assert methods.count("POST") == 2 and methods.count("DELETE") == 1  # the install was matched by key, not created


def check_module_triggers(emu, reg, example, tmp_path):
    created = reg["postbacks"]["plan"]["create"]
    assert sorted(e["key"]["type"] for e in created) == ["click", "event", "install"] and all(e["applied"] for e in created)
    planned = reg["planned"]
    assert planned["changed"] and sorted(e["key"]["type"] for e in planned["plan"]["delete"]) == ["click", "event"]
    assert not any(e["applied"] for kind in ("create", "update", "delete") for e in planned["plan"][kind])
    # the reviewed plan was applied (two deletes, one title), the hidden-token task set the title
    # back, and the drift gate then found the app converged
    triggers = by_key(emu, APP)
    assert set(triggers) == {("install", CUSTOM, "")}
    assert triggers[("install", CUSTOM, "")]["title"] == "Install Custom Postback"
    assert triggers[("install", CUSTOM, "")]["context"]["cpi_mostback_url"] == URL + "/install?token=example-token"
    methods = [m for m, _path in writes(emu)]
    assert methods.count("POST") == 3 and methods.count("DELETE") == 2 and methods.count("PATCH") == 2


def setup_module_trigger_info(emu):
    seed(emu, type="event", filter_str="Purchase", title="Purchase Postback", active=True)
    seed(emu, type="event", filter_str="Purchase", title="Inactive", template_id=MMDSP, context={"cpi_jumptap_mostback_url": URL})


def check_module_trigger_info(emu, reg, example, tmp_path):
    assert sorted(t["id"] for t in reg["all_triggers"]["triggers"]) == sorted(t["id"] for t in emu.triggers(APP))
    purchase = [t for t in emu.triggers(APP) if t["template_id"] == CUSTOM]
    assert [t["id"] for t in reg["purchase"]["triggers"]] == [purchase[0]["id"]]
    # the API document's trigger 54636 of app 17, in the demo seed
    assert find_task(example, "One trigger by id")["kochava.publisher.kochava_trigger_info"]["app_id"] == 17
    assert [t["id"] for t in reg["one"]["triggers"]] == [54636]
    exported = {t["context"]["cpi_mostback_url"] for t in reg["exported"]["export"] if "cpi_mostback_url" in t["context"]}
    assert exported and all(re.fullmatch(r"\*{8}~[0-9a-f]{4}", url) for url in exported)  # masked, fingerprinted
    assert writes(emu) == []


def setup_module_template_info(emu):
    # An mmDSP trigger without its required postback URL: the template is pending setup.
    seed(emu, template_id=MMDSP, title="mmDSP", context={"cpi_mostback_url": URL})


def check_module_template_info(emu, reg, example, tmp_path):
    assert sorted(t["id"] for t in reg["templates"]["templates"]) == sorted([CUSTOM, MMDSP, OPENX])
    assert [t["name"] for t in reg["custom"]["templates"]] == ["Custom Postback"]
    assert [t["id"] for t in reg["pending"]["templates"]] == [MMDSP]
    assert writes(emu) == []


def setup_stray_click(emu):
    seed(emu, type="click", title="Old Click Postback")


def check_readme_set(emu, reg, example, tmp_path):
    triggers = by_key(emu, APP)
    assert set(triggers) == {("install", CUSTOM, ""), ("event", CUSTOM, "Purchase")}
    assert triggers[("event", CUSTOM, "Purchase")]["context"]["max_delivery_attempts"] == "2"
    assert [e["title"] for e in reg["postbacks"]["plan"]["delete"]] == ["Old Click Postback"]


def check_readme_one(emu, reg, example, tmp_path):
    triggers = by_key(emu, APP)
    assert set(triggers) == {("event", CUSTOM, "Purchase")}
    purchase = triggers[("event", CUSTOM, "Purchase")]
    assert purchase["active"] is True and purchase["context"]["max_delivery_attempts"] == "2"


def check_guide_start(emu, reg, example, tmp_path):
    triggers = by_key(emu, APP)
    assert set(triggers) == {("install", CUSTOM, ""), ("event", CUSTOM, "Purchase")}
    assert triggers[("event", CUSTOM, "Purchase")]["context"]["max_delivery_attempts"] == "2"
    assert CUSTOM in [t["id"] for t in reg["templates"]["templates"]]


def setup_guide_set(emu):
    seed(emu, type="event", filter_str="Refund", title="Refund Postback")
    seed(emu, type="click", title="Click Postback")
    seed(emu, type="event", filter_str="Purchase", title="Purchase Postback", context={"cpi_mostback_url": URL + "/purchase"})


def setup_guide_review(emu):
    seed(emu, type="click", title="Stray click")


def check_guide_review(emu, reg, example, tmp_path):
    reviewed = reg["reviewed"]
    assert [e["key"]["type"] for e in reviewed["plan"]["create"]] == ["install"] and [e["title"] for e in reviewed["plan"]["delete"]] == ["Stray click"]
    assert reviewed["plan_digest"].startswith("%d:" % APP)
    assert sorted(m for m, _path in writes(emu)) == ["DELETE", "POST"]  # exactly the reviewed writes, once
    assert set(by_key(emu, APP)) == {("install", CUSTOM, "")}


def check_guide_set(emu, reg, example, tmp_path):
    triggers = by_key(emu, APP)
    assert set(triggers) == {("install", CUSTOM, ""), ("event", CUSTOM, "Purchase")}
    purchase = triggers[("event", CUSTOM, "Purchase")]
    assert purchase["active"] is True and purchase["context"]["deferred_for"] == "30000" and purchase["context"]["max_delivery_attempts"] == "2"
    plan = reg["postbacks"]["plan"]
    assert sorted(e["title"] for e in plan["delete"]) == ["Click Postback", "Refund Postback"]
    assert [e["title"] for e in plan["update"]] == ["Purchase Postback"] and [e["title"] for e in plan["create"]] == ["Install Custom Postback"]
    methods = [m for m, dummy in writes(emu)]
    assert methods == sorted(methods, key=["PATCH", "POST", "DELETE"].index)  # updates, creates, deletes


EXPORT_TOKENS = ("tok-Export11aa", "tok-Export22bb")  # partner tokens in the exported URLs, hidden fleet-wide (EXAMPLE_ENV)


def setup_guide_export(emu):
    seed(emu, title="Install Custom Postback", active=True, context={"cpi_mostback_url": URL + "/install?token=" + EXPORT_TOKENS[0]})
    seed(
        emu,
        type="event",
        filter_str="Purchase",
        template_id=MMDSP,
        title="mmDSP Purchase",
        context={"cpi_jumptap_mostback_url": URL + "/mmdsp?click={click_id}&token=" + EXPORT_TOKENS[1]},
    )


def check_guide_export(emu, reg, example, tmp_path):
    with open(tmp_path / "app87100-triggers.yml") as f:
        kept = yaml.safe_load(f)
    assert kept == reg["backup"]["export"] and len(kept) == 2 and reg["backup"]["hidden_revealed"] is True
    install = next(item for item in kept if item["type"] == "install")
    assert install["context"]["cpi_mostback_url"] == URL + "/install?token=" + EXPORT_TOKENS[0]  # the real value, in the file
    assert all(path.endswith("/postbacks") or "/apps/17/" in path for dummy, path in writes(emu)), writes(emu)  # the restore changed nothing
    clone = by_key(emu, APP17)
    source = by_key(emu, APP)[("event", MMDSP, "Purchase")]
    fields = ("type", "template_id", "filter_str", "title", "active", "context")
    assert {f: clone[("event", MMDSP, "Purchase")][f] for f in fields} == {f: source[f] for f in fields}  # the clone equals the source
    assert clone[("install", OPENX, "")]["id"] == 54636  # left alone
    output = (tmp_path / "output.txt").read_text()
    assert re.search("Using module file|running in process on the controller", output)  # -vvvv, either path
    assert re.search(r"token=\*{8}~[0-9a-f]{4}", output)  # the clone's diff masked
    assert [output.count(token) for token in EXPORT_TOKENS] == [0, 0], "a revealed token was printed"


def check_guide_hidden(emu, reg, example, tmp_path):
    install = by_key(emu, APP)[("install", CUSTOM, "")]
    assert install["context"]["cpi_mostback_url"] == "%s/install?token=%s" % (URL, PARTNER_TOKEN)
    shown = json.dumps(reg["postbacks"])
    assert PARTNER_TOKEN not in shown and "********" in shown


def check_guide_fleet_hidden(emu, reg, example, tmp_path):
    purchase = by_key(emu, APP)[("event", CUSTOM, "Purchase")]
    assert purchase["context"]["cpi_mostback_url"] == "%s/purchase?click={click_id}&token=%s" % (URL, PARTNER_TOKEN)  # the real URL
    shown = json.dumps([reg["partner"], reg["listed"]])
    assert PARTNER_TOKEN not in shown
    listed = [t for t in reg["listed"]["triggers"] if t["filter_str"] == "Purchase"]
    assert re.fullmatch(re.escape(URL) + r"/purchase\?click=\{click_id\}&token=\*{8}~[0-9a-f]{4}", listed[0]["context"]["cpi_mostback_url"])
    assert [t["id"] for t in reg["custom"]["templates"]] == [CUSTOM]  # the group's hidden options, ignored


def check_guide_loop(emu, reg, example, tmp_path):
    install = by_key(emu, APP)[("install", CUSTOM, "")]
    assert install["context"]["cpi_mostback_url"] == "%s/87100/install?token=%s" % (URL, PARTNER_TOKEN)
    openx = by_key(emu, APP17)[("install", OPENX, "")]
    assert openx["context"]["cpi_openxperformance_mostback_url"] == "%s/17/openx?token=%s" % (URL, PARTNER_TOKEN)
    assert [r["changed"] for r in reg["per_app"]["results"]] == [True, True]
    assert PARTNER_TOKEN not in json.dumps(reg["per_app"]["results"])


def check_guide_rate_limits(emu, reg, example, tmp_path):
    assert reg["listed"]["changed"] is False and isinstance(reg["listed"]["triggers"], list)
    assert writes(emu) == [] and emu.log  # paced reads only


def check_demo(emu, reg, example, tmp_path):
    triggers = by_key(emu, APP)
    assert set(triggers) == {("install", CUSTOM, ""), ("event", CUSTOM, "Purchase")}
    assert triggers[("event", CUSTOM, "Purchase")]["context"]["cpi_mostback_url"] == URL + "/purchase/v2"
    methods = [m for m, dummy in writes(emu)]
    assert methods.count("POST") == 3 and methods.count("PATCH") == 1 and methods.count("DELETE") == 1


def check_multi_app(emu, reg, example, tmp_path):
    apps = {APP: by_key(emu, APP), APP17: by_key(emu, APP17)}
    assert set(apps[APP]) == {("install", CUSTOM, ""), ("event", CUSTOM, "Purchase")}
    assert set(apps[APP17]) == {("install", OPENX, ""), ("event", MMDSP, "Purchase")}
    openx = apps[APP17][("install", OPENX, "")]
    assert openx["id"] == 54636 and openx["active"] is True  # the document's trigger, adopted and completed
    assert openx["context"]["cpi_openxperformance_mostback_url"] == URL + "/17/openx"


SETUP = {
    "module:Set the connection options once for every kochava.publisher module": setup_module_trigger,
    "module:All triggers of an app (every page)": setup_module_trigger_info,
    "module:Every template available to the app": setup_module_template_info,
    "readme:Postback triggers of app 87100": setup_stray_click,
    "guide:App 87100 has exactly these triggers": setup_guide_set,
    "guide:Export app 87100's set": setup_guide_export,
    "guide:Review, then apply exactly what was reviewed": setup_guide_review,
}
# An example the guide runs with an environment variable it documents: the export -> clone
# recipe under fleet-wide hiding (the AWX credential type's "Hidden URL parameters").
EXAMPLE_ENV = {
    "guide:Export app 87100's set": {"KOCHAVA_HIDDEN_URL_PARAMS": "token"},
}
# An example run at a verbosity its check reads the output of (no token at -vvvv --diff).
EXAMPLE_OPTIONS = {
    "guide:Export app 87100's set": ["-vvvv", "--diff"],
}
CHECKS = {
    "module:Set the connection options once for every kochava.publisher module": check_module_trigger,
    "module:The whole postback set of app 87100; triggers not listed are deleted": check_module_triggers,
    "module:All triggers of an app (every page)": check_module_trigger_info,
    "module:Every template available to the app": check_module_template_info,
    "readme:Postback triggers of app 87100": check_readme_set,
    "readme:One postback trigger of app 87100": check_readme_one,
    "guide:Postback triggers as code": check_guide_start,
    "guide:App 87100 has exactly these triggers": check_guide_set,
    "guide:Review, then apply exactly what was reviewed": check_guide_review,
    "guide:Export app 87100's set": check_guide_export,
    "guide:An install postback whose URL carries a partner token": check_guide_hidden,
    "guide:Rate limits set once for every task of the play": check_guide_rate_limits,
    "guide:Hidden values set once for every task of this block": check_guide_fleet_hidden,
    "guide:Every app's triggers from one dict, in a loop": check_guide_loop,
    "playbook:demo.yml": check_demo,
    "playbook:multi_app/site.yml": check_multi_app,
}


# -- the tests ---------------------------------------------------------------------------
@pytest.mark.parametrize("source", SOURCES)
def test_every_source_has_examples(source):
    found = DISCOVER[source]()
    assert found, "no YAML example found in the %s source: the extraction is broken" % source
    if source == "module":
        assert sorted(e.where.split()[0] for e in found) == sorted(MODULES)


def test_every_example_is_checked():
    ids = [e.id for e in EXAMPLES]
    assert len(ids) == len(set(ids)), "two examples share a first name: %s" % ids
    unchecked = [e.id for e in EXAMPLES if e.id not in CHECKS]
    assert not unchecked, "examples without a check in CHECKS: %s" % unchecked
    stale = sorted(set(CHECKS) - set(ids))
    assert not stale, "checks of examples that no longer exist: %s" % stale


@pytest.mark.parametrize("shown", [shown for _line, _code, shown in guide_blocks() if shown and not shown.startswith("ci:")], ids=str)
def test_guide_shows_the_files_as_they_are(shown):
    code = {s: c for _line, c, s in guide_blocks() if s}[shown]
    with open(os.path.join(ROOT, shown)) as f:
        assert code == f.read(), "the guide's copy of %s differs from the file" % shown


def test_guide_shows_the_multi_app_layout():
    shown = {s for _line, _code, s in guide_blocks() if s}
    assert "playbooks/multi_app/site.yml" in shown and "playbooks/multi_app/collections/requirements.yml" in shown


def test_examples_use_only_documented_values():
    """Select values, apps and templates as the API document shows them."""
    allowed = {"max_delivery_attempts": {0, 1, 2, 3}, "deferred_for": {0, 30000}}
    bad = []

    def walk(node, where):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in allowed and str(value).isdigit() and int(value) not in allowed[key]:
                    bad.append((where, key, value))
                if key == "app_id" and isinstance(value, int) and value not in (APP, APP17):
                    bad.append((where, key, value))
                if key == "template_id" and isinstance(value, int) and value not in (CUSTOM, MMDSP, OPENX):
                    bad.append((where, key, value))
                walk(value, where)
        elif isinstance(node, list):
            for item in node:
                walk(item, where)

    for example in EXAMPLES:
        walk(example.data, example.where)
    for path in ("inventory/group_vars/kochava_apps.yml", "inventory/host_vars/app87100/triggers.yml", "inventory/host_vars/app17/triggers.yml"):
        with open(os.path.join(ROOT, "playbooks", "multi_app", path)) as f:
            walk(yaml.safe_load(f), path)
    assert not bad, bad


CONNECTION_OPTIONS = ("api_key", "api_url")


def connection_values(node):
    """Every value an example gives api_key or api_url (task arguments, module_defaults), anywhere in it."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in CONNECTION_OPTIONS:
                found.append((key, value))
            found += connection_values(value)
    elif isinstance(node, list):
        for item in node:
            found += connection_values(item)
    return found


def test_examples_set_no_connection_value():
    """An example runs with KOCHAVA_API_KEY and KOCHAVA_API_URL alone: a connection option it sets
    comes from a variable the user sets (``{{ ... }}``), never a literal, and never the production URL,
    which would override KOCHAVA_API_URL and send a staging or emulator set-up to production."""
    bad = []
    for example in EXAMPLES:
        if PROD_URL in example.text:
            bad.append((example.where, "names %s" % PROD_URL))
        for key, value in connection_values(example.data):
            if not (isinstance(value, str) and value.strip().startswith("{{")):
                bad.append((example.where, "%s: %r" % (key, value)))
    assert not bad, bad


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.source != "playbook"], ids=lambda e: e.id)
def test_example_runs(example, emu, tmp_path):
    assert example.id in CHECKS, "no check for %s" % example.id
    if example.id in SETUP:
        SETUP[example.id](emu)
    emu.clear_log()
    registered, _proc = run_example(example, emu, tmp_path, env=EXAMPLE_ENV.get(example.id), options=EXAMPLE_OPTIONS.get(example.id, ()))
    CHECKS[example.id](emu, registered, example, tmp_path)


def test_demo_playbook(emu, tmp_path):
    """playbooks/demo.yml as `make demo` runs it."""
    example = next(e for e in EXAMPLES if e.id == "playbook:demo.yml")
    env = environment(emu, tmp_path)
    playbook(["-i", os.path.join(ROOT, "playbooks", "inventory.ini"), example.path], env, ROOT)
    CHECKS[example.id](emu, {}, example, tmp_path)


def test_multi_app_project(emu, tmp_path):
    """playbooks/multi_app as an AWX project: app 17's own key from an encrypted host_vars file,
    the shared key (here valid on app 87100 only) from KOCHAVA_API_KEY; a check-mode gate, then the run."""
    example = next(e for e in EXAMPLES if e.id == "playbook:multi_app/site.yml")
    project = tmp_path / "project"
    shutil.copytree(os.path.join(ROOT, "playbooks", "multi_app"), str(project))
    os.chmod(str(project), 0o755)  # ansible.cfg in a world-writable directory would be ignored
    password = tmp_path / "vault-password"
    password.write_text("example-vault-password\n")
    vault = project / "inventory" / "host_vars" / "app17" / "vault.yml"
    vault.write_text("kochava_api_key: app17-only-key-1111\n")
    env = environment(emu, tmp_path, key="app87100-only-key")
    subprocess.run([ANSIBLE_VAULT, "encrypt", "--vault-password-file", str(password), str(vault)], env=env, check=True, capture_output=True)
    assert vault.read_text().startswith("$ANSIBLE_VAULT;")
    emu.add_key("app87100-only-key", [APP])

    gate = playbook(["site.yml", "--check", "--diff", "--vault-password-file", str(password)], env, project)
    assert writes(emu) == [], writes(emu)
    assert re.search(r"^forks = 10$", (project / "ansible.cfg").read_text(), flags=re.M)
    assert "create ['mmDSP Purchase'], update ['OpenX Performance']" in gate.stdout

    playbook(["site.yml", "--vault-password-file", str(password)], env, project)
    CHECKS[example.id](emu, {}, example, tmp_path)
    emu.clear_log()
    playbook(["site.yml", "--vault-password-file", str(password)], env, project)
    assert writes(emu) == [], "the second run changed something: %s" % writes(emu)


def test_every_playbook_is_tested():
    assert sorted(e.id for e in EXAMPLES if e.source == "playbook") == ["playbook:demo.yml", "playbook:multi_app/site.yml"]


# -- CI snippets of the guide ---------------------------------------------------------------
def ci_snippets():
    """(file name, [(job, env, [ansible-playbook command])]) of every CI file the guide shows.

    A step run only when the job fails (GitHub's ``if: failure()``) is in on_failure(), not here."""
    found = []
    for _line, code, shown in guide_blocks():
        if not (shown or "").startswith("ci:"):
            continue
        jobs = []
        for name, job in (yaml.safe_load(code).get("jobs") or yaml.safe_load(code)).items():
            if not isinstance(job, dict):
                continue
            env = dict(job.get("variables") or {}, **(job.get("env") or {}))
            env = {k: v for k, v in env.items() if "$" not in str(v)}  # secrets come from the CI system
            lines = [step if isinstance(step, str) else step.get("run", "") for step in job.get("script") or job.get("steps") or []]
            jobs.append((name, env, [line for line in lines if line.startswith("ansible-playbook ")]))
        found.append((shown[3:], jobs))
    return found


def on_failure(name):
    """The shell of the steps a CI file runs when its drift job failed (they read the report)."""
    for _line, code, shown in guide_blocks():
        if shown == "ci:" + name:
            jobs = yaml.safe_load(code).get("jobs") or yaml.safe_load(code)
            return [step["run"] for step in jobs["drift"].get("steps") or [] if isinstance(step, dict) and "failure()" in str(step.get("if", ""))]
    return []


def test_the_guide_shows_both_ci_files():
    assert [name for name, _jobs in ci_snippets()] == [".gitlab-ci.yml", ".github/workflows/kochava.yml"]


@pytest.mark.parametrize("name, jobs", ci_snippets(), ids=[name for name, _jobs in ci_snippets()])
def test_ci_snippets(name, jobs, emu, tmp_path):
    """The drift job exits 0 on a converged fleet and 2 on drift, its report saying so in one field;
    the plan job writes its report; a step that runs when the drift job failed names the drifted app."""
    project = tmp_path / "project"
    shutil.copytree(os.path.join(ROOT, "playbooks", "multi_app"), str(project))
    os.chmod(str(project), 0o755)
    base = environment(emu, tmp_path)
    base["PATH"] = VENV_BIN + os.pathsep + base.get("PATH", "")  # the CI job's ansible-playbook
    playbook(["site.yml"], base, project)  # converge the fleet first
    emu.clear_log()
    commands = dict((job, (env, cmds)) for job, env, cmds in jobs)
    assert sorted(commands) == ["drift", "plan"], name
    for job in ("drift", "plan"):
        env, cmds = commands[job]
        assert len(cmds) == 1, (job, cmds)
        run = subprocess.run(cmds[0], shell=True, cwd=str(project), env=dict(base, **env), capture_output=True, text=True, timeout=300, check=False)
        assert run.returncode == 0, (job, run.stdout, run.stderr)
    assert writes(emu) == []
    drift_env = commands["drift"][0]
    assert drift_env.get("KOCHAVA_PLAN_REPORT") == "drift.json", drift_env
    assert json.loads((project / "drift.json").read_text())["outcome"] == "converged"
    assert "| %d |" % APP in (project / "plan.md").read_text()
    install = by_key(emu, APP)[("install", CUSTOM, "")]
    with emu.state.lock:  # drift made outside Ansible
        emu.state.delete_trigger(install["id"])
    env, cmds = commands["drift"]
    run = subprocess.run(cmds[0], shell=True, cwd=str(project), env=dict(base, **env), capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 2 and "expect_no_changes: app %d differs from its declaration in 1 trigger" % APP in run.stdout
    report = json.loads((project / "drift.json").read_text())
    assert report["outcome"] == "drift" and report["apps"][str(APP)]["status"] == "drift" and report["apps"][str(APP17)]["status"] == "converged"
    assert writes(emu) == []
    # the steps run on failure, with a gh that records what it was asked
    stub = tmp_path / "bin"
    stub.mkdir()
    (stub / "gh").write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$GH_ARGS"\n')
    os.chmod(str(stub / "gh"), 0o755)
    steps = on_failure(name)
    assert len(steps) == (1 if name.startswith(".github") else 0), steps
    for step in steps:
        gh_args = tmp_path / "gh-args"
        step_env = dict(base, **env, PATH=str(stub) + os.pathsep + base["PATH"], GH_ARGS=str(gh_args))
        done = subprocess.run(["bash", "-e", "-c", step], cwd=str(project), env=step_env, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, (done.stdout, done.stderr)
        assert gh_args.read_text().splitlines() == [
            "issue",
            "create",
            "--title",
            "Kochava postback drift",
            "--body",
            "Apps that differ from their declaration: %d" % APP,
        ]
