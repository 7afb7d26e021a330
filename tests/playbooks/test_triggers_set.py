"""kochava_triggers (an app's whole set of triggers) through ansible-playbook
against the emulator, and the ``export`` of kochava_trigger_info it takes.

Issue #8's "Done when", one test each: convergence and the reads of a
converged run, purge, the max_deletes guard, check mode against the real
run, bad items, lost and duplicate answers, a failure part-way, the order of
writes, export round trips, hidden values and visible retries. Assertions
read the emulator's state and request log, never only the module's own
``changed``; where the two profiles could make the module behave
differently, a test runs against both (harsh default and lenient).
"""

from __future__ import annotations

import json
import re

import pytest
from playbook_helpers import assert_clean_failure, calls, writes

from ansible_collections.kochava.publisher.tests.constants import APP, KEY, SEED, TEMPLATE, URL

SET = "kochava.publisher.kochava_triggers"
SINGLE = "kochava.publisher.kochava_trigger"
INFO = "kochava.publisher.kochava_trigger_info"
MMDSP = 2209  # available to apps 87100 and 17 in the seed
LIST = ("GET", "/apps/%d/postbacks" % APP)
TEMPLATES = ("GET", "/apps/%d/postbacks/templates" % APP)
MASK = "********"
MASKED = re.compile(r"\*{8}~[0-9a-f]{4}")  # a hidden value as results show it: the mask and a fingerprint
EMPTY_LIST = {"success": True, "data": [], "errors": [], "warnings": [], "messages": [], "nextToken": None, "previousToken": None, "meta": None}
PROFILES = pytest.mark.parametrize("profile", ["harsh", "lenient"])


# -- helpers ----------------------------------------------------------------------------------
def url(name):
    return "%s/%s" % (URL, name)


def install_item(**extra):
    item = {
        "type": "install",
        "template_id": TEMPLATE,
        "title": "Install",
        "active": True,
        "context": {"cpi_mostback_url": url("install"), "deferred_for": 30000},
    }
    item.update(extra)
    return item


def event_item(name, **extra):
    item = {"type": "event", "template_id": TEMPLATE, "filter_str": name, "title": name, "context": {"cpi_mostback_url": url(name)}}
    item.update(extra)
    return item


def click_by_name(**extra):
    item = {"type": "click", "template": "Custom Postback", "title": "Click", "context": {"cpi_mostback_url": url("click")}}
    item.update(extra)
    return item


def mmdsp_event_by_name(name="Signup", **extra):
    item = {
        "type": "event",
        "template": "mmDSP",
        "filter_str": name,
        "title": "mmDSP " + name,
        "context": {"cpi_jumptap_mostback_url": url("mmdsp"), "cpi_jumptap_fingerprint_lookback_window": 30},
    }
    item.update(extra)
    return item


TEMPLATE_IDS = {"Custom Postback": TEMPLATE, "mmDSP": MMDSP}


def item_key(item):
    template_id = item["template_id"] if item.get("template_id") is not None else TEMPLATE_IDS[item["template"]]
    return (item["type"], template_id, item.get("filter_str") or "")


def trigger_key(trigger):
    return (trigger["type"], trigger["template_id"], trigger.get("filter_str") or "")


def by_key(triggers):
    keyed = {}
    for trigger in triggers:
        assert trigger_key(trigger) not in keyed, "duplicate trigger %r" % (trigger,)
        keyed[trigger_key(trigger)] = trigger
    return keyed


def seed(emu, app=APP, template_id=TEMPLATE, **fields):
    """Store a trigger directly (no request, no log entry)."""
    if "context" not in fields:
        key = "cpi_mostback_url" if template_id == TEMPLATE else "cpi_jumptap_mostback_url"
        fields["context"] = {key: url(fields.get("filter_str") or fields["type"])}
    fields.setdefault("title", fields.get("filter_str") or fields["type"])
    return emu.add_trigger(app, template_id=template_id, **fields)


def assert_holds(emu, items, app=APP):
    """Each item is in the emulator as declared (context compared as the API stores it: strings)."""
    stored = by_key(emu.triggers(app))
    for item in items:
        trigger = stored.get(item_key(item))
        assert trigger is not None, "missing %r in %r" % (item_key(item), sorted(stored))
        if "title" in item:
            assert trigger["title"] == item["title"], trigger
        if "active" in item:
            assert trigger["active"] is item["active"], trigger
        for key, value in (item.get("context") or {}).items():
            assert str(trigger["context"].get(key)) == str(value), (key, trigger)


