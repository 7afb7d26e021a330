"""README's "Without Galaxy access: from a clone", run as written on a clone of this repository:
build the tarball and install it, install from git+file://, and install the README's
collections/requirements.yml that names the tarball. Each installed copy is then found by
ansible-doc from its own collections path (never the checkout's link).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import shutil
import subprocess

import pytest
import yaml
from tooling_helpers import ROOT, VENV_BIN

CLONE_URL = "https://github.com/kochava-publisher/kochava.publisher"


def readme_section():
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    return text.split("### Without Galaxy access: from a clone", 1)[1].split("\n## ", 1)[0]


def blocks(kind):
    return re.findall(r"^```%s\n(.*?)^```" % kind, readme_section(), flags=re.M | re.S)


def galaxy_version():
    with open(os.path.join(ROOT, "galaxy.yml")) as f:
        return yaml.safe_load(f)["version"]


@pytest.fixture
def env(tmp_path):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "KOCHAVA_"))}
    environ.update(
        PATH=VENV_BIN + os.pathsep + environ.get("PATH", ""),
        HOME=str(tmp_path / "home"),  # ansible-galaxy installs into ~/.ansible/collections
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        GIT_CONFIG_GLOBAL=os.devnull,
    )
    (tmp_path / "home").mkdir()
    return environ


def sh(lines, cwd, env):
    run = subprocess.run(["bash", "-euxc", lines], cwd=str(cwd), env=env, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    return run


def installed(env, path):
    """ansible-doc finds kochava_triggers in the collections at ``path`` alone."""
    run = subprocess.run(
        ["ansible-doc", "-t", "module", "kochava.publisher.kochava_triggers", "--json"],
        env=dict(env, ANSIBLE_COLLECTIONS_PATH=str(path)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_readme_clone_build_and_install(tmp_path, env):
    first, second = blocks("sh")[:2]
    # the clone command, pointed at this repository (no network here)
    commands = first.replace(CLONE_URL, "file://%s kochava.publisher" % ROOT)
    assert commands != first, "the README's clone command changed: update CLONE_URL"
    assert "pip install -r requirements.txt" in commands
    commands = commands.replace("pip install -r requirements.txt", "test -f requirements.txt")  # the test venv has them
    sh(commands, tmp_path, env)
    clone = tmp_path / "kochava.publisher"
    tarballs = sorted(p.name for p in (clone / "dist").iterdir())
    assert tarballs == ["kochava-publisher-%s.tar.gz" % galaxy_version()]
    assert sh("git status --porcelain", clone, env).stdout == ""  # .gitignore covers dist/: the clone stays clean
    doc = installed(env, tmp_path / "home" / ".ansible" / "collections")
    assert "expected_plan" in doc

    # from Git, without building
    shutil.rmtree(str(tmp_path / "home" / ".ansible"))
    assert second.strip().startswith("ansible-galaxy collection install git+file://$PWD")
    sh(second, clone, env)
    assert "expected_plan" in installed(env, tmp_path / "home" / ".ansible" / "collections")


def test_readme_requirements_file_names_the_tarball(tmp_path, env):
    (requirements,) = blocks("yaml")
    wanted = yaml.safe_load(requirements)["collections"]
    assert wanted == [{"name": "./dist/kochava-publisher-%s.tar.gz" % galaxy_version(), "type": "file"}]
    project = tmp_path / "project"
    (project / "collections").mkdir(parents=True)
    (project / "collections" / "requirements.yml").write_text(requirements)
    sh("git clone -q file://%s src && cd src && ansible-galaxy collection build --output-path ../dist/" % ROOT, project, env)
    sh("ansible-galaxy collection install -r collections/requirements.yml -p collections", project, env)
    assert "expected_plan" in installed(env, project / "collections")


def test_multi_app_requirements_show_the_tarball_variant(tmp_path, env):
    """playbooks/multi_app/collections/requirements.yml: its commented variant without Galaxy access,
    uncommented, installs the tarball committed to the project, from the project's root as AWX runs it."""
    with open(os.path.join(ROOT, "playbooks", "multi_app", "collections", "requirements.yml")) as f:
        shipped = f.read()
    assert yaml.safe_load(shipped)["collections"] == [{"name": "kochava.publisher"}]
    variant = [line[1:] for line in shipped.splitlines() if re.match(r"^# ( - name: |   type: )", line)]
    assert len(variant) == 2, shipped
    requirements = "---\ncollections:\n" + "\n".join(variant) + "\n"
    assert yaml.safe_load(requirements)["collections"] == [{"name": "./dist/kochava-publisher-%s.tar.gz" % galaxy_version(), "type": "file"}]
    project = tmp_path / "project"
    (project / "collections").mkdir(parents=True)
    (project / "collections" / "requirements.yml").write_text(requirements)
    sh("ansible-galaxy collection build %s --output-path dist/" % ROOT, project, env)
    sh("ansible-galaxy collection install --offline -r collections/requirements.yml -p collections", project, env)
    assert "expected_plan" in installed(env, project / "collections")
