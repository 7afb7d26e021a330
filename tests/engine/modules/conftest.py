"""Run a module's main() in process, against the emulator, and capture its result."""

from __future__ import annotations

import pytest

from ansible_collections.kochava.publisher.tests.module_runner import ModuleExit, capture_exits, patch_module_args


@pytest.fixture
def run_module(monkeypatch, emu):
    """run_module(module, args, check=False, diff=False) -> the dict the module exits with.

    The emulator's URL and demo key come from the environment, as they do for users.
    """
    capture_exits(monkeypatch, emu)

    def run(module, args, check=False, diff=False):
        args = dict(args, _ansible_check_mode=check, _ansible_diff=diff)
        with patch_module_args(args), pytest.raises(ModuleExit) as info:
            module.main()
        return info.value.result

    return run
