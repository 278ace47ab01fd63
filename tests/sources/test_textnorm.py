"""Unescaping, NFC, hashtags, mentions and language codes (cases 11 and 20)."""

from __future__ import annotations

import json
import unicodedata

import pytest

from ioscope.textnorm import (
    extract_hashtags,
    extract_mentions,
    hashtag_key,
    nfc,
    normalize_lang,
    unescape_once,
    unescape_tweet_text,
)

CLEAN = "Q&A tonight: prices > wages <3 #Topic_A"


def test_unescape_once_is_one_pass():
    assert unescape_once("Q&amp;A &lt;b&gt; &quot;x&quot; it&#39;s") == "Q&A <b> \"x\" it's"
    assert unescape_once("&amp;lt;") == "&lt;"  # exactly once, never "<"
    assert unescape_once("AT&T & co") == "AT&T & co"
    assert unescape_once("&copy; &nbsp;") == "&copy; &nbsp;"  # Twitter escapes only & < >


def test_case_11_escaping_variants():
    assert unescape_tweet_text("Q&amp;A tonight: prices &gt; wages &lt;3 #Topic_A") == (CLEAN, False)
    assert unescape_tweet_text(CLEAN) == (CLEAN, False)
    assert unescape_tweet_text("Q&amp;amp;A tonight: prices &amp;gt; wages &amp;lt;3 #Topic_A") == (CLEAN, True)
    # Escaped three times: not repaired (the once-unescaped text is kept, no flag).
    assert unescape_tweet_text("a &amp;amp;amp; b") == ("a &amp;amp; b", False)


def test_nfc_composes_but_never_changes_script():
    decomposed = "e\u0301"
    assert nfc(decomposed) == "\u00e9"
    assert nfc("Ｔｏｐｉｃ") == "Ｔｏｐｉｃ"  # compatibility forms are kept
    assert nfc("نرم\u200cافزار") == "نرم\u200cافزار"


def test_case_20_hashtags(shared_cases):
    lines = (shared_cases / "20-hashtag-extraction-zwnj-rtl-cjk" / "posts.jsonl").read_text(encoding="utf-8")
    got = {r["id"]: extract_hashtags(r["text"]) for r in map(json.loads, lines.splitlines())}
    assert got == {"h1": ["نرم\u200cافزار"], "h2": ["话题"], "h3": ["Topic_A"], "h4": ["Topic_A", "topic_a"]}
    keys = [hashtag_key(t) for tags in (got["h3"], got["h4"]) for t in tags]
    assert keys == ["topic_a"] * 3  # count 3 across h3 and h4
    assert "\u200c" in hashtag_key(got["h1"][0])  # ZWNJ kept in the key


@pytest.mark.parametrize(("text", "tags"), [
    ("#a #b", ["a", "b"]),
    ("a#b c", []),  # no tag inside a word
    ("it&#39;s", []),  # an entity is not a tag
    ("#1 #2020", []),  # all digits
    ("#1st #2020vision", ["1st", "2020vision"]),
    ("#tag#", []),
    ("(#paren) #end.", ["paren", "end"]),
    ("#नमस्ते दुनिया", ["नमस्ते"]),  # Devanagari vowel signs are marks
    ("#كِتاب", ["كِتاب"]),  # Arabic harakat
    ("中文#话题 x", ["话题"]),  # CJK needs no space before the sign
    ("\u200f#Topic_A\u200f", ["Topic_A"]),
    ("＃全角", ["全角"]),
    ("", []),
    (None, []),
])
def test_hashtag_rules(text, tags):
    assert extract_hashtags(text) == tags


@pytest.mark.parametrize(("text", "handles"), [
    ("RT @acct_001: hi @Acct_2.", ["acct_001", "Acct_2"]),
    ("mail name@example.com", []),
    ("＠full_width", ["full_width"]),
    ("@用户 说", ["用户"]),
    ("\u200e@rtl_user\u200e", ["rtl_user"]),
    ("@@double", []),
    (None, []),
])
def test_mentions(text, handles):
    assert extract_mentions(text) == handles


def test_hashtag_key():
    assert hashtag_key("＃Ｔｏｐｉｃ_A") == "topic_a"
    assert hashtag_key("STRASSE") == hashtag_key("straße")  # casefold, not lower
    assert hashtag_key("\u200fTopic_A") == "topic_a"
    assert unicodedata.is_normalized("NFKC", hashtag_key("ﬁ"))


@pytest.mark.parametrize(("code", "expected"), [
    ("en", "en"), ("EN", "en"), ("in", "id"), ("iw", "he"), ("ji", "yi"), ("pt-BR", "pt-BR"),
    ("zh_Hant", "zh-Hant"), ("und", None), ("qme", None), ("qht", None), ("zxx", None), ("qam", None),
    ("qct", None), ("qst", None), ("", None), (None, None), ("English", None), ("12", None),
])
def test_normalize_lang(code, expected):
    assert normalize_lang(code) == expected
