"""The fault soak (soak.py) as a test: the bounded profile under ``make test``.

``SOAK_PROFILE=soak`` runs the full profile (1,000 runs); ``SOAK_RUNS`` and
``SOAK_SEED`` override the number of runs and the seed (default 1). The
figures are printed (``-s`` shows them) and every goal must be met.
"""

from __future__ import annotations

import os

import soak

RUNS = {"ci": 200, "soak": 1000}


def test_fault_soak(capsys):
    runs = int(os.environ.get("SOAK_RUNS", RUNS[os.environ.get("SOAK_PROFILE", "ci")]))
    lines = []
    figures = soak.soak(os.environ.get("SOAK_SEED", "1"), runs, out=lines.append)
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert figures.runs == runs
    assert sum(figures.faults.values()) > 0
    assert not figures.missed(), "\n".join(lines)


def test_figures_and_replay_of_one_run():
    """--only replays one run exactly: same calls, same faults."""
    first, again = [], []
    a = soak.soak("replay", 0, only=3, out=first.append)
    b = soak.soak("replay", 0, only=3, out=again.append)
    assert a.runs == b.runs == 1
    # a request slower than the client's timeout under heavy load adds a timeout; nothing else varies
    assert {k: n for k, n in a.faults.items() if k != "timeout"} == {k: n for k, n in b.faults.items() if k != "timeout"}
    assert any(line.startswith("duplicates: 0") for line in first)
    assert first[-1] == "result: all goals met"
