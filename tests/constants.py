# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test values shared by the whole tests tree, defined once.

Importable from every test directory as
``ansible_collections.kochava.publisher.tests.constants`` (``.build/collections``
is on pytest's ``pythonpath`` and ``make collection`` links the checkout there; under
ansible-test the copy already sits in such a tree).
The values are those of the test seed ``tests/playbooks/seed.json``: app 87100
with the Custom Postback template 3373 and the mmDSP template 2209, a key for
every app and a key for app 17 only. The shipped examples and the emulator's own
tests use the demo seed (``playbooks/files/emulator_seed.json``) and keep its
values; ``tests/independent`` keeps the API document's on purpose.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

TESTS = os.path.dirname(os.path.abspath(__file__))
SEED = os.path.join(TESTS, "playbooks", "seed.json")
with open(SEED) as _handle:
    KEY = json.load(_handle)["demo_key"]  # allowed on every app
KEY_APP17 = "test-key-app17-abcdef"  # allowed on app 17 only: 403 on APP
APP = 87100
TEMPLATE = 3373  # Custom Postback
TEMPLATE_NAME = "Custom Postback"
MMDSP_TEMPLATE = 2209
URL = "https://collector.example.com/in"
