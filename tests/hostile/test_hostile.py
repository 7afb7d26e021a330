"""Issue 23: the client at its edges, against a hostile server on 127.0.0.1 (``hostile_server.HostileProxy``
in front of the emulator), each module run in its own process (``module_process.run_module``).

Each case asserts the bound (the module process's peak memory; its wall time only where a hang is
the bug, as a generous upper bound), the message, the requests in the logs, and that nothing was
duplicated or lost. The figures themselves are printed by tests/benchmark/bench_edges.py.
"""

from __future__ import annotations

import fcntl
import json
import os
import stat
import time

import pytest
from hostile_server import BIG_BYTES, BOMB_BYTES, TRICKLE_LIMIT, HostileProxy, gzip_bomb
from module_process import run_module

from ansible_collections.kochava.publisher.plugins.module_utils._api.pacing import LOCK_WAIT, pace_file
from ansible_collections.kochava.publisher.plugins.module_utils._api.transport import DEFAULT_MAX_ANSWER_BYTES
from ansible_collections.kochava.publisher.tests.constants import APP, KEY, TEMPLATE, URL

LIST = "/apps/%d/postbacks" % APP
INSTALL = {"app_id": APP, "type": "install", "template_id": TEMPLATE, "title": "Install", "context": {"cpi_mostback_url": URL}}
EVENT = {"type": "event", "template_id": TEMPLATE, "filter_str": "Purchase", "title": "Purchase", "context": {"cpi_mostback_url": URL}}
CAP_MB = DEFAULT_MAX_ANSWER_BYTES / 2**20
# What the module process may hold beyond the cap: Python, ansible-core, requests (about 35 MB here),
# the capped body and a copy of it. The unbounded client held the whole answer: 512 MB for the bomb.
PEAK_BOUND_MB = CAP_MB * 2 + 100
TIMEOUT = 2.0
SLOW_READ = 20.0  # the timeout of the cap cases: reading 16 MiB must not race the deadline on a busy machine


@pytest.fixture
def proxy(emu):
    gzip_bomb()  # built before the timed runs
    with HostileProxy(emu.url) as server:
        yield server


def env(extra=None):
    return dict({"KOCHAVA_API_KEY": KEY}, **(extra or {}))


def args(proxy, **extra):
    return dict({"app_id": APP, "api_url": proxy.url, "timeout": TIMEOUT, "max_retries": 1}, **extra)


def failed_cleanly(run, *fragments):
    result = run.result
    assert result.get("failed") is True, result
    assert "traceback" not in result and "Traceback" not in run.stderr, run.stderr[-2000:]
    for fragment in fragments:
        assert fragment in result["msg"], result["msg"]
    return result


def warned(result, fragment):
    texts = [w if isinstance(w, str) else json.dumps(w) for w in result.get("warnings") or []]
    return any(fragment in text for text in texts)


# ------------------------------------------------------------------ bounded answers


