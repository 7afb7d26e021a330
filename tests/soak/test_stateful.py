"""Stateful property test of the set engine (``run_set``) and ``run_single`` against the emulator.

A Hypothesis state machine declares random sets of triggers for app 87100
from a small universe (2 templates, 3 types, 2 filters, 2 titles, 2 URLs, an
optional select value, active or not or unmanaged), so keys collide and
updates are common; applies them with or without purge, in normal or check
mode; lets another client create, edit or delete triggers behind the
engine's back; and arms faults on a random upcoming call of the next apply.
The checks (see ``TriggerMachine.check_apply``) run after every apply.

Profiles (env ``SOAK_PROFILE``): ``ci`` (default, ``make test``) and
``soak`` (``make soak``). ``STATEFUL_EXAMPLES`` overrides the number of
examples; ``STATEFUL_SEED`` replaces the fixed (derandomized) seed.
"""

from __future__ import annotations

import os

import pytest
import requests
import soak
from hypothesis import HealthCheck, seed, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, run_state_machine_as_test

from kochava_emulator import Emulator

APP = soak.APP

settings.register_profile(
    "ci",
    max_examples=200,
    stateful_step_count=6,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=list(HealthCheck),
)
settings.register_profile("soak", settings.get_profile("ci"), max_examples=2000, stateful_step_count=10)

PROFILE = os.environ.get("SOAK_PROFILE", "ci")
SETTINGS = settings(
    settings.get_profile(PROFILE),
    max_examples=int(os.environ.get("STATEFUL_EXAMPLES", settings.get_profile(PROFILE).max_examples)),
    derandomize="STATEFUL_SEED" not in os.environ,
)

_EMULATOR = None


def emulator():
    """One emulator for the whole module, reset by every example."""
    global _EMULATOR
    if _EMULATOR is None:
        _EMULATOR = Emulator(seed=soak.SEED_FILE)
        _EMULATOR.start()
    return _EMULATOR


@pytest.fixture(scope="module", autouse=True)
def _stop_emulator():
    yield
    global _EMULATOR
    if _EMULATOR is not None:
        _EMULATOR.stop()
        _EMULATOR = None


items = st.builds(
    soak.make_item,
    st.sampled_from(sorted(soak.TEMPLATES)),
    st.sampled_from(soak.TYPES),
    st.integers(0, len(soak.FILTERS) - 1),
    st.sampled_from(soak.TITLES),
    st.sampled_from(soak.ACTIVE),
    st.integers(0, len(soak.URLS) - 1),
    st.sampled_from((None, 0, 1)),
    st.sampled_from(("present", "present", "present", "absent")),
)
present_items = items.map(lambda item: dict(item, state="present"))
declarations = st.lists(items, max_size=4).map(soak.unique_items)


