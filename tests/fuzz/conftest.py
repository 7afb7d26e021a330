"""Fixtures of the fuzz tests: a module's main() in process, callable many times per test.

Hypothesis runs one test function many times, so nothing here may depend on
function-scoped fixtures: the session emulator (tests/conftest.py) is reset by
hand before every generated case.
"""

from __future__ import annotations

import os
import sys

import pytest
from hypothesis import HealthCheck, settings

from ansible_collections.kochava.publisher.tests.module_runner import ModuleExit, capture_exits, patch_module_args

# playbook_helpers (Runner) lives with the playbook tests.
PLAYBOOKS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "playbooks")
if PLAYBOOKS not in sys.path:
    sys.path.append(PLAYBOOKS)

# Fixed seeds by default: every run of `make test` tries the same cases.
# KOCHAVA_FUZZ_PROFILE=random draws new ones (Hypothesis prints the seed of a
# failure); KOCHAVA_FUZZ_SEED=<int> replays one such seed.
_COMMON = dict(deadline=None, database=None, print_blob=True, suppress_health_check=list(HealthCheck))
settings.register_profile("fixed", derandomize=True, **_COMMON)
settings.register_profile("random", derandomize=False, **_COMMON)
settings.load_profile(os.environ.get("KOCHAVA_FUZZ_PROFILE", "fixed"))


class InProcess:
    """``run(module, args)``: the module's main() with ``args``, against the emulator; the dict it exits with.

    Anything main() raises other than through exit_json/fail_json (a traceback
    the user would see) is returned as ``{"failed": True, "traceback": ...}``.
    """

    def __init__(self, emu, monkeypatch):
        self.emu = emu
        capture_exits(monkeypatch, emu)

    def run(self, module, args, check=False):
        import traceback

        args = dict(args, _ansible_check_mode=check)
        try:
            with patch_module_args(args):
                module.main()
        except ModuleExit as exit_:
            return exit_.result
        except SystemExit as exc:  # AnsibleModule exits this way when it cannot even parse
            return {"failed": True, "msg": "", "traceback": "SystemExit(%r)" % (exc.code,)}
        except BaseException:  # noqa: B036 - a traceback is the finding
            return {"failed": True, "msg": "", "traceback": traceback.format_exc()}
        return {"failed": True, "msg": "", "traceback": "main() returned without exit_json/fail_json"}


@pytest.fixture
def in_process(emulator_server, monkeypatch):
    emulator_server.reset()
    return InProcess(emulator_server, monkeypatch)
