"""Explicit scenarios kept from the stateful and soak suites (lost answers, double delivery, faults on a set).

Each pins one path the state machine reaches at random, so a regression shows
up by name in every run.
"""

from __future__ import annotations

import pytest
import soak

from kochava_emulator import Emulator

APP = soak.APP


@pytest.fixture(scope="module")
def server():
    with Emulator(seed=soak.SEED_FILE) as emu:
        yield emu


@pytest.fixture(params=["harsh", "lenient"])
def emu(server, request):
    server.reset()
    server.configure(profile=request.param)
    return server


ITEM = soak.make_item(3373, "install", 0, "Alpha", True, 0, 1)
EVENT = soak.make_item(2209, "event", 0, "Beta", None, 1, None)


def apply(emu, items, purge=False, single=False):
    emu.clear_log()
    return soak.apply(emu, emu.demo_key, items, purge, single=single)


def assert_converged(emu, before, items, purge=False, single=False):
    assert not soak.mismatches(before, emu.triggers(APP), items, purge)
    result, error, _client = apply(emu, items, purge, single)
    assert error is None and result["changed"] is False and not soak.writes(emu.log)


@pytest.mark.parametrize("single", [False, True])
def test_post_answer_lost_after_the_write_is_adopted(emu, single):
    emu.inject("POST", "/postbacks", apply_then_drop=True)
    result, error, client = apply(emu, [ITEM], single=single)
    assert error is None and result["changed"] is True
    assert len(emu.triggers(APP)) == 1 and [e["method"] for e in soak.writes(emu.log)] == ["POST"]
    assert client.retry.events == []  # found on the first re-read: no wait, no resend
    assert_converged(emu, [], [ITEM], single=single)


def test_post_delivered_twice_creates_one_trigger(emu):
    emu.inject("POST", "/postbacks", duplicate=True)
    result, error, _client = apply(emu, [ITEM, EVENT])
    assert error is None
    assert len(emu.triggers(APP)) == 2
    # the duplicate answer reads as another client's create: the engine adopts it
    assert_converged(emu, [], [ITEM, EVENT])


def test_canned_duplicate_without_a_trigger_fails_then_converges(emu):
    emu.inject("POST", "/postbacks", status=400, json={"success": False, "data": [], "errors": ["Duplicate install post-back"]})
    result, error, _client = apply(emu, [ITEM])
    assert result is None and "already exists" in str(error)
    assert emu.triggers(APP) == []
    emu.clear_faults()
    result, error, _client = apply(emu, [ITEM])
    assert error is None and result["changed"] is True
    assert_converged(emu, [], [ITEM])


def test_purge_under_a_dropped_delete_deletes_only_unlisted(emu):
    soak.plant(emu, ITEM)
    soak.plant(emu, soak.make_item(3373, "click", 0, "Alpha", False, 0, None))
    soak.plant(emu, soak.make_item(3373, "event", 1, "Beta", False, 0, None))
    before = emu.triggers(APP)
    emu.inject("DELETE", path_regex=".*", drop=True, times=3)  # max_retries=2: the first DELETE fails
    result, error, _client = apply(emu, [ITEM], purge=True)
    assert error is not None
    assert not soak.unrequested_deletions(before, emu.triggers(APP), [ITEM], True)
    emu.clear_faults()
    result, error, _client = apply(emu, [ITEM], purge=True)
    assert error is None
    assert_converged(emu, before, [ITEM], purge=True)


def test_timeout_on_patch_lands_late_and_converges(emu):
    soak.plant(emu, dict(ITEM, title="Beta"))
    before = emu.triggers(APP)
    emu.inject("PATCH", path_regex=".*", delay=soak.FAULT_DELAY)
    result, error, _client = apply(emu, [ITEM])
    assert error is None and result["changed"] is True
    assert_converged(emu, before, [ITEM])


def test_check_mode_under_faults_never_writes(emu):
    soak.plant(emu, dict(ITEM, title="Beta"))
    before = emu.triggers(APP)
    emu.inject("*", path_regex=".*", status=503, times=2)
    emu.clear_log()
    result, error, _client = soak.apply(emu, emu.demo_key, [ITEM, EVENT], True, check_mode=True)
    assert error is None and result["changed"] is True
    assert not soak.writes(emu.log) and emu.triggers(APP) == before