class TriggerMachine(RuleBasedStateMachine):
    """The app's triggers on the emulator, the engine applying declarations, faults and other clients."""

    def __init__(self):
        super().__init__()
        self.emu = emulator()
        self.emu.reset()
        self.key = self.emu.demo_key
        self.armed = []  # faults for the next apply: (kind, method, skip)

    @initialize(
        profile=st.sampled_from(("harsh", "lenient")),
        duplicate_status=st.sampled_from((400, 409)),
        page_size=st.sampled_from((2, 3, 50)),
        planted=st.lists(present_items, max_size=4),
    )
    def start(self, profile, duplicate_status, page_size, planted):
        self.emu.configure(profile=profile, duplicate_status=duplicate_status, page_size=page_size)
        for item in planted:
            soak.plant(self.emu, item)

    # -- the engine ----------------------------------------------------------------------
    @rule(declared=declarations, purge=st.booleans(), check_mode=st.booleans())
    def apply_set(self, declared, purge, check_mode):
        self.check_apply(declared, purge, check_mode, single=False)

    @rule(item=items, check_mode=st.booleans())
    def apply_single(self, item, check_mode):
        self.check_apply([item], False, check_mode, single=True)

    # -- another client, behind the engine's back --------------------------------------------
    @rule(item=present_items)
    def other_creates(self, item):
        soak.plant(self.emu, item)

    @precondition(lambda self: self.emu.triggers(APP))
    @rule(pick=st.integers(0, 20), title=st.sampled_from(soak.TITLES + ("Gamma",)), active=st.booleans(), url=st.sampled_from(soak.URLS))
    def other_edits(self, pick, title, active, url):
        triggers = self.emu.triggers(APP)
        trigger = triggers[pick % len(triggers)]
        url_key = soak.TEMPLATES[trigger["template_id"]][0]
        body = {"title": title, "active": active, "context": {url_key: url}}
        answer = requests.patch(self.emu.url + "/postbacks/%d" % trigger["id"], json=body, headers={"Authentication-Key": self.key}, timeout=10)
        assert answer.status_code == 200, answer.text

    @precondition(lambda self: self.emu.triggers(APP))
    @rule(pick=st.integers(0, 20))
    def other_deletes(self, pick):
        triggers = self.emu.triggers(APP)
        trigger = triggers[pick % len(triggers)]
        answer = requests.delete(self.emu.url + "/postbacks/%d" % trigger["id"], headers={"Authentication-Key": self.key}, timeout=10)
        assert answer.status_code == 200, answer.text

    # -- faults ------------------------------------------------------------------------------
    @rule(kind=st.sampled_from(soak.FAULT_KINDS), method=st.sampled_from(("*", "GET", "POST", "PATCH", "DELETE")), skip=st.integers(0, 6))
    def arm_fault(self, kind, method, skip):
        self.armed.append((kind, method, skip))

    def inject_armed(self):
        for kind, method, skip in self.armed:
            where = {"path_regex": ".*", "skip": skip}
            if kind == "5xx":
                self.emu.inject(method, status=503, **where)
            elif kind == "429":
                self.emu.inject(method, status=429, headers={"Retry-After": "1"}, **where)
            elif kind == "drop":
                self.emu.inject(method, drop=True, **where)
            elif kind == "timeout":
                self.emu.inject(method, delay=soak.FAULT_DELAY, **where)
            elif kind == "apply_then_drop":
                self.emu.inject(method, apply_then_drop=True, **where)
            elif kind == "duplicate":
                self.emu.inject(method, duplicate=True, **where)
            else:  # duplicate_answer: the duplicate error, canned (nothing was applied)
                status = self.emu.config()["duplicate_status"]
                text = "Duplicate install post-back" if status == 400 else "Duplicate post-back"
                self.emu.inject(method, status=status, json={"success": False, "data": [], "errors": [text]}, **where)
        self.armed = []

    # -- the checks ----------------------------------------------------------------------------
    def run(self, declared, purge, check_mode, single):
        self.emu.clear_log()
        result, error, client = soak.apply(self.emu, self.key, declared, purge, check_mode=check_mode, single=single)
        log = self.emu.log
        assert not soak.foreign_key_requests(log), "a request carried another key"
        assert not soak.leaked_key(self.key, error, client, result), "the key shows in a message"
        return result, error, log

    def check_apply(self, declared, purge, check_mode, single):
        before = self.emu.triggers(APP)
        faulty = bool(self.armed)
        self.inject_armed()
        result, error, log = self.run(declared, purge, check_mode, single)
        self.emu.clear_faults()
        after = self.emu.triggers(APP)
        assert not soak.duplicate_keys(after)
        assert not soak.unrequested_deletions(before, after, declared, purge), "deleted triggers the declaration did not ask to delete"
        if check_mode:
            assert not soak.writes(log), "check mode sent %s" % [(e["method"], e["path"]) for e in soak.writes(log)]
            assert after == before
            if error is None and not faulty:
                # check mode told the truth: a real apply changes exactly when it said so
                self.converge(before, declared, purge, single, expect_changed=result["changed"])
            return
        if error is None:
            assert not soak.mismatches(before, after, declared, purge), soak.mismatches(before, after, declared, purge)
            self.check_report(result, before, after, declared, single, log)
        elif faulty:
            # a failed apply is fine under faults; the next clean one converges
            self.converge(before, declared, purge, single)
            return
        else:
            raise AssertionError("apply without faults failed: %s" % error)
        result, error, log = self.run(declared, purge, False, single)
        assert error is None, error
        assert not soak.writes(log), "second apply sent %s" % [(e["method"], e["path"]) for e in soak.writes(log)]
        assert result["changed"] is False

    def check_report(self, result, before, after, declared, single, log):
        """The result says what the server holds, and ``changed`` says whether the run changed it."""
        if single:
            wanted = [t for t in after if soak.trigger_key(t) == soak.item_key(declared[0])]
            assert (result["trigger"] or {}).get("id") == (wanted[0]["id"] if wanted else None), (result["trigger"], wanted)
        else:
            assert sorted((t["id"], t["title"]) for t in result["triggers"]) == sorted((t["id"], t["title"]) for t in after), (result["triggers"], after)
        # a POST delivered twice answers "duplicate": the engine cannot tell it from another client's create
        twice = any(e["fault"] == "duplicate" and e["method"] == "POST" for e in log)
        if not twice:
            assert result["changed"] == (after != before), (result["changed"], before, after)

    def converge(self, before, declared, purge, single, expect_changed=None):
        result, error, log = self.run(declared, purge, False, single)
        assert error is None, "clean apply failed: %s" % error
        after = self.emu.triggers(APP)
        assert not soak.mismatches(before, after, declared, purge), soak.mismatches(before, after, declared, purge)
        if expect_changed is not None:
            assert result["changed"] == expect_changed == bool(soak.writes(log)), (result["changed"], expect_changed, soak.writes(log))
        result, error, log = self.run(declared, purge, False, single)
        assert error is None and not soak.writes(log) and result["changed"] is False

    @invariant()
    def one_trigger_per_key(self):
        assert not soak.duplicate_keys(self.emu.triggers(APP))


TriggerMachine.TestCase.settings = SETTINGS
if "STATEFUL_SEED" in os.environ:
    TriggerMachine = seed(int(os.environ["STATEFUL_SEED"]))(TriggerMachine)


def test_trigger_engine_state_machine():
    run_state_machine_as_test(TriggerMachine, settings=SETTINGS)
