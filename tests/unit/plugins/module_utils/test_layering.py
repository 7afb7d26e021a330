# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The layers of module_utils: only the glue imports Ansible, and every file stays small."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import glob
import os

import pytest

MODULE_UTILS = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'plugins', 'module_utils')
OWN_PACKAGE = 'ansible_collections.kochava.publisher.plugins.module_utils'
GLUE = '_module.py'
MAX_LINES = 250

FILES = sorted(glob.glob(os.path.join(MODULE_UTILS, '*.py')))


def imported_names(path):
    """Every module name a file imports (relative imports as '.name')."""
    with open(path) as handle:
        tree = ast.parse(handle.read(), filename=path)
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.append('.' * node.level + (node.module or ''))
    return names


def is_ansible(name):
    """``ansible`` and ``ansible.*``, and any ``ansible_collections`` module outside our own module_utils."""
    if name == OWN_PACKAGE or name.startswith(OWN_PACKAGE + '.'):
        return False
    return name.split('.', maxsplit=1)[0] in ('ansible', 'ansible_collections')


def test_files_are_found():
    names = [os.path.basename(path) for path in FILES]
    assert GLUE in names and '_client.py' in names


@pytest.mark.parametrize('path', [path for path in FILES if os.path.basename(path) != GLUE], ids=os.path.basename)
def test_no_ansible_import_below_the_glue(path):
    assert [name for name in imported_names(path) if is_ansible(name)] == []


@pytest.mark.parametrize('path', FILES, ids=os.path.basename)
def test_small_files(path):
    with open(path) as handle:
        lines = len(handle.read().splitlines())
    assert lines <= MAX_LINES, '%s has %d lines: a room to split (at most %d)' % (os.path.basename(path), lines, MAX_LINES)


def test_the_checks_catch_an_ansible_import():
    assert is_ansible('ansible.module_utils.basic') and is_ansible('ansible')
    assert is_ansible('ansible_collections.community.general.plugins.module_utils.x')
    assert not is_ansible(OWN_PACKAGE + '._client') and not is_ansible('requests')
