"""_plan/outcome.py: the status and failure kind of every result, and which failures are unreachable."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kochava.publisher.plugins.module_utils._api import errors
from ansible_collections.kochava.publisher.plugins.module_utils._plan import outcome
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import TriggerError


@pytest.mark.parametrize(
    "exc, kind",
    [
        (errors.KochavaTransportError("GET /x failed talking to h: connection refused"), "unavailable"),
        (errors.KochavaServerError("GET /x answered 503", status=503), "unavailable"),
        (errors.KochavaRateLimitError("GET /x answered 429", status=429), "unavailable"),
        (errors.KochavaUncertainWriteError("PATCH /x: no answer"), "unavailable"),
        (errors.KochavaAuthError("401", status=401), "denied"),
        (errors.KochavaForbiddenError("403", status=403), "denied"),
        (errors.KochavaResponseError("GET /x answered a body that is not JSON"), "answer"),
        (errors.KochavaNotFoundError("404", status=404), "not_found"),
        (errors.KochavaDuplicateError("409", status=409), "conflict"),
        (errors.KochavaBadRequestError("400", status=400), "rejected"),
        (errors.KochavaHTTPError("418", status=418), "rejected"),
        (errors.KochavaError("api_url must be an http(s) URL"), "input"),
        (TriggerError("triggers[0].title is required"), "input"),
        (TriggerError("expect_no_changes: app 1 differs", failure="drift"), "drift"),
        (TriggerError("expected_plan: not the reviewed one", failure="stale"), "stale"),
        (TriggerError("would delete 6 triggers", failure="guard"), "guard"),
        (TriggerError("could not confirm", changed=True, failure="unavailable"), "unavailable"),
        (TriggerError("an unknown kind", failure="no-such-kind"), "input"),
        (ValueError("a bug"), "internal"),
    ],
)
def test_failure_of_every_error_class(exc, kind):
    assert outcome.failure_of(exc) == kind
    assert kind in outcome.FAILURES


def test_every_error_class_of_the_client_has_a_kind_other_than_input():
    classes = [cls for cls in vars(errors).values() if isinstance(cls, type) and issubclass(cls, errors.KochavaError)]
    concrete = [cls for cls in classes if cls not in (errors.KochavaError, errors._CallError)]
    assert len(concrete) == 11
    for cls in concrete:
        assert outcome.failure_of(cls("m")) != "input", cls


@pytest.mark.parametrize("kind, status", [("drift", "drift"), ("stale", "stale"), ("input", "error"), ("denied", "error"), ("bogus", "error")])
def test_failure_fields(kind, status):
    fields = outcome.failure_fields(kind)
    assert fields["status"] == status and fields["failure"] in outcome.FAILURES


def test_success_status():
    assert outcome.success_status(False) == "converged" and outcome.success_status(True) == "changed"
    assert set(outcome.STATUSES) == {"converged", "changed", "drift", "stale", "error"}


@pytest.mark.parametrize(
    "result, expected",
    [
        ({"failed": True, "status": "error", "failure": "unavailable"}, True),
        ({"failed": True, "status": "error", "failure": "denied"}, True),
        ({"failed": True, "status": "error", "failure": "answer"}, True),
        ({"failed": True, "status": "drift", "failure": "drift"}, False),
        ({"failed": True, "status": "stale", "failure": "stale"}, False),
        ({"failed": True, "status": "error", "failure": "input"}, False),
        ({"failed": True, "status": "error", "failure": "guard"}, False),
        ({"failed": True, "status": "error", "failure": "rejected"}, False),
        ({"failed": True, "msg": "no kind"}, False),
        ({"failed": False, "status": "converged"}, False),
        ({"status": "error", "failure": "unavailable"}, False),  # not failed: never unreachable
        (None, False),
    ],
)
def test_is_unreachable(result, expected):
    assert outcome.is_unreachable(result) is expected


def test_as_unreachable_drops_failed_and_keeps_what_the_result_says():
    failed = {"failed": True, "msg": "GET /apps/17/postbacks answered 401", "status": "error", "failure": "denied", "plan": {"create": []}}
    shown = outcome.as_unreachable(failed)
    assert shown == {"unreachable": True, "msg": failed["msg"], "status": "error", "failure": "denied", "plan": {"create": []}}
    assert failed["failed"] is True  # the given result is not changed
    drift = {"failed": True, "msg": "expect_no_changes: ...", "status": "drift", "failure": "drift"}
    assert outcome.as_unreachable(drift) is drift
    converged = {"changed": False, "status": "converged"}
    assert outcome.as_unreachable(converged) is converged
