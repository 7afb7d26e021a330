"""The modules' documentation as ansible-doc shows it: a reference to another module's option or
return value (O(fqcn#module:name), RV(fqcn#module:name)) already names the module, so a following
M(fqcn) repeats it ("The `export' (of module X) of X", issue 24)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ANSIBLE_DOC = os.path.join(os.path.dirname(sys.executable), "ansible-doc")
MODULES = ["kochava_trigger", "kochava_triggers", "kochava_trigger_info", "kochava_template_info"]
# "`x' (of module FQCN) [a word or two] of FQCN" (M(FQCN) shows as [FQCN] when the output is not a terminal)
REPEATED = re.compile(r"\(of module ([\w.]+)\)((?:\s+\S+){0,2}?)\s+of\s+\[?\1\b")


@pytest.mark.parametrize("name", MODULES)
def test_a_reference_to_another_module_names_it_once(name, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env.update(ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build", "collections"), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false", ANSIBLE_NOCOLOR="1")
    env["ANSIBLE_LOCAL_TEMP"] = str(tmp_path)
    run = subprocess.run([ANSIBLE_DOC, "-t", "module", "kochava.publisher." + name], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0 and "kochava.publisher." + name in run.stdout, run.stderr
    repeated = [" ".join(m.group(0).split()) for m in REPEATED.finditer(run.stdout)]
    assert not repeated, repeated
