"""The shared rate limit (``--rate``/``--burst``), extra apps (``--app``) and ``serve``'s export lines.

The bucket's tests drive it with an injected clock, so every count is exact;
the real-clock tests use a rate so low (one token per 100 s) that no token
comes back while they run, and check statuses only.
"""

from __future__ import annotations

import json
import os
import select
import shlex
import signal
import subprocess
import sys

import pytest
import requests

from kochava_emulator import DEFAULT_KEY, DEMO_SEED, Emulator, RateLimiter
from kochava_emulator.ratelimit import LIMITED_MESSAGE

KEY = "demo-key-0000"  # demo seed: apps 87100 and 17
APP17_KEY = "app17-only-key-1111"  # demo seed: app 17 only
APP = 87100
DEMO_TEMPLATE_IDS = [3373, 2209, 2602]  # app 87100's, in the demo seed
URL = "https://example.com/ingest"
EMULATOR_DIR = os.path.dirname(os.path.abspath(__file__))
SLOW = 0.01  # requests per second: no token comes back within a test


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="module")
def server():
    with Emulator(seed=DEMO_SEED) as emu:
        yield emu


@pytest.fixture
def emu(server):
    server.reset(seed=DEMO_SEED)
    return server


@pytest.fixture
def clock():
    return Clock()


def call(emu, method, path, key=KEY, **kwargs):
    headers = {"Authentication-Key": key} if key else {}
    kwargs.setdefault("timeout", 5)
    return requests.request(method, emu.url + path, headers=headers, **kwargs)


def install_body(app_id=APP, **overrides):
    body = {"app_id": app_id, "type": "install", "title": "Install", "template_id": 3373, "context": {"cpi_mostback_url": URL}}
    body.update(overrides)
    return body


# == the token bucket ================================================================================
def test_bucket_serves_a_burst_then_refuses_then_refills(clock):
    bucket = RateLimiter(2, burst=3, clock=clock)
    assert [bucket.take() for dummy in range(4)] == [None, None, None, 1]
    clock.advance(0.5)  # one token at 2 a second
    assert [bucket.take(), bucket.take()] == [None, 1]
    clock.advance(60)  # never more than the burst
    assert bucket.tokens == 3
    assert [bucket.take() for dummy in range(4)] == [None, None, None, 1]


def test_retry_after_is_the_whole_seconds_until_a_token(clock):
    bucket = RateLimiter(0.25, burst=1, clock=clock)  # a token every 4 s
    assert bucket.take() is None
    assert bucket.take() == 4
    clock.advance(1)
    assert bucket.take() == 3
    clock.advance(2.5)
    assert bucket.take() == 1  # 0.5 s to go: at least 1
    clock.advance(0.5)
    assert bucket.take() is None


def test_a_refused_request_takes_no_token(clock):
    bucket = RateLimiter(1, burst=1, clock=clock)
    assert bucket.take() is None
    assert [bucket.take() for dummy in range(5)] == [1] * 5
    clock.advance(1)
    assert bucket.take() is None


@pytest.mark.parametrize(("rate", "burst"), [(5, 5), (2.9, 2), (0.5, 1), (1, 1)])
def test_default_burst_is_one_seconds_worth(rate, burst):
    assert RateLimiter(rate).burst == burst


@pytest.mark.parametrize("rate", [0, -1, 0.0, True, float("nan"), float("inf"), "5", None])
def test_bad_rates_are_refused(rate):
    with pytest.raises(ValueError, match="rate must be a positive number"):
        RateLimiter(rate)


@pytest.mark.parametrize("burst", [0, -2, 1.5, True, "3"])
def test_bad_bursts_are_refused(burst):
    with pytest.raises(ValueError, match="burst must be an integer of at least 1"):
        RateLimiter(1, burst=burst)


