# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Connection options shared by every module (declared once in
    # plugins/module_utils/_glue/module.py as CONNECTION_ARGUMENT_SPEC).
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
      - Seconds to wait for the API to connect and to answer each request.
    type: float
    default: 30
  max_retries:
    description:
      - How often a request is retried after HTTP 500, 502, 503, 504, a lost connection or a read timeout.
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
      - The forks share a lock file in the temporary directory of the user, named by a SHA-256 hash of the key and URL.
        Pacing is off, with a warning, on a platform without C(fcntl) file locks.
      - V(0) turns pacing off. Otherwise at least V(0.01).
      - If not set, the value of the E(KOCHAVA_MAX_REQUESTS_PER_SECOND) environment variable is used, and then V(0).
    type: float
    default: 0
requirements:
  - requests >= 2.25
  - voluptuous >= 0.13
notes:
  - Modules talk to the API from the host they run on, usually C(localhost) (use O(ignore:delegate_to) or a local connection).
  - The options above can be set once for all modules of this collection with
    C(module_defaults) and the action group C(group/kochava.publisher.kochava).
"""
