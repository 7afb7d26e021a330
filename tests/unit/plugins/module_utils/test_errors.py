# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kochava.publisher.plugins.module_utils._api.errors import (
    KochavaAuthError,
    KochavaBadRequestError,
    KochavaDuplicateError,
    KochavaError,
    KochavaForbiddenError,
    KochavaHTTPError,
    KochavaNotFoundError,
    KochavaRateLimitError,
    KochavaResponseError,
    KochavaServerError,
    KochavaTransportError,
    KochavaUncertainWriteError,
    error_for_status,
    is_duplicate_text,
)


@pytest.mark.parametrize(
    "status, texts, cls",
    [
        (400, [], KochavaBadRequestError),
        (400, ["Duplicate install post-back"], KochavaDuplicateError),
        (401, [], KochavaAuthError),
        (403, [], KochavaForbiddenError),
        (404, ["duplicate"], KochavaNotFoundError),
        (409, [], KochavaDuplicateError),
        (429, [], KochavaRateLimitError),
        (418, [], KochavaHTTPError),
        (500, [], KochavaServerError),
        (501, [], KochavaServerError),
    ],
)
def test_error_for_status(status, texts, cls):
    assert error_for_status(status, texts)[0] is cls


def test_is_duplicate_text():
    assert is_duplicate_text(["x", "DUPLICATE click postback"])
    assert not is_duplicate_text(["x", None, 5])
    assert not is_duplicate_text([])


def test_hierarchy_and_attributes():
    for cls in (KochavaTransportError, KochavaResponseError, KochavaHTTPError, KochavaUncertainWriteError):
        assert issubclass(cls, KochavaError)
    error = KochavaNotFoundError("GET /x failed", "GET", "/x", 404, ("gone",))
    assert (str(error), error.message, error.method, error.path, error.status, error.errors) == ("GET /x failed", "GET /x failed", "GET", "/x", 404, ["gone"])
    assert KochavaUncertainWriteError("m", "POST", "/p").status is None
