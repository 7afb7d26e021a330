#!/usr/bin/env python
"""Run ansible-playbook in this process under cProfile, each task's worker too (issue 22's profile).

    python tests/benchmark/profile_worker.py OUTDIR ansible-playbook-arguments...
    python tests/benchmark/profile_worker.py --cpu-only OUTDIR ansible-playbook-arguments...

--cpu-only: no profiler; each worker writes one JSON line to OUTDIR/cpu-<task name>.json,
{"task": name, "cpu": CPU seconds of the worker from its start to the result
sent, "children": CPU seconds of the processes it waited for (a module's)}:
what the task costs, whatever else the machine runs.

Writes OUTDIR/worker-<task name>.prof for each task's worker process (forked:
the task executor, the action plugin or the module it starts, and sending the
result to the controller), OUTDIR/results.prof for the controller's results
thread (receiving and unpickling results) and OUTDIR/main.prof for the
controller's main thread (the strategy: result processing, callbacks).
Times are CPU seconds of the process (time.process_time), not wall time:
on a loaded machine a descheduled process would charge its wait to whatever
function it was in. bench_scale.py's profile 5 runs it and prints the tables.
Benchmark only.
"""

from __future__ import annotations

import cProfile
import json
import os
import re
import sys
import time


def main():
    cpu_only = sys.argv[1] == "--cpu-only"
    out, argv = sys.argv[1 + cpu_only], sys.argv[2 + cpu_only :]
    os.makedirs(out, exist_ok=True)

    from ansible.executor.process import worker
    from ansible.plugins import strategy

    run = worker.WorkerProcess._run

    def timed_run(self):
        started, before = time.process_time(), os.times()
        try:
            return run(self)
        finally:
            after = os.times()
            children = after.children_user - before.children_user + after.children_system - before.children_system
            line = json.dumps({"task": self._task.get_name(), "cpu": time.process_time() - started, "children": children})
            # one file a worker, renamed into place whole: the worker writes it after sending its result,
            # so the playbook may end first; the reader waits for every file it expects (bench_scale.py)
            final = os.path.join(out, "cpu-%s.json" % re.sub(r"[^A-Za-z0-9_.-]+", "_", self._task.get_name()))
            with open(final + ".tmp", "w") as handle:
                handle.write(line)
            os.replace(final + ".tmp", final)

    if cpu_only:
        worker.WorkerProcess._run = timed_run
        from ansible.cli.playbook import PlaybookCLI

        try:
            PlaybookCLI.cli_executor(["ansible-playbook"] + argv)
        except SystemExit as exc:
            sys.exit(exc.code or 0)
        return

    def profiled_run(self):
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        try:
            return run(self)
        finally:
            profiler.disable()
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", self._task.get_name())
            final = os.path.join(out, "worker-%s.prof" % name)
            profiler.dump_stats(final + ".tmp")  # renamed into place whole (written after the result was sent)
            os.replace(final + ".tmp", final)

    worker.WorkerProcess._run = profiled_run

    results = strategy.results_thread_main

    def profiled_results(strat):
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        try:
            return results(strat)
        finally:
            profiler.disable()
            profiler.dump_stats(os.path.join(out, "results.prof.tmp"))
            os.replace(os.path.join(out, "results.prof.tmp"), os.path.join(out, "results.prof"))

    strategy.results_thread_main = profiled_results

    from ansible.cli.playbook import PlaybookCLI

    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    code = 0
    try:
        PlaybookCLI.cli_executor(["ansible-playbook"] + argv)
    except SystemExit as exc:
        code = exc.code or 0
    finally:
        profiler.disable()
        profiler.dump_stats(os.path.join(out, "main.prof.tmp"))
        os.replace(os.path.join(out, "main.prof.tmp"), os.path.join(out, "main.prof"))
    sys.exit(code)


if __name__ == "__main__":
    main()
