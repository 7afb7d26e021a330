"""Issue #9 (A), end to end: a sample of the malformed task parameters through ansible-playbook.

Five generated cases per module (20 runs, fixed seeds), judged as in
test_param_fuzz.py: a clean failure naming the option or key, no Python
internals (Ansible's own ``exception: (traceback unavailable)`` aside), and no
API call, or no write where a read is needed to judge.
"""

from __future__ import annotations

import json

import pytest
from fuzz_params import APP, CASES, SEEDED_ID, TEMPLATE, URL, judge, short
from hypothesis import given, settings
from playbook_helpers import Runner, assert_clean_failure

PER_MODULE = 5


def playable(case):
    """YAML and Jinja carry the value unchanged: no template markers, no huge or non-finite values."""
    text = json.dumps(case.args, ensure_ascii=False, allow_nan=True)
    return not any(mark in text for mark in ("{{", "{%", "{#", "NaN", "Infinity")) and len(text) < 2000 and "\\u0000" not in text


@pytest.mark.parametrize("module_name", sorted(CASES))
def test_malformed_parameters_through_ansible_playbook(emulator_server, tmp_path_factory, module_name):
    emu = emulator_server
    runner = Runner(emu, tmp_path_factory.mktemp("play"))
    ran, failures = [], []

    @settings(max_examples=PER_MODULE)
    @given(case=CASES[module_name]().filter(playable))
    def one(case):
        emu.reset()
        if case.seed:
            emu.add_trigger(APP, type="install", template_id=TEMPLATE, title="Install", context={"cpi_mostback_url": URL}, id=SEEDED_ID)
        result = runner.run("kochava.publisher." + module_name, case.args)
        ran.append(case.kind)
        problems = judge(case, result, emu.log)
        try:
            assert_clean_failure(result)
        except AssertionError as exc:
            problems.append("not a clean failure: %s" % short(str(exc), 300))
        if problems:
            failures.append("- %s: %s\n    args: %s" % (case.kind, "; ".join(problems), short(case.args, 300)))

    one()
    assert not failures, "%s through ansible-playbook:\n%s" % (module_name, "\n".join(failures))
    assert len(ran) >= PER_MODULE
