"""The plan_report callback on synthetic task results: aggregation, the table, JSON and Markdown.

(Named apart from tests/playbooks/test_plan_report.py: the test folders have no
``__init__.py``, so two test files of one base name cannot run in one session.)
"""

from __future__ import annotations

import json

import pytest

from ansible_collections.kochava.publisher.plugins.callback import plan_report
from ansible_collections.kochava.publisher.plugins.callback.plan_report import CallbackModule, PlanReport

SECRET = "tok-5ecret-9f31"
MASK = "********"
FQCN = "kochava.publisher.kochava_triggers"


# -- synthetic TaskResult-like objects ------------------------------------------------------------
class Host:
    def __init__(self, name):
        self.name = name

    def get_name(self):
        return self.name


class Task:
    def __init__(self, action=FQCN, args=None, resolved_action=None):
        self.action = action
        self.args = args if args is not None else {}
        if resolved_action is not None:
            self.resolved_action = resolved_action


class OldResult:
    """The shape ansible-core 2.16 to 2.18 hands callbacks."""

    def __init__(self, host, task, result):
        self._host = Host(host)
        self._task = task
        self._result = result


class NewResult:
    """The shape of ansible-core 2.19's CallbackTaskResult (public names; the old ones are aliases)."""

    def __init__(self, host, task, result):
        self.host = Host(host)
        self.task = task
        self.result = result
        self._host, self._task, self._result = self.host, self.task, self.result


class Display:
    verbosity = 0

    def __init__(self):
        self.shown = []
        self.warnings = []

    def display(self, msg, *args, **kwargs):
        self.shown.append(msg)

    def warning(self, msg, *args, **kwargs):
        self.warnings.append(msg)


def entry(type_="install", template_id=3373, filter_str="", id_=1, title="Install", applied=False, **extra):
    item = {"key": {"type": type_, "template_id": template_id, "filter_str": filter_str}, "id": id_, "title": title, "applied": applied}
    item.update(extra)
    return item


def plan(create=(), update=(), delete=(), unchanged=()):
    return {"create": list(create), "update": list(update), "delete": list(delete), "unchanged": list(unchanged)}


def result(app_id=87100, changed=False, failed=False, digest="d1", **plan_lists):
    res = {"changed": changed, "plan": plan(**plan_lists)}
    if app_id is not None:
        res["app_id"] = app_id
    if digest is not None:
        res["plan_digest"] = digest
    if failed:
        res["failed"] = True
        res["msg"] = "failed"
    return res


def callback(paths=None):
    display = Display()
    cb = CallbackModule(display=display)
    cb._plugin_options = {"report_path": paths}  # what set_options() fills from env/ini; the playbook test covers that part
    return cb, display


def finish(cb):
    cb.v2_playbook_on_stats(stats=None)


# -- aggregation ----------------------------------------------------------------------------------
def test_two_tasks_on_one_app_concatenate_their_plans_and_keep_the_worst_status():
    report = PlanReport()
    report.add("app87100", result(changed=True, digest="aaa", create=[entry(id_=None)], unchanged=[entry("click", id_=2)]))
    report.add("app87100", result(changed=False, digest="bbb", unchanged=[entry("click", id_=2)], delete=[entry("event", filter_str="X", id_=3)]))
    data = report.as_dict()["apps"]["87100"]
    assert [len(data["plan"][k]) for k in ("create", "update", "delete", "unchanged")] == [1, 0, 1, 2]
    assert data["status"] == "changed" and data["changed"] is True
    assert data["plan_digest"] == ["aaa", "bbb"]  # several tasks gave one: all of them, in task order
    assert data["host"] == "app87100"

    report.add("other-host", result(failed=True, digest=None))
    data = report.as_dict()["apps"]["87100"]
    assert data["status"] == "error" and data["host"] == "app87100"  # error beats changed; the first host stays
    report.add("app87100", result(changed=True, digest=None))
    assert report.as_dict()["apps"]["87100"]["status"] == "error"  # never improves


@pytest.mark.parametrize("digests, expected", [(["abc"], "abc"), ([None], None), (["abc", None, "abc"], ["abc", "abc"])])
def test_plan_digest_is_a_string_for_one_a_list_for_several_and_null_for_none(digests, expected):
    report = PlanReport()
    for digest in digests:
        report.add("h", result(digest=digest))
    assert report.as_dict()["apps"]["87100"]["plan_digest"] == expected


