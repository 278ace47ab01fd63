"""URL canonicalisation (ioscope.canon): what is folded, and that valid URLs are never damaged."""

from __future__ import annotations

import pytest

from ioscope.canon import (
    ShortLinkResolver,
    canonical_domain,
    canonical_host,
    canonical_url,
    is_shortener,
    pick_expanded_url,
)


@pytest.mark.parametrize("url, expected", [
    # scheme and host lower-cased, path case kept, default port and fragment dropped
    ("HTTPS://News.Example:443/A/B?x=1#top", "https://news.example/A/B?x=1"),
    ("http://Example.com:80", "http://example.com/"),
    ("http://example.com:8080/a", "http://example.com:8080/a"),
    # tracking parameters stripped (utm_*, fbclid, ...), others kept in order and encoding
    ("https://a.example/p?utm_source=tw&id=7&fbclid=abc&UTM_Medium=x&q=%28b%29",
     "https://a.example/p?id=7&q=%28b%29"),
    ("https://a.example/p?utm_source=tw", "https://a.example/p"),
    # www, mobile and AMP hosts folded while a registered domain remains
    ("https://www.globalresearch.ca/x/5799901", "https://globalresearch.ca/x/5799901"),
    ("https://m.facebook.com/story.php?id=1", "https://facebook.com/story.php?id=1"),
    ("https://mobile.twitter.com/a/status/1", "https://twitter.com/a/status/1"),
    ("https://x.com/a/status/1", "https://twitter.com/a/status/1"),
    ("https://amp.theguardian.com/world/2020/a", "https://theguardian.com/world/2020/a"),
    ("https://m.com/a", "https://m.com/a"),                  # nothing left to fold to
    ("https://www.bbc.co.uk/news", "https://bbc.co.uk/news"),
    # AMP caches unwrapped, /amp suffix and amp query removed
    ("https://www-rt-com.cdn.ampproject.org/c/s/www.rt.com/news/480000-virus/amp/",
     "https://rt.com/news/480000-virus"),
    ("https://www.google.com/amp/s/www.globaltimes.cn/content/1182511.shtml",
     "https://globaltimes.cn/content/1182511.shtml"),
    ("https://site.example/story?amp=1&id=3", "https://site.example/story?id=3"),
    # youtu.be folded to the watch page
    ("https://youtu.be/_tk9r8fri5g?t=10", "https://youtube.com/watch?v=_tk9r8fri5g&t=10"),
    # never damaged: parentheses, percent-escapes, semicolons, tildes, case in path and query
    ("https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_(bar)"),
    ("https://a.example/%7Euser/A;b=C?Q=Z", "https://a.example/%7Euser/A;b=C?Q=Z"),
    ("https://a.example/~u/x)", "https://a.example/~u/x)"),
    # a hash-bang route addresses content: kept
    ("https://twitter.com/#!/user/status/5", "https://twitter.com/#!/user/status/5"),
    # not an absolute http(s) URL: returned as is (stripped)
    ("  url:123 ", "url:123"),
    ("news.example/a", "news.example/a"),
    ("javascript:alert(1)", "javascript:alert(1)"),
    ("", ""),
    (None, ""),
])
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_schemeless_links_read_as_https_on_request():
    # Telegram link tables drop the scheme; only with schemeless=True is it added
    assert canonical_url("de.rt.com/meinung/109980-x/?fbclid=iwar0", schemeless=True) == \
        "https://de.rt.com/meinung/109980-x/"
    assert canonical_url("rt.com", schemeless=True) == "https://rt.com/"
    assert canonical_url("not a url", schemeless=True) == "not a url"


def test_idempotent():
    for u in ("HTTPS://WWW.Example.com/A?utm_x=1&b=2#f", "https://youtu.be/abc",
              "https://www-rt-com.cdn.ampproject.org/c/s/www.rt.com/news/1/amp/"):
        once = canonical_url(u)
        assert canonical_url(once) == once


def test_canonical_domain_and_host():
    assert canonical_domain("https://de.rt.com/x") == "rt.com"
    assert canonical_domain("https://foo.blogspot.com/p") == "foo.blogspot.com"   # private suffix
    assert canonical_domain("de.sputniknews.com/a", schemeless=True) == "sputniknews.com"
    assert canonical_domain("url:1") is None
    assert canonical_host("WWW.M.Example.COM.") == "example.com"
    assert canonical_host(None) == ""


@pytest.mark.parametrize("url, short", [
    ("https://t.co/4iFWlhAEyV", True), ("http://xhne.ws/BeKaY", True), ("bit.ly/abc", True),
    ("https://www.bit.ly/abc", True), ("https://on.rt.com/ab12", True), ("https://rt.com/on", False),
    ("https://dw.com/p/3Zx", True), ("https://dw.com/en/story", False),
    ("https://news.cgtn.com/a", False), ("", False), (None, False),
])
def test_is_shortener(url, short):
    assert is_shortener(url) is short


def test_pick_expanded_url_prefers_unwound_then_expanded_then_final_link():
    assert pick_expanded_url({"url": "https://t.co/x", "expanded_url": "https://a.example/1",
                              "unwound_url": "https://b.example/2"}) == "https://b.example/2"
    assert pick_expanded_url({"unwound": {"url": "https://c.example/3"},
                              "expanded_url": "https://a.example/1"}) == "https://c.example/3"
    assert pick_expanded_url({"Link": "https://a.example/l", "Final Link": "https://b.example/f"}) == \
        "https://b.example/f"
    # an "expanded" value that is still a short link loses to a real one
    assert pick_expanded_url({"expanded_url": "http://bit.ly/x", "Link": "https://a.example/l"}) == \
        "https://a.example/l"
    assert pick_expanded_url({"expanded_url": "http://bit.ly/x"}) == "http://bit.ly/x"
    assert pick_expanded_url({"url": " "}) is None and pick_expanded_url(None) is None


def test_resolver_is_cached_and_never_raises(tmp_path):
    calls = []

    def fake(url, timeout_s):
        calls.append(url)
        if "bad" in url:
            raise OSError("no route")
        return "https://www.globalresearch.ca/a?utm_source=x"

    cache = tmp_path / "c.json"
    r = ShortLinkResolver(cache, rate_per_s=1000, opener=fake)
    out = r.resolve(["https://bit.ly/ok", "https://bit.ly/bad", "https://news.example/a",
                     "https://bit.ly/ok"])
    assert out == {"https://bit.ly/ok": "https://globalresearch.ca/a"}
    assert calls == ["https://bit.ly/ok", "https://bit.ly/bad"]     # long link never requested
    again = ShortLinkResolver(cache, opener=fake).resolve(["https://bit.ly/ok", "https://bit.ly/bad"])
    assert again == out and len(calls) == 2                           # from the cache, failures too
