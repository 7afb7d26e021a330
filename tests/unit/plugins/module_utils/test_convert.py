# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""_api/convert.py: the one set of converters, one test per rule and direction.

ANSWER is a value of an API answer (JSON); TASK a value of a task's option, converted as
ansible-core converts a typed option (checked against ansible-core itself where it has the rule)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kochava.publisher.plugins.module_utils._api.convert import (
    ANSWER,
    TASK,
    key_value_fields,
    to_bool,
    to_dict,
    to_int,
    to_str,
    type_name,
)

BOTH = (ANSWER, TASK)
NEVER_BOOLEANS = [None, 2, -1, "maybe", "", 1.5, [], {}, "yess", "tru"]


# --------------------------------------------------------------------------
# Booleans
# --------------------------------------------------------------------------
@pytest.mark.parametrize("source", BOTH)
@pytest.mark.parametrize(
    "value, expected",
    [(True, True), (False, False), (1, True), (0, False), ("true", True), ("TRUE", True), (" false ", False)]
    + [("1", True), ("0", False), ("yes", True), ("No", False), ("on", True), ("OFF", False)],
)
def test_booleans_both_directions_take(source, value, expected):
    assert to_bool(value, source) is expected


@pytest.mark.parametrize("value, expected", [("y", True), ("N", False), (" t ", True), ("f", False), (1.0, True), (0.0, False)])
def test_booleans_a_task_also_gives_and_an_answer_does_not(value, expected):
    assert to_bool(value, TASK) is expected
    with pytest.raises(ValueError):
        to_bool(value, ANSWER)


@pytest.mark.parametrize("source", BOTH)
@pytest.mark.parametrize("value", NEVER_BOOLEANS)
def test_never_booleans(source, value):
    with pytest.raises(ValueError) as info:
        to_bool(value, source)
    assert str(info.value) == "expected a boolean (true/false), got %s" % type_name(value, source)


def test_the_task_booleans_are_ansible_cores():
    from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE, BOOLEANS_TRUE

    for word in BOOLEANS_TRUE:
        assert to_bool(word, TASK) is True, word
    for word in BOOLEANS_FALSE:
        assert to_bool(word, TASK) is False, word


# --------------------------------------------------------------------------
# Integers
# --------------------------------------------------------------------------
@pytest.mark.parametrize("source", BOTH)
@pytest.mark.parametrize("value, expected", [(5, 5), ("17", 17), (" 42 ", 42), ("-3", -3), ("+8", 8), (-4, -4)])
def test_integers_both_directions_take(source, value, expected):
    assert to_int(value, source) == expected


@pytest.mark.parametrize("value, expected", [(3373.0, 3373), ("3373.0", 3373), ("1e3", 1000), (" 7.00 ", 7)])
def test_integers_a_task_also_gives_and_an_answer_does_not(value, expected):
    assert to_int(value, TASK) == expected
    with pytest.raises(ValueError):
        to_int(value, ANSWER)


@pytest.mark.parametrize("source", BOTH)
@pytest.mark.parametrize("value", [True, False, None, "", "abc", "1.5", 1.5, "inf", "nan", float("inf"), "+", "-", "²", [], {}])
def test_never_integers(source, value):
    # '²' is a digit to str.isdigit() but not to int(): refused, never a message quoting it
    with pytest.raises(ValueError) as info:
        to_int(value, source)
    assert str(info.value) == "expected an integer or a numeric string, got %s" % type_name(value, source)


# ansible-core 2.18.0 (ansible/ansible#83864) made check_type_int read a whole float and a decimal string ("3373.0",
# "1e3") as an int; 2.16 and 2.17 (2.17.14 too) take an int, or a str int() reads, and refuse the rest with TypeError. Our TASK rule
# is the newer one on every core, so kochava_triggers' items take template_id "3373.0" on 2.16, where ansible-core
# refuses it for kochava_trigger's template_id. On such a core the test asserts that difference and no other.
DECIMAL_INTS_SINCE = (2, 18)


def core_version():
    from ansible.module_utils.ansible_release import __version__

    return tuple(int(part) for part in __version__.split(".")[:2])


def int_reads(value):
    """What check_type_int took before ansible-core 2.18: an int, or a str that int() reads."""
    if isinstance(value, int):
        return True
    if not isinstance(value, str):
        return False
    try:
        int(value)
    except ValueError:
        return False
    return True


