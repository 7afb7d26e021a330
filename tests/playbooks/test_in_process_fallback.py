"""A task that cannot run in the controller's worker runs the module, says why at -vvv, and does the same."""

from __future__ import annotations

from playbook_helpers import install, writes

from ansible_collections.kochava.publisher.tests.constants import APP

TRIGGER = "kochava.publisher.kochava_trigger"


def test_an_async_task_runs_the_module_and_says_why(runner, emu):
    result = runner.run(TRIGGER, install(), verbosity=3, extra_task={"async": 60, "poll": 1})
    assert "running the module, not in process: the task is async" in runner.last.stdout
    assert result["changed"] is True and result["status"] == "changed"
    assert writes(emu) == [("POST", "/postbacks")] and [t["title"] for t in emu.triggers(APP)] == ["Install"]


def test_the_opt_out_templated_in_task_vars(runner, emu):
    result = runner.run(TRIGGER, install(), verbosity=3, extra_task={"vars": {"kochava_in_process": "{{ 'no' }}"}})
    assert "running the module, not in process: kochava_in_process is false" in runner.last.stdout
    assert result["changed"] is True and writes(emu) == [("POST", "/postbacks")]


def test_a_bad_opt_out_value_runs_the_module_and_never_fails_for_it(runner, emu):
    result = runner.run(TRIGGER, install(), verbosity=3, extra_task={"vars": {"kochava_in_process": "sometimes"}})
    assert "running the module, not in process: kochava_in_process is 'sometimes', not a boolean" in runner.last.stdout
    assert result["changed"] is True and writes(emu) == [("POST", "/postbacks")]
