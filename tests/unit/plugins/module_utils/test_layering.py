# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The layers of module_utils, read from the tree: which layer may import which.

    plugins/plugin_utils/action.py   the action glue (in the controller's worker)  } equal in rank: each
    _glue/module.py                  the module glue (AnsiballZ, on the target)     } imports spec and steps,
    _glue/spec.py, _glue/steps.py    the specs and the steps of a task, shared      } never the other glue
    _plan       reader, planner, digest, applier, report, engine, outcome
    _triggers   trigger rules: fields, keys, context, hiding, items
    _api        the HTTP client: transport, answers, errors, retry, pacing, schemas, options

A layer imports only the layers below it; ``_api`` imports nothing of the others; nothing below
``_glue`` imports Ansible, and of ``_glue`` only spec.py (ansible-core's env_fallback) and module.py
(AnsibleModule) do: steps.py, which both glues run, takes plain parameters.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import glob
import os

import pytest

MODULE_UTILS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "plugins", "module_utils")
OWN_PACKAGE = "ansible_collections.kochava.publisher.plugins.module_utils"
# lowest first: a layer may import itself and the layers before it
LAYERS = ("_api", "_triggers", "_plan", "_glue")
GLUE = "_glue"

FILES = sorted(glob.glob(os.path.join(MODULE_UTILS, "*", "*.py")))


def layer_of(path):
    return os.path.basename(os.path.dirname(path))


def imported_names(path):
    """Every module name a file imports (relative imports as '.name')."""
    with open(path) as handle:
        tree = ast.parse(handle.read(), filename=path)
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.append("." * node.level + (node.module or ""))
    return names


def is_ansible(name):
    """``ansible`` and ``ansible.*``, and any ``ansible_collections`` module outside our own module_utils."""
    if name == OWN_PACKAGE or name.startswith(OWN_PACKAGE + "."):
        return False
    return name.split(".", maxsplit=1)[0] in ("ansible", "ansible_collections")


def own_layer(name):
    """The layer an import of our own module_utils reaches, or None for any other import."""
    if not name.startswith(OWN_PACKAGE + "."):
        return None
    return name[len(OWN_PACKAGE) + 1 :].split(".", maxsplit=1)[0]


def test_every_file_sits_in_a_layer():
    assert sorted(set(layer_of(path) for path in FILES)) == sorted(LAYERS)
    assert glob.glob(os.path.join(MODULE_UTILS, "*.py")) == []


@pytest.mark.parametrize("path", FILES, ids=lambda path: layer_of(path) + "/" + os.path.basename(path))
def test_imports_go_down_the_layers(path):
    rank = LAYERS.index(layer_of(path))
    reached = [own_layer(name) for name in imported_names(path)]
    assert [layer for layer in reached if layer is not None and (layer not in LAYERS or LAYERS.index(layer) > rank)] == []
    assert not [name for name in imported_names(path) if name.startswith(".")], "absolute imports only (AnsiballZ finds them)"


@pytest.mark.parametrize("path", [path for path in FILES if layer_of(path) != GLUE], ids=lambda path: layer_of(path) + "/" + os.path.basename(path))
def test_no_ansible_import_below_the_glue(path):
    assert [name for name in imported_names(path) if is_ansible(name)] == []


def test_the_checks_catch_a_wrong_import():
    assert is_ansible("ansible.module_utils.basic") and is_ansible("ansible")
    assert is_ansible("ansible_collections.community.general.plugins.module_utils.x")
    assert not is_ansible(OWN_PACKAGE + "._api.client") and not is_ansible("requests")
    assert own_layer(OWN_PACKAGE + "._plan.engine") == "_plan" and own_layer("requests") is None


def test_steps_take_plain_parameters():
    """The steps of a task, run by both glues, import nothing from Ansible."""
    assert [name for name in imported_names(os.path.join(MODULE_UTILS, GLUE, "steps.py")) if is_ansible(name)] == []


ACTION_GLUE = os.path.join(MODULE_UTILS, "..", "plugin_utils", "action.py")
MODULE_GLUE = os.path.join(MODULE_UTILS, GLUE, "module.py")


@pytest.mark.parametrize("glue, other", [(ACTION_GLUE, "_glue.module"), (MODULE_GLUE, "plugin_utils")], ids=["action", "module"])
def test_the_two_glues_share_spec_and_steps_and_never_import_each_other(glue, other):
    names = imported_names(glue)
    own = [name[len(OWN_PACKAGE) + 1 :] for name in names if name.startswith(OWN_PACKAGE + ".")]
    assert "_glue.spec" in own and "_glue.steps" in own
    assert [name for name in names if other in name] == []