@pytest.mark.parametrize("mode", ["gzip_bomb", "big", "big_length"])
def test_an_answer_over_the_cap_is_an_error_naming_it_and_memory_stays_near_the_cap(emu, proxy, mode):
    """A 500 kB gzip body inflating to 512 MB, a 20 MB body until close, a 20 MB Content-Length: read up to 16 MiB, never whole."""
    proxy.rule("GET", LIST, mode, times=None)
    run = run_module("kochava_trigger_info", args(proxy, timeout=SLOW_READ), env())
    failed_cleanly(run, "GET %s failed after 2 attempts" % LIST, "the answer is larger than max_answer_bytes (%d bytes)" % DEFAULT_MAX_ANSWER_BYTES)
    assert warned(run.result, "retried once after the answer is larger than max_answer_bytes")  # retried like a lost answer on a read
    assert len(proxy.entries(mode)) == 2
    assert run.peak_rss_mb < PEAK_BOUND_MB, "peak %.0f MB (the answer: %d MB)" % (run.peak_rss_mb, max(BOMB_BYTES, BIG_BYTES) // 10**6)
    assert emu.writes() == []


def test_max_answer_bytes_from_the_environment_is_the_cap(emu, proxy):
    proxy.rule("GET", LIST, "gzip_bomb")
    run = run_module("kochava_trigger_info", args(proxy, max_retries=0, timeout=SLOW_READ), env({"KOCHAVA_MAX_ANSWER_BYTES": "1048576"}))
    failed_cleanly(run, "GET %s failed after 1 attempt" % LIST, "larger than max_answer_bytes (1048576 bytes)")
    assert run.peak_rss_mb < PEAK_BOUND_MB


def test_an_oversized_answer_to_a_post_is_an_unknown_outcome_re_read_before_any_resend(emu, proxy):
    """The POST landed, its answer is 20 MB: the module re-reads, finds the trigger and adopts it; no second POST."""
    proxy.rule("POST", "/postbacks", "big", forward=True)
    run = run_module("kochava_trigger", dict(INSTALL, api_url=proxy.url, timeout=SLOW_READ), env())
    assert run.result.get("failed") is not True, run.result
    assert run.result["changed"] is True
    assert warned(run.result, "the outcome was unknown") and warned(run.result, "adopted it")
    assert [e["method"] for e in emu.writes()] == ["POST"]
    assert [t["title"] for t in emu.triggers(APP)] == ["Install"]
    assert run.peak_rss_mb < PEAK_BOUND_MB


# ------------------------------------------------------------------ a deadline per exchange


@pytest.mark.parametrize("mode", ["trickle_body", "trickle_headers"])
def test_a_trickling_server_ends_each_attempt_within_the_timeout(emu, proxy, mode):
    """1 byte a second, of the body or of the headers: each attempt ends at ``timeout``, not when the server stops."""
    proxy.rule("GET", LIST, mode, times=None)
    run = run_module("kochava_trigger_info", args(proxy), env())
    failed_cleanly(run, "GET %s failed after 2 attempts" % LIST, "no complete answer within 2 s")
    assert len(proxy.entries(mode)) == 2
    # two attempts of 2 s, one backoff of at most 1 s, and the module's start; the trickle itself goes on for 60 s
    assert run.seconds < 3 * (2 * TIMEOUT + 1) + 10 < TRICKLE_LIMIT, run.seconds
    assert emu.writes() == []


def test_a_trickled_answer_to_a_post_is_an_unknown_outcome(emu, proxy):
    """The POST landed, its answer trickles: after the deadline the module re-reads and adopts; one POST in all."""
    proxy.rule("POST", "/postbacks", "trickle_body", forward=True)
    run = run_module("kochava_trigger", dict(INSTALL, api_url=proxy.url, timeout=TIMEOUT), env())
    assert run.result.get("failed") is not True, run.result
    assert run.result["changed"] is True and warned(run.result, "no complete answer within 2 s")
    assert [e["method"] for e in emu.writes()] == ["POST"] and len(emu.triggers(APP)) == 1
    assert run.seconds < 3 * TIMEOUT + 10 < TRICKLE_LIMIT


# ------------------------------------------------------------------ no answer makes a traceback


def test_100000_nested_brackets_on_a_read_are_a_clear_error(emu, proxy):
    proxy.rule("GET", LIST, "nested")
    run = run_module("kochava_trigger_info", args(proxy), env())
    failed_cleanly(run, "GET %s answered HTTP 200 with a body that is not JSON that can be read (nested too deeply)" % LIST)
    assert len(proxy.entries("nested")) == 1 and emu.writes() == []


def test_100000_nested_brackets_answering_a_post_that_landed_adopt_the_trigger(emu, proxy):
    proxy.rule("POST", "/postbacks", "nested", forward=True)
    run = run_module("kochava_trigger", dict(INSTALL, api_url=proxy.url), env())
    assert run.result.get("failed") is not True, run.result
    assert run.result["changed"] is True and warned(run.result, "nested too deeply")
    assert [e["method"] for e in emu.writes()] == ["POST"]
    assert [t["title"] for t in emu.triggers(APP)] == ["Install"]  # one trigger: nothing duplicated


def test_100000_nested_brackets_answering_a_post_that_did_not_land_fail_with_changed_and_the_plan(emu, proxy):
    """max_retries 0: no resend. The write may have landed (the module cannot know): changed true, and the plan of what was sent."""
    proxy.rule("POST", "/postbacks", "nested")
    run = run_module("kochava_triggers", {"app_id": APP, "api_url": proxy.url, "max_retries": 0, "triggers": [EVENT]}, env())
    result = failed_cleanly(run, "could not confirm that trigger", "nested too deeply")
    assert result["changed"] is True
    assert [(entry["values"]["title"], entry["applied"]) for entry in result["plan"]["create"]] == [("Purchase", False)]
    assert emu.triggers(APP) == [] and emu.writes() == []  # the proxy kept the POST from the emulator
    assert [e["method"] for e in proxy.log].count("POST") == 1


def test_a_post_whose_answer_did_not_land_is_resent_once_after_the_re_read(emu, proxy):
    proxy.rule("POST", "/postbacks", "nested")  # the first POST only; the resend reaches the emulator
    run = run_module("kochava_triggers", {"app_id": APP, "api_url": proxy.url, "max_retries": 1, "triggers": [EVENT]}, env())
    assert run.result.get("failed") is not True and run.result["changed"] is True, run.result
    assert [e["method"] for e in emu.writes()] == ["POST"]
    assert [t["title"] for t in emu.triggers(APP)] == ["Purchase"]
    methods = [e["method"] for e in proxy.log]
    assert methods.count("POST") == 2 and methods.index("GET", methods.index("POST")) < len(methods) - 1  # re-read before the resend


def test_a_patch_answered_with_nested_brackets_is_an_unknown_outcome_with_changed(emu, proxy):
    emu.add_trigger(APP, type="install", template_id=TEMPLATE, title="Install", context={"cpi_mostback_url": URL})
    proxy.rule("PATCH", "/postbacks/.*", "nested", forward=True)
    run = run_module("kochava_trigger", dict(INSTALL, title="Renamed", api_url=proxy.url), env())
    result = failed_cleanly(run, "PATCH /postbacks/", "the outcome is unknown")
    assert result["changed"] is True
    assert [e["method"] for e in emu.writes()] == ["PATCH"] and [t["title"] for t in emu.triggers(APP)] == ["Renamed"]


def test_a_reset_in_the_middle_of_the_body_reads_as_a_lost_connection(emu, proxy):
    proxy.rule("GET", LIST, "reset", times=None)
    run = run_module("kochava_trigger_info", args(proxy), env())
    failed_cleanly(run, "GET %s failed after 2 attempts" % LIST, "connection lost in the middle of the answer")
    assert len(proxy.entries("reset")) == 2


# ------------------------------------------------------------------ strict connection options


@pytest.mark.parametrize(
    "url, fragment",
    [
        ("http://kochava-user:s3cr3t-pass@{host}", "api_url must not carry a user name or password"),
        ("https://kochava-user:s3cr3t-pass@api.kochava.com", "api_url must not carry a user name or password"),
        ("http://{host}/v1?x=1", 'api_url must not have a query ("?..."): the API paths are appended to it'),
        ("http://{host}/#frag", 'api_url must not have a fragment ("#..."): the API paths are appended to it'),
        ("http://api.kochava.com", "api_url must be https:// (plain http:// would send the API key in clear text"),
        ("http://10.0.0.1:8080", "api_url must be https://"),
    ],
)
def test_api_url_is_checked_before_any_call(emu, proxy, url, fragment):
    url = url.format(host=proxy.url[len("http://") :])
    run = run_module("kochava_trigger", dict(INSTALL, api_url=url), env())
    failed_cleanly(run, fragment)
    assert proxy.log == [] and emu.log == []
    assert "s3cr3t-pass" not in run.stdout and "s3cr3t-pass" not in run.stderr  # the echoed invocation included
    if "@" in url:
        assert run.result["invocation"]["module_args"]["api_url"] != url


def test_api_url_with_user_info_from_the_environment_is_masked_too(emu, proxy):
    url = "http://kochava-user:s3cr3t-pass@" + proxy.url[len("http://") :]
    run = run_module("kochava_trigger_info", {"app_id": APP}, env({"KOCHAVA_API_URL": url}))
    failed_cleanly(run, "api_url must not carry a user name or password")
    assert "s3cr3t-pass" not in run.stdout and proxy.log == []


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_plain_http_is_allowed_for_a_loopback_host(emu, proxy, host):
    run = run_module("kochava_trigger_info", args(proxy, api_url=proxy.url.replace("127.0.0.1", host)), env())
    assert run.result.get("failed") is not True, run.result
    assert [e["path"] for e in proxy.log] == [LIST]


@pytest.mark.parametrize("app_id", [True, 0, -5])
def test_app_id_must_be_a_positive_integer(emu, proxy, app_id):
    run = run_module("kochava_trigger", dict(INSTALL, app_id=app_id, api_url=proxy.url), env())
    failed_cleanly(run, "app_id must be a positive integer (the id of a Kochava app), got %r" % app_id)
    assert proxy.log == [] and emu.log == []


def test_an_app_the_key_cannot_see_is_named(emu, proxy):
    run = run_module("kochava_trigger_info", args(proxy, app_id=999999), env())
    failed_cleanly(run, "the key cannot see app 999999: no such app, or not authorized")
    assert emu.writes() == []


# ------------------------------------------------------------------ a hostile pacing file


def paced(proxy, tmp_path, module="kochava_trigger_info", **extra):
    """A paced run whose temp directory (TMPDIR) is ``tmp_path``; the pacing file it uses."""
    run = run_module(module, args(proxy, max_requests_per_second=1, **extra), env({"TMPDIR": str(tmp_path)}))
    return run


def pace_path(proxy, tmp_path):
    return pace_file(KEY, proxy.url, str(tmp_path))


def test_a_slot_stored_far_ahead_is_stale(emu, proxy, tmp_path):
    path = pace_path(proxy, tmp_path)
    with open(path, "w") as handle:
        handle.write("%.6f\n" % (time.time() + 3500))
    os.chmod(path, 0o600)
    run = paced(proxy, tmp_path)
    assert run.result.get("failed") is not True, run.result
    assert run.seconds < 30, run.seconds  # it would have slept 3,500 s
    with open(path) as handle:
        assert float(handle.read()) < time.time() + 1 + 1  # one interval ahead at most
    assert [e["path"] for e in proxy.log] == [LIST]


def test_a_held_lock_is_waited_for_a_while_then_pacing_is_skipped_with_a_warning(emu, proxy, tmp_path):
    path = pace_path(proxy, tmp_path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another process holding it for ever
        run = paced(proxy, tmp_path)
    finally:
        os.close(fd)
    assert run.result.get("failed") is not True, run.result
    assert warned(run.result, "requests of this task are not paced: cannot use %s (its lock was held by another process for more than 5 s)" % path)
    assert LOCK_WAIT <= run.seconds < LOCK_WAIT + 30
    assert [e["path"] for e in proxy.log] == [LIST]  # the request went, unpaced


def test_a_pacing_file_made_world_writable_is_made_private_again(emu, proxy, tmp_path):
    path = pace_path(proxy, tmp_path)
    with open(path, "w") as handle:
        handle.write("0\n")
    os.chmod(path, 0o666)
    run = paced(proxy, tmp_path)
    assert run.result.get("failed") is not True and not warned(run.result, "not paced"), run.result
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_a_symbolic_link_at_the_pacing_path_is_refused(emu, proxy, tmp_path):
    path = pace_path(proxy, tmp_path)
    target = tmp_path / "target"
    target.write_text("keep\n")
    os.symlink(str(target), path)
    run = paced(proxy, tmp_path)
    assert run.result.get("failed") is not True, run.result
    assert warned(run.result, "cannot use %s (it is a symbolic link)" % path)
    assert target.read_text() == "keep\n" and os.path.islink(path)
    assert [e["path"] for e in proxy.log] == [LIST]


def test_a_new_pacing_file_is_private_and_named_by_an_hmac(emu, proxy, tmp_path):
    run = paced(proxy, tmp_path)
    assert run.result.get("failed") is not True, run.result
    (name,) = os.listdir(str(tmp_path))
    assert os.path.join(str(tmp_path), name) == pace_path(proxy, tmp_path) and KEY not in name
    assert stat.S_IMODE(os.stat(pace_path(proxy, tmp_path)).st_mode) == 0o600
