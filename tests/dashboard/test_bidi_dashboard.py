"""Bidi control characters in post text and handles on the dashboard: shown as visible markers,
never acting, and right-to-left text isolated but unchanged. Server-side HTML through the ASGI
client; what Chromium actually draws (visible text and the left-to-right order of characters)
through Playwright with /usr/bin/chromium (those tests skip when it or playwright is absent)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from ioscope.outputs.bidi import BIDI_CONTROLS

EVIL = "abc \u202edcba\u202c xyz"
PERSIAN = "سلام دنیا"
RLO = ('<span class="bidi-ctl" dir="ltr" title="U+202E RIGHT-TO-LEFT OVERRIDE">'
       "&#x27E8;U+202E&#x27E9;</span>")
PDF = ('<span class="bidi-ctl" dir="ltr" title="U+202C POP DIRECTIONAL FORMATTING">'
       "&#x27E8;U+202C&#x27E9;</span>")
EVIL_HTML = f"<bdi>abc {RLO}dcba{PDF} xyz</bdi>"
MARKED = "abc \u27e8U+202E\u27e9dcba\u27e8U+202C\u27e9 xyz"  # what a reader sees



def _rows(scenario):
    """The bidi rows shared with the report's test (``bidi_rows`` in tests/analyses/conftest.py)."""
    return scenario.bidi_rows()


@pytest.fixture
def bidi_client(tmp_path, dash_tools):
    from starlette.testclient import TestClient

    from ioscope.outputs.dashboard import create_app

    db = dash_tools.build_store(tmp_path / "bidi.duckdb", *_rows(dash_tools.scenario))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with TestClient(create_app(db, run_on_demand=()), base_url="http://127.0.0.1") as c:
            yield c


PAGES = ["/", "/actors", "/amplification", "/posts", "/post/twitter/500", "/post/twitter/601",
         "/amplification/cascade?platform=twitter&post_id=500", "/posts?lang=fa"]


def test_no_page_carries_a_raw_control(bidi_client):
    for path in PAGES:
        r = bidi_client.get(path)
        assert r.status_code == 200, path
        for ch in BIDI_CONTROLS:
            assert ch not in r.text, (path, hex(ord(ch)))


def test_post_text_and_handles_are_marked_and_isolated(bidi_client):
    posts = bidi_client.get("/posts").text
    # the text cells link to the post; the marked text is isolated inside the link
    assert f'<a href="/post/twitter/500">{EVIL_HTML}</a>' in posts
    assert f'<a href="/post/twitter/600"><bdi>{PERSIAN}</bdi></a>' in posts
    # the handle with the unclosed override: a marker, isolated
    assert f"<bdi>random{RLO}user</bdi></a>" in posts
    page = bidi_client.get("/post/twitter/500").text
    assert f'<blockquote class="post-text" id="post-text" dir="auto">{EVIL_HTML}</blockquote>' in page
    page = bidi_client.get("/post/twitter/601").text
    assert f"<strong>@<bdi>random{RLO}user</bdi></strong>" in page
    # the Persian text of the referenced post, unchanged
    assert f'<blockquote class="post-text" dir="auto"><bdi>{PERSIAN}</bdi></blockquote>' in page
    cascade = bidi_client.get("/amplification/cascade?platform=twitter&post_id=500").text
    assert f'<blockquote class="post-text" dir="auto">{EVIL_HTML}</blockquote>' in cascade
    # the lang choice keeps its value; left-to-right text keeps its plain markup
    assert '<option value="fa">fa</option>' in posts
    assert ">SpoxCN</a>" in posts


# -- in Chromium ---------------------------------------------------------------------------------

@pytest.fixture
def bidi_server(tmp_path, dash_tools) -> Iterator[str]:
    """The dashboard over the bidi store in a background thread; yields the base URL."""
    db = dash_tools.build_store(tmp_path / "bidi.duckdb", *_rows(dash_tools.scenario))
    with dash_tools.serve(db, run_on_demand=()) as url:
        yield url


@pytest.fixture
def bpage(chromium, bidi_server):
    context = chromium.new_context(viewport={"width": 1360, "height": 900}, base_url=bidi_server)
    pg = context.new_page()
    pg.problems = []
    pg.on("pageerror", lambda e: pg.problems.append(str(e)))
    yield pg
    context.close()


# The left edge (CSS px) of each character of the first text node under `selector` holding
# `needle`: increasing means drawn left to right, decreasing right to left.
_XS = """([selector, needle]) => {
  const root = document.querySelector(selector);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const i = n.data.indexOf(needle);
    if (i < 0) continue;
    return Array.from(needle, (_, k) => {
      const r = document.createRange();
      r.setStart(n, i + k);
      r.setEnd(n, i + k + 1);
      return r.getBoundingClientRect().left;
    });
  }
  return null;
}"""


def _open(pg, path: str) -> None:
    pg.goto(path)
    pg.wait_for_selector("body[data-charts-ready]", timeout=30_000)


@pytest.mark.browser
def test_chromium_shows_markers_in_the_cell_and_keeps_the_order(bpage):
    _open(bpage, "/posts")
    cell = bpage.locator("td", has_text="xyz").first
    assert cell.inner_text() == MARKED
    marker = cell.locator("span.bidi-ctl").first
    assert marker.get_attribute("title") == "U+202E RIGHT-TO-LEFT OVERRIDE"
    # "dcba" is drawn as stored (left to right), not reversed by the override
    xs = bpage.evaluate(_XS, ["#table-posts tbody", "dcba"])
    assert xs == sorted(xs) and len(set(xs)) == 4, xs
    # the Persian cell is still drawn right to left (its first letter rightmost)
    assert bpage.locator("td", has_text=PERSIAN).first.inner_text() == PERSIAN
    xs = bpage.evaluate(_XS, ["#table-posts tbody", "دنیا"])
    assert xs[0] > xs[-1], xs
    assert bpage.problems == []


@pytest.mark.browser
def test_chromium_unclosed_override_does_not_bleed(bpage):
    _open(bpage, "/post/twitter/601")
    meta = bpage.locator("p.post-meta").first
    assert meta.locator("strong").inner_text() == "@random\u27e8U+202E\u27e9user"
    # the text after the handle (its labels) keeps its left-to-right order
    xs = bpage.evaluate(_XS, ["p.post-meta", "not a tracked actor"])
    assert xs == sorted(xs), xs
    xs = bpage.evaluate(_XS, ["p.post-meta", "user"])
    assert xs == sorted(xs), xs
    _open(bpage, "/post/twitter/500")
    assert bpage.locator("#post-text").inner_text() == MARKED
    xs = bpage.evaluate(_XS, ["#post-text", "dcba"])
    assert xs == sorted(xs), xs