@pytest.mark.parametrize(
    "res, task_args, expected",
    [
        ({"app_id": 17, "invocation": {"module_args": {"app_id": 99}}}, {"app_id": 98}, "17"),
        ({"invocation": {"module_args": {"app_id": 99}}}, {"app_id": 98}, "99"),
        ({"failed": True, "msg": "bad"}, {"app_id": 98}, "98"),
        ({"failed": True, "msg": "bad"}, {"app_id": " 98 "}, "98"),
        ({"failed": True, "msg": "bad"}, {"app_id": "{{ kochava_app_id }}"}, "app-host"),
        ({"failed": True, "msg": "bad", "app_id": True}, {}, "app-host"),
    ],
)
def test_app_is_the_results_app_id_then_the_module_args_then_the_task_args_then_the_host(res, task_args, expected):
    report = PlanReport()
    report.add("app-host", res, task_args)
    assert list(report.as_dict()["apps"]) == [expected]


def test_a_failure_before_any_plan_is_failed_with_an_empty_plan():
    report = PlanReport()
    report.add("h", {"failed": True, "msg": "app_id: expected an int", "invocation": {"module_args": {"app_id": 17}}})
    assert report.as_dict() == {
        "outcome": "error",
        "apps": {"17": {"host": "h", "status": "error", "failure": None, "changed": False, "plan": plan(), "plan_digest": None}},
        "totals": {"create": 0, "update": 0, "delete": 0, "unchanged": 0},
    }


def test_plan_entries_keep_only_the_reported_fields():
    values = {"title": "Install", "active": True, "context": {"u": MASK}}
    item = entry("event", filter_str="Buy", id_=5, changes={"title": ["a", "b"]}, adopted=True, values=values, context={"k": SECRET}, extra=SECRET)
    item["key"]["extra"] = SECRET
    report = PlanReport()
    res = result(update=[item])
    res["plan"]["digest"] = "87100:0123456789abcdef"
    report.add("h", res)
    kept = report.as_dict()["apps"]["87100"]["plan"]["update"][0]
    assert kept == {
        "key": {"type": "event", "template_id": 3373, "filter_str": "Buy"},
        "id": 5,
        "title": "Install",
        "applied": False,
        "changes": {"title": ["a", "b"]},
        "adopted": True,
        "values": {"title": "Install", "active": True, "context": {"u": MASK}},
    }


# -- the callback's events --------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [OldResult, NewResult])
@pytest.mark.parametrize(
    "task",
    [Task(FQCN), Task("kochava_triggers"), Task("some_alias", resolved_action=FQCN), Task("kochava_triggers", resolved_action=FQCN)],
    ids=["fqcn", "short", "resolved", "short-resolved"],
)
def test_kochava_triggers_results_are_collected_under_every_name_and_result_shape(shape, task):
    cb, display = callback()
    cb.v2_runner_on_ok(shape("app17", task, result(app_id=17, changed=True, create=[entry(id_=None)])))
    assert cb.report.as_dict()["apps"]["17"]["plan"]["create"][0]["id"] is None


@pytest.mark.parametrize("task", [Task("ansible.builtin.debug"), Task("kochava.publisher.kochava_trigger"), Task("x", resolved_action="ansible.builtin.copy")])
def test_other_tasks_are_ignored(task):
    cb, display = callback()
    cb.v2_runner_on_ok(NewResult("h", task, result()))
    cb.v2_runner_on_failed(NewResult("h", task, result(failed=True)))
    cb.v2_runner_on_unreachable(NewResult("h", task, {"unreachable": True}))
    finish(cb)
    assert cb.report.apps == {} and display.shown == []


def test_failed_with_ignore_errors_counts_as_failed():
    """ansible-core hands v2_runner_on_failed a copy of the result without its ``failed`` key."""
    cb, display = callback()
    cb.v2_runner_on_failed(NewResult("app17", Task(), result(app_id=17, delete=[entry()])), ignore_errors=True)
    data = cb.report.as_dict()["apps"]["17"]
    assert data["status"] == "error" and len(data["plan"]["delete"]) == 1


