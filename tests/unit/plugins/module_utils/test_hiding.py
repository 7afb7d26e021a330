# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""_triggers/hiding.py: hidden URL parameters, fingerprinted masks, the environment lists, the echoed arguments."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import hmac
import re

import pytest

from ansible_collections.kochava.publisher.plugins.module_utils._plan.digest import Review
from ansible_collections.kochava.publisher.plugins.module_utils._plan.report import plan_report
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.context import check_scalar_context
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.hiding import (
    NO_LOG_PLACEHOLDER,
    Hider,
    SecretWatch,
    fingerprint,
    hider_from,
    masked_message,
    masked_params,
    split_names,
)
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import TriggerError
from ansible_collections.kochava.publisher.tests.unit.plugins.module_utils.constants import URL

KEY = "0123456789abcdef0123456789abcdef"
MASKED_RE = re.compile(r"\*{8}~[0-9a-f]{4}")  # a fingerprinted mask, as results show a hidden value
PARTNER = "https://partner.example/cb?click={click_id}&token=tok-A1b2C3&site=17"


def masked(text):
    return "********~" + hmac.new(KEY.encode(), text.encode(), hashlib.sha256).hexdigest()[:4]


# --------------------------------------------------------------------------
# environment lists
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, names",
    [
        ("token", ["token"]),
        ("token,sig", ["token", "sig"]),
        (" token , sig ", ["token", "sig"]),
        ("token,,sig,", ["token", "sig"]),
        ("", []),
        (" , ", []),
        (None, []),
    ],
)
def test_split_names(text, names):
    assert split_names(text) == names


# --------------------------------------------------------------------------
# fingerprints
# --------------------------------------------------------------------------
def test_fingerprint_is_four_hex_of_an_hmac_keyed_with_the_api_key():
    assert fingerprint("s3cr3t", KEY) == hmac.new(KEY.encode(), b"s3cr3t", hashlib.sha256).hexdigest()[:4]
    assert fingerprint("s3cr3t", KEY) != fingerprint("s3cr3t", "another key")  # no check against a guess without the key
    assert fingerprint("s3cr3t", KEY) != fingerprint("s3cr3u", KEY)


def test_a_hidden_key_shows_the_mask_and_a_fingerprint():
    hider = Hider(keys=["cpi_mostback_url"], secret=KEY)
    assert hider.value("cpi_mostback_url", PARTNER) == masked(PARTNER)
    assert MASKED_RE.fullmatch(hider.value("cpi_mostback_url", PARTNER))
    assert hider.value("cpi_mostback_url", "") == "" and hider.value("cpi_mostback_url", None) is None
    assert hider.value("deferred_for", "0") == "0"


def test_values_of_one_meaning_show_one_fingerprint():
    hider = Hider(keys=["pin"], secret=KEY)
    assert hider.value("pin", 30) == hider.value("pin", "30") == masked("30")
    assert hider.value("pin", True) == hider.value("pin", "true")


def test_without_a_key_the_mask_is_plain():
    assert Hider(keys={"token"}).value("token", "x") == "********"
    assert Hider().context({"token": "x"}) == {"token": "x"}


def test_a_context_shows_hidden_non_empty_values_masked_in_a_copy():
    context = {"cpi_mostback_url": URL, "token": "s3cr3t", "pin": 1234, "empty": "", "none": None}
    hidden = {"token", "pin", "empty", "none", "absent"}
    assert Hider(keys=hidden).context(context) == {"cpi_mostback_url": URL, "token": "********", "pin": "********", "empty": "", "none": None}
    assert context["token"] == "s3cr3t"
    assert Hider(keys={"token"}).context(None) == {} and Hider(keys={"token"}).context({}) == {}


def test_the_hidden_texts_of_a_context_are_its_non_empty_hidden_values_as_strings():
    context = {"cpi_mostback_url": URL, "token": "s3cr3t", "pin": 1234, "empty": ""}
    assert Hider(keys={"token", "pin", "empty"}).secrets(context) == {"s3cr3t", "1234"}
    assert Hider(keys={"token"}).secrets(None) == set()


# --------------------------------------------------------------------------
# hidden URL parameters
# --------------------------------------------------------------------------
def test_a_hidden_url_parameter_is_masked_and_the_rest_stays_readable():
    hider = Hider(url_params=["token"], secret=KEY)
    assert hider.value("cpi_mostback_url", PARTNER) == "https://partner.example/cb?click={click_id}&token=%s&site=17" % masked("tok-A1b2C3")


