# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: plan_report
type: aggregate
short_description: Sum up the plans of every kochava_triggers task of a run, per app
version_added: 1.2.0
description:
  - Collects the RV(kochava.publisher.kochava_triggers#module:plan) of every M(kochava.publisher.kochava_triggers) task of the run
    and, when the run ends, prints one table of it (app, create, update, delete, unchanged, status, one row per app sorted by app id,
    and a totals row whose status is the run's outcome). It does not replace the stdout callback; enable it beside it.
  - With O(report_path), it also writes the report to a file, JSON or (for a path ending in C(.md)) Markdown for a
    merge-request comment.
  - It only reads task results. It makes no API call, and it copies nothing of a result but its plan, C(plan_digest), C(status),
    C(failure), host and app id; it never reads the task's O(kochava.publisher.kochava_triggers#module:triggers). The plan is masked
    by the module (values of O(kochava.publisher.kochava_triggers#module:hidden_context_keys) and the URL parameters of
    O(kochava.publisher.kochava_triggers#module:hidden_url_params) show C(********) with a fingerprint), so neither is the report.
  - B(Statuses.) Each app gets one of C(converged) (nothing to change), C(changed) (written, or in check mode would be written),
    C(drift) (O(kochava.publisher.kochava_triggers#module:expect_no_changes) found differences), C(stale)
    (O(kochava.publisher.kochava_triggers#module:expected_plan) is no longer the plan) and C(error), read from the result's
    RV(kochava.publisher.kochava_triggers#module:status); an C(error) also carries the result's
    RV(kochava.publisher.kochava_triggers#module:failure) kind (for example C(input), C(unavailable), C(denied)). A result without
    a status (a censored C(no_log) result) is C(error) when it failed, else C(changed) or C(converged). The run's C(outcome) is the
    worst status of its apps in that order (C(converged) when it has none), so a pipeline branches on one field, never on a message.
  - B(One entry per app.) The app is the result's C(app_id), else the task's O(kochava.publisher.kochava_triggers#module:app_id)
    (as the module received it, else as written in the task when it is a plain number), else the inventory host's name.
    When several tasks touch one app, their plans are concatenated list by list, in task order, and the status is the worst
    one seen, with the failure kind of the first result that gave it. C(host) is the first host that reported the app.
  - B(Failures) count whether or not the task ignores errors; a failure before the module planned anything gives
    an empty plan. B(Loops) are read from the loop's final result, one entry per item (skipped items are left out), so no item
    counts twice. B(Skipped) tasks add nothing. B(Unreachable) results are C(error). One the collection gave (the app's state could
    not be read or written, see the exit codes in the guide) keeps its failure kind and plan; a host that could not be reached at all
    gives no plan, and when the task's O(kochava.publisher.kochava_triggers#module:app_id) is a plain number the app is reported with
    the failure kind C(unreachable) and an empty plan, otherwise it is left out. A task with C(no_log) gives its status only (its
    result is censored).
  - "The JSON file: C({\"outcome\": \"converged|changed|drift|stale|error\", \"apps\": {\"<app_id>\": {\"host\": ..., \"status\":
    ..., \"failure\": null or a kind, \"changed\": bool, \"plan\": {\"create\": [...], \"update\": [...], \"delete\": [...],
    \"unchanged\": [...]}, \"plan_digest\": ...}}, \"totals\": {\"create\": n, \"update\": n, \"delete\": n, \"unchanged\": n}}).
    Plan entries keep C(key), C(id), C(title), C(applied), C(changes), C(adopted) and C(values) (a create's target values, masked by
    the module); the plan's own C(digest) is left out, as C(plan_digest) reports it. C(plan_digest) is the module's digest when one
    task gave one, a list of them in task order when several did, and C(null) when none did (a task that failed before reading the
    app gives none)."
  - The Markdown file starts with the outcome and the table, then for each app that changes or did not succeed its action, key
    (written as the module's diff writes it, C(install/3373), C(event/3373/Purchase)), title and changed fields.
author:
  - Kochava Publisher maintainers (@kochava-publisher)
requirements: []
options:
  report_path:
    description:
      - Where to write the report, one path or several separated by commas. A path ending in C(.md) gets Markdown
        (the table, then for each app the action, key, title and changed fields of what changes); any other path gets JSON.
      - Relative paths are relative to the current directory when set by the environment variable, and to the directory
        of C(ansible.cfg) when set there.
      - The directory must exist. A path that cannot be written gives a warning naming it; the playbook's outcome never
        depends on the report.
      - Callback options are read when the run starts, so they come from the environment or C(ansible.cfg) only, not from
        inventory or play variables.
    type: pathlist
    env:
      - name: KOCHAVA_PLAN_REPORT
    ini:
      - section: kochava_plan_report
        key: path
"""

import copy
import json
import os
import re

from ansible.plugins.callback import CallbackBase

from ansible_collections.kochava.publisher.plugins.module_utils._api.convert import TASK, to_int
from ansible_collections.kochava.publisher.plugins.module_utils._plan.report import PLAN_ACTIONS, WRITE_ACTIONS
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import KEY_FIELDS, key_text as _key_text

MODULE_NAMES = frozenset(("kochava.publisher.kochava_triggers", "kochava_triggers"))
# The modules' statuses (_plan/outcome.py), best first: an app's and the run's is the worst seen.
STATUSES = ("converged", "changed", "drift", "stale", "error")
STATUS_RANK = dict((status, rank) for rank, status in enumerate(STATUSES))
FAILED_STATUSES = frozenset(("drift", "stale", "error"))
FAILURE_KIND = re.compile(r"^[a-z][a-z_]{0,31}$")
ENTRY_FIELDS = ("key", "id", "title", "applied", "changes", "adopted", "values")
COLUMNS = ("app",) + PLAN_ACTIONS + ("status",)


def as_app_id(value):
    """An app id as an int, as the module reads its app_id option; None when it is none (e.g. an unrendered template)."""
    try:
        return to_int(value, TASK)
    except ValueError:
        return None


def copy_entry(entry):
    """A plan entry reduced to the fields the report shows (the module has masked them already)."""
    if not isinstance(entry, dict):
        return None
    kept = dict((field, copy.deepcopy(entry[field])) for field in ENTRY_FIELDS if field in entry)
    if isinstance(kept.get("key"), dict):
        kept["key"] = dict((field, kept["key"].get(field)) for field in KEY_FIELDS)
    if isinstance(kept.get("changes"), dict):
        kept["changes"] = dict((field, list(pair) if isinstance(pair, (list, tuple)) else pair) for field, pair in kept["changes"].items())
    return kept


def result_status(result, failed=False):
    """``(status, failure kind)`` of one result: the module's ``status`` and ``failure`` when it gave them
    (a drift kept by ``failed_when: false`` stays drift), else from ``failed`` and ``changed``
    (a censored ``no_log`` result, another module's); a failed result never reads as a success."""
    failed = failed or bool(result.get("failed") or result.get("unreachable"))
    status = result.get("status")
    if status not in STATUS_RANK or (failed and status not in FAILED_STATUSES):
        status = "error" if failed else ("changed" if result.get("changed") else "converged")
    failure = result.get("failure") if status in FAILED_STATUSES else None
    return status, failure if isinstance(failure, str) and FAILURE_KIND.match(failure) else None  # a kind, never free text


def sort_key(app):
    return (0, app, "") if isinstance(app, int) else (1, 0, str(app))


class PlanReport:
    """The run's plans, one entry per app; pure data, rendered as a table, JSON or Markdown."""

    def __init__(self):
        self.apps = {}

    def app_of(self, result, task_args, host):
        app = as_app_id(result.get("app_id"))
        if app is None:
            invocation = result.get("invocation")
            module_args = invocation.get("module_args") if isinstance(invocation, dict) else None
            if isinstance(module_args, dict):
                app = as_app_id(module_args.get("app_id"))
        if app is None and isinstance(task_args, dict):
            app = as_app_id(task_args.get("app_id"))
        return app if app is not None else host

    def _entry(self, app, host):
        if app not in self.apps:
            self.apps[app] = {
                "host": host,
                "status": "converged",
                "failure": None,
                "changed": False,
                "plan": dict((action, []) for action in PLAN_ACTIONS),
                "digests": [],
            }
        return self.apps[app]

    def _status(self, entry, status, failure):
        if STATUS_RANK[status] > STATUS_RANK[entry["status"]]:
            entry["status"], entry["failure"] = status, failure

    def add(self, host, result, task_args=None, failed=False):
        """Record one kochava_triggers result (a dict) of ``host``; a loop's final result adds each item.

        ``failed``: the result came to v2_runner_on_failed. ansible-core hands callbacks a copy of the
        result without its top-level ``failed`` key; the items of a loop keep theirs.
        """
        items = result.get("results")
        if isinstance(items, list) and "plan" not in result:
            for item in items:
                if isinstance(item, dict) and not item.get("skipped"):
                    self.add(host, item, task_args)
            return
        entry = self._entry(self.app_of(result, task_args, host), host)
        self._status(entry, *result_status(result, failed))
        entry["changed"] = entry["changed"] or bool(result.get("changed"))
        plan = result.get("plan")
        if isinstance(plan, dict):
            for action in PLAN_ACTIONS:
                for item in plan.get(action) or []:
                    kept = copy_entry(item)
                    if kept is not None:
                        entry["plan"][action].append(kept)
        digest = result.get("plan_digest")
        if isinstance(digest, str) and digest:
            entry["digests"].append(digest)

    def add_unreachable(self, host, result, task_args):
        """An unreachable result: ``error``. One the collection's action plugin gave (the app's state could
        not be read or written) keeps its failure kind and plan; a host that could not be reached at all
        gives no plan, and is reported (kind ``unreachable``) when the task's app_id is a plain number."""
        result = dict(result or {}, unreachable=True)
        if isinstance(result.get("results"), list) and "plan" not in result:
            self.add(host, result, task_args)  # a loop: each item says whether it was unreachable
            return
        if result.get("app_id") is not None or isinstance(result.get("plan"), dict):
            result.setdefault("failure", "unreachable")
            result["status"] = "error"
            self.add(host, result, task_args, failed=True)
            return
        app = as_app_id(task_args.get("app_id")) if isinstance(task_args, dict) else None
        if app is not None:
            self._status(self._entry(app, host), "error", "unreachable")

    # -- views -------------------------------------------------------------------------------------
    def ordered(self):
        return [(app, self.apps[app]) for app in sorted(self.apps, key=sort_key)]

    def totals(self):
        return dict((action, sum(len(entry["plan"][action]) for entry in self.apps.values())) for action in PLAN_ACTIONS)

    def outcome(self):
        """The run's one field: the worst status of its apps (``converged`` for none)."""
        statuses = [entry["status"] for entry in self.apps.values()] or ["converged"]
        return max(statuses, key=STATUS_RANK.get)

    def rows(self):
        rows = [[str(app)] + [str(len(entry["plan"][action])) for action in PLAN_ACTIONS] + [status_text(entry)] for app, entry in self.ordered()]
        totals = self.totals()
        rows.append(["total"] + [str(totals[action]) for action in PLAN_ACTIONS] + [self.outcome()])
        return rows

    def as_dict(self):
        apps = {}
        for app, entry in self.ordered():
            digests = entry["digests"]
            apps[str(app)] = {
                "host": entry["host"],
                "status": entry["status"],
                "failure": entry["failure"],
                "changed": entry["changed"],
                "plan": entry["plan"],
                "plan_digest": digests[0] if len(digests) == 1 else (list(digests) if digests else None),
            }
        return {"outcome": self.outcome(), "apps": apps, "totals": self.totals()}

    def to_json(self):
        return json.dumps(self.as_dict(), indent=2, sort_keys=True) + "\n"

    def to_text(self):
        rows = [list(COLUMNS)] + self.rows()
        widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
        lines = []
        for number, row in enumerate(rows):
            # the app and status columns read left to right, the counts line up on the right
            cells = [cell.ljust(w) if i in (0, len(COLUMNS) - 1) else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))]
            lines.append("  ".join(cells).rstrip())
            if number == 0 or number == len(rows) - 2:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def to_markdown(self):
        lines = ["## Kochava postback plan", "", "Outcome: **%s**" % self.outcome(), ""]
        lines.append("| " + " | ".join(COLUMNS) + " |")
        lines.append("|---|" + "---:|" * len(PLAN_ACTIONS) + "---|")
        for number, row in enumerate(self.rows()):
            cells = [md_text(cell) for cell in row]
            if number == len(self.apps):
                cells = ["**%s**" % cell for cell in cells]
            lines.append("| " + " | ".join(cells) + " |")
        for app, entry in self.ordered():
            changing = [(action, item) for action in WRITE_ACTIONS for item in entry["plan"][action]]
            status = entry["status"]
            if not changing and status not in FAILED_STATUSES:
                continue
            lines.extend(["", "### App %s (%s)" % (md_text(str(app)), md_text(status_text(entry))), ""])
            if not changing:
                lines.append(EMPTY_LEADS.get(status, EMPTY_LEADS["error"]))
                continue
            if status in FAILED_STATUSES:
                lines.extend([FAILED_LEADS[status], ""])
            lines.append("| action | key | title | changed fields |")
            lines.append("|---|---|---|---|")
            for action, item in changing:
                fields = ", ".join(md_code(field) for field in sorted(item.get("changes") or {}))
                lines.append("| %s | %s | %s | %s |" % (action, md_code(key_text(item.get("key"))), md_text(item.get("title")), fields))
        return "\n".join(lines) + "\n"


EMPTY_LEADS = {
    "stale": "The plan now writes nothing, unlike the reviewed one; nothing was written.",
    "error": "The run failed before it planned any change; see the job's log.",
}
FAILED_LEADS = {
    "drift": "The app differs from its declaration; nothing was written. What differs:",
    "stale": "The plan is no longer the reviewed one; nothing was written. The plan now:",
    "error": "The run failed; see the job's log. What it had planned:",
}


def status_text(entry):
    """An app's status as the table shows it: ``error (unavailable)`` names the failure kind."""
    failure = entry.get("failure")
    return "%s (%s)" % (entry["status"], failure) if entry["status"] == "error" and failure else entry["status"]


def key_text(key):
    """A plan entry's key as the module's messages and diff write it: ``event/3373/Purchase``, ``install/3373``."""
    if not isinstance(key, dict):
        return ""
    return _key_text(tuple("" if key.get(field) is None else key.get(field) for field in ("template_id", "type", "filter_str")))


def md_text(value):
    """Text safe in a Markdown table cell: no line breaks, pipes and markup escaped."""
    text = "" if value is None else " ".join(str(value).split())
    for char in "\\`*_[]<>|":
        text = text.replace(char, "\\" + char)
    return text


def md_code(value):
    """Inline code safe in a table cell: the fence is longer than any run of backticks inside."""
    text = " ".join(str(value).split()).replace("|", "\\|")
    fence = "`"
    while fence in text:
        fence += "`"
    return "%s %s %s" % (fence, text, fence) if text.startswith("`") or text.endswith("`") else "%s%s%s" % (fence, text, fence)


def field(obj, public, private):
    """A TaskResult attribute by its ansible-core 2.19 name, else by the older private one."""
    value = getattr(obj, public, None)
    return value if value is not None else getattr(obj, private, None)


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "kochava.publisher.plan_report"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, display=None):
        super().__init__(display=display)
        self.report = PlanReport()

    @staticmethod
    def _is_kochava_triggers(task):
        for name in (getattr(task, "resolved_action", None), getattr(task, "action", None)):
            if name in MODULE_NAMES:
                return True
        return False

    def _read(self, result):
        task = field(result, "task", "_task")
        if task is None or not self._is_kochava_triggers(task):
            return None, None, None
        host = field(result, "host", "_host")
        data = field(result, "result", "_result")
        args = getattr(task, "args", None)
        return (host.get_name() if host is not None else "localhost"), (data if isinstance(data, dict) else {}), args

    def _collect(self, result, failed=False):
        host, data, args = self._read(result)
        if host is not None:
            self.report.add(host, data, args, failed=failed)

    def v2_runner_on_ok(self, result):
        self._collect(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._collect(result, failed=True)

    def v2_runner_on_unreachable(self, result):
        host, data, args = self._read(result)
        if host is not None:
            self.report.add_unreachable(host, data, args)

    # Loop items are read from the loop's final result (v2_runner_on_ok/failed), never here: counted once.

    def v2_playbook_on_stats(self, stats):
        if self.report.apps:
            self._display.display("KOCHAVA POSTBACK PLAN\n" + self.report.to_text())
        for path in self.get_option("report_path") or []:
            self._write(path)

    def _write(self, path):
        directory = os.path.dirname(path) or "."
        if not os.path.isdir(directory):
            self._display.warning("kochava.publisher.plan_report: not writing the report to %s: directory %s does not exist" % (path, directory))
            return
        text = self.report.to_markdown() if path.lower().endswith(".md") else self.report.to_json()
        try:
            with open(path, "w") as handle:
                handle.write(text)
        except OSError as exc:
            self._display.warning("kochava.publisher.plan_report: could not write the report to %s: %s" % (path, exc))
