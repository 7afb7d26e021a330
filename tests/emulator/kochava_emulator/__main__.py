"""``python -m kochava_emulator``: see :mod:`kochava_emulator.cli`."""

import sys

from .cli import main

sys.exit(main(prog="python -m kochava_emulator"))
