"""Issue #9 (A): malformed task parameters through each module's main(), in process.

Each generated case is a known-bad mutation of a valid task (fuzz_params.py).
Every one must fail with a message naming the option or key, show no Python
internals, and make no API call (or, when judging it needs a read, no write).
All cases of a module run before the test fails, and the failure lists every
kind of case that went wrong with its first (smallest) example.
"""

from __future__ import annotations

import importlib

import pytest
from fuzz_params import APP, CASES, SEEDED_ID, TEMPLATE, URL, explicit_cases, judge, short
from hypothesis import given, settings

MIN_CASES = 200
EXAMPLES = 260


def run_cases(in_process, module_name, examples=EXAMPLES):
    module = importlib.import_module("ansible_collections.kochava.publisher.plugins.modules." + module_name)
    emu = in_process.emu
    seen, failures, kinds = set(), {}, {}

    def check(case):
        emu.reset()
        if case.seed:
            emu.add_trigger(APP, type="install", template_id=TEMPLATE, title="Install", context={"cpi_mostback_url": URL}, id=SEEDED_ID)
        result = in_process.run(module, case.args)
        seen.add(repr(sorted(case.args.items(), key=str)))
        kinds[case.kind] = kinds.get(case.kind, 0) + 1
        problems = judge(case, result, emu.log)
        if problems:
            # up to three examples of each kind, one per distinct problem
            shown = failures.setdefault(case.kind, {})
            signature = problems[0].split(":", maxsplit=1)[0]
            if signature not in shown and len(shown) < 3 or len(repr(case.args)) < len(repr(shown.get(signature, (None, case.args))[1])):
                shown[signature] = (problems, case.args)

    @settings(max_examples=examples)
    @given(case=CASES[module_name]())
    def generated(case):
        check(case)

    for case in explicit_cases(module_name):
        check(case)
    generated()
    report = "\n".join(
        "- %s (%d cases): %s\n    args: %s" % (kind, kinds[kind], "; ".join(problems), short(args, 400))
        for kind, shown in sorted(failures.items())
        for problems, args in shown.values()
    )
    assert not failures, "%s: %d of %d kinds of malformed parameters were not refused cleanly:\n%s" % (module_name, len(failures), len(kinds), report)
    assert len(seen) >= MIN_CASES, "%s: only %d distinct malformed cases" % (module_name, len(seen))
    return kinds


@pytest.mark.parametrize("module_name", sorted(CASES))
def test_malformed_parameters_fail_cleanly(in_process, module_name):
    run_cases(in_process, module_name)
