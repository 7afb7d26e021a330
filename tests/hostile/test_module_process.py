"""module_process.run_module's peak memory is the module process's own.

A pytest worker runs many tests: some hold hundreds of MB in process, some start big children.
Neither may show in a module's figure. ``os.wait4``'s ``ru_maxrss`` did show the first one (Linux
keeps the maximum RSS across ``execve``, and subprocess starts the child with ``vfork``): in CI every
module process read 304.98 MB, the worker's own peak. Each case runs in a fresh Python process (the
"launcher") so that its 400 MB stay out of this worker.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from hostile_server import BIG_BYTES, HostileProxy
from module_process import run_module

from ansible_collections.kochava.publisher.tests.constants import APP, KEY, TEMPLATE, URL

HERE = os.path.dirname(os.path.abspath(__file__))
BIG_MB = 400
# Runs the module as run_module does, after what the config asks for, and prints the figures as JSON.
LAUNCHER = """
import json, os, subprocess, sys
config = json.loads(sys.argv[1])
sys.path.insert(0, config["here"])
import module_process
held = None
if config["big_child"]:
    subprocess.run([sys.executable, "-c", "b = b'x' * (%d << 20)" % config["big_mb"]], check=True)
if config["big_self"]:
    held = b"x" * (config["big_mb"] << 20)  # written, so resident: this process's peak, kept while the module runs
run = module_process.run_module("kochava_trigger_info", config["args"], config["env"])
# The old measurement, of the same run: the child's ru_maxrss from os.wait4.
argsfile = os.path.join(config["scratch"], "args.json")
with open(argsfile, "w") as handle:
    json.dump({"ANSIBLE_MODULE_ARGS": config["args"]}, handle)
env = dict(os.environ, PYTHONPATH=module_process.COLLECTIONS, **config["env"])
command = [sys.executable, "-m", module_process.MODULES + "kochava_trigger_info", argsfile]
child = subprocess.Popen(command, env=env, cwd=module_process.ROOT, stdout=subprocess.DEVNULL)
rusage = os.wait4(child.pid, 0)[2]
figures = {"peak": run.peak_rss_mb, "wait4": rusage.ru_maxrss / 1024.0}
print(json.dumps(dict(figures, failed=run.result.get("failed", False), triggers=len(run.result.get("triggers", [])))))
"""


def launch(emu, tmp_path, big_child=False, big_self=False):
    config = {
        "here": HERE,
        "scratch": str(tmp_path),
        "big_mb": BIG_MB,
        "big_child": big_child,
        "big_self": big_self,
        "args": {"app_id": APP, "api_url": emu.url, "timeout": 10.0},
        "env": {"KOCHAVA_API_KEY": KEY},
    }
    done = subprocess.run([sys.executable, "-c", LAUNCHER, json.dumps(config)], capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["failed"] is False and figures["triggers"] == 1, figures  # a real run: it read the trigger
    return figures


def test_the_peak_is_the_module_processs_own_not_the_test_processs_nor_an_earlier_childs(emu, tmp_path):
    emu.add_trigger(APP, type="install", template_id=TEMPLATE, title="Install", context={"cpi_mostback_url": URL})
    clean = launch(emu, tmp_path)
    after_big_child = launch(emu, tmp_path, big_child=True)
    in_big_process = launch(emu, tmp_path, big_self=True)
    # The trap is live: wait4's figure for the same module is the launcher's 400 MB.
    assert in_big_process["wait4"] >= BIG_MB, in_big_process
    assert clean["wait4"] < BIG_MB and after_big_child["wait4"] < BIG_MB, (clean, after_big_child)
    # run_module's figure is the module's own: the same, to a few MB, whatever ran or was held before.
    assert clean["peak"] < BIG_MB / 4, clean
    assert abs(after_big_child["peak"] - clean["peak"]) < 5, (clean, after_big_child)
    assert abs(in_big_process["peak"] - clean["peak"]) < 5, (clean, in_big_process)


def test_the_peak_grows_with_what_the_module_itself_holds(emu):
    """A 20 MB answer under a 64 MiB cap is read whole: the module's figure rises by at least its size."""
    args = {"app_id": APP, "timeout": 20.0, "max_retries": 0}
    with HostileProxy(emu.url) as proxy:
        small = run_module("kochava_trigger_info", dict(args, api_url=proxy.url), {"KOCHAVA_API_KEY": KEY})
        proxy.rule("GET", "/apps/%d/postbacks" % APP, "big_length")
        big = run_module("kochava_trigger_info", dict(args, api_url=proxy.url), {"KOCHAVA_API_KEY": KEY, "KOCHAVA_MAX_ANSWER_BYTES": str(64 * 2**20)})
    assert small.result.get("failed") is not True, small.result
    assert big.result.get("failed") is not True and big.result["triggers"] == [], big.result
    assert big.peak_rss_mb - small.peak_rss_mb >= BIG_BYTES / 2**20, (small.peak_rss_mb, big.peak_rss_mb)
