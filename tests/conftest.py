"""Shared pytest set-up: the emulator fixtures, and a hint when the collection is not importable.

The tests import the collection as ``ansible_collections.kochava.publisher``. From
the checkout that name resolves through ``.build/collections`` (on pytest's
``pythonpath``, pyproject.toml), where ``make collection`` links the checkout in;
this file only checks that the link is there and never makes it (ansible-test
imports this file too, from its own copy of the collection, where it must leave
the tree alone). Under ansible-test the checkout already sits in an
``ansible_collections/kochava/publisher`` tree and needs no link.
"""

from __future__ import annotations

import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINK = os.path.join(ROOT, ".build", "collections", "ansible_collections", "kochava", "publisher")


def _in_a_collection_tree():
    """True when the checkout itself is .../ansible_collections/kochava/publisher (ansible-test's copy)."""
    parts = os.path.normpath(ROOT).split(os.sep)
    return parts[-3:] == ["ansible_collections", "kochava", "publisher"]


def pytest_configure(config):
    if not _in_a_collection_tree() and not os.path.lexists(LINK):
        config.issue_config_time_warning(
            pytest.PytestConfigWarning(
                "ansible_collections.kochava.publisher is not importable: %s is missing; run `make collection` once (it links the checkout there)" % LINK
            ),
            stacklevel=2,
        )


@pytest.fixture(scope="session")
def emulator_server():
    """One API emulator per test session (per xdist worker), seeded with tests/playbooks/seed.json."""
    from kochava_emulator import Emulator

    with Emulator(seed=os.path.join(ROOT, "tests", "playbooks", "seed.json")) as server:
        yield server


@pytest.fixture
def emu(emulator_server):
    """The emulator reset to its seed: no triggers, empty log, no faults, default config."""
    # a request a previous test left in flight must not land in this test's log
    emulator_server.wait_idle()
    emulator_server.reset()
    return emulator_server
