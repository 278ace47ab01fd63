"""URL choice, registered domains, platform permalinks and URL extraction (cases 02, 08, 21)."""

from __future__ import annotations

import json
import logging

import pytest

from ioscope.urls import (
    extract_urls,
    is_platform_permalink,
    link_domains,
    parse_permalink,
    pick_expanded,
    registered_domain,
    url_host,
)


@pytest.mark.parametrize(("url", "domain"), [
    ("https://www.BBC.co.uk/news/Story", "bbc.co.uk"),
    ("https://news.cgtn.com/news/2020", "cgtn.com"),
    ("http://xhne.ws/BeKaY", "xhne.ws"),
    ("https://foo.blogspot.com/x", "foo.blogspot.com"),  # private suffixes on
    ("https://www.State-Media.example/news/77", "state-media.example"),  # reserved TLD: last two labels
    ("http://ow.ly/3HR550AbCdE", "ow.ly"),
    ("https://user:pw@Sub.Example.COM:8443/p", "example.com"),
    ("xhne.ws/abc", "xhne.ws"),
    ("http://127.0.0.1:8080/x", "127.0.0.1"),
    ("", None),
    (None, None),
    ("not a url", None),
    ("http://localhost/x", None),
])
def test_registered_domain(url, domain):
    assert registered_domain(url) == domain


def test_no_network_and_no_traceback(caplog):
    with caplog.at_level(logging.DEBUG):
        assert registered_domain("https://a.b.c.example.co.uk/") == "example.co.uk"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_url_host():
    assert url_host("https://WWW.Example.COM./Path") == "example.com"
    assert url_host("https://t.co/AbC") == "t.co"


@pytest.mark.parametrize(("url", "expected"), [
    ("https://twitter.com/acct_051/status/1267300000000000009", ("acct_051", "1267300000000000009")),
    ("https://x.com/acct_051/status/12?s=20", ("acct_051", "12")),
    ("https://mobile.twitter.com/a/statuses/99", ("a", "99")),
    ("https://www.twitter.com/a/status/1/photo/1", ("a", "1")),
    ("https://twitter.com/i/web/status/1243000000000000010", (None, "1243000000000000010")),
    ("http://twitter.com/#!/a/status/12", ("a", "12")),
    ("https://twitter.com/acct_051", None),
    ("https://twitter.com/i/broadcasts/1OdKrWzabAlGX", None),
    ("https://nottwitter.com/a/status/1", None),
    ("https://news.example/status/1", None),
])
def test_permalinks(url, expected):
    assert parse_permalink(url, "twitter") == expected
    assert is_platform_permalink(url, "twitter") is (expected is not None)
    assert is_platform_permalink(url, "telegram") is False


def test_pick_expanded_order():
    full = {"url": "https://t.co/x", "expanded_url": "https://bit.ly/3XyZ12a",
            "unwound_url": "https://state-media.example/news/77?utm_source=twitter"}
    assert pick_expanded(full) == "https://state-media.example/news/77?utm_source=twitter"
    assert pick_expanded({"url": "https://t.co/x", "unwound": {"url": "https://a.example/1"},
                          "expanded_url": "https://b.example"}) == "https://a.example/1"
    assert pick_expanded({"url": "https://t.co/x", "expanded_url": "https://b.example/P"}) == "https://b.example/P"
    assert pick_expanded({"url": "https://t.co/x", "expanded_url": ""}) == "https://t.co/x"  # empty = absent
    assert pick_expanded({"url": "", "expanded_url": None}) is None
    assert pick_expanded(None) is None


def test_link_domains_distinct_and_without_wrappers():
    urls = ["https://t.co/abc", "https://a.example/1", "https://www.a.example/2", "http://t.co/x", "https://b.example"]
    assert link_domains(urls) == ["a.example", "b.example"]
    assert link_domains([]) == []


def test_extract_urls_keeps_valid_urls_whole():
    text = "see https://t.co/abc. and (https://en.wikipedia.org/wiki/Foo_(bar)) or https://t.co/xyz… end http://"
    assert extract_urls(text) == ["https://t.co/abc", "https://en.wikipedia.org/wiki/Foo_(bar)", "https://t.co/xyz"]
    assert extract_urls("x https://A.example/Path?Q=1&b=2#Frag, y") == ["https://A.example/Path?Q=1&b=2#Frag"]
    assert extract_urls("'https://en.wikipedia.org/wiki/Ender's_Game'") == ["https://en.wikipedia.org/wiki/Ender's_Game"]
    assert extract_urls(None) == []


def test_case_21_link_choice(shared_cases):
    lines = (shared_cases / "21-url-shortener-chains-and-canonical-domains" / "tweets_flat.jsonl").read_text()
    domains: dict[str, int] = {}
    refs = []
    for rec in map(json.loads, lines.splitlines()):
        for entity in rec["entities"]["urls"]:
            url = pick_expanded(entity)
            link = parse_permalink(url, "twitter")
            if link:
                refs.append(link)
                continue
            domains[registered_domain(url)] = domains.get(registered_domain(url), 0) + 1
    assert domains == {"state-media.example": 2, "ow.ly": 1}  # no twitter.com row
    assert refs == [("acct_180", "1700000000000000001")]
