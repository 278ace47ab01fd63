"""The ``crowdtangle-shares`` source: the real PyCooRnet ``ct_shares.csv`` and small hand-made tables."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ioscope.sources.crowdtangle_shares  # noqa: F401  (registers the source)
from ioscope.ingest import ingest
from ioscope.sources import registry
from ioscope.sources.crowdtangle_shares import COLUMNS
from ioscope.store import Store


def test_real_ct_shares(tmp_path, shared_data):
    path = shared_data / "pycoornet-crowdtangle-samples" / "ct_shares.csv"
    assert registry.detect(path).name == "crowdtangle-shares"
    store = Store(tmp_path / "s.duckdb")
    rep = ingest(store, [path]).files[0]
    # Worked out with pandas.read_csv(dtype=str, keep_default_na=False): 1,684 rows, 1,058 distinct `id`
    # (the rows of one id are adjacent: 1,058 runs), so 1,058 posts stored and 626 rows that add a
    # link to a post already read (duplicates); no row is unreadable.
    assert (rep.n_read, rep.n_stored, rep.n_duplicate, rep.n_quarantined) == (1684, 1058, 626, 0)
    assert rep.n_read == rep.n_stored + rep.n_duplicate + rep.n_quarantined
    # 407 distinct account.platformId (= account.id = account.url counts).
    assert store.scalar("SELECT count(*) FROM accounts") == 407
    assert store.scalar("SELECT count(DISTINCT account_id) FROM posts") == 407
    # Top expanded domain: www.upmedia.mg, in 912 rows of 489 distinct posts.
    top = store.query("SELECT d, count(*) n FROM (SELECT unnest(domains) d FROM posts) "
                      "GROUP BY d ORDER BY n DESC LIMIT 1").iloc[0]
    assert (top["d"], top["n"]) == ("upmedia.mg", 489)
    # is_orig TRUE in 210 rows of 209 distinct ids (one row is repeated whole).
    assert store.scalar("SELECT count(*) FROM posts WHERE list_contains(flags, 'is_orig')") == 209
    # Dates are the API's UTC: first row 2017-01-13 21:41:10.
    t = store.scalar("SELECT created_at FROM posts WHERE post_id = 'ct:82580949333'")
    assert t == dt.datetime(2017, 1, 13, 21, 41, 10, tzinfo=dt.timezone.utc)
    # `NA` handles are no handle; `cubadebate` is kept.
    assert store.scalar("SELECT count(*) FROM accounts WHERE handle = 'NA'") == 0
    assert store.scalar("SELECT handle FROM accounts WHERE account_id = '82409693514'") == "cubadebate"


def _write(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        w.writerows(rows)


def _row(ct_id: str, is_orig: str, url: str, date: str = "2020-01-01 10:00:00", handle: str = "acct_1",
         pid: str = "101") -> list[str]:
    return [ct_id, is_orig, url, date, f"https://www.facebook.com/{pid}", "Acct", handle, "10", "9",
            "Facebook", pid, "FALSE"]


def test_rows_of_one_post_merge_links_and_is_orig(tmp_path):
    path = tmp_path / "shares.csv"
    _write(path, [
        _row("1", "TRUE", "https://news.example/a"),
        _row("1", "FALSE", "https://other.example/b"),
        _row("1", "FALSE", "https://www.facebook.com/acct_1/videos/55"),  # own video: dropped
        _row("2", "FALSE", "https://www.facebook.com/acct_9/posts/77"),  # another page's post
        _row("3", "TRUE", "https://news.example/a", date="not a date"),
        _row("", "TRUE", "https://news.example/a"),
    ])
    store = Store(tmp_path / "s.duckdb")
    rep = ingest(store, [path]).files[0]
    assert (rep.n_read, rep.n_stored, rep.n_duplicate, rep.n_quarantined) == (6, 2, 2, 2)
    p1 = store.query("SELECT * FROM posts WHERE post_id = 'ct:1'").iloc[0]
    assert list(p1["urls"]) == ["https://news.example/a", "https://other.example/b"]
    assert p1["kind"] == "original"
    assert {"is_orig", "orig_url:https://news.example/a", "post_id_crowdtangle_internal"} <= set(p1["flags"])
    p2 = store.query("SELECT * FROM posts WHERE post_id = 'ct:2'").iloc[0]
    assert (p2["kind"], p2["ref_post_id"], p2["ref_account_handle"]) == ("repost", "77", "acct_9")
    assert list(p2["urls"]) == [] and "is_orig" not in p2["flags"]
    reasons = sorted(store.query("SELECT reason FROM quarantine")["reason"])
    assert reasons[0].startswith("date:") and reasons[1].startswith("id:")


_cell = st.one_of(st.text(max_size=20), st.sampled_from(
    ["", "NA", "TRUE", "FALSE", "1", "2", "2020-01-01 10:00:00", "https://a.example/x",
     "https://www.facebook.com/p/posts/3", "3.1e+10"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_cell, min_size=len(COLUMNS), max_size=len(COLUMNS)), max_size=10),
       cut=st.integers(min_value=0, max_value=3))
def test_property_every_row_is_stored_duplicate_or_quarantined(tmp_path_factory, rows, cut):
    path = tmp_path_factory.mktemp("sh") / "shares.csv"
    _write(path, rows)
    if cut and rows:
        path.write_bytes(path.read_bytes() + b"1,\xff\xfe" + b",x" * cut + b"\r\n")  # bad bytes, short row
    store = Store(path.with_suffix(".duckdb"))
    rep = ingest(store, [path], format="crowdtangle-shares").files[0]
    assert rep.n_read == rep.n_stored + rep.n_duplicate + rep.n_quarantined
    assert rep.n_read == len(rows) + (1 if cut and rows else 0)
    store.close()


def test_source_line_is_the_physical_line_and_gzip_is_read(tmp_path):
    import gzip

    plain = tmp_path / "shares.csv"
    _write(plain, [_row("1", "TRUE", "https://news.example/a"), _row("1", "FALSE", "https://other.example/b"),
                   _row("2", "TRUE", "https://news.example/c", handle="two\nlines"),
                   _row("3", "TRUE", "https://news.example/d")])
    # csv.writer quotes the handle with a newline: row 3 spans lines 4-5, so row 4 is on line 6.
    path = tmp_path / "shares.csv.gz"
    path.write_bytes(gzip.compress(plain.read_bytes()))
    assert registry.detect(path).name == "crowdtangle-shares"  # the sniffer sees the decompressed header
    store = Store(tmp_path / "s.duckdb")
    rep = ingest(store, [path]).files[0]
    assert (rep.n_read, rep.n_stored, rep.n_duplicate) == (4, 3, 1)
    got = dict(store.con.execute("SELECT post_id, source_line FROM posts").fetchall())
    assert got == {"ct:1": 2, "ct:2": 4, "ct:3": 6}
