# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The connection options checked before any call, with messages naming the option.

``api_url`` must be ``https://``: the key travels in a header, so plain
``http://`` would send it in clear text; only a loopback host (127.0.0.0/8,
::1, localhost: an emulator, a local tunnel or proxy) may use ``http://``.
No user info (requests would send it as Basic auth, and the value would be
echoed), no query and no fragment (the client appends paths to the URL).
A message never quotes a URL that carries user info.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import math
from urllib.parse import urlsplit

from ansible_collections.kochava.publisher.plugins.module_utils._api.client import DEFAULT_API_URL, DEFAULT_MAX_ANSWER_BYTES
from ansible_collections.kochava.publisher.plugins.module_utils._api.pacing import rate_options_problem
from ansible_collections.kochava.publisher.plugins.module_utils._api.retry import DEFAULT_RATE_LIMIT_WAIT

MAX_TIMEOUT = 86400
MIN_ANSWER_BYTES = 64 * 1024  # a page of the API never needs less; a smaller cap only breaks runs
MAX_ANSWER_BYTES = 1024 * 1024 * 1024


def is_loopback(host):
    """True for localhost, 127.0.0.0/8 and ::1."""
    host = (host or "").lower().rstrip(".")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_credentials(url):
    """What of ``url`` must be masked: the URL itself and its user info, when it has any (else ``[]``)."""
    if not isinstance(url, str) or "@" not in url:
        return []
    try:
        netloc = urlsplit(url).netloc
    except ValueError:
        netloc = url
    userinfo = netloc.rpartition("@")[0] if "@" in netloc else url.partition("//")[2].rpartition("@")[0]
    return [value for value in (url, userinfo) if len(value) >= 3]


def api_url_problem(url):
    """What is wrong with ``api_url``, or None."""
    if not isinstance(url, str) or not url:
        return "api_url must be an https:// URL with a host name, like %s" % DEFAULT_API_URL
    text = url if "@" not in url else None  # never quote user info
    if any(char.isspace() or not char.isprintable() for char in url):
        return "api_url must not contain blanks or control characters (check for a trailing newline)"
    try:
        parts = urlsplit(url)
        host, _port = parts.hostname, parts.port  # .port raises ValueError for a port that is not a number
    except ValueError:
        parts = host = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not host:
        shown = "; got %r" % text if text is not None else " (the value is not shown: it carries user info)"
        return "api_url must be an https:// URL with a host name, like %s%s" % (DEFAULT_API_URL, shown)
    if "@" in parts.netloc:
        return (
            'api_url must not carry a user name or password (user info before "@"): the API key is the only credential; '
            "the value is not shown and nothing was sent"
        )
    if parts.query or url.rstrip().endswith("?"):
        return 'api_url must not have a query ("?..."): the API paths are appended to it; got %r' % text
    if parts.fragment or "#" in url:
        return 'api_url must not have a fragment ("#..."): the API paths are appended to it; got %r' % text
    if parts.scheme.lower() == "http" and not is_loopback(host):
        return (
            "api_url must be https:// (plain http:// would send the API key in clear text; it is allowed only for a loopback host: "
            "127.0.0.0/8, ::1, localhost); got %r" % text
        )
    return None


def app_id_problem(app_id):
    """What is wrong with ``app_id`` (after Ansible's int conversion, which keeps booleans), or None."""
    if isinstance(app_id, bool) or not isinstance(app_id, int) or app_id < 1:
        return "app_id must be a positive integer (the id of a Kochava app), got %r" % (app_id,)
    return None


def connection_problem(params):
    """What is wrong with the connection options (and ``app_id``, if the module has it), or None: checked before any call."""
    key = params["api_key"]
    if not (key.isascii() and key.isprintable()) or any(char.isspace() for char in key):
        # never quote the key: it is secret even when malformed
        return "api_key must be printable ASCII without blanks (check for a trailing newline or stray characters); it is sent as the Authentication-Key header"
    problem = api_url_problem(params["api_url"])
    if problem:
        return problem
    if "app_id" in params:
        problem = app_id_problem(params["app_id"])
        if problem:
            return problem
    timeout = params["timeout"]
    if not (math.isfinite(timeout) and 0 < timeout <= MAX_TIMEOUT):
        return "timeout must be a number of seconds more than 0 and at most %d, got %s" % (MAX_TIMEOUT, timeout)
    if params["max_retries"] < 0:
        return "max_retries must be zero or more, got %s" % params["max_retries"]
    cap = params.get("max_answer_bytes", DEFAULT_MAX_ANSWER_BYTES)
    if isinstance(cap, bool) or not isinstance(cap, int) or not MIN_ANSWER_BYTES <= cap <= MAX_ANSWER_BYTES:
        return "max_answer_bytes must be a number of bytes from %d (64 KiB) to %d (1 GiB), got %s" % (MIN_ANSWER_BYTES, MAX_ANSWER_BYTES, cap)
    return rate_options_problem(params.get("rate_limit_wait", DEFAULT_RATE_LIMIT_WAIT), params.get("max_requests_per_second", 0))
