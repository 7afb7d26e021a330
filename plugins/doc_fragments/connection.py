# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Connection options shared by every module (declared once in
    # plugins/module_utils/_glue/spec.py as CONNECTION_ARGUMENT_SPEC).
    DOCUMENTATION = r"""
options:
  api_key:
    description:
      - The Premium Publisher API key, sent as the C(Authentication-Key) header.
      - If not set, the value of the E(KOCHAVA_API_KEY) environment variable is used.
        One of the two is required; without either the task fails before any call, saying where to set the key.
      - The key is never shown in results, messages, warnings, diffs or logs.
    type: str
  api_url:
    description:
      - Base URL of the Kochava API.
      - If not set, the value of the E(KOCHAVA_API_URL) environment variable is used, and then V(https://api.kochava.com).
      - Redirects are never followed, so the key is only ever sent to this host.
      - Must be an C(https://) URL. Plain C(http://) would send the key in clear text, so it is accepted only for a loopback host
        (V(localhost), C(127.0.0.0/8), V(::1)), such as an emulator, or a local proxy or tunnel.
      - Must not carry user info (C(user:password@)), as the key is the only credential. Such a value is refused before any call,
        and masked in everything the task returns, the echoed O(api_url) included.
      - Must not have a query (C(?...)) or a fragment (C(#...)), as the API paths are appended to it.
    type: str
    default: https://api.kochava.com
  validate_certs:
    description:
      - Whether to verify the TLS certificate of O(api_url).
      - Only set to V(false) against a test server you control.
    type: bool
    default: true
  timeout:
    description:
      - Seconds one request may take in all, from connecting to the last byte of the answer (connect, headers and body).
        A server that answers slower, even one trickling bytes, ends that attempt with an error saying so.
      - The attempt then counts as a lost answer, retried as O(max_retries) says. So one call of a task ends within about
        (1 + O(max_retries)) x O(timeout) seconds plus the waits between attempts (with the defaults at most 5 x 30 s + 15 s of backoff,
        or up to 60 s each when the API sends C(Retry-After)); HTTP 429 waits count against O(rate_limit_wait) instead.
    type: float
    default: 30
  max_retries:
    description:
      - How often a request is retried after HTTP 500, 502, 503, 504, a lost connection, an answer that broke off, came too late
        (O(timeout)) or was too large (O(max_answer_bytes)).
      - A host name that does not resolve (no such name) is not retried, as it does not heal in seconds. A temporary resolver failure is.
      - Retries wait with exponential backoff and full jitter (base 1 s, cap 30 s), or as long as C(Retry-After) says (capped at 60 s).
      - A POST whose outcome is unknown is never resent blindly; see the module's notes.
      - V(0) turns these retries off. HTTP 429 (rate limited) does not count here; see O(rate_limit_wait).
    type: int
    default: 4
  rate_limit_wait:
    description:
      - Seconds a task may spend in all waiting out HTTP 429 (rate limited) answers before it fails.
      - After a 429 a request, a POST included (the API refused it, so nothing was created), is sent again after
        C(Retry-After) plus a random spread of up to 1 second, then up to 2 seconds as 429s follow each other,
        so that forks refused in the same second do not come back in the same second.
        A 429 without C(Retry-After) waits as if it said 1 second.
      - When the next wait would pass this budget, the task fails with a message giving the time waited, the number of 429 answers
        and the last C(Retry-After).
      - V(0) fails at the first 429. At most V(86400).
      - If not set, the value of the E(KOCHAVA_RATE_LIMIT_WAIT) environment variable is used, and then V(300).
    type: float
    default: 300
  max_requests_per_second:
    description:
      - Paces the requests of every task on this controller that uses the same O(api_key) and O(api_url), forks included,
        to at most this many per second, so that many hosts (apps) running at once do not run into the API's rate limit.
      - The forks share a lock file in the temporary directory of the user, named by an HMAC-SHA256 of the URL keyed with the key
        (without the key, a name cannot be checked against a guessed key). It is created 0600, never through a symbolic link,
        used only when it is a regular file of this user (its mode is set back to 0600 if found looser), and holds the time the next
        request may start; a time further ahead than one interval (plus 1 s) is stale and ignored.
        A lock held by another process for more than 5 s, or a file that cannot be used, turns pacing off for the task, with a warning.
        Pacing is off, with a warning, on a platform without C(fcntl) file locks.
      - V(0) turns pacing off. Otherwise at least V(0.01).
      - If not set, the value of the E(KOCHAVA_MAX_REQUESTS_PER_SECOND) environment variable is used, and then V(0).
    type: float
    default: 0
  max_answer_bytes:
    description:
      - The largest answer body a request reads, in bytes, counted after decompression (a small compressed answer that inflates
        past it stops at the cap and never fills memory).
      - An answer over it is an error naming this cap. A read (GET) is retried as after a lost answer; a write (POST, PATCH, DELETE)
        is never trusted, its outcome is unknown, so a POST is resent only after a re-read found no such trigger.
      - The default, 16 MiB, is far above the largest real page (50 triggers, some 100 kB). From V(65536) to V(1073741824).
      - If not set, the value of the E(KOCHAVA_MAX_ANSWER_BYTES) environment variable is used, and then V(16777216).
    type: int
    default: 16777216
requirements:
  - requests >= 2.25
  - voluptuous >= 0.13
notes:
  - Modules talk to the API from the host they run on, usually C(localhost) (use O(ignore:delegate_to) or a local connection).
  - The options above can be set once for all modules of this collection with
    C(module_defaults) and the action group C(group/kochava.publisher.kochava).
"""