def assert_ok(result):
    assert result.get("failed") is not True, result


def set_args(triggers, **extra):
    args = {"app_id": APP, "triggers": triggers}
    args.update(extra)
    return args


def list_calls(emu, app=APP):
    return [c for c in calls(emu) if c == ("GET", "/apps/%d/postbacks" % app)]


def plan_ids(result, kind):
    return sorted(entry["id"] for entry in result["plan"][kind])


def plan_without(plan, create_ids=True):
    """The plan minus what only the real run can know: ``applied``, and the ids of creates."""
    stripped = {"digest": plan.get("digest")}
    for kind in ("create", "update", "delete", "unchanged"):
        entries = plan[kind]
        stripped[kind] = []
        for entry in entries:
            entry = dict(entry)
            entry.pop("applied", None)
            if kind == "create" and create_ids:
                entry.pop("id", None)
            stripped[kind].append(entry)
    return stripped


with open(SEED) as _handle:
    DEFAULTS = dict(
        (template["id"], dict((m["input"]["id"], str(m["input"].get("default_value", ""))) for m in template["context_meta"]))
        for template in json.load(_handle)["templates"]
    )


def meaning(context, template_id):
    """A context as it reads: values as strings; empty values and template defaults count as unset."""
    defaults = DEFAULTS.get(template_id, {})
    meant = {}
    for key, value in (context or {}).items():
        text = "" if value is None else str(value)
        if text not in ("", defaults.get(key)):
            meant[key] = text
    return meant


def without_identity(triggers):
    """Triggers minus ``id`` and ``date_created``, their context by meaning: the API stores context
    values as strings, and whether it adds the template defaults is a profile reading."""
    stripped = []
    for trigger in triggers:
        trigger = dict((k, v) for k, v in trigger.items() if k not in ("id", "date_created"))
        trigger["context"] = meaning(trigger.get("context"), trigger.get("template_id"))
        stripped.append(trigger)
    return stripped


def diff_views(text):
    """kochava_triggers' diff text (``<key>  <field>: <JSON value>`` lines) back to ``{key: view}``."""
    views = {}
    for line in text.splitlines():
        label, rest = line.split("  ", 1)
        field, value = rest.split(": ", 1)
        view = views.setdefault(label, {})
        if field.startswith("context."):
            view.setdefault("context", {})[field[len("context.") :]] = json.loads(value)
        else:
            view[field] = json.loads(value)
    return views


def diff_by_meaning(diff):
    return dict(
        (side, dict((key, dict(view, context=meaning(view.get("context"), view.get("template_id")))) for key, view in diff_views(diff[side]).items()))
        for side in ("before", "after")
    )


# -- 1. convergence, and the reads of a converged run ----------------------------------------------
@PROFILES
def test_declared_set_converges_in_one_run_and_rerun_reads_each_page_once(runner, emu, profile):
    emu.configure(profile=profile, page_size=2)
    old = seed(emu, type="install", title="Old install", context={"cpi_mostback_url": url("old")})
    keep = [seed(emu, type="event", filter_str=name) for name in ("keep1", "keep2")]
    declared = [
        event_item("Purchase", context={"cpi_mostback_url": url("purchase"), "max_delivery_attempts": 1}),
        click_by_name(),
        mmdsp_event_by_name(),
        install_item(),
    ]

    result = runner.run(SET, set_args(declared))
    assert_ok(result)
    assert sorted(writes(emu)) == sorted([("PATCH", "/postbacks/%d" % old["id"])] + [("POST", "/postbacks")] * 3)
    assert_holds(emu, declared)
    assert len(emu.triggers(APP)) == 6
    for trigger in keep:  # not listed, no purge: left alone
        assert emu.trigger(trigger["id"]) == trigger
    assert result["changed"] is True
    assert [e["id"] for e in result["plan"]["update"]] == [old["id"]]
    assert sorted(e["id"] for e in result["plan"]["create"]) == sorted(t["id"] for t in emu.triggers(APP) if t["id"] != old["id"] and t not in keep)
    assert all(e["applied"] for kind in ("create", "update") for e in result["plan"][kind])
    assert result["plan"]["delete"] == [] and result["plan"]["unchanged"] == []

    # converged: no write, one list call per page (6 triggers, 2 a page), one templates call (names)
    emu.clear_log()
    again = runner.run(SET, set_args(declared))
    assert_ok(again)
    assert writes(emu) == []
    assert sorted(calls(emu)) == sorted([LIST] * 3 + [TEMPLATES])
    assert again["changed"] is False
    assert len(again["plan"]["unchanged"]) == 4 and not again["plan"]["create"] + again["plan"]["update"] + again["plan"]["delete"]

    # the same set by template_id only: the list pages and nothing else
    by_id = []
    for item in declared:
        item = dict(item)
        if "template" in item:
            item["template_id"] = TEMPLATE_IDS[item.pop("template")]
        by_id.append(item)
    emu.clear_log()
    quiet = runner.run(SET, set_args(by_id))
    assert_ok(quiet)
    assert calls(emu) == [LIST] * 3
    assert quiet["changed"] is False


