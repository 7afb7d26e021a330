# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hidden texts masked wherever they sit (Hider.text), messages finished once (masked_message), escaped messages."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import hmac
import re

import pytest

from ansible_collections.kochava.publisher.plugins.module_utils._plan.report import diff_view, export_item, masked_trigger, plan_report, set_diff
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.hiding import Hider, _Finder, escaped, hider_from, masked_message

KEY = "0123456789abcdef0123456789abcdef"
TOKEN = "LEAKME-42"
URL = "https://c.example.com/i?click={click_id}&token=%s" % TOKEN


def masked(text):
    return "********~" + hmac.new(KEY.encode(), text.encode(), hashlib.sha256).hexdigest()[:4]


def hider(**options):
    options.setdefault("secret", KEY)
    return Hider(**options)


# -- Hider.text --------------------------------------------------------------------------------
def test_a_hidden_url_parameter_seen_in_a_context_is_masked_in_any_text_with_its_own_fingerprint():
    h = hider(url_params=["token"])
    h.secrets({"cpi_mostback_url": URL})
    assert h.text("Install %s now" % TOKEN) == "Install %s now" % masked(TOKEN)
    assert h.value("cpi_mostback_url", URL).endswith("token=" + masked(TOKEN))  # the same fingerprint in its own field


def test_a_hidden_key_value_is_masked_as_its_canonical_form():
    h = hider(keys=["pin"])
    h.secrets({"pin": "0030"})
    assert h.text("pin 0030 and 30") == "pin %s and %s" % (masked("30"), masked("30"))
    assert h.value("pin", "0030") == masked("30")


def test_nothing_learnt_nothing_masked_and_non_strings_pass():
    h = hider(url_params=["token"])
    assert h.text("Install %s" % TOKEN) == "Install %s" % TOKEN
    h.learn(TOKEN)
    assert h.text(None) is None and h.text(7) == 7 and h.text("") == ""


def test_the_longest_hidden_text_wins_and_overlaps_are_masked_whole():
    h = hider()
    for text in ("abcdefghij", "abcdefghijklmn", "klmnopqrst", "xy"):
        h.learn(text)
    assert h.text("..abcdefghijklmn..") == "..%s.." % masked("abcdefghijklmn")
    shown = h.text("abcdefghijklmnopqrst xy")
    assert "abcdefghij" not in shown and "opqrst" not in shown and shown.endswith(" " + masked("xy"))


@pytest.mark.parametrize("length", [1, 3, 7, 8, 9, 40])
def test_the_finder_finds_texts_of_every_length_at_every_position(length):
    secret = ("s3cr3t-" * 10)[:length]
    finder = _Finder([secret, "another-long-secret"])
    for prefix in ("", "a", "ab c"):
        text = prefix + secret + "!"
        assert (len(prefix), len(prefix) + length) in finder.spans(text)


def test_texts_with_a_common_prefix_are_all_found():
    secrets = ["https://partner.example/cb?site=%d&x=y" % index for index in range(200)]
    finder = _Finder(secrets)
    text = " | ".join(secrets[::37])
    assert len(finder.spans(text)) == len(secrets[::37])


def test_reports_mask_titles_and_filter_strings_with_the_fingerprint_of_the_context():
    h = hider(url_params=["token"])
    trigger = {"id": 7, "type": "event", "template_id": 3373, "filter_str": "ev-%s" % TOKEN, "title": "Title %s" % TOKEN, "context": {"cpi_mostback_url": URL}}
    h.secrets(trigger["context"])
    mask = masked(TOKEN)
    assert masked_trigger(trigger, h)["title"] == "Title " + mask and masked_trigger(trigger, h)["filter_str"] == "ev-" + mask
    assert diff_view(trigger, h)["title"] == "Title " + mask
    assert export_item(trigger, h)["title"] == "Title " + mask
    text = set_diff([trigger], [], h)["before"]
    assert TOKEN not in text and "event/3373/ev-%s  title" % mask in text
    actions = [
        {
            "action": "update",
            "key": (3373, "event", trigger["filter_str"]),
            "index": 0,
            "item": {},
            "before": trigger,
            "after": trigger,
            "applied": False,
            "changes": {"title": [trigger["title"], "New"]},
        }
    ]
    entry = plan_report(actions, h)["update"][0]
    assert entry["title"] == "Title " + mask and entry["key"]["filter_str"] == "ev-" + mask and entry["changes"]["title"] == ["Title " + mask, "New"]
    assert trigger["title"] == "Title %s" % TOKEN  # the trigger itself is left as it is