# == the rate limit in the emulator (injected clock) ========================================================
def test_burst_succeeds_then_429_with_retry_after_and_the_envelope(emu, clock):
    assert emu.rate_limit(2, burst=3, clock=clock) == {"rate": 2.0, "burst": 3, "served": 0, "limited": 0}
    answers = [call(emu, "GET", f"/apps/{APP}/postbacks") for dummy in range(4)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    limited = answers[-1]
    assert limited.headers["Retry-After"] == "1"
    assert limited.headers["Content-Type"] == "application/json"
    assert limited.json() == {
        "success": False,
        "meta": None,
        "nextToken": None,
        "previousToken": None,
        "errors": [LIMITED_MESSAGE],
        "warnings": [],
        "messages": [],
        "data": [],
    }
    assert emu.rate_config() == {"rate": 2.0, "burst": 3, "served": 3, "limited": 1}
    clock.advance(0.5)
    assert [call(emu, "GET", f"/apps/{APP}/postbacks").status_code for dummy in range(2)] == [200, 429]
    assert emu.rate_config()["served"] == 4 and emu.rate_config()["limited"] == 2


def test_429s_are_in_the_request_log(emu, clock):
    emu.rate_limit(1, burst=1, clock=clock)
    call(emu, "GET", f"/apps/{APP}/postbacks")
    call(emu, "POST", "/postbacks", json=install_body())
    entries = emu.log
    assert [(e["method"], e["status"], e["rate_limited"], e["fault"]) for e in entries] == [("GET", 200, False, None), ("POST", 429, True, None)]
    assert entries[1]["app_id"] == APP  # a limited POST's app: from its body
    assert entries[1]["response"]["errors"] == [LIMITED_MESSAGE]
    assert [e["status"] for e in emu.writes()] == [429]
    control_log = requests.get(emu.url + "/_emulator/log", timeout=5).json()["log"]
    assert [e["rate_limited"] for e in control_log] == [False, True]


def test_a_limited_write_is_not_applied_and_takes_no_fault(emu, clock):
    emu.rate_limit(1, burst=1, clock=clock)
    call(emu, "GET", f"/apps/{APP}/postbacks")
    emu.inject("*", path_regex=".*", status=503)
    assert call(emu, "POST", "/postbacks", json=install_body()).status_code == 429
    assert emu.triggers(APP) == [] and len(emu.faults()) == 1
    clock.advance(1)
    assert call(emu, "POST", "/postbacks", json=install_body()).status_code == 503  # the fault, now
    clock.advance(1)
    assert call(emu, "POST", "/postbacks", json=install_body()).status_code == 201


def test_one_bucket_for_every_app_and_key(emu, clock):
    emu.rate_limit(1, burst=4, clock=clock)
    statuses = [
        call(emu, "GET", f"/apps/{APP}/postbacks").status_code,
        call(emu, "GET", "/apps/17/postbacks", key=APP17_KEY).status_code,
        call(emu, "GET", "/apps/17/postbacks", key=None).status_code,  # 401 is served too
        call(emu, "GET", "/nowhere").status_code,
        call(emu, "GET", "/apps/17/postbacks", key=APP17_KEY).status_code,
    ]
    assert statuses == [200, 200, 401, 404, 429]
    assert emu.rate_config()["served"] == 4 and emu.rate_config()["limited"] == 1


def test_control_requests_are_never_limited(emu, clock):
    emu.rate_limit(1, burst=1, clock=clock)
    call(emu, "GET", f"/apps/{APP}/postbacks")
    for path in ("/state", "/log", "/rate", "/config"):
        assert requests.get(emu.url + "/_emulator" + path, timeout=5).status_code == 200
    assert call(emu, "GET", f"/apps/{APP}/postbacks").status_code == 429


def test_served_is_counted_without_a_limit_and_off_stops_limiting(emu, clock):
    call(emu, "GET", f"/apps/{APP}/postbacks")
    assert emu.rate_config() == {"rate": None, "burst": None, "served": 1, "limited": 0}
    emu.rate_limit(1, burst=1, clock=clock)
    assert [call(emu, "GET", f"/apps/{APP}/postbacks").status_code for dummy in range(2)] == [200, 429]
    assert emu.rate_limit(None) == {"rate": None, "burst": None, "served": 0, "limited": 0}  # counters restart
    assert [call(emu, "GET", f"/apps/{APP}/postbacks").status_code for dummy in range(3)] == [200] * 3


def test_reset_turns_a_run_time_limit_off(emu, clock):
    emu.rate_limit(1, burst=1, clock=clock)
    call(emu, "GET", f"/apps/{APP}/postbacks")
    emu.reset()
    assert emu.rate_config() == {"rate": None, "burst": None, "served": 0, "limited": 0}
    assert call(emu, "GET", f"/apps/{APP}/postbacks").status_code == 200


def test_rate_limit_checks_its_arguments(emu):
    for rate, burst in [(0, None), (-1, None), (1, 0), (None, 3), (True, None)]:
        with pytest.raises(ValueError):
            emu.rate_limit(rate, burst)
    assert emu.rate_config()["rate"] is None
    with pytest.raises(ValueError, match="burst needs a rate"):
        Emulator(burst=2)
    with pytest.raises(ValueError, match="rate must be"):
        Emulator(rate=0)


def test_control_rate_sets_and_clears_the_limit(emu):
    base = emu.url + "/_emulator/rate"
    assert requests.get(base, timeout=5).json() == {"rate": None, "burst": None, "served": 0, "limited": 0}
    assert requests.post(base, json={"rate": SLOW, "burst": 2}, timeout=5).json() == {"rate": SLOW, "burst": 2, "served": 0, "limited": 0}
    assert [call(emu, "GET", f"/apps/{APP}/postbacks").status_code for dummy in range(3)] == [200, 200, 429]
    assert requests.get(base, timeout=5).json() == {"rate": SLOW, "burst": 2, "served": 2, "limited": 1}
    for bad in ({"rate": 0}, {"rate": -2}, {"rate": 1, "burst": 0}, {"burst": 2}, {"rate": "fast"}, {"rate": 1, "clock": 0}):
        answer = requests.post(base, json=bad, timeout=5)
        assert answer.status_code == 400 and "error" in answer.json(), bad
    assert emu.rate_config()["rate"] == SLOW  # a refused setting changes nothing
    assert requests.post(base, json={"rate": None}, timeout=5).json()["rate"] is None
    assert call(emu, "GET", f"/apps/{APP}/postbacks").status_code == 200


def test_real_clock_statuses_only():
    with Emulator(seed=DEMO_SEED, rate=SLOW, burst=2) as emu:
        assert [call(emu, "GET", f"/apps/{APP}/postbacks").status_code for dummy in range(3)] == [200, 200, 429]
        emu.reset()  # the constructor's limit outlives a reset, with a full bucket
        assert emu.rate_config() == {"rate": SLOW, "burst": 2, "served": 0, "limited": 0}
        assert [call(emu, "GET", f"/apps/{APP}/postbacks").status_code for dummy in range(3)] == [200, 200, 429]


# == extra apps =======================================================================================
def template_ids(emu, app_id, key=KEY):
    answer = call(emu, "GET", f"/apps/{app_id}/postbacks/templates", key=key)
    assert answer.status_code == 200, answer.text
    return [t["id"] for t in answer.json()["data"]]


def test_extra_apps_get_the_seeds_first_apps_templates():
    with Emulator(seed=DEMO_SEED, apps=[87200, 87300, APP]) as emu:
        assert list(emu.state.snapshot()["apps"]) == ["87100", "17", "87200", "87300"]  # 87100 once
        assert template_ids(emu, 87200) == DEMO_TEMPLATE_IDS and template_ids(emu, 87300) == DEMO_TEMPLATE_IDS
        assert call(emu, "GET", "/apps/87200/postbacks").json()["data"] == []
        created = call(emu, "POST", "/postbacks", json=install_body(87300))
        assert created.status_code == 201 and created.json()["data"][0]["app_id"] == 87300
        assert [t["app_id"] for t in emu.triggers(87300)] == [87300] and emu.triggers(87200) == []
        assert call(emu, "GET", "/apps/87200/postbacks", key=APP17_KEY).status_code == 403  # only the demo key gains the apps
        emu.reset()
        assert template_ids(emu, 87200) == DEMO_TEMPLATE_IDS and emu.triggers(87300) == []  # they outlive a reset
        seed = {"demo_key": "k", "templates": [{"id": 9, "name": "T", "context_meta": []}], "apps": {"5": {"template_ids": [9]}}}
        emu.reset(seed=seed)
        assert template_ids(emu, 87200, key="k") == [9]  # the new seed's first app's


def test_without_a_seed_extra_apps_get_the_demo_templates():
    with Emulator(apps=[5]) as emu:
        emu.add_key("k", None)
        assert template_ids(emu, 5, key="k") == DEMO_TEMPLATE_IDS


def test_serve_app_at_run_time(emu):
    assert emu.serve_app(87400) == {"app_id": 87400, "template_ids": DEMO_TEMPLATE_IDS, "created": True}
    assert template_ids(emu, 87400) == DEMO_TEMPLATE_IDS
    assert emu.serve_app(17) == {"app_id": 17, "template_ids": [2209, 2602], "created": False}  # left as it is
    assert emu.serve_app(87500, [3373])["template_ids"] == [3373]
    with pytest.raises(ValueError):
        emu.serve_app(87600, [404])
    with pytest.raises(ValueError):
        emu.serve_app(0)
    emu.reset()
    assert "87400" not in emu.state.snapshot()["apps"]


def test_control_apps_adds_an_app(emu):
    base = emu.url + "/_emulator/apps"
    added = requests.post(base, json={"app_id": 87400}, timeout=5)
    assert added.status_code == 201 and added.json() == {"app_id": 87400, "template_ids": DEMO_TEMPLATE_IDS, "created": True}
    again = requests.post(base, json={"app_id": 87400, "template_ids": [3373]}, timeout=5)
    assert again.status_code == 200 and again.json()["created"] is False and again.json()["template_ids"] == DEMO_TEMPLATE_IDS
    assert requests.post(base, json={"app_id": 87500, "template_ids": [2209]}, timeout=5).status_code == 201
    assert template_ids(emu, 87400) == DEMO_TEMPLATE_IDS and template_ids(emu, 87500) == [2209]
    assert call(emu, "POST", "/postbacks", json=install_body(87400)).status_code == 201
    bad_bodies = [{}, {"app_id": 0}, {"app_id": "x"}, {"app_id": True}, {"app_id": 1, "template_ids": [404]}]
    for bad in [*bad_bodies, {"app_id": 1, "template_ids": "3373"}, {"app_id": 1, "x": 1}]:
        answer = requests.post(base, json=bad, timeout=5)
        assert answer.status_code == 400 and "error" in answer.json(), bad
    assert "1" not in emu.state.snapshot()["apps"]
    assert not [e for e in emu.log if e["path"].startswith("/_emulator")]  # control requests are not logged


# == the command line ==================================================================================
def _cli(*args):
    return [sys.executable, "-m", "kochava_emulator", *args], dict(os.environ, PYTHONPATH=EMULATOR_DIR)


def _read_lines(process, count):
    # serve writes its lines in one flushed write (one pipe write, atomic): wait once, then read them
    # (a select before each line would miss the lines already in the file object's buffer)
    assert select.select([process.stdout], [], [], 30)[0], "nothing on stdout within 30 s"
    return [process.stdout.readline().rstrip("\n") for _line in range(count)]


def _exports(lines):
    exported = {}
    for line in lines:
        assert line.startswith("export "), line
        name, value = line[len("export ") :].split("=", 1)
        exported[name] = shlex.split(value)[0]
    return exported


@pytest.fixture
def serve():
    processes = []

    def start(*args):
        cmd, env = _cli("serve", "--port", "0", "--quiet", *args)
        process = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        processes.append(process)
        return process

    yield start
    for process in processes:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_serve_prints_the_url_then_export_lines(serve):
    process = serve("--seed", "demo", "--app", "87200", "--app", "87300", "--app", str(APP))
    url, *exports = _read_lines(process, 3)
    assert url.startswith("http://127.0.0.1:") and not url.endswith(":0")
    env = _exports(exports)
    assert env == {"KOCHAVA_API_URL": url, "KOCHAVA_API_KEY": KEY}
    headers = {"Authentication-Key": env["KOCHAVA_API_KEY"]}
    for app_id in (87200, 87300, APP):
        answer = requests.get(f"{env['KOCHAVA_API_URL']}/apps/{app_id}/postbacks/templates", headers=headers, timeout=5)
        assert answer.status_code == 200 and [t["id"] for t in answer.json()["data"]] == DEMO_TEMPLATE_IDS
    created = requests.post(env["KOCHAVA_API_URL"] + "/postbacks", headers=headers, json=install_body(87300), timeout=5)
    assert created.status_code == 201
    apps = requests.get(url + "/_emulator/state", timeout=5).json()["apps"]
    assert list(apps) == ["87100", "17", "87200", "87300"]


def test_serve_without_a_seed_prints_the_default_key(serve):
    process = serve("--app", "5")
    env = _exports(_read_lines(process, 3)[1:])
    assert env["KOCHAVA_API_KEY"] == DEFAULT_KEY
    answer = requests.get(env["KOCHAVA_API_URL"] + "/apps/5/postbacks/templates", headers={"Authentication-Key": DEFAULT_KEY}, timeout=5)
    assert answer.status_code == 200 and [t["id"] for t in answer.json()["data"]] == DEMO_TEMPLATE_IDS


def test_serve_rate_limits(serve):
    process = serve("--seed", "demo", "--rate", str(SLOW), "--burst", "2")
    url = _read_lines(process, 3)[0]
    answers = [requests.get(f"{url}/apps/{APP}/postbacks", headers={"Authentication-Key": KEY}, timeout=5) for dummy in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert int(answers[-1].headers["Retry-After"]) >= 1
    assert requests.get(url + "/_emulator/rate", timeout=5).json() == {"rate": SLOW, "burst": 2, "served": 2, "limited": 1}


CHECK = (
    "import os, requests\n"
    "headers = {'Authentication-Key': os.environ['KOCHAVA_API_KEY']}\n"
    "print(requests.get(os.environ['KOCHAVA_API_URL'] + '/apps/87200/postbacks', headers=headers, timeout=5).status_code)\n"
)


def test_the_export_lines_work_in_a_shell(tmp_path):
    # what the README and the user guide show: serve in the background, wait for the lines, eval them
    cmd, env = _cli()
    env_file = tmp_path / "emulator.env"
    script = f"""
set -eu
{shlex.join(cmd)} serve --port 0 --seed demo --app 87200 --quiet > {shlex.quote(str(env_file))} &
pid=$!
trap 'kill $pid; wait $pid' EXIT
for i in $(seq 300); do grep -q '^export KOCHAVA_API_KEY=' {shlex.quote(str(env_file))} && break; sleep 0.1; done
eval "$(grep '^export ' {shlex.quote(str(env_file))})"
{shlex.quote(sys.executable)} -c {shlex.quote(CHECK)}
"""
    result = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert (result.returncode, result.stdout.strip()) == (0, "200"), result.stderr


def test_run_passes_apps_and_the_rate_on(tmp_path):
    script = (
        "import os, sys, requests\n"
        "url, key = os.environ['KOCHAVA_API_URL'], os.environ['KOCHAVA_API_KEY']\n"
        "codes = [requests.get(url + '/apps/87200/postbacks', headers={'Authentication-Key': key}, timeout=5).status_code for _ in range(2)]\n"
        "sys.exit(5 if codes == [200, 429] else 1)\n"
    )
    log_file = tmp_path / "log.json"
    cmd, env = _cli("run", "--app", "87200", "--rate", str(SLOW), "--burst", "1", "--log-file", str(log_file), "--", sys.executable, "-c", script)
    env.pop("KOCHAVA_API_KEY", None)
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 5, result.stderr
    assert [(e["status"], e["rate_limited"]) for e in json.loads(log_file.read_text())] == [(200, False), (429, True)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rate", "0"], "argument --rate: must be a positive number"),
        (["--rate", "-3"], "argument --rate: must be a positive number"),
        (["--rate", "fast"], "argument --rate: must be a positive number"),
        (["--rate", "1", "--burst", "0"], "argument --burst: must be a positive integer"),
        (["--burst", "2"], "--burst needs --rate"),
        (["--app", "0"], "argument --app: must be a positive integer"),
    ],
)
@pytest.mark.parametrize("command", ["serve", "run"])
def test_cli_refuses_bad_rates_bursts_and_apps(command, args, message):
    cmd, env = _cli(command, *args, *(["--", "true"] if command == "run" else ["--port", "0"]))
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2 and message in result.stderr, result.stderr