# -- 2. purge ---------------------------------------------------------------------------------------
@PROFILES
def test_purge_deletes_exactly_the_unlisted_triggers(runner, emu, profile):
    emu.configure(profile=profile)
    listed = [seed(emu, type="install", title="Install"), seed(emu, type="event", filter_str="Purchase")]
    unlisted = [seed(emu, type="event", filter_str="Old"), seed(emu, type="click"), seed(emu, type="event", template_id=MMDSP, filter_str="Legacy")]
    other_app = seed(emu, app=17, type="install", template_id=MMDSP)
    items = [
        {"type": "install", "template_id": TEMPLATE, "title": "Install", "context": {"cpi_mostback_url": url("install")}},
        {"type": "event", "template_id": TEMPLATE, "filter_str": "Purchase", "title": "Purchase", "context": {"cpi_mostback_url": url("Purchase")}},
    ]

    result = runner.run(SET, set_args(items, purge=True))
    assert_ok(result)
    assert sorted(writes(emu)) == sorted(("DELETE", "/postbacks/%d" % t["id"]) for t in unlisted)
    assert emu.triggers(APP) == [emu.trigger(t["id"]) for t in listed]
    for trigger in listed:
        assert emu.trigger(trigger["id"]) == trigger  # untouched
    assert emu.triggers(17) == [other_app]
    assert plan_ids(result, "delete") == sorted(t["id"] for t in unlisted)
    assert all(e["applied"] for e in result["plan"]["delete"])
    assert plan_ids(result, "unchanged") == sorted(t["id"] for t in listed)
    assert result["changed"] is True


# -- 3. max_deletes ------------------------------------------------------------------------------------
def assert_names_each(message, triggers):
    assert "Would delete:" in message, message
    segments = message.split("Would delete:", 1)[1].split(";")
    for trigger in triggers:
        mine = [s for s in segments if re.search(r"\bid %d\b" % trigger["id"], s)]
        assert len(mine) == 1, (trigger["id"], message)
        for value in (trigger["type"], str(trigger["template_id"]), trigger.get("filter_str") or "", trigger["title"]):
            assert value in mine[0], (value, mine[0])


def test_max_deletes_guard_writes_nothing_fires_in_check_mode_and_minus_one_lifts_it(runner, emu):
    doomed = [seed(emu, type="event", filter_str="ev%d" % i, title="Event %d" % i) for i in range(4)]
    doomed.append(seed(emu, type="click", template_id=MMDSP, title="mmDSP click"))
    absent = seed(emu, type="install", title="Install to remove")
    doomed.append(absent)
    kept = seed(emu, type="event", filter_str="Keep")
    items = [
        {"type": "event", "template_id": TEMPLATE, "filter_str": "Keep"},
        {"type": "install", "template_id": TEMPLATE, "state": "absent"},
    ]
    before = emu.triggers(APP)

    for check in (False, True):
        emu.clear_log()
        result = runner.run(SET, set_args(items, purge=True), check=check)
        assert_clean_failure(result, "max_deletes", "6")
        assert_names_each(result["msg"], doomed)
        assert writes(emu) == [], check
        assert emu.triggers(APP) == before
        assert result["changed"] is False

    emu.clear_log()
    lifted = runner.run(SET, set_args(items, purge=True, max_deletes=-1))
    assert_ok(lifted)
    assert sorted(writes(emu)) == sorted(("DELETE", "/postbacks/%d" % t["id"]) for t in doomed)
    assert emu.triggers(APP) == [kept]
    assert plan_ids(lifted, "delete") == sorted(t["id"] for t in doomed)