@pytest.mark.parametrize(
    "text, shown",
    [
        ("https://p.example/cb?token=abc", "https://p.example/cb?token=M(abc)"),
        ("https://p.example/cb?a=1&token=abc#frag", "https://p.example/cb?a=1&token=M(abc)#frag"),
        ("https://p.example/cb?a=1;sig=x&Token=abc", "https://p.example/cb?a=1;sig=M(x)&Token=M(abc)"),
        ("https://p.example/cb?mytoken=abc&token=", "https://p.example/cb?mytoken=abc&token="),  # a longer name, an empty value
        ("https://p.example/token=abc", "https://p.example/token=abc"),  # a path, not a parameter
        ("token=abc&x=1", "token=M(abc)&x=1"),  # a bare query string
        ("https://p.example/cb#token=abc", "https://p.example/cb#token=M(abc)"),
    ],
)
def test_url_parameters_found_after_a_separator(text, shown):
    hider = Hider(url_params=["token", "sig"], secret=KEY)
    expected = shown
    for value in ("abc", "x"):
        expected = expected.replace("M(%s)" % value, masked(value))
    assert hider.url(text) == expected


def test_url_parameters_in_any_context_value_but_not_in_numbers():
    hider = Hider(url_params=["token"], secret=KEY)
    context = {"cpi_mostback_url": "https://c.example/i?token=abc", "note": "see ?token=abc", "deferred_for": 30}
    assert hider.context(context) == {
        "cpi_mostback_url": "https://c.example/i?token=%s" % masked("abc"),
        "note": "see ?token=%s" % masked("abc"),
        "deferred_for": 30,
    }


def test_secrets_are_what_is_hidden():
    hider = Hider(keys=["pin"], url_params=["token"], secret=KEY)
    assert hider.secrets({"pin": 1234, "cpi_mostback_url": "https://c.example/i?token=abc&a=1", "empty": ""}) == {"1234", "abc"}
    assert hider.secrets(None) == set() and Hider().secrets({"pin": "1"}) == set()


def test_a_fingerprinted_mask_is_refused_as_a_context_value():
    for value in (masked("abc"), "https://c.example/i?token=%s" % masked("abc")):
        with pytest.raises(TriggerError, match="placeholder of a hidden value"):
            check_scalar_context({"cpi_mostback_url": value})


# --------------------------------------------------------------------------
# hider_from, masked_params, masked_message
# --------------------------------------------------------------------------
def test_hider_from_params():
    hider = hider_from({"hidden_context_keys": ["pin"], "hidden_url_params": ["token"], "api_key": KEY})
    assert "pin" in hider and "token" not in hider and hider.url_params == ("token",) and hider.secret == KEY
    assert not hider_from({})


@pytest.mark.parametrize("bad", [{"hidden_context_keys": "pin"}, {"hidden_url_params": [1]}])
def test_unreadable_hidden_options_hide_every_value(bad):
    hider = hider_from(dict(bad, api_key=KEY))
    assert hider.context({"a": "x", "b": ""}) == {"a": masked("x"), "b": ""}


def test_masked_params_mask_the_key_and_every_declared_context():
    params = {
        "api_key": KEY,
        "app_id": 87100,
        "hidden_context_keys": ["pin"],
        "hidden_url_params": ["token"],
        "context": {"pin": "1234", "cpi_mostback_url": "https://c.example/i?token=abc"},
        "triggers": [{"type": "install", "context": {"pin": "9"}}, {"type": "click"}, "install token=abc"],
    }
    args = masked_params(params)
    assert args["api_key"] == NO_LOG_PLACEHOLDER
    assert args["context"] == {"pin": masked("1234"), "cpi_mostback_url": "https://c.example/i?token=%s" % masked("abc")}
    assert args["triggers"][0] == {"type": "install", "context": {"pin": masked("9")}}
    assert args["triggers"][1] == {"type": "click"}
    assert args["triggers"][2] == masked("install token=abc")  # not an item: hidden whole
    assert params["context"]["pin"] == "1234" and params["triggers"][0]["context"]["pin"] == "9"  # a copy
    assert "1234" not in repr(args) and "abc" not in repr(args) and KEY not in repr(args)