def test_loop_items_are_counted_once_from_the_final_result():
    items = [
        dict(result(app_id=17, changed=True, create=[entry(id_=None)]), item={"app": 17, "triggers": [{"context": {"u": SECRET}}]}),
        dict(result(app_id=87100, failed=True, digest=None), item={"app": 87100}),
        {"skipped": True, "changed": False, "item": {"app": 5}},
    ]
    cb, display = callback()
    task = Task(args={"app_id": "{{ item.app }}", "triggers": "{{ item.triggers }}"})
    for item in items:  # ansible-core reports each item first ...
        if item.get("skipped"):
            cb.v2_runner_item_on_skipped(NewResult("localhost", task, item))
        elif item.get("failed"):
            cb.v2_runner_item_on_failed(NewResult("localhost", task, item))
        else:
            cb.v2_runner_item_on_ok(NewResult("localhost", task, item))
    final = {"changed": True, "results": items, "msg": "One or more items failed"}  # no top-level "failed" in a callback's copy
    cb.v2_runner_on_failed(NewResult("localhost", task, final), ignore_errors=True)  # ... then the loop's final result
    data = cb.report.as_dict()
    assert sorted(data["apps"]) == ["17", "87100"]
    assert data["apps"]["17"]["status"] == "changed" and data["apps"]["87100"]["status"] == "error"
    assert data["totals"] == {"create": 1, "update": 0, "delete": 0, "unchanged": 0}
    assert SECRET not in json.dumps(data)


@pytest.mark.parametrize("args, expected", [({"app_id": 17}, {"17": ("error", "unreachable")}), ({"app_id": "{{ kochava_app_id }}"}, {})])
def test_unreachable_is_an_error_when_the_app_id_is_a_plain_number_else_left_out(args, expected):
    cb, display = callback()
    cb.v2_runner_on_unreachable(NewResult("app17", Task(args=args), {"unreachable": True, "msg": "no route"}))
    assert dict((app, (e["status"], e["failure"])) for app, e in cb.report.as_dict()["apps"].items()) == expected


def test_unreachable_after_a_plan_keeps_the_plan_and_fails_the_app():
    cb, display = callback()
    cb.v2_runner_on_ok(NewResult("app17", Task(args={"app_id": 17}), result(app_id=17, unchanged=[entry()])))
    cb.v2_runner_on_unreachable(NewResult("app17", Task(args={"app_id": 17}), {"unreachable": True}))
    data = cb.report.as_dict()["apps"]["17"]
    assert data["status"] == "error" and len(data["plan"]["unchanged"]) == 1


def test_a_censored_no_log_result_gives_its_status_only():
    cb, display = callback()
    censored = {"changed": True, "censored": "the output has been hidden due to the fact that 'no_log: true' was specified for this result"}
    cb.v2_runner_on_ok(NewResult("app17", Task(args={"app_id": 17}), censored))
    expected = {"host": "app17", "status": "changed", "failure": None, "changed": True, "plan": plan(), "plan_digest": None}
    assert cb.report.as_dict()["apps"]["17"] == expected


# -- rendering --------------------------------------------------------------------------------------
def three_apps():
    report = PlanReport()
    report.add("app87100", result(changed=True, create=[entry(id_=None)], update=[entry("event", filter_str="Buy", changes={"title": ["a", "b"]})]))
    report.add("app17", result(app_id=17, unchanged=[entry(template_id=2209)] * 12))
    report.add("app-x", {"failed": True, "msg": "boom"}, {"app_id": "{{ x }}"})
    return report


def test_table_has_one_row_per_app_sorted_by_app_id_then_totals():
    assert three_apps().to_text().splitlines() == [
        "app    create  update  delete  unchanged  status",
        "-----  ------  ------  ------  ---------  ---------",
        "17          0       0       0         12  converged",
        "87100       1       1       0          0  changed",
        "app-x       0       0       0          0  error",
        "-----  ------  ------  ------  ---------  ---------",
        "total       1       1       0         12  error",
    ]


def test_json_shape_and_totals():
    data = json.loads(three_apps().to_json())
    assert list(data["apps"]) == ["17", "87100", "app-x"]
    assert data["totals"] == {"create": 1, "update": 1, "delete": 0, "unchanged": 12}
    assert data["apps"]["87100"] == {
        "host": "app87100",
        "status": "changed",
        "failure": None,
        "changed": True,
        "plan": plan(create=[entry(id_=None)], update=[entry("event", filter_str="Buy", changes={"title": ["a", "b"]})]),
        "plan_digest": "d1",
    }
    assert sorted(data["apps"]["app-x"]) == ["changed", "failure", "host", "plan", "plan_digest", "status"]
    assert data["outcome"] == "error"