def assert_core_reads_int_as_we_do(value, ours):
    """check_type_int of the installed ansible-core gives ``ours``; before 2.18, it refuses what only the newer rule reads."""
    from ansible.module_utils.common.validation import check_type_int

    if core_version() >= DECIMAL_INTS_SINCE or int_reads(value):
        assert check_type_int(value) == ours
    else:
        with pytest.raises(TypeError):
            check_type_int(value)


def test_the_rule_before_2_18_is_int_of_a_string():
    assert [int_reads(value) for value in ("17", " -3 ", "1_000", 5, "3373.0", "1e3", 3373.0, None)] == [True] * 4 + [False] * 4


@pytest.mark.parametrize("value", ["17", " 42 ", "-3", "+8", "3373.0", "1e3", 3373.0, " 7.00 ", 5])
def test_the_task_integers_are_ansible_cores(value):
    assert_core_reads_int_as_we_do(value, to_int(value, TASK))


@pytest.mark.parametrize("value", ["7.5", 7.5, "", None, "²", "nan", "0x10", "abc"])
def test_what_a_task_never_gives_as_an_integer_ansible_core_refuses_too(value):
    from ansible.module_utils.common.validation import check_type_int

    with pytest.raises(ValueError):
        to_int(value, TASK)
    with pytest.raises(TypeError):
        check_type_int(value)


# --------------------------------------------------------------------------
# Strings and dicts (a task's only)
# --------------------------------------------------------------------------
@pytest.mark.parametrize("value, expected", [("x", "x"), ("", ""), (2026, "2026"), (7.5, "7.5"), (True, "True")])
def test_strings_from_strings_and_numbers(value, expected):
    assert to_str(value) == expected


@pytest.mark.parametrize("value", [None, [], {}, ("a",)])
def test_never_strings(value):
    with pytest.raises(ValueError) as info:
        to_str(value)
    assert str(info.value) == "expected a string, got %s" % type_name(value, TASK)


def test_a_dict_is_copied():
    given = {"a": 1}
    assert to_dict(given) == given and to_dict(given) is not given


@pytest.mark.parametrize(
    "text",
    ['{"a": 1}', "{'a': 1}", "a=1, b=2", "a=1 b=2", "url=https://c.example/i?x=1&y=2", "a=\"x, y\" b='p q'", "a=x\\ y", "a==", "{a", "a=1, b"]
    + ["plain", "", "=1", '{"a": 1', "[1, 2]"],
)
def test_dict_strings_are_read_as_ansible_reads_them(text):
    from ansible.module_utils.common.validation import check_type_dict

    try:
        expected = check_type_dict(text)
    except (TypeError, ValueError):  # ansible-core 2.16 raises ValueError for "a=1, b"; both mean "not a dict"
        expected = None
    try:
        found = to_dict(text)
    except ValueError as exc:
        assert str(exc) == "expected a dict, got %s" % type_name(text, TASK)
        found = None
    assert found == expected


def test_key_value_fields_split_on_blanks_and_commas_outside_quotes():
    assert key_value_fields("a=1, b=\"x, y\"  c='p q' d=x\\ y") == ["a=1", "b=x, y", "c=p q", "d=x y"]


# --------------------------------------------------------------------------
# Type names: the type only, in the words of the direction
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value, answer, task",
    [
        (None, "null", "null"),
        (True, "a boolean", "a boolean"),
        ("x", "a string", "a string"),
        (" ", "an empty string", "an empty string"),
        (7, "a number", "an integer"),
        (1.5, "a number", "a number"),
        ({}, "an object", "a dict"),
        ([], "a list", "a list"),
        (("a",), "a list", "a list"),
        (b"x", "bytes", "bytes"),
    ],
)
def test_type_names(value, answer, task):
    assert (type_name(value), type_name(value, ANSWER), type_name(value, TASK)) == (answer, answer, task)


def test_a_type_name_never_shows_the_value():
    for value in ("s3cr3t", 12345, {"s3cr3t": 1}, ["s3cr3t"]):
        for source in BOTH:
            assert "s3cr3t" not in type_name(value, source) and "12345" not in type_name(value, source)