# -- 4. check mode tells the truth -------------------------------------------------------------------
@PROFILES
def test_check_mode_writes_nothing_and_predicts_the_real_run(runner, emu, profile):
    emu.configure(profile=profile)
    seed(emu, type="install", title="Old install", context={"cpi_mostback_url": url("install")})
    seed(emu, type="event", filter_str="Same", title="Same")
    seed(emu, type="event", filter_str="Gone")
    items = [
        install_item(title="Install v2", context={"cpi_mostback_url": url("install"), "max_delivery_attempts": 1}),
        event_item("Same"),
        click_by_name(active=True),
        mmdsp_event_by_name("New"),
    ]
    before = emu.triggers(APP)

    predicted = runner.run(SET, set_args(items, purge=True, return_triggers=True), check=True, diff=True)
    assert_ok(predicted)
    assert writes(emu) == []
    assert emu.triggers(APP) == before
    assert predicted["changed"] is True
    assert all(e["applied"] is False for kind in ("create", "update", "delete", "unchanged") for e in predicted["plan"][kind])
    assert predicted["plan"]["digest"] == predicted["plan_digest"]
    assert [e["id"] for e in predicted["plan"]["create"]] == [None, None]
    assert [t["id"] for t in predicted["triggers"]].count(None) == 2

    real = runner.run(SET, set_args(items, purge=True, return_triggers=True), diff=True)
    assert_ok(real)
    assert [(len(real["plan"][k]), len(predicted["plan"][k])) for k in ("create", "update", "delete", "unchanged")] == [(2, 2), (1, 1), (1, 1), (1, 1)]
    assert plan_without(predicted["plan"]) == plan_without(real["plan"])
    assert real["plan_digest"] == predicted["plan_digest"]  # the same writes, one digest
    assert all(e["applied"] for k in ("create", "update", "delete") for e in real["plan"][k])
    assert without_identity(predicted["triggers"]) == without_identity(real["triggers"])
    assert diff_by_meaning(predicted["diff"]) == diff_by_meaning(real["diff"])
    # and the real run's result is what the emulator holds
    stored = emu.triggers(APP)
    assert sorted(t["id"] for t in real["triggers"]) == sorted(t["id"] for t in stored)
    assert_holds(emu, items)


# -- 5. a bad item anywhere: nothing written ------------------------------------------------------------
BAD_SETS = [
    # (the items, the index of the bad item, fragments of the message)
    ([install_item(), event_item("Purchase"), event_item("Purchase", title="Again")], 2, ["triggers[1]", "same key"]),
    (
        [install_item(), {"type": "event", "template_id": TEMPLATE, "title": "No name", "context": {"cpi_mostback_url": URL}}, click_by_name()],
        1,
        ["filter_str"],
    ),
    ([install_item(), event_item("Purchase"), click_by_name(template="No Such Template")], 2, ["No Such Template"]),
    (
        [event_item("Purchase"), click_by_name(), mmdsp_event_by_name(), install_item(context={"deferred_for": 12})],
        3,
        ["context.deferred_for", "0, 30000, 60000"],
    ),
    ([install_item(), event_item("Purchase", context={"cpi_mostback_url": MASK}), click_by_name()], 1, ["context.cpi_mostback_url", "placeholder"]),
    ([install_item(), event_item("Purchase"), click_by_name(context={"cpi_mostback_url": URL, "deferd_for": 0})], 2, ["deferd_for", "allow_unknown_context"]),
]


