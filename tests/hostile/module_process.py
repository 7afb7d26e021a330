"""Run one of the collection's modules in its own process, as Ansible runs it, and measure it.

``run_module("kochava_trigger_info", args, env)`` returns a ``Run``: the JSON
result, the peak resident memory of that process and the wall time.

The peak is the module process's own ``VmHWM`` (``/proc/self/status``), which the
process writes to a file at exit (``LAUNCH``). Not ``os.wait4``'s ``ru_maxrss``:
Linux keeps a process's maximum RSS across ``execve`` and subprocess starts the
child with ``vfork``, so the child's ``ru_maxrss`` is at least the test
process's own peak (a pytest worker that once held 305 MB made every module
read 305 MB); ``VmHWM`` belongs to the memory of the program exec'd, and
starts from nothing.
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
# python -c LAUNCH PEAKFILE MODULE ARGSFILE: the module run as ``python -m MODULE ARGSFILE`` runs it
# (the same sys.path[0], the cwd; the same sys.argv), and at exit its VmHWM (kB) in PEAKFILE.
LAUNCH = """
import atexit, runpy, sys
def report(path=sys.argv[1]):
    with open("/proc/self/status") as status:
        peak = [line.split()[1] for line in status if line.startswith("VmHWM:")][0]
    with open(path, "w") as handle:
        handle.write(peak)
atexit.register(report)
module = sys.argv[2]
del sys.argv[1:3]
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""


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
        argsfile, out, err, peakfile = (os.path.join(scratch, n) for n in ("args.json", "stdout", "stderr", "peak"))
        with open(argsfile, "w") as handle:
            json.dump({"ANSIBLE_MODULE_ARGS": args}, handle)
        with open(out, "wb") as stdout, open(err, "wb") as stderr:
            started = time.monotonic()
            process = subprocess.Popen(
                [sys.executable, "-c", LAUNCH, peakfile, MODULES + name, argsfile], stdout=stdout, stderr=stderr, env=environment, cwd=ROOT
            )
            killer = threading.Timer(timeout, os.kill, (process.pid, signal.SIGKILL))
            killer.start()
            try:
                process.wait()
            finally:
                killer.cancel()
            seconds = time.monotonic() - started
        with open(out, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        with open(err, encoding="utf-8", errors="replace") as handle:
            errors = handle.read()
        peak_rss_mb = float("inf")  # no figure (the process was killed): no bound holds
        if os.path.exists(peakfile):
            with open(peakfile) as handle:
                peak_rss_mb = int(handle.read()) / 1024.0
    try:
        result = json.loads(text.strip().splitlines()[-1])
    except (ValueError, IndexError):
        result = {"failed": True, "msg": "no JSON result (exit %s)" % process.returncode, "traceback": errors[-2000:]}
    return Run(result, text, errors, peak_rss_mb, seconds)
