"""In-process tests of every page through Starlette's ASGI TestClient, on the hand-checked scenario
of tests/analyses/conftest.py (11 collected posts on 2024-03-01/02 UTC; see that docstring)."""

from __future__ import annotations

import csv
import io
import re
import warnings

import pandas as pd
import pytest

from ioscope.outputs.dashboard import create_app
from ioscope.outputs.dashboard.app import CSP

PAGES = ["/", "/actors", "/narratives", "/amplification", "/coordination", "/domains", "/claims",
         "/shifts", "/posts", "/amplification/cascade?platform=twitter&post_id=100",
         "/post/twitter/100", "/coordination/edge?a=1&b=2"]


def _csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_with_security_headers(client, path):
    r = client.get(path)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-security-policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP.split("script-src")[1].split(";")[0]
    assert r.headers["x-content-type-options"] == "nosniff"
    # No inline script: only <script src=...> tags (our two static files).
    assert re.findall(r"<script(?![^>]*\bsrc=)", r.text) == []


def test_script_text_is_escaped_on_every_page(client):
    # Post 100's text is "Hello <script>alert(1)</script> #Truth" (scenario).
    for path in PAGES + ["/posts?q=script"]:
        html = client.get(path).text
        assert "<script>alert(1)" not in html, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/post/twitter/100").text


def test_overview_defaults_to_last_7_days_and_counts_hashtags(client):
    r = client.get("/")
    # Last day with data: 2024-03-02 (posts 200-202); the last 7 days would start 2024-02-25, before
    # the first day with data (2024-03-01), so the period is clamped to 2024-03-01 .. 2024-03-02 and
    # the date inputs' values lie inside their min/max (a browser refuses to submit the form else).
    assert ('<input type="date" name="start" value="2024-03-01" min="2024-03-01" max="2024-03-02">'
            in r.text)
    assert '<input type="date" name="end" value="2024-03-02" min="2024-03-01" max="2024-03-02">' in r.text
    assert "all the data (it spans fewer than 7 days)" in r.text
    rows = _csv(client.get("/csv/overview_hashtags.csv?start=2024-03-01&end=2024-03-02"))
    # "truth" in any case: posts 100,101,102,103,104,107,108,200,201 = 9 posts, accounts 1-5;
    # written most often as "Truth" (5 posts). "Sanctions": posts 200, 201.
    assert rows[0] == {"item": "Truth", "n_posts": "9", "n_accounts": "5", "n_tracked_accounts": "5"}
    assert rows[1]["item"] == "Sanctions" and rows[1]["n_posts"] == "2"
    # The count links to the posts behind it, with the period kept.
    assert "/posts?start=2024-03-01&amp;end=2024-03-02&amp;hashtag=Truth" in r.text


def test_period_filter_narrows_the_overview(client):
    # Only 2024-03-02: posts 200 (RU), 201 and 202 (CN embassies).
    rows = _csv(client.get("/csv/overview_groups.csv?start=2024-03-02&end=2024-03-02"))
    assert {(r["country"], r["actor_type"], r["n_posts"]) for r in rows} == {
        ("RU", "state_media", "1"), ("CN", "embassy", "2")}


def test_actors_filter_by_country_and_type(client):
    rows = _csv(client.get("/csv/actors.csv"))
    # Accounts 1-5 matched (99 never seen); account 2 posted 101, 108, 201.
    assert len(rows) == 5
    assert rows[0]["account_id"] == "2" and rows[0]["n_posts"] == "3"
    assert [r["handle"] for r in _csv(client.get("/csv/actors.csv?country=RU"))] == ["RUmedia"]
    emb = _csv(client.get("/csv/actors.csv?country=CN&actor_type=embassy"))
    assert sorted(r["account_id"] for r in emb) == ["2", "3", "4"]
    page = client.get("/actors?country=RU").text
    assert "RUmedia" in page and "EmbCN_A" not in page