def test_a_bad_item_anywhere_means_no_write_and_names_the_item(runner, emu):
    # one install exists (so the sets would also update it); one ansible-playbook run, one set per loop item
    seed(emu, type="install", title="Old install")
    before = emu.triggers(APP)
    sets = [items for items, _index, _fragments in BAD_SETS]
    result = runner.run(SET, {"app_id": APP, "triggers": "{{ item }}"}, extra_task={"loop": sets})
    assert writes(emu) == []
    assert emu.triggers(APP) == before
    assert len(result["results"]) == len(BAD_SETS)
    for answer, (_items, index, fragments) in zip(result["results"], BAD_SETS):
        assert_clean_failure(answer, "triggers[%d]" % index, *fragments)
        assert answer["changed"] is False


# -- 6. lost and duplicate answers, a failure part-way ------------------------------------------------
def posts(emu):
    return [e for e in emu.log if e["method"] == "POST"]


@PROFILES
def test_lost_post_answer_in_the_middle_leaves_no_duplicate(runner, emu, profile):
    emu.configure(profile=profile)
    items = [event_item("First"), event_item("Second"), event_item("Third")]
    emu.inject("POST", "/postbacks", delay=0)  # the 1st POST goes through
    emu.inject("POST", "/postbacks", apply_then_drop=True)  # the 2nd is applied, its answer lost
    result = runner.run(SET, set_args(items))
    assert_ok(result)
    assert [e["fault"] for e in posts(emu)] == ["delay", "apply_then_drop", None]
    assert len(emu.triggers(APP)) == 3
    assert_holds(emu, items)
    assert result["changed"] is True
    assert plan_ids(result, "create") == sorted(t["id"] for t in emu.triggers(APP))
    assert all(e["applied"] for e in result["plan"]["create"])


@pytest.mark.parametrize("status", [400, 409])
def test_duplicate_answer_in_the_middle_is_adopted(runner, emu, status):
    emu.set_duplicate_status(status)
    existing = seed(emu, type="event", filter_str="Dup", title="Made elsewhere")
    emu.inject("GET", "/apps/%d/postbacks" % APP, status=200, json=EMPTY_LIST)  # the run's first listing misses it
    items = [event_item("First"), event_item("Dup", title="Adopted"), event_item("Third")]
    result = runner.run(SET, set_args(items))
    assert_ok(result)
    answers = [(e["status"], (e["response"] or {}).get("errors")) for e in posts(emu)]
    assert len(answers) == 3 and answers[1][0] == status and "Duplicate" in answers[1][1][0], answers
    stored = by_key(emu.triggers(APP))
    assert len(stored) == 3
    assert stored[("event", TEMPLATE, "Dup")]["id"] == existing["id"]
    assert_holds(emu, items)  # converged after adoption (the title)
    adopted = [e for e in result["plan"]["create"] if e.get("adopted")]
    assert [e["id"] for e in adopted] == [existing["id"]]


@PROFILES
def test_failure_part_way_stops_the_run_and_says_what_was_applied(runner, emu, profile):
    emu.configure(profile=profile)
    old = seed(emu, type="install", title="Old install")
    gone = seed(emu, type="event", filter_str="Gone")
    items = [event_item("A"), install_item(), event_item("B"), event_item("C")]
    emu.inject("POST", "/postbacks", delay=0)  # the 1st POST goes through
    emu.inject("POST", "/postbacks", status=400, json={"success": False, "data": [], "errors": ["Something is wrong with this post-back"]})

    result = runner.run(SET, set_args(items, purge=True))
    assert_clean_failure(result)
    assert result["changed"] is True
    plan = result["plan"]
    assert [(e["id"], e["applied"]) for e in plan["update"]] == [(old["id"], True)]
    assert [(e["key"]["filter_str"], e["applied"]) for e in plan["create"]] == [("A", True), ("B", False), ("C", False)]
    assert [(e["id"], e["applied"]) for e in plan["delete"]] == [(gone["id"], False)]
    # the emulator holds exactly what `applied` says
    stored = by_key(emu.triggers(APP))
    assert sorted(stored) == sorted([("install", TEMPLATE, ""), ("event", TEMPLATE, "A"), ("event", TEMPLATE, "Gone")])
    assert stored[("install", TEMPLATE, "")]["title"] == "Install"
    assert plan["create"][0]["id"] == stored[("event", TEMPLATE, "A")]["id"]
    assert writes(emu) == [("PATCH", "/postbacks/%d" % old["id"]), ("POST", "/postbacks"), ("POST", "/postbacks")]

    emu.clear_log()
    again = runner.run(SET, set_args(items, purge=True))
    assert_ok(again)
    assert writes(emu) == [("POST", "/postbacks"), ("POST", "/postbacks"), ("DELETE", "/postbacks/%d" % gone["id"])]
    assert sorted(by_key(emu.triggers(APP))) == sorted(item_key(i) for i in items)
    assert_holds(emu, items)


