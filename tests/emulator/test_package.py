"""The emulator as a package: the packaged demo seed, ``--seed demo``, the command's name and version.

Installing it into a fresh venv and running the ``kochava-emulator`` command is
tested by ``tests/tooling/test_emulator_package.py``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import kochava_emulator
from kochava_emulator import DEMO_SEED, PACKAGED_SEEDS
from kochava_emulator.cli import build_parser, main
from kochava_emulator.seed import load_seed, seed_path

EMULATOR_DIR = Path(__file__).resolve().parent
ROOT = EMULATOR_DIR.parents[1]
REPO_SEED = ROOT / "playbooks" / "files" / "emulator_seed.json"
PYPROJECT = EMULATOR_DIR / "pyproject.toml"


def _cli(*args):
    cmd = [sys.executable, "-m", "kochava_emulator", *args]
    return subprocess.run(cmd, env=dict(os.environ, PYTHONPATH=str(EMULATOR_DIR)), capture_output=True, text=True, timeout=30, check=False)


def test_packaged_demo_seed_is_the_repository_demo_seed():
    # `make demo` serves playbooks/files/emulator_seed.json; the package ships the same bytes
    assert DEMO_SEED == EMULATOR_DIR / "kochava_emulator" / "seeds" / "demo.json"
    assert DEMO_SEED.read_bytes() == REPO_SEED.read_bytes(), "copy playbooks/files/emulator_seed.json to kochava_emulator/seeds/demo.json"


def test_packaged_seeds_are_inside_the_package():
    package_dir = Path(kochava_emulator.__file__).resolve().parent
    assert PACKAGED_SEEDS == {"demo": DEMO_SEED}
    for path in PACKAGED_SEEDS.values():
        assert path.parent.parent == package_dir and path.is_file()
        load_seed(path)  # valid seed


def test_seed_path_names_a_packaged_seed_or_a_file():
    assert seed_path("demo") == DEMO_SEED
    assert seed_path("./demo") == Path("./demo")
    assert seed_path(str(REPO_SEED)) == REPO_SEED


def test_cli_seed_demo_selects_the_packaged_seed():
    script = "import os; print(os.environ['KOCHAVA_API_KEY'])"
    result = _cli("run", "--seed", "demo", "--", sys.executable, "-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == json.loads(DEMO_SEED.read_text())["demo_key"]


@pytest.mark.parametrize("content, message", [(None, "No such file"), ("{not json", "Expecting property name"), ('{"colour": 1}', "unknown seed keys: colour")])
def test_cli_reports_an_unusable_seed(tmp_path, content, message):
    seed = tmp_path / "seed.json"
    if content is not None:
        seed.write_text(content)
    result = _cli("run", "--seed", str(seed), "--", "true")
    assert result.returncode == 2
    assert "python -m kochava_emulator: error: --seed" in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_names_itself_and_tells_its_version(capsys):
    assert build_parser().prog == "kochava-emulator"
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"kochava-emulator {kochava_emulator.__version__}"
    result = _cli("--help")
    assert result.returncode == 0 and result.stdout.startswith("usage: python -m kochava_emulator ")


def test_pyproject_declares_the_distribution():
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    setuptools = tomllib.loads(PYPROJECT.read_text())["tool"]["setuptools"]
    assert project["name"] == "kochava-emulator"
    assert project["scripts"] == {"kochava-emulator": "kochava_emulator.cli:main"}
    assert setuptools["packages"] == ["kochava_emulator"]
    assert setuptools["package-data"] == {"kochava_emulator": ["seeds/*.json"]}
    assert re.fullmatch(r"\d+\.\d+\.\d+", kochava_emulator.__version__)


def test_pyproject_dependencies_hold_the_pinned_versions():
    tomllib = pytest.importorskip("tomllib")
    requirements = pytest.importorskip("packaging.requirements")
    pins = {}
    for line in (ROOT / "tests" / "requirements.txt").read_text().splitlines():
        name, sep, version = line.partition("==")
        if sep and not line.startswith("#"):
            pins[name.strip().lower()] = version.strip()
    declared = [requirements.Requirement(text) for text in tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]]
    assert sorted(r.name.lower() for r in declared) == ["flask", "werkzeug"]
    for requirement in declared:
        assert requirement.specifier.contains(pins[requirement.name.lower()]), (str(requirement), pins)
