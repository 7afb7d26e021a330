"""Run a module's main() in process, against the emulator, and capture its result."""

from __future__ import annotations

import contextlib
import json

import pytest
from ansible.module_utils import basic

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


@pytest.fixture
def run_module(monkeypatch, emu):
    """run_module(module, args, check=False, diff=False) -> the dict the module exits with.

    The emulator's URL and demo key come from the environment, as they do for users.
    """
    monkeypatch.setenv("KOCHAVA_API_URL", emu.url)
    monkeypatch.setenv("KOCHAVA_API_KEY", emu.demo_key)
    monkeypatch.setattr(basic.AnsibleModule, "exit_json", _exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", _fail_json)

    def run(module, args, check=False, diff=False):
        args = dict(args, _ansible_check_mode=check, _ansible_diff=diff)
        with patch_module_args(args), pytest.raises(ModuleExit) as info:
            module.main()
        return info.value.result

    return run
