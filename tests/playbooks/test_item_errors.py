"""Errors that name the place (issue 14): kochava_triggers' items are checked by
the module (_triggers/items.py) before any call, each error naming ``triggers[N]`` and
the field, every bad item in one message; through ansible-playbook against the
emulator, read from its request log (0 requests) and the whole output."""

from __future__ import annotations

from playbook_helpers import assert_clean_failure, calls

from ansible_collections.kochava.publisher.tests.constants import APP, TEMPLATE, URL

SET = "kochava.publisher.kochava_triggers"
SECRET = "partner-token-8c41f0"
BOOLEAN = "must be a boolean (true/false, yes/no, 1/0)"


def item(**extra):
    result = {"type": "install", "template_id": TEMPLATE, "title": "Install", "context": {"cpi_mostback_url": URL}}
    result.update(extra)
    return result


def event(name, **extra):
    return item(type="event", filter_str=name, title=name, **extra)


# (triggers, the exact message)
CASES = [
    ("install", "triggers must be a list of triggers (one dict of options per trigger), got a string"),
    ([item(), event("Purchase"), event("Refund", active="maybe")], "triggers[2].active %s, got 'maybe'" % BOOLEAN),
    ([item(template="Custom Postback"), event("Purchase")], "triggers[0]: template and template_id are mutually exclusive; give one"),
    (
        [item(active="maybe"), event("Purchase"), "install", event("Refund", template="Custom Postback", state="gone"), item(type="event", tilte="x")],
        "; ".join(
            [
                "triggers[0].active %s, got 'maybe'" % BOOLEAN,
                "triggers[2] must be a dict of a trigger's options (type, template_id, title, ...), got a string",
                "triggers[3].state must be one of present, absent; got 'gone'",
                "triggers[3]: template and template_id are mutually exclusive; give one",
                "triggers[4]: unknown option tilte; allowed: type, template_id, template, filter_str, title, active, context, purge_context, "
                "allow_unknown_context, state",
            ]
        ),
    ),
    ([item(), event("Purchase", template_id="a template")], "triggers[1].template_id must be an integer, got a string"),
    ([item(type="Install")], "triggers[0].type must be one of install, event, click; got 'Install'"),
    ([{"template_id": TEMPLATE, "title": "No type"}], "triggers[0].type is required (one of install, event, click)"),
]


def test_item_errors_name_the_item_and_the_field_before_any_request(runner, emu):
    # one ansible-playbook run, one set of items per loop item
    result = runner.run(SET, {"app_id": APP, "triggers": "{{ item }}"}, extra_task={"loop": [triggers for triggers, _message in CASES]})
    assert calls(emu) == []  # not one request, not even a read
    assert emu.triggers(APP) == []
    assert len(result["results"]) == len(CASES)
    for answer, (_triggers, message) in zip(result["results"], CASES):
        assert_clean_failure(answer)
        assert answer["msg"] == message
        assert answer["changed"] is False
        assert answer["plan"] == {"create": [], "update": [], "delete": [], "unchanged": []}


def test_a_bad_item_never_shows_a_hidden_value(runner, emu):
    secret_url = "%s?token=%s" % (URL, SECRET)
    triggers = [item(context={"cpi_mostback_url": secret_url}), event("Purchase", active="maybe", context={"cpi_mostback_url": secret_url})]
    result = runner.run(SET, {"app_id": APP, "triggers": triggers, "hidden_context_keys": ["cpi_mostback_url"]}, verbosity=4, diff=True)
    assert_clean_failure(result)
    assert result["msg"] == "triggers[1].active %s, got 'maybe'" % BOOLEAN
    assert calls(emu) == []
    output = runner.last.stdout + runner.last.stderr
    assert "triggers[1].active" in output
    assert SECRET not in output  # -vvvv echoes the task's arguments: masked


def test_a_good_set_still_converges_after_the_checks(runner, emu):
    triggers = [item(active="yes"), event("Purchase", template_id=str(TEMPLATE), active="no")]
    first = runner.run(SET, {"app_id": APP, "triggers": triggers})
    assert first["changed"] is True and not first.get("failed")
    assert sorted((t["type"], t.get("filter_str") or "", t["active"]) for t in emu.triggers(APP)) == [("event", "Purchase", False), ("install", "", True)]
    again = runner.run(SET, {"app_id": APP, "triggers": triggers})
    assert again["changed"] is False and not again.get("failed")
