# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kochava.publisher.plugins.module_utils._api.redact import MASK, redact


def test_mask():
    assert MASK == "********"


def test_every_occurrence_of_every_secret():
    assert redact("a KEY b KEY c tok", ["KEY", "tok"]) == "a ******** b ******** c ********"


def test_longest_secret_first():
    assert redact("xx-abcdef-xx", ["abc", "abcdef"]) == "xx-********-xx"


@pytest.mark.parametrize("secrets", [None, [], [""], [None, 5]])
def test_no_usable_secret_leaves_text_alone(secrets):
    assert redact("nothing to hide", secrets) == "nothing to hide"


def test_one_secret_as_a_string_and_text_made_str():
    assert redact("key=s3cr3t", "s3cr3t") == "key=********"
    assert redact(ValueError("bad s3cr3t"), ["s3cr3t"]) == "bad ********"
