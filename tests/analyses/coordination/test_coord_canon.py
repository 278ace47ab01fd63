"""canonical_url: one campaign URL stays one object, and no valid URL is damaged."""

from __future__ import annotations

import pytest

from ioscope.canon import canonical_url


@pytest.mark.parametrize(("raw", "expected"), [
    # tracking parameters go, the others stay in their order and encoding
    ("https://news.example/a?utm_source=tw&id=7&utm_medium=social", "https://news.example/a?id=7"),
    ("https://news.example/a?fbclid=IwAR0abc", "https://news.example/a"),
    ("https://news.example/a?gclid=x&GCLID=y&igshid=z&mc_eid=1&q=%28a%29", "https://news.example/a?q=%28a%29"),
    ("https://news.example/a?UTM_Campaign=x", "https://news.example/a"),
    # host and scheme lower-cased, default port and trailing dot dropped; path case kept
    ("HTTPS://News.Example:443/Path/CASE", "https://news.example/Path/CASE"),
    ("http://news.example.:80/x", "http://news.example/x"),
    ("http://news.example:8080/x", "http://news.example:8080/x"),
    # fragment dropped, empty path becomes /
    ("https://news.example/a#section-2", "https://news.example/a"),
    ("https://news.example", "https://news.example/"),
    # never damage a valid URL: parentheses, semicolons, percent-escapes, user info
    ("https://en.wikipedia.example/wiki/Foo_(bar)?utm_source=x", "https://en.wikipedia.example/wiki/Foo_(bar)"),
    ("https://a.example/p;v=1/(x)", "https://a.example/p;v=1/(x)"),
    ("https://a.example/%E2%9C%93?x=%20", "https://a.example/%E2%9C%93?x=%20"),
    ("https://User:Pw@A.example/x", "https://User:Pw@a.example/x"),
    # not an http(s) URL: unchanged (stripped)
    ("anon-url:23678", "anon-url:23678"),
    ("  xhne.ws/abc ", "xhne.ws/abc"),
    ("", ""),
    (None, ""),
    ("https://[not-ipv6/x", "https://[not-ipv6/x"),
])
def test_canonical_url(raw, expected):
    assert canonical_url(raw) == expected


def test_tracking_suffixes_collapse_to_one_object():
    # Each copy of a campaign link carries its own tracking query (the demo's link-sharing group):
    # they must all become the same object, or IDF weighting makes each copy look rare.
    copies = [
        "https://campaign.example/Path_(issue)/3?utm_source=tw&utm_medium=social&fbclid=1",
        "https://Campaign.example/Path_(issue)/3?utm_campaign=c19&utm_content=ab12cd",
        "https://campaign.example:443/Path_(issue)/3#comments",
    ]
    assert {canonical_url(u) for u in copies} == {"https://campaign.example/Path_(issue)/3"}
