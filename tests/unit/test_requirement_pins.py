# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ansible-test's pip files pin what tests/constraints.txt pins.

`ansible-test units --venv` and `integration --venv` build their own venvs from
tests/unit/ and tests/integration/ requirements.txt and constraints.txt. Each
line there is an exact pin, and the same version as in tests/constraints.txt
(the full freeze `make venv` installs), so ansible-test tests the versions the
pytest suite tests.
"""

from __future__ import absolute_import, division, print_function

import os
import re

import pytest

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([A-Za-z0-9_.+-]+)$")
FILES = [os.path.join(TESTS, folder, name) for folder in ("unit", "integration") for name in ("requirements.txt", "constraints.txt")]


def pins(path):
    """{normalised name: version} of a pip file; any line that is not an exact pin is an error."""
    found = {}
    with open(path) as f:
        for number, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            match = PIN.match(line)
            assert match, "%s:%d: %r is not an exact pin (name==version)" % (path, number, line)
            found[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2)
    return found


def test_the_freeze_reads():
    assert pins(os.path.join(TESTS, "constraints.txt"))["ansible-core"]


@pytest.mark.parametrize("path", FILES, ids=[os.path.relpath(p, TESTS) for p in FILES])
def test_every_pin_is_the_freezes(path):
    freeze = pins(os.path.join(TESTS, "constraints.txt"))
    mine = pins(path)
    assert mine, "%s pins nothing" % path
    assert {name: (version, freeze.get(name)) for name, version in mine.items() if freeze.get(name) != version} == {}


def test_a_wrong_pin_is_caught(tmp_path):
    bad = tmp_path / "requirements.txt"
    bad.write_text("requests>=2\n")
    with pytest.raises(AssertionError, match="not an exact pin"):
        pins(str(bad))