# -- 7. order of writes --------------------------------------------------------------------------------
def test_writes_go_updates_then_creates_then_deletes(runner, emu):
    gone = [seed(emu, type="event", filter_str="Gone1"), seed(emu, type="event", filter_str="Gone2")]
    old = [seed(emu, type="install", title="Old install"), seed(emu, type="event", filter_str="Purchase", title="Old purchase")]
    # listed creates first, updates last: the order of the list is not the order of writes
    items = [click_by_name(), event_item("New"), install_item(), event_item("Purchase")]
    result = runner.run(SET, set_args(items, purge=True))
    assert_ok(result)
    methods = [m for m, _path in writes(emu)]
    assert methods == ["PATCH", "PATCH", "POST", "POST", "DELETE", "DELETE"], writes(emu)
    assert sorted(p for m, p in writes(emu) if m == "PATCH") == sorted("/postbacks/%d" % t["id"] for t in old)
    assert sorted(p for m, p in writes(emu) if m == "DELETE") == sorted("/postbacks/%d" % t["id"] for t in gone)
    assert sorted(by_key(emu.triggers(APP))) == sorted(item_key(i) for i in items)


# -- 8. export round trips -----------------------------------------------------------------------------
APP_B, APP_C = 87101, 87102


@PROFILES
def test_export_round_trips(runner, emu, profile):
    emu.configure(profile=profile)
    for app in (APP_B, APP_C):
        emu.add_app(app, template_ids=[TEMPLATE, MMDSP])
    seed(emu, type="install", title="Install", active=True, context={"cpi_mostback_url": url("install"), "deferred_for": 30000})
    seed(emu, type="event", filter_str="Purchase", context={"cpi_mostback_url": url("purchase"), "max_delivery_attempts": 1, "cpi_custom_note": "n"})
    seed(
        emu,
        type="click",
        template_id=MMDSP,
        title="mmDSP click",
        context={"cpi_jumptap_mostback_url": url("mmdsp"), "cpi_jumptap_fingerprint_lookback_window": 30},
    )
    seed(emu, type="event", template_id=MMDSP, filter_str="Signup", active=True)
    # C already holds one of A's keys with other values, and one trigger A does not have
    seed(emu, app=APP_C, type="install", title="C's install", context={"cpi_mostback_url": url("c")})
    only_in_c = seed(emu, app=APP_C, type="event", filter_str="OnlyInC")
    a_before = emu.triggers(APP)

    exported = runner.run(INFO, {"app_id": APP})
    assert_ok(exported)
    export = exported["export"]
    assert len(export) == 4

    # one run, three tasks: back to A (nothing to do), to empty B, to C with purge
    targets = [{"app": APP, "purge": False}, {"app": APP_B, "purge": False}, {"app": APP_C, "purge": True}]
    emu.clear_log()
    applied = runner.run(SET, {"app_id": "{{ item.app }}", "purge": "{{ item.purge }}", "triggers": export}, extra_task={"loop": targets})
    for answer in applied["results"]:
        assert_ok(answer)
    assert [e for e in emu.writes() if e["app_id"] == APP] == []
    assert emu.triggers(APP) == a_before
    assert applied["results"][0]["changed"] is False
    assert [(m, p) for m, p in writes(emu) if m == "DELETE"] == [("DELETE", "/postbacks/%d" % only_in_c["id"])]
    assert sorted(by_key(emu.triggers(APP_C))) == sorted(by_key(a_before))
    assert sorted(by_key(emu.triggers(APP_B))) == sorted(by_key(a_before))

    reexported = runner.run(INFO, {"app_id": "{{ item }}"}, extra_task={"loop": [APP_B, APP_C]})
    for answer in reexported["results"]:
        assert_ok(answer)
        assert answer["export"] == export, answer["item"]


