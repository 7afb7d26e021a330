"""`make help` lists every target: each .PHONY target of the Makefile (and the
files it includes) has a `## ` comment, and every line of `make help` names a
real target.

`make -pq` prints make's database without running anything; its `.PHONY:` line
is the union of every .PHONY declaration.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import subprocess

from tooling_helpers import ROOT

HELP_LINE = re.compile(r"^  make (\S+)\s+\S")


def make(*args):
    # A clean make: not the flags or job server of the make running this test.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    # -pq exits 1 when its goal is out of date; the database is printed all the same.
    proc = subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    return proc.returncode, proc.stdout, proc.stderr


def make_database():
    out = make("-pq", "help")[1]
    phony, targets = set(), set()
    for line in out.splitlines():
        if line.startswith(".PHONY:"):
            phony.update(line.split(":", 1)[1].split())
        m = re.match(r"^([a-zA-Z0-9_.-]+):(?!=)", line)
        if m:
            targets.add(m.group(1))
    return phony, targets


def help_targets():
    rc, out, err = make("help")
    assert rc == 0, err
    names = []
    for line in out.splitlines():
        m = HELP_LINE.match(line)
        assert m, "unexpected make help line: %r" % line
        names.append(m.group(1))
    return names


def test_every_phony_target_is_in_make_help():
    phony, dummy = make_database()
    assert {"demo", "test", "help", "tools-test"} <= phony  # the database was read
    missing = sorted(phony - set(help_targets()))
    assert not missing, "add a `## description` after these targets: %s" % ", ".join(missing)


def test_make_help_names_real_targets_once():
    dummy, targets = make_database()
    names = help_targets()
    assert len(names) == len(set(names)), names
    unknown = sorted(set(names) - targets)
    assert not unknown, unknown


def test_default_goal_is_help():
    rc, out, dummy = make()
    assert rc == 0
    assert out == make("help")[1]