# -- masked_message: one funnel -----------------------------------------------------------------------
def params(**extra):
    base = {"api_key": KEY, "hidden_url_params": ["token"], "context": {"cpi_mostback_url": URL}}
    base.update(extra)
    return base


def test_a_message_keeps_its_closing_quote_and_the_fingerprint_of_the_plan():
    message = masked_message("must be an http(s) URL, got 'ftp://c.example.com/i?token=%s'" % TOKEN, params(), {KEY})
    assert message == "must be an http(s) URL, got 'ftp://c.example.com/i?token=%s'" % masked(TOKEN)


def test_a_stray_hidden_parameter_ends_at_the_url_end():
    message = masked_message('see "https://x.example/?token=other-1" and <https://y.example/?a=1&token=other-2> `?token=other-3`', params())
    assert message == 'see "https://x.example/?token=%s" and <https://y.example/?a=1&token=%s> `?token=%s`' % (
        masked("other-1"),
        masked("other-2"),
        masked("other-3"),
    )


def test_the_api_key_is_redacted_plain_and_hidden_texts_seen_by_the_hider_are_fingerprinted():
    h = hider_from(params())
    h.secrets({"cpi_mostback_url": "https://c.example.com/?token=read-from-api"})
    message = masked_message("key %s; token read-from-api; title %s" % (KEY, TOKEN), params(), {KEY, "read-from-api", TOKEN}, h)
    assert message == "key ********; token %s; title %s" % (masked("read-from-api"), masked(TOKEN))


def test_a_mask_already_in_a_message_is_not_masked_again():
    text = "token=%s" % masked(TOKEN)
    assert masked_message(text, params()) == text


# -- escaped ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, shown",
    [
        ("plain text", "plain text"),
        ("a\r\nb\tc", "a\\r\\nb\\tc"),
        ("x\x1b[31mred", "x\\x1b[31mred"),
        ("abc\u202edcba", "abc\\u202edcba"),
        ("\u2066iso\u2069 \u200fmark\u200b", "\\u2066iso\\u2069 \\u200fmark\\u200b"),
        ("line\u2028sep\x85nel", "line\\u2028sep\\x85nel"),
        ("Café ünïcødé ✓ 日本", "Café ünïcødé ✓ 日本"),  # printable text stays as it is
    ],
)
def test_control_and_bidirectional_characters_are_escaped(text, shown):
    assert escaped(text) == shown


def test_every_message_is_escaped_once_at_the_end():
    message = masked_message("title 'Install\r\nok: [host0] => fake\u202e' token=%s\n" % TOKEN, params())
    assert message == "title 'Install\\r\\nok: [host0] => fake\\u202e' token=%s\\n" % masked(TOKEN)
    assert not re.search(r"[\r\n\u202e]", message)


def test_the_echoed_arguments_mask_a_hidden_token_pasted_into_a_title_or_filter_str():
    from ansible_collections.kochava.publisher.plugins.module_utils._triggers.hiding import masked_params

    args = params(title="Install %s" % TOKEN, triggers=[{"type": "event", "filter_str": "ev-" + TOKEN, "title": TOKEN, "context": {}}, "odd"])
    shown = masked_params(args)
    assert shown["title"] == "Install " + masked(TOKEN)
    assert shown["triggers"][0]["filter_str"] == "ev-" + masked(TOKEN) and shown["triggers"][0]["title"] == masked(TOKEN)
    assert TOKEN not in repr(shown) and args["title"] == "Install %s" % TOKEN
