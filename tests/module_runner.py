"""A module's main() run in process: module arguments patched in, exit_json and
fail_json turned into ``ModuleExit`` carrying the result. Used by the unit tests
of the modules and by the fuzz tests (imported as
``ansible_collections.kochava.publisher.tests.module_runner``)."""

from __future__ import annotations

import contextlib
import json

from ansible.module_utils import basic

__all__ = ["ModuleExit", "capture_exits", "patch_module_args"]

try:  # ansible-core 2.19+
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # 2.16 - 2.18: the module reads basic._ANSIBLE_ARGS

    @contextlib.contextmanager
    def patch_module_args(args):
        old = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode()
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = old


class ModuleExit(Exception):
    def __init__(self, result):
        super().__init__(result)
        self.result = result


def _exit_json(self, **kwargs):
    kwargs.setdefault("changed", False)
    raise ModuleExit(kwargs)


def _fail_json(self, msg, **kwargs):
    kwargs.update(failed=True, msg=msg)
    raise ModuleExit(kwargs)


def capture_exits(monkeypatch, emu):
    """Point the modules at the emulator (through the environment, as users do) and capture their exits."""
    monkeypatch.setenv("KOCHAVA_API_URL", emu.url)
    monkeypatch.setenv("KOCHAVA_API_KEY", emu.demo_key)
    monkeypatch.setattr(basic.AnsibleModule, "exit_json", _exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", _fail_json)
