"""Real-browser tests: Playwright drives Debian's /usr/bin/chromium (never a downloaded browser)
against the dashboard serving the demo store. Screenshots go to the test's tmp_path."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser(chromium):
    """Headless Chromium (the ``chromium`` fixture of conftest.py; skips when it is absent)."""
    return chromium


@pytest.fixture
def page(browser, live_server):
    """A fresh page that records console errors, page errors and dialogs (an XSS would open one)."""
    context = browser.new_context(viewport={"width": 1360, "height": 900}, base_url=live_server)
    pg = context.new_page()
    pg.problems = []
    pg.dialogs = []
    pg.on("console", lambda m: pg.problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.problems.append(str(e)))
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    context.close()


def _open(pg, path: str) -> None:
    pg.goto(path)
    pg.wait_for_selector("body[data-charts-ready]", timeout=30_000)


PAGES = ["/", "/actors", "/narratives", "/amplification", "/coordination", "/domains", "/claims",
         "/shifts", "/posts"]


def test_every_page_renders_with_charts_and_no_errors(page, tmp_path):
    for path in PAGES:
        _open(page, path)
        name = path.strip("/") or "overview"
        page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
        assert page.locator("h1").inner_text(), path
        n_charts = page.locator("div.chart").count()
        # Every chart div was drawn by plotly (an SVG inside), i.e. the CSP let our script run.
        assert page.locator("div.chart .main-svg").count() >= n_charts, path
    # The overview has the volume chart; the amplification page three charts.
    _open(page, "/amplification")
    assert page.locator("div.chart .main-svg").count() >= 3
    assert page.problems == [], page.problems
    assert page.dialogs == []


def test_filter_then_follow_evidence_to_the_post_and_its_provenance(page, tmp_path):
    _open(page, "/")
    page.select_option("select[name=country]", "CN")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("body[data-charts-ready]")
    assert "country=CN" in page.url
    assert page.locator("p.active-filters").inner_text().count("country = CN") == 1
    page.screenshot(path=str(tmp_path / "overview-cn.png"), full_page=True)
    # The first hashtag's post count opens the posts behind it, with the filters kept.
    link = page.locator("#table-overview_hashtags tbody tr:first-child td:nth-child(2) a")
    expected = int(link.inner_text().replace(",", ""))
    link.click()
    page.wait_for_selector("body[data-charts-ready]")
    assert "/posts?" in page.url and "hashtag=" in page.url and "country=CN" in page.url
    shown = page.locator("p.pager").first.inner_text()
    # Page 1 of the post search says "rows 1–N of <expected>": the count was the posts behind it.
    assert f"of {expected}" in shown
    page.locator("#table-posts tbody tr:first-child a[href^='/post/']").first.click()
    page.wait_for_selector("#post-text")
    assert "/post/twitter/" in page.url
    assert "tweets_2020-" in page.locator("table.kv").nth(1).inner_text()  # the source file
    page.screenshot(path=str(tmp_path / "post.png"), full_page=True)
    assert page.problems == [] and page.dialogs == []


def test_cascade_and_coordination_evidence(page, tmp_path):
    _open(page, "/amplification")
    page.locator("#table-amplification_cascades tbody tr:first-child td:first-child a").click()
    page.wait_for_selector("body[data-charts-ready]")
    assert "/amplification/cascade?" in page.url
    assert page.locator("#table-amplification_cascade tbody tr").count() > 0
    page.screenshot(path=str(tmp_path / "cascade.png"), full_page=True)
    _open(page, "/coordination")
    assert page.locator("#table-coordination_clusters tbody tr").count() >= 1
    page.locator("#table-coordination_edges tbody tr:first-child a", has_text="open").click()
    page.wait_for_selector("body[data-charts-ready]")
    assert "/coordination/edge?" in page.url
    rows = page.locator("#table-coordination_evidence tbody tr")
    assert rows.count() >= 2  # an edge needs at least min_coactions = 2 co-actions
    page.screenshot(path=str(tmp_path / "edge.png"), full_page=True)
    assert page.problems == [] and page.dialogs == []


def test_script_in_post_text_stays_text_everywhere(page, tmp_path):
    # The demo plants posts whose text is "<script>alert(1)</script>" and an <img onerror>.
    _open(page, "/posts?q=%3Cscript%3Ealert(1)")
    cells = page.locator("#table-posts tbody td", has_text="<script>alert(1)</script>")
    assert cells.count() >= 1
    cells.first.locator("a").click()
    page.wait_for_selector("#post-text")
    assert page.locator("#post-text").inner_text() == "<script>alert(1)</script>"
    page.screenshot(path=str(tmp_path / "xss-post.png"), full_page=True)
    _open(page, "/posts?q=onerror")
    assert page.locator("#table-posts tbody td", has_text="<img src=x onerror=alert(2)>").count() >= 1
    for path in PAGES + ["/amplification/cascade?platform=twitter&post_id=0"]:
        page.goto(path)
        # No element came from data: the only scripts are ours (with src), no <img> at all.
        assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0, path
        assert page.evaluate("document.querySelectorAll('main img').length") == 0, path
    assert page.dialogs == []
