# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one redaction rule: every secret in a text becomes ``MASK``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

MASK = "********"


def redact(text, secrets):
    """``text`` (made a str) with every non-empty str of ``secrets`` replaced by ``MASK``.

    ``secrets`` is an iterable of secrets, or one str. The longest secrets go
    first, so a secret that contains another is masked whole.
    """
    text = str(text)
    if isinstance(secrets, str):
        secrets = (secrets,)
    for secret in sorted((s for s in secrets or () if isinstance(s, str) and s), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text
