#!/usr/bin/env python
"""Run ansible-playbook in this process under cProfile, each task's worker too (issue 22's profile).

    python tests/benchmark/profile_worker.py OUTDIR ansible-playbook-arguments...

Writes OUTDIR/worker-<task name>.prof for each task's worker process (forked:
the task executor, the action plugin or the module it starts, and sending the
result to the controller), OUTDIR/results.prof for the controller's results
thread (receiving and unpickling results) and OUTDIR/main.prof for the
controller's main thread (the strategy: result processing, callbacks).
bench_scale.py's profile 5 runs it and prints the tables. Benchmark only.
"""

from __future__ import annotations

import cProfile
import os
import re
import sys


def main():
    out, argv = sys.argv[1], sys.argv[2:]
    os.makedirs(out, exist_ok=True)

    from ansible.executor.process import worker
    from ansible.plugins import strategy

    run = worker.WorkerProcess._run

    def profiled_run(self):
        profiler = cProfile.Profile()
        profiler.enable()
        try:
            return run(self)
        finally:
            profiler.disable()
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", self._task.get_name())
            profiler.dump_stats(os.path.join(out, "worker-%s.prof" % name))

    worker.WorkerProcess._run = profiled_run

    results = strategy.results_thread_main

    def profiled_results(strat):
        profiler = cProfile.Profile()
        profiler.enable()
        try:
            return results(strat)
        finally:
            profiler.disable()
            profiler.dump_stats(os.path.join(out, "results.prof"))

    strategy.results_thread_main = profiled_results

    from ansible.cli.playbook import PlaybookCLI

    profiler = cProfile.Profile()
    profiler.enable()
    code = 0
    try:
        PlaybookCLI.cli_executor(["ansible-playbook"] + argv)
    except SystemExit as exc:
        code = exc.code or 0
    finally:
        profiler.disable()
        profiler.dump_stats(os.path.join(out, "main.prof"))
    sys.exit(code)


if __name__ == "__main__":
    main()