# -- 9. hidden values ------------------------------------------------------------------------------------
TOKENS = ["tok-A1b2C3d4E5", "tok-F6g7H8i9J0", "tok-K1l2M3n4O5"]


def secret_url(index):
    return "%s/install?token=%s" % (URL, TOKENS[index])


def assert_no_token(runner, result):
    for text in (runner.last.stdout, runner.last.stderr, json.dumps(result)):
        for token in TOKENS:
            assert token not in text
    assert "task under test" in runner.last.stdout


@PROFILES
def test_hidden_values_never_shown_by_kochava_triggers(runner, emu, profile):
    emu.configure(profile=profile)
    hidden = ["cpi_mostback_url"]
    created = runner.run(
        SET, set_args([install_item(context={"cpi_mostback_url": secret_url(0)})], hidden_context_keys=hidden, return_triggers=True), verbosity=4, diff=True
    )
    assert_ok(created)
    assert_no_token(runner, created)
    assert emu.triggers(APP)[0]["context"]["cpi_mostback_url"] == secret_url(0)  # written for real
    assert MASKED.fullmatch(created["triggers"][0]["context"]["cpi_mostback_url"])  # the mask and its fingerprint
    assert MASKED.fullmatch(diff_views(created["diff"]["after"])["install/%d" % TEMPLATE]["context"]["cpi_mostback_url"])

    updated = runner.run(SET, set_args([install_item(context={"cpi_mostback_url": secret_url(1)})], hidden_context_keys=hidden), verbosity=4, diff=True)
    assert_ok(updated)
    assert_no_token(runner, updated)
    assert emu.triggers(APP)[0]["context"]["cpi_mostback_url"] == secret_url(1)
    [changes] = [e["changes"] for e in updated["plan"]["update"]]
    assert list(changes) == ["context.cpi_mostback_url"]
    old, new = changes["context.cpi_mostback_url"]
    assert MASKED.fullmatch(old) and MASKED.fullmatch(new) and old != new  # a hidden change is visible as a change
    assert [e["method"] for e in emu.writes()][-1] == "PATCH"


def test_hidden_values_never_shown_by_kochava_trigger_and_info(runner, emu):
    hidden = ["cpi_mostback_url"]
    trigger = seed(emu, type="install", title="Install", context={"cpi_mostback_url": secret_url(0)})
    single = {"app_id": APP, "type": "install", "template_id": TEMPLATE, "context": {"cpi_mostback_url": secret_url(2)}, "hidden_context_keys": hidden}
    result = runner.run(SINGLE, single, verbosity=4, diff=True)
    assert_ok(result)
    assert_no_token(runner, result)
    assert writes(emu) == [("PATCH", "/postbacks/%d" % trigger["id"])]
    assert emu.trigger(trigger["id"])["context"]["cpi_mostback_url"] == secret_url(2)
    assert MASKED.fullmatch(result["trigger"]["context"]["cpi_mostback_url"])

    info = runner.run(INFO, {"app_id": APP, "hidden_context_keys": hidden}, verbosity=4, diff=True)
    assert_ok(info)
    assert_no_token(runner, info)
    assert MASKED.fullmatch(info["triggers"][0]["context"]["cpi_mostback_url"])
    assert MASKED.fullmatch(info["export"][0]["context"]["cpi_mostback_url"])


# -- 10. retries are visible -------------------------------------------------------------------------------
def test_a_retried_read_is_one_warning(runner, emu):
    seed(emu, type="event", filter_str="Purchase")
    emu.inject("GET", "/apps/%d/postbacks" % APP, status=503, json={"success": False, "data": [], "errors": ["busy " + KEY]}, headers={"Retry-After": "0"})
    result = runner.run(SET, set_args([{"type": "event", "template_id": TEMPLATE, "filter_str": "Purchase", "title": "Purchase"}]))
    assert_ok(result)
    assert calls(emu) == [LIST, LIST]
    assert [e["status"] for e in emu.log] == [503, 200]
    assert writes(emu) == []
    warnings = result.get("warnings", [])
    retried = [w for w in warnings if "GET /apps/%d/postbacks" % APP in w]
    assert len(retried) == 1, warnings
    assert "503" in retried[0]
    assert KEY not in json.dumps(result) and KEY not in runner.last.stdout + runner.last.stderr
