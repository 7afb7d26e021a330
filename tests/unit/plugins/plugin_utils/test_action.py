# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action glue's choice of path and its plain copy of the task arguments (no emulator, no playbook)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import getpass
import os
from types import SimpleNamespace

import pytest
from ansible.module_utils.common.parameters import remove_values
from hypothesis import given, settings, strategies as st

from ansible_collections.kochava.publisher.plugins.plugin_utils import action
from ansible_collections.kochava.publisher.plugins.plugin_utils.action import KochavaAction, plain, task_environment


def plugin(transport="local", async_val=0, become=False, become_user=None):
    found = KochavaAction.__new__(KochavaAction)
    found._connection = SimpleNamespace(transport=transport)
    found._task = SimpleNamespace(async_val=async_val, action="kochava.publisher.kochava_trigger")
    found._play_context = SimpleNamespace(become=become, become_user=become_user)
    found._templar = SimpleNamespace(template=lambda value: value)
    return found


def test_a_local_task_runs_in_process():
    assert plugin().why_not_in_process({}) is None
    assert plugin().why_not_in_process({"kochava_in_process": "yes"}) is None
    assert plugin(become=True, become_user=getpass.getuser()).why_not_in_process({}) is None


@pytest.mark.parametrize(
    "made, task_vars, reason",
    [
        (dict(), {"kochava_in_process": False}, "kochava_in_process is false"),
        (dict(), {"kochava_in_process": "false"}, "kochava_in_process is false"),
        (dict(), {"kochava_in_process": "maybe"}, "kochava_in_process is 'maybe', not a boolean"),
        (dict(transport="ssh"), {}, "the task's connection is ssh, not local"),
        (dict(async_val=30), {}, "the task is async"),
        (dict(become=True, become_user="nobody-else"), {}, "the task becomes nobody-else"),
    ],
)
def test_any_other_task_runs_the_module_and_says_why(made, task_vars, reason):
    assert plugin(**made).why_not_in_process(task_vars) == reason


def test_without_requests_in_the_controller_the_module_runs(monkeypatch):
    monkeypatch.setattr(action, "HAS_REQUESTS", False)
    assert plugin().why_not_in_process({}) == "the controller's Python cannot import requests"


def test_plain_gives_what_json_would():
    class Tagged(str):
        pass

    class TaggedInt(int):
        pass

    class Vaulted(object):
        def __str__(self):
            return "plaintext"

    value = plain({Tagged("k"): [Tagged("v"), TaggedInt(5), (1.5, True, None)], "vault": Vaulted()})
    assert value == {"k": ["v", 5, [1.5, True, None]], "vault": "plaintext"}
    assert [type(item).__name__ for item in value["k"]] == ["str", "int", "list"] and type(list(value)[0]).__name__ == "str"


def test_the_task_environment_is_set_for_the_run_and_restored():
    os.environ.pop("KOCHAVA_TEST_ONLY", None)
    os.environ["KOCHAVA_TEST_KEPT"] = "before"
    try:
        with task_environment({"KOCHAVA_TEST_ONLY": 1, "KOCHAVA_TEST_KEPT": "during"}):
            assert os.environ["KOCHAVA_TEST_ONLY"] == "1" and os.environ["KOCHAVA_TEST_KEPT"] == "during"
        assert "KOCHAVA_TEST_ONLY" not in os.environ and os.environ["KOCHAVA_TEST_KEPT"] == "before"
    finally:
        os.environ.pop("KOCHAVA_TEST_KEPT", None)


# -- the in-process path's no_log pass is ansible-core's remove_values, made linear -----------------------------
SECRETS = st.sampled_from(["k3y-0f-36-chars-xxxxxxxxxxxxxxxxxxxx", "p@ss", "1", "True", "None", "e8"])
TEXT = st.text(alphabet="ab1e8-TrueNonp@ss", max_size=12) | SECRETS
SCALARS = st.none() | st.booleans() | st.integers(-100, 1000) | st.floats(allow_nan=False, allow_infinity=False, width=32) | TEXT
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4), max_leaves=25)


def not_inside_each_other(secrets):
    # ansible-core before 2.19 replaces in set order, not longest first: equal results only when no value holds another
    return all(a == b or a not in b for a in secrets for b in secrets)


@settings(max_examples=300, deadline=None)
@given(VALUES, st.sets(SECRETS, min_size=1, max_size=3).filter(not_inside_each_other))
def test_scrubbed_is_remove_values(value, secrets):
    assert action.scrubbed(value, secrets) == remove_values(value, secrets)


def test_scrubbed_hands_what_is_not_plain_to_remove_values():
    value = {"t": ("a k3y", 1), "deep": [[[["k3y"]]]]}
    assert action.scrubbed(value, {"k3y"}) == remove_values(value, {"k3y"}) == {"t": ["a ********", 1], "deep": [[[[action.NO_LOG_PLACEHOLDER]]]]}
    nested = current = []
    for _depth in range(5000):  # deeper than Python's recursion limit: remove_values walks it without recursion
        current.append([])
        current = current[0]
    current.append("a x")
    found, depth = action.scrubbed(nested, {"x"}), 0
    while found and isinstance(found[0], list):  # walked without recursion: == would recurse
        found, depth = found[0], depth + 1
    assert (depth, found) == (5000, ["a ********"])
