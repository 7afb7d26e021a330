"""A missing API key: one message (MISSING_KEY, defined once in _api/client.py), said by the
module glue before any call and by the client, for the same keys."""

from __future__ import annotations

import pytest

from ansible_collections.kochava.publisher.plugins.module_utils._api.client import MISSING_KEY, KochavaClient, KochavaError, api_key_missing
from ansible_collections.kochava.publisher.plugins.modules import kochava_trigger
from ansible_collections.kochava.publisher.tests.constants import APP, TEMPLATE, URL

ARGS = {"app_id": APP, "type": "install", "template_id": TEMPLATE, "title": "Install", "context": {"cpi_mostback_url": URL}}
NO_KEYS = [None, "", "   ", "\n"]


@pytest.mark.parametrize("key", NO_KEYS, ids=repr)
def test_the_module_says_where_to_set_the_key_before_any_call(run_module, emu, monkeypatch, key):
    monkeypatch.delenv("KOCHAVA_API_KEY")
    result = run_module(kochava_trigger, ARGS if key is None else dict(ARGS, api_key=key))
    assert result["failed"] is True and result["msg"] == MISSING_KEY
    assert "KOCHAVA_API_KEY" in MISSING_KEY and "module_defaults" in MISSING_KEY
    assert emu.log == []


@pytest.mark.parametrize("key", NO_KEYS + [7, b"key"], ids=repr)
def test_the_client_refuses_the_same_keys_with_the_same_message(key):
    assert api_key_missing(key)
    with pytest.raises(KochavaError) as info:
        KochavaClient(api_key=key)
    assert str(info.value) == MISSING_KEY


def test_a_key_is_not_missing():
    assert not api_key_missing("k") and not api_key_missing(" k ")