def test_amplification_country_matrix(client):
    rows = _csv(client.get("/csv/amplification_countries.csv"))
    got = {(r["amplifier_country"], r["amplified_country"]): int(r["n_amplifications"]) for r in rows}
    # 101, 102, 103 (CN embassies -> SpoxCN), 104 (RU -> CN), 201 and 202 (CN -> RUmedia; 202's
    # ref account comes from post 200's author); 107 is a self-repost, 105 is untracked.
    assert got == {("CN", "CN"): 3, ("RU", "CN"): 1, ("CN", "RU"): 2}


def test_matrix_count_opens_the_amplifying_posts(client):
    rows = _csv(client.get("/csv/posts.csv?country=CN&to_country=RU"))
    assert sorted(r["post_id"] for r in rows) == ["201", "202"]


def test_cascade_view_lists_amplifiers_in_time_order(client):
    rows = _csv(client.get("/csv/amplification_cascade.csv?platform=twitter&post_id=100"))
    # Other accounts' reposts/quotes/replies of 100, by time: 101 (+60 s), 102 (+120 s),
    # 104 (+300 s), 103 (+600 s), 105 (+1200 s); 107 is the author's own repost.
    assert [r["post_id"] for r in rows] == ["101", "102", "104", "103", "105"]
    assert [r["lag_s"] for r in rows] == ["60.0", "120.0", "300.0", "600.0", "1200.0"]
    assert client.get("/amplification/cascade?platform=twitter&post_id=nope").status_code == 404


def test_post_search_text_account_date_language(client):
    # "script" occurs in 100, 101, 102, 103, 107 (the script text) and 105 ("javascript:").
    assert len(_csv(client.get("/csv/posts.csv?q=SCRIPT"))) == 6
    assert {r["post_id"] for r in _csv(client.get("/csv/posts.csv?account=@embcn_a"))} == {
        "101", "108", "201"}
    assert {r["post_id"] for r in _csv(client.get("/csv/posts.csv?start=2024-03-02"))} == {
        "200", "201", "202"}
    assert _csv(client.get("/csv/posts.csv?lang=fa")) == []
    # A LIKE wildcard is a literal character, not a pattern.
    assert _csv(client.get("/csv/posts.csv?q=%25")) == []


def test_post_search_pagination(client, monkeypatch):
    from ioscope.outputs.dashboard.pages import posts

    monkeypatch.setattr(posts.SEARCH, "per_page", 4)
    first = client.get("/posts?order=oldest").text
    assert "rows 1–4 of 11" in first and "page 1 of 3" in first
    assert 'href="/posts?order=oldest&amp;page=2"' in first
    third = client.get("/posts?order=oldest&page=3").text
    assert "rows 9–11 of 11" in third and "/post/twitter/202" in third


def test_post_view_shows_provenance_and_evidence_links(client):
    html = client.get("/post/twitter/104").text
    assert "/test/input.jsonl" in html and "source line" in html
    assert 'href="/post/twitter/100"' in html  # the post it quotes
    assert "https://x.com/RUmedia/status/104" in html


def test_csv_guards_against_spreadsheet_formulas(tmp_path, dash_tools):
    build_store, scenario = dash_tools.build_store, dash_tools.scenario

    rows = [scenario.post("1", "1", text="=HYPERLINK(\"http://evil\")")]
    db = build_store(tmp_path / "f.duckdb", rows, [], [])
    from starlette.testclient import TestClient

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with TestClient(create_app(db, run_on_demand=()), base_url="http://127.0.0.1") as c:
            out = _csv(c.get("/csv/posts.csv"))
    assert out[0]["text"] == "'=HYPERLINK(\"http://evil\")"


def test_unknown_csv_and_bad_filters(client):
    assert client.get("/csv/nope.csv").status_code == 404
    assert client.get("/csv/narratives__x%3Bdrop.csv").status_code == 404
    r = client.get("/posts?start=yesterday")
    assert r.status_code == 400 and "expected a date" in r.text


