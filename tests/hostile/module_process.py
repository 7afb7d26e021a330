"""Run one of the collection's modules in its own process, as Ansible runs it, and measure it.

``run_module("kochava_trigger_info", args, env)`` returns a ``Run``: the JSON
result, the peak resident memory of that process (``os.wait4``'s rusage: the
child alone, not the test process or its other children) and the wall time.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
MODULES = "ansible_collections.kochava.publisher.plugins.modules."
KILL_AFTER = 240.0  # a module still running then is killed (the test then fails on its result)


@dataclass
class Run:
    result: dict
    stdout: str
    stderr: str
    peak_rss_mb: float
    seconds: float


def run_module(name, args, env=None, timeout=KILL_AFTER):
    environment = dict(os.environ, PYTHONPATH=COLLECTIONS, **(env or {}))
    with tempfile.TemporaryDirectory() as scratch:
        argsfile, out, err = (os.path.join(scratch, n) for n in ("args.json", "stdout", "stderr"))
        with open(argsfile, "w") as handle:
            json.dump({"ANSIBLE_MODULE_ARGS": args}, handle)
        with open(out, "wb") as stdout, open(err, "wb") as stderr:
            started = time.monotonic()
            process = subprocess.Popen([sys.executable, "-m", MODULES + name, argsfile], stdout=stdout, stderr=stderr, env=environment, cwd=ROOT)
            killer = threading.Timer(timeout, os.kill, (process.pid, signal.SIGKILL))
            killer.start()
            try:
                dummy, status, rusage = os.wait4(process.pid, 0)
            finally:
                killer.cancel()
            seconds = time.monotonic() - started
            process.returncode = os.waitstatus_to_exitcode(status)
        with open(out, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        with open(err, encoding="utf-8", errors="replace") as handle:
            errors = handle.read()
    try:
        result = json.loads(text.strip().splitlines()[-1])
    except (ValueError, IndexError):
        result = {"failed": True, "msg": "no JSON result (exit %s)" % process.returncode, "traceback": errors[-2000:]}
    return Run(result, text, errors, rusage.ru_maxrss / 1024.0, seconds)  # ru_maxrss: kB on Linux
