#!/usr/bin/env python
"""Benchmark: the module at the client's edges (issue 23), each run in its own process.

Against tests/hostile's hostile proxy in front of the emulator, it runs
kochava_trigger_info once per case and prints the module process's peak
resident memory (its own VmHWM) and wall time, with the outcome:

- the gzip bomb (about 500 kB on the wire, 512 MB inflated) and a 20 MB body:
  peak memory, against the 16 MiB default of max_answer_bytes;
- a body and headers trickled at 1 byte/s: wall time, against ``timeout``
  (``--timeout``, 5 s) times the attempts (``--max-retries``, 1);
- a plain converged read, for the baseline.

It checks exact counts (the attempts each case made, in the proxy's log; no
write in the emulator's) and exits 1 when one is wrong; it never fails on a
time or a size: those are figures.

    make bench                                   # part of it
    python tests/benchmark/bench_edges.py --timeout 2 --cases bomb,trickle_body
"""

from __future__ import annotations

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path[:0] = [os.path.join(ROOT, "tests", "emulator"), os.path.join(ROOT, "tests", "hostile")]

from hostile_server import BIG_BYTES, BOMB_BYTES, HostileProxy, gzip_bomb  # noqa: E402
from module_process import run_module  # noqa: E402

from kochava_emulator import Emulator  # noqa: E402

SEED = os.path.join(ROOT, "tests", "playbooks", "seed.json")
APP = 87100
LIST = "/apps/%d/postbacks" % APP
CASES = {
    # name: (proxy mode or None, what the figure is, what the message says)
    "baseline": (None, "a converged read", None),
    "bomb": ("gzip_bomb", "gzip bomb, %d kB inflating to %d MB" % (len(gzip_bomb()) // 1000, BOMB_BYTES // 2**20), "larger than max_answer_bytes"),
    "big": ("big", "a %d MB body, no Content-Length" % (BIG_BYTES // 10**6), "larger than max_answer_bytes"),
    "trickle_body": ("trickle_body", "a body trickled at 1 byte/s", "no complete answer within"),
    "trickle_headers": ("trickle_headers", "headers trickled at 1 byte/s", "no complete answer within"),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--max-retries", type=int, default=1)
    parser.add_argument("--cases", default=",".join(CASES))
    options = parser.parse_args(argv)
    wrong = []
    attempts = options.max_retries + 1
    print("module process per case: peak RSS (its own VmHWM) and wall time; timeout %g s, max_retries %d" % (options.timeout, options.max_retries))
    with Emulator(seed=SEED) as emu, HostileProxy(emu.url) as proxy:
        for name in options.cases.split(","):
            mode, what, expected = CASES[name]
            proxy.rules.clear()
            proxy.log.clear()
            emu.reset()
            if mode:
                proxy.rule("GET", LIST, mode, times=None)
            args = {"app_id": APP, "api_url": proxy.url, "timeout": options.timeout, "max_retries": options.max_retries}
            run = run_module("kochava_trigger_info", args, {"KOCHAVA_API_KEY": emu.demo_key})
            result = run.result
            made = len(proxy.entries(mode)) if mode else len(proxy.log)
            outcome = "ok" if not result.get("failed") else result.get("msg", "")[:110]
            print("%-16s %-44s peak %6.1f MB  wall %6.2f s  attempts %d  %s" % (name, what, run.peak_rss_mb, run.seconds, made, outcome))
            if mode is None and (result.get("failed") or made != 1):
                wrong.append("%s: expected success in 1 call, got %d calls: %s" % (name, made, outcome))
            if mode is not None and (not result.get("failed") or expected not in result.get("msg", "") or made != attempts):
                wrong.append("%s: expected %d attempts failing with %r, got %d: %s" % (name, attempts, expected, made, outcome))
            if "Traceback" in run.stderr or result.get("traceback"):
                wrong.append("%s: a traceback" % name)
            if emu.writes():
                wrong.append("%s: writes %s" % (name, emu.writes()))
    print("cap 16 MiB (max_answer_bytes default); trickle bound about %d x %g s + backoff" % (attempts, options.timeout))
    if wrong:
        print("exact counts: WRONG\n  " + "\n  ".join(wrong))
        return 1
    print("exact counts: all as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