def test_not_computed_pages_say_so(client):
    for path in ("/narratives", "/claims", "/coordination"):
        assert "Not computed yet" in client.get(path).text, path


def test_stored_result_tables_are_shown_with_links(tmp_path, dash_tools):
    import duckdb

    build_store, scenario = dash_tools.build_store, dash_tools.scenario

    db = build_store(tmp_path / "r.duckdb", *scenario.scenario_rows())
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE claims_matches AS SELECT 'DEMO-C001' AS claim_id, "
                "'twitter' AS platform, '100' AS post_id, 0.93 AS similarity")
    con.close()
    from starlette.testclient import TestClient

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with TestClient(create_app(db, run_on_demand=()), base_url="http://127.0.0.1") as c:
            html = c.get("/claims").text
            rows = _csv(c.get("/csv/claims__matches.csv"))
    assert "DEMO-C001" in html and 'href="/post/twitter/100"' in html
    assert rows == [{"claim_id": "DEMO-C001", "platform": "twitter", "post_id": "100",
                     "similarity": "0.93"}]


def test_exported_parquet_results_are_read(tmp_path, scenario_db):
    out = tmp_path / "report" / "tables"
    out.mkdir(parents=True)
    pd.DataFrame({"domain": ["news.example"], "rating": ["low"]}).to_parquet(
        out / "domains_ratings.parquet")
    from starlette.testclient import TestClient

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        app = create_app(scenario_db, results_dir=tmp_path / "report", run_on_demand=())
        with TestClient(app, base_url="http://127.0.0.1") as c:
            html = c.get("/domains").text
    assert "exported tables in" in html and "low" in html
    assert 'href="/posts?domain=news.example"' in html


def test_store_is_opened_read_only(client, scenario_db):
    store = client.app.state.dash.store
    assert store.read_only
    import duckdb

    with pytest.raises(duckdb.Error):
        store.con.execute("CREATE TABLE x (a INT)")


def test_host_header_must_be_local_without_token(scenario_db):
    from starlette.testclient import TestClient

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with TestClient(create_app(scenario_db, run_on_demand=()),
                        base_url="http://evil.example") as c:
            assert c.get("/").status_code == 400


def test_token_required_when_set(scenario_db):
    from starlette.testclient import TestClient

    token = "s3cret-token-0123456789"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with TestClient(create_app(scenario_db, token=token, run_on_demand=()),
                        base_url="http://10.0.0.5:8765") as c:
            r = c.get("/")
            assert r.status_code == 401 and r.headers["content-security-policy"] == CSP
            assert c.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
            assert c.get("/", headers={"Authorization": f"Bearer {token}"}).status_code == 200
            r = c.get(f"/actors?country=CN&token={token}", follow_redirects=False)
            assert r.status_code == 303 and r.headers["location"] == "/actors?country=CN"
            assert "httponly" in r.headers["set-cookie"].lower()
            assert c.get("/actors?country=CN").status_code == 200  # the cookie now


def test_non_local_host_gets_a_generated_token():
    from ioscope.errors import ConfigError
    from ioscope.outputs.dashboard.server import is_local, resolve_token

    assert is_local("127.0.0.1") and is_local("localhost") and is_local("::1")
    assert not is_local("0.0.0.0") and not is_local("192.168.1.4")
    assert resolve_token("127.0.0.1", None) is None
    assert len(resolve_token("0.0.0.0", None)) >= 32
    with pytest.raises(ConfigError):
        resolve_token("0.0.0.0", "short")


def test_missing_store_raises(tmp_path):
    from ioscope.errors import StoreError

    with pytest.raises(StoreError):
        create_app(tmp_path / "none.duckdb")


def test_plotly_is_served_locally(client):
    r = client.get("/static/plotly.min.js")
    assert r.status_code == 200 and "plotly" in r.text[:2000].lower()
    assert client.get("/static/dashboard.js").status_code == 200