def test_markdown_has_the_table_and_what_changes_per_app():
    report = three_apps()
    report.add("app87100", result(delete=[entry("click", title="Old | click `x`", id_=9)]))
    md = report.to_markdown()
    lines = md.splitlines()
    assert lines[2:6] == ["Outcome: **error**", "", "| app | create | update | delete | unchanged | status |", "|---|---:|---:|---:|---:|---|"]
    assert "| 87100 | 1 | 1 | 1 | 0 | changed |" in lines
    assert "| **total** | **1** | **1** | **1** | **12** | **error** |" in lines
    assert "| create | `install/3373` | Install |  |" in lines
    assert "| update | `event/3373/Buy` | Install | `title` |" in lines
    assert "| delete | `click/3373` | Old \\| click \\`x\\` |  |" in lines
    assert "### App 17" not in md  # nothing changes there
    assert "### App app-x (error)" in lines and "The run failed before it planned any change; see the job's log." in lines
    assert "The run failed; see the job's log. What it had planned:" not in lines

    report.add("app87100", result(), failed=True)
    lines = report.to_markdown().splitlines()
    assert lines[lines.index("### App 87100 (error)") + 2] == "The run failed; see the job's log. What it had planned:"


def test_markdown_code_spans_survive_backticks_and_pipes():
    assert plan_report.md_code("a`b|c") == "``a`b\\|c``"
    assert plan_report.md_code("`x") == "`` `x ``"


# -- the report at the end of the run ------------------------------------------------------------------
def test_stats_prints_the_table_and_writes_json_and_markdown(tmp_path):
    json_path, md_path = str(tmp_path / "plan.json"), str(tmp_path / "plan.md")
    cb, display = callback([json_path, md_path])
    cb.v2_runner_on_ok(NewResult("app17", Task(), result(app_id=17, changed=True, create=[entry(id_=None)])))
    finish(cb)
    assert display.shown == ["KOCHAVA POSTBACK PLAN\n" + cb.report.to_text()] and display.warnings == []
    with open(json_path) as handle:
        assert json.load(handle) == cb.report.as_dict()
    with open(md_path) as handle:
        assert handle.read() == cb.report.to_markdown()


def test_a_run_without_kochava_triggers_prints_nothing_but_still_writes_an_empty_report(tmp_path):
    path = str(tmp_path / "plan.json")
    cb, display = callback([path])
    finish(cb)
    assert display.shown == []
    with open(path) as handle:
        assert json.load(handle) == {"outcome": "converged", "apps": {}, "totals": {"create": 0, "update": 0, "delete": 0, "unchanged": 0}}


def test_a_path_that_cannot_be_written_warns_naming_it_and_the_next_path_is_still_written(tmp_path):
    missing = str(tmp_path / "no-such-dir" / "plan.json")
    a_directory = str(tmp_path)
    good = str(tmp_path / "plan.json")
    cb, display = callback([missing, a_directory, good])
    cb.v2_runner_on_ok(NewResult("app17", Task(), result(app_id=17)))
    finish(cb)
    assert len(display.warnings) == 2
    assert missing in display.warnings[0] and "does not exist" in display.warnings[0]
    assert a_directory in display.warnings[1]
    with open(good) as handle:
        assert list(json.load(handle)["apps"]) == ["17"]


def test_nothing_but_the_plan_digest_status_host_and_app_reaches_the_report(tmp_path):
    """A secret anywhere else in a result (the task's triggers, msg, diff, item, unknown keys) never reaches a report."""
    json_path, md_path = str(tmp_path / "plan.json"), str(tmp_path / "plan.md")
    cb, display = callback([json_path, md_path])
    res = result(app_id=17, changed=True, update=[entry(changes={"context.cpi_mostback_url": [MASK, MASK]}, context={"u": SECRET})])
    res.update(
        invocation={"module_args": {"app_id": 17, "triggers": [{"context": {"cpi_mostback_url": SECRET}}], "api_key": SECRET}},
        msg=SECRET,
        diff={"before": SECRET, "after": SECRET},
        triggers=[{"context": {"cpi_mostback_url": SECRET}}],
        warnings=[SECRET],
    )
    cb.v2_runner_on_ok(NewResult("app17", Task(args={"app_id": 17, "triggers": [{"context": {"cpi_mostback_url": SECRET}}]}), res))
    finish(cb)
    outputs = display.shown + display.warnings + [open(json_path).read(), open(md_path).read()]
    assert sum(text.count(SECRET) for text in outputs) == 0
    assert MASK in open(json_path).read()  # the masked change itself is reported