def test_masked_params_of_a_triggers_option_that_is_not_a_list():
    assert masked_params({"hidden_url_params": ["token"], "triggers": "install?token=abc"})["triggers"] == "********"
    assert masked_params({"triggers": "install"})["triggers"] == "install"


def test_masked_message_redacts_declared_values_and_hidden_url_parameters():
    params = {"hidden_context_keys": ["pin"], "hidden_url_params": ["token"], "context": {"pin": "98765"}}
    message = masked_message("pin 98765 refused; https://p.example/?token=stray&a=1; key K", params, {"K"})
    assert message == "pin ******** refused; https://p.example/?token=********&a=1; key ********"


# --------------------------------------------------------------------------
# a hidden change is visible as a change
# --------------------------------------------------------------------------
def test_a_hidden_change_shows_two_different_masks_in_the_plan():
    hider = Hider(keys=["cpi_mostback_url"], url_params=["token"], secret=KEY)
    actions = [
        {
            "action": "update",
            "key": (3373, "install", ""),
            "index": 0,
            "item": {},
            "before": {"id": 7, "title": "Install"},
            "after": {"id": 7, "title": "Install"},
            "applied": False,
            "changes": {"context.cpi_mostback_url": ["https://c.example/a", "https://c.example/b"], "context.note": ["?token=old", "?token=new"]},
        }
    ]
    changes = plan_report(actions, hider)["update"][0]["changes"]
    old, new = changes["context.cpi_mostback_url"]
    assert MASKED_RE.fullmatch(old) and MASKED_RE.fullmatch(new) and old != new
    assert changes["context.note"] == ["?token=" + masked("old"), "?token=" + masked("new")]


def test_a_reviewed_plan_tells_a_hidden_change_by_its_fingerprint():
    def plan(url):
        actions = [
            {
                "action": "update",
                "key": (3373, "install", ""),
                "index": 0,
                "item": {},
                "before": {"id": 7, "title": "Install"},
                "after": {"id": 7, "title": "Install"},
                "applied": False,
                "changes": {"context.cpi_mostback_url": ["https://c.example/a", url]},
            }
        ]
        report = plan_report(actions, Hider(keys=["cpi_mostback_url"], secret=KEY))
        report["digest"] = "87100:0123456789abcdef"
        return report

    reviewed, now = plan("https://c.example/b"), plan("https://c.example/c")
    differences = Review(reviewed, 87100).differences(now, "87100:fedcba9876543210")
    assert differences == [
        'update trigger id 7 (install/3373 "Install") context.cpi_mostback_url: reviewed "%s", now "%s"'
        % (masked("https://c.example/b"), masked("https://c.example/c"))
    ]


# --------------------------------------------------------------------------
# SecretWatch
# --------------------------------------------------------------------------
class FakeClient:
    def list_triggers(self, app_id):
        return [{"context": {"pin": "1111"}}, {"context": {"cpi_mostback_url": "https://c.example/?token=zz"}}, "odd"]

    def list_templates(self, app_id):
        return [{"context": {"pin": "2222"}}]


def test_secret_watch_keeps_the_hidden_texts_of_triggers_read():
    kept = set()
    watch = SecretWatch(FakeClient(), Hider(keys=["pin"], url_params=["token"], secret=KEY), kept.update)
    assert len(watch.list_triggers(87100)) == 3
    watch.list_templates(87100)
    assert kept == {"1111", "zz"}


def test_a_value_met_again_is_worked_out_once_and_gives_the_same_texts(monkeypatch):
    hider = Hider(keys=["secret_key"], url_params=["token"], secret="k")
    context = {"secret_key": "0030", "url": "https://c.example.com/i?token=abc&x=1", "n": 5}
    first = hider.secrets(context)
    assert first == {"0030", "30", "abc"}
    calls = []
    real = hider._value_secrets
    monkeypatch.setattr(hider, "_value_secrets", lambda key, value: calls.append(key) or real(key, value))
    assert hider.secrets(dict(context)) == first  # another dict, the same values: declared, read, echoed
    assert calls == ["n"]  # only the value that is not a str is looked at again
    assert hider.text("id 0030 and abc") == "id %s and %s" % (hider.mask("30"), hider.mask("abc"))
