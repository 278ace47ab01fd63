"""The ``crowdtangle`` source: case 16 (three layouts), zones, permalinks, real PyCooRnet API posts."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ioscope.sources.crowdtangle  # noqa: F401  (registers the source)
from ioscope.ingest import ingest
from ioscope.sources import SourceOptions, registry
from ioscope.sources.crowdtangle import detect_layout, parse_dashboard_time, parse_post_url
from ioscope.store import Store

CASE16 = "16-crowdtangle-csv-schema-versions"
LAYOUTS = {
    "ct_historical_pre_2021-04.csv": "historical-pre-2021-04",
    "ct_historical_post_2021-04.csv": "historical-post-2021-04",
    "ct_api_flattened_newformat.csv": "api-dotted",
}
UTC = dt.timezone.utc


def _posts(store: Store):
    return store.query("SELECT * FROM posts ORDER BY created_at").to_dict("records")


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_case16_same_two_posts_from_every_layout(tmp_path, shared_cases, name):
    path = shared_cases / CASE16 / name
    assert registry.detect(path).name == "crowdtangle"  # header fingerprint, not misclassified
    store = Store(tmp_path / "s.duckdb")
    rep = ingest(store, [path]).files[0]
    assert (rep.n_read, rep.n_stored, rep.n_quarantined) == (2, 2, 0)
    p1, p2 = _posts(store)
    # expected.md: times 2021-03-01 12:00:00 and 12:05:00 (read as UTC: the default zone, recorded).
    assert p1["created_at"].to_pydatetime() == dt.datetime(2021, 3, 1, 12, 0, tzinfo=UTC)
    assert p2["created_at"].to_pydatetime() == dt.datetime(2021, 3, 1, 12, 5, tzinfo=UTC)
    # Post 1: the Final Link / expandedLinks.expanded article, not bit.ly (case 16, case 21).
    assert list(p1["urls"]) == ["https://state-media.example/news/77"]
    assert list(p1["domains"]) == ["state-media.example"]
    assert p1["kind"] == "original"
    # Post 2: a re-share; the facebook.com permalink is a relation, never a URL or a domain.
    assert p2["kind"] == "repost"
    assert p2["ref_post_id"] == "9000000000000001"
    assert p2["ref_account_handle"] == "page_acct_150"
    assert list(p2["urls"]) == [] and list(p2["domains"]) == []
    # The placeholder title is dropped: it appears nowhere in the stored post.
    assert "re-share of a post" not in repr(p2)
    assert p1["text"] == "Invented message sharing an article"
    assert f"crowdtangle_layout:{LAYOUTS[name]}" in p1["flags"]
    if LAYOUTS[name].startswith("historical"):
        # account = User Name / Facebook Id; the post ID is the one in URL (stable across layouts).
        assert (p1["account_handle"], p1["account_id"]) == ("page_acct_150", "100000000000150")
        assert (p2["account_handle"], p2["post_id"]) == ("page_acct_151", "9000000000000002")
        assert p1["post_id"] == "9000000000000001"
        assert "assumed_utc" in p1["flags"]  # dashboard CSV: zone not written, assumption recorded
        assert (p1["like_count"], p1["share_count"], p1["reply_count"]) == (10, 5, 2)
    else:
        # The 7-column API file has no account and no ID columns: account null, ID synthesised.
        assert p1["account_id"] is None and p1["account_handle"] is None
        assert "post_id_missing" in p1["flags"]
        assert not [f for f in p1["flags"] if f.startswith("assumed")]  # API docs: `date` is UTC


def test_case16_historical_layouts_dedupe_on_post_url_id(tmp_path, shared_cases):
    # The same two posts exported before and after April 2021: one canonical pair, two duplicates.
    store = Store(tmp_path / "s.duckdb")
    rep = ingest(store, [shared_cases / CASE16 / n for n in sorted(LAYOUTS) if "historical" in n])
    assert rep.total("n_stored") == 2 and rep.total("n_duplicate") == 2


def test_case16_zone_is_asked_never_the_machine(tmp_path, shared_cases):
    # --tz America/New_York: 12:00 EST on 1 March 2021 is 17:00 UTC.
    store = Store(tmp_path / "s.duckdb")
    ingest(store, [shared_cases / CASE16 / "ct_historical_post_2021-04.csv"],
           options=SourceOptions(tz="America/New_York"))
    assert _posts(store)[0]["created_at"].to_pydatetime() == dt.datetime(2021, 3, 1, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize("value,tz,expected", [
    ("2021-04-20 11:00:03 EDT", "UTC", dt.datetime(2021, 4, 20, 15, 0, 3, tzinfo=UTC)),  # EDT = -4
    ("2021-01-20 11:00:03 CST", "Asia/Shanghai", dt.datetime(2021, 1, 20, 3, 0, 3, tzinfo=UTC)),  # +8
    ("2021-01-20 11:00:03 CST", "America/Chicago", dt.datetime(2021, 1, 20, 17, 0, 3, tzinfo=UTC)),
    ("2021-01-20 11:00:03 +0300", "UTC", dt.datetime(2021, 1, 20, 8, 0, 3, tzinfo=UTC)),
    ("2021-01-20 11:00:03 UTC", "Europe/Berlin", dt.datetime(2021, 1, 20, 11, 0, 3, tzinfo=UTC)),
])
def test_dashboard_time_zone_suffix(value, tz, expected):
    got, flags = parse_dashboard_time(value, tz)
    assert got == expected and flags == []


def test_ambiguous_zone_abbreviation_is_quarantined_with_reason(tmp_path):
    # "CST" is China or US Central: without a confirming --tz the record is quarantined, naming the field.
    path = tmp_path / "ct.csv"
    _write(path, ["User Name", "Facebook Id", "Post Created", "URL", "Message", "Link", "Final Link"],
           [["acct_1", "101", "2021-01-20 11:00:03 CST", "https://www.facebook.com/acct_1/posts/5", "m", "", ""],
            ["acct_1", "101", "2021-01-20 11:00:03", "https://www.facebook.com/acct_1/posts/6", "m", "", ""]])
    store = Store(tmp_path / "s.duckdb")
    rep = ingest(store, [path]).files[0]
    assert (rep.n_stored, rep.n_quarantined) == (1, 1)
    assert store.scalar("SELECT reason FROM quarantine").startswith("Post Created: time zone 'CST'")


def test_empty_link_is_no_url_and_own_photo_is_no_relation(tmp_path):
    # Row 1: empty Link/Final Link -> no URL (peer-tool fault: empty cell shared by every post).
    # Row 2: a photo post whose Link is its own photo page -> neither a URL nor a repost.
    path = tmp_path / "ct.csv"
    _write(path, ["\ufeffUser Name", "Facebook Id", "Created", "URL", "Message", "Link", "Final Link", "Likes"],
           [["acct_1", "101", "2020-01-01 10:00:00", "https://www.facebook.com/acct_1/posts/5", "a #Tag",
             "", "", "1,234"],
            ["acct_1", "101", "2020-01-01 10:01:00", "https://www.facebook.com/acct_1/posts/6", "b",
             "https://www.facebook.com/acct_1/photos/a.7/8/", "", "NA"]])
    store = Store(tmp_path / "s.duckdb")
    ingest(store, [path])
    p1, p2 = _posts(store)
    assert list(p1["urls"]) == [] and list(p2["urls"]) == []
    assert p2["kind"] == "original" and p2["ref_post_id"] is None
    assert list(p1["hashtags"]) == ["Tag"] and p1["like_count"] == 1234 and p2["like_count"] is None


def test_post_url_ids():
    assert parse_post_url("https://www.facebook.com/page_acct_150/posts/9000000000000001") == (
        "facebook", "page_acct_150", "9000000000000001")
    assert parse_post_url("https://www.facebook.com/groups/123/permalink/456/") == ("facebook", None, "456")
    assert parse_post_url("https://www.facebook.com/permalink.php?story_fbid=77&id=88") == ("facebook", "88", "77")
    assert parse_post_url("https://www.instagram.com/p/CODE_x1/") == ("instagram", None, "CODE_x1")
    assert parse_post_url("https://www.facebook.com/apppc.tw") is None  # a page, not a post
    assert parse_post_url("https://state-media.example/posts/1") is None


def test_layout_detection_rejects_shares_table():
    assert detect_layout(["id", "is_orig", "expanded", "date", "account.platformId"]) is None
    assert detect_layout(["id", "platformId", "postUrl", "account_name", "is_orig", "expanded"]) == "api-underscore"


def test_real_pycoornet_api_posts(tmp_path, shared_data):
    # sample_ct_out.csv: 25 raw /links API posts flattened with "_" (48 columns), no `date` column.
    path = shared_data / "pycoornet-crowdtangle-samples" / "sample_ct_out.csv"
    assert registry.detect(path).name == "crowdtangle"
    store = Store(tmp_path / "s.duckdb")
    rep = ingest(store, [path]).files[0]
    # Counted with pandas(dtype=str): 25 rows, 25 distinct postUrl, 24 distinct account_platformId,
    # every `expanded` on www.telesurenglish.net, statistics_actual_likeCount sums to 15149.
    assert (rep.n_read, rep.n_stored, rep.n_quarantined) == (25, 25, 0)
    assert store.scalar("SELECT count(*) FROM accounts") == 24
    assert store.scalar("SELECT count(*) FROM posts WHERE domains = ['telesurenglish.net']") == 25
    assert store.scalar("SELECT sum(like_count) FROM posts") == 15149
    # postUrl .../declankearneysf/posts/879968542210943 and platformId 343053159235820_879968542210943
    # give the same post ID.
    row = store.query("SELECT * FROM posts WHERE post_id = '879968542210943'").iloc[0]
    assert row["account_id"] == "343053159235820" and row["account_handle"] == "declankearneysf"
    # No creation time in this file (only `updated`): NULL and flagged, never `updated`.
    assert store.scalar("SELECT count(*) FROM posts WHERE created_at IS NULL "
                        "AND list_contains(flags, 'created_at_missing')") == 25


_HEADER = ["Page Name", "User Name", "Facebook Id", "Post Created", "URL", "Message", "Link", "Final Link",
           "Link Text", "Likes", "Shares", "Comments"]
_cell = st.one_of(st.text(max_size=30), st.sampled_from(
    ["", "NA", "1.5e+14", "2021-03-01 12:00:00", "2021-03-01 12:00:00 EDT", "This is a re-share of a post",
     "https://www.facebook.com/a/posts/1", "https://bit.ly/x", "1,234", "#tag @m"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_cell, min_size=len(_HEADER), max_size=len(_HEADER)), max_size=8),
       junk=st.binary(max_size=6))
def test_property_every_row_is_stored_duplicate_or_quarantined(tmp_path_factory, rows, junk):
    path = tmp_path_factory.mktemp("ct") / "ct.csv"
    _write(path, _HEADER, rows)
    if junk and rows:
        path.write_bytes(path.read_bytes() + b'"' + junk + b'",x\r\n')  # a broken last record
    store = Store(path.with_suffix(".duckdb"))
    rep = ingest(store, [path], format="crowdtangle").files[0]
    assert rep.n_read == rep.n_stored + rep.n_duplicate + rep.n_quarantined
    assert rep.n_read >= len([r for r in rows if any(c.strip() for c in r) or len(r) > 1])
    store.close()


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def test_count_beyond_64_bits_is_no_count():
    # Found by the property test: a 20-digit "count" overflowed the BIGINT column and failed the file.
    # CrowdTangle counts go through the one count parser, with thousands separators accepted.
    from ioscope.ids import parse_count

    assert parse_count("99999999999999999999", thousands=True) is None
    assert parse_count("9,223,372,036,854,775,807", thousands=True) == 2**63 - 1  # INT64_MAX: still a count
    assert parse_count("9,223,372,036,854,775,808", thousands=True) is None  # one more: beyond 64 bits
    assert parse_count("²", thousands=True) is None  # a superscript digit is not a count


def test_source_line_is_the_physical_line_and_noid_keeps_the_record_number(tmp_path):
    import gzip

    header = ["Page Name", "User Name", "Facebook Id", "Post Created", "Likes", "URL", "Message", "Link"]
    rows = [
        ["Page 1", "acct_1", "101", "2021-03-01 12:00:00 UTC", "1,234", "https://www.facebook.com/acct_1/posts/11",
         "first\nsecond line", ""],
        ["Page 2", "acct_2", "102", "2021-03-01 12:01:00 CST", "5", "https://www.facebook.com/acct_2/posts/12",
         "ambiguous zone", ""],
        ["Page 3", "acct_3", "103", "2021-03-01 12:02:00 UTC", "NA", "", "no URL, no id", ""],
    ]
    plain = tmp_path / "ct.csv"
    _write(plain, header, rows)
    path = tmp_path / "ct.csv.gz"
    path.write_bytes(gzip.compress(plain.read_bytes()))
    assert registry.detect(path).name == "crowdtangle"
    store = Store(tmp_path / "s.duckdb")
    ingest(store, [path])
    # Header line 1; record 1 spans lines 2-3 (quoted newline); record 2 (CST: quarantined) is line 4;
    # record 3 is line 5, and its stand-in ID keeps the data-record number 3 (stable across versions).
    got = {r[0]: r[1:] for r in store.con.execute(
        "SELECT post_id, source_line, like_count FROM posts").fetchall()}
    assert got["11"] == (2, 1234)  # "1,234": a thousands separator
    [noid] = [k for k in got if k.startswith("ct-noid:")]
    assert noid.startswith("ct-noid:3:") and got[noid] == (5, None)  # "NA": no count
    assert store.con.execute("SELECT source_line FROM quarantine").fetchall() == [(4,)]
