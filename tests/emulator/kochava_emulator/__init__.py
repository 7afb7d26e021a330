"""A faithful emulator of the Kochava Premium Publisher API postback endpoints.

It follows the API document and, where the document is silent, takes the
harsher reading by default (profile ``"harsh"``), so the ``kochava.publisher``
modules are tested against the worst the real API may do; profile
``"lenient"`` takes the other plausible reading. See ``tests/emulator/README.md``.

    from kochava_emulator import DEMO_SEED, Emulator
    with Emulator(seed=DEMO_SEED) as emu:
        ...  # talk HTTP to emu.url; inspect emu.log / emu.triggers()
"""

from __future__ import annotations

from .errors import ApiError, DuplicateTriggerError
from .faults import CHAOS_KINDS, Chaos, Fault
from .profiles import PROFILES, Profile
from .ratelimit import RateLimiter
from .seed import DEFAULT_KEY, DEMO_SEED, PACKAGED_SEEDS
from .server import Emulator
from .state import URL_KEY_RE, api_string

#: The version of the ``kochava-emulator`` distribution (pyproject.toml reads it from here).
__version__ = "1.1.0"

__all__ = [
    "Emulator",
    "ApiError",
    "DuplicateTriggerError",
    "Fault",
    "Chaos",
    "CHAOS_KINDS",
    "DEFAULT_KEY",
    "DEMO_SEED",
    "PACKAGED_SEEDS",
    "PROFILES",
    "Profile",
    "RateLimiter",
    "URL_KEY_RE",
    "api_string",
    "__version__",
]
