"""Issue #3: a naive time is read in the zone the user gives (``--tz``), the post says which
(``assumed_utc`` / ``assumed_tz:<zone>``), and the ingest summary and the report say how many and which."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from ioscope.ingest import assumed_zone_note, assumed_zones, ingest, ingest_rows
from ioscope.outputs.report import render_report
from ioscope.sources.base import SourceOptions, assumed_zone_flag, assumed_zone_of
from ioscope.store import Store

EXE = [sys.executable, "-m", "ioscope.cli"]
UTC = dt.timezone.utc

# Four posts: three times without a zone (a minute, a second, a bare date), one with Z.
CSV = ("post_id,created_at,text,account_id\n"
       "1,2020-03-25 13:00,a,u1\n"
       "2,2020-03-25 14:00:00,b,u2\n"
       "3,2020-03-26,c,u3\n"
       "4,2020-03-26T10:00:00Z,d,u4\n")


def _csv(path: Path, text: str = CSV) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*EXE, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("tz", "flag"), [
    ("UTC", "assumed_utc"), ("Etc/UTC", "assumed_utc"), ("Z", "assumed_utc"),  # names of UTC: the default
    ("Europe/Moscow", "assumed_tz:Europe/Moscow"), ("Asia/Tehran", "assumed_tz:Asia/Tehran"),
])
def test_one_flag_names_the_zone(tz, flag):
    assert assumed_zone_flag(tz) == flag
    # and back: the zone the flag names ("UTC" for every UTC spelling)
    assert assumed_zone_of(flag) == ("UTC" if flag == "assumed_utc" else tz)


def test_zone_spelling_is_canonical_in_flags_and_options():
    # `--tz europe/moscow` names Moscow: every post read in it says so in one spelling
    assert assumed_zone_flag("europe/moscow") == "assumed_tz:Europe/Moscow"
    assert assumed_zone_flag("utc") == assumed_zone_flag("etc/utc") == "assumed_utc"
    assert SourceOptions(tz="asia/TEHRAN").tz == "Asia/Tehran" and SourceOptions(tz="utc").tz == "UTC"
    # an unknown name is kept as given: the reader names it in its error
    assert SourceOptions(tz="Nowhere/City").tz == "Nowhere/City"
    assert assumed_zone_flag("Nowhere/City") == "assumed_tz:Nowhere/City"


def test_lower_case_zone_at_ingest_stores_the_canonical_flag(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        rep = ingest(store, [_csv(tmp_path / "m.csv")], format="csv", options=SourceOptions(tz="europe/moscow"))
        assert rep.assumed_zones == {"Europe/Moscow": 3}
        assert store.con.execute("SELECT DISTINCT flags FROM posts WHERE post_id IN ('1', '2', '3')"
                                 ).fetchall() == [(["assumed_tz:Europe/Moscow"],)]
        # 13:00 in Moscow is 10:00 UTC
        assert store.scalar("SELECT created_at FROM posts WHERE post_id = '1'") == dt.datetime(
            2020, 3, 25, 10, tzinfo=UTC)


def test_other_flags_name_no_zone():
    assert [assumed_zone_of(f) for f in ("created_at_missing", "assumed_tz:", "date_only")] == [None] * 3


def test_ingest_report_counts_posts_per_zone(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        rep = ingest(store, [_csv(tmp_path / "m.csv")], format="csv",
                     options=SourceOptions(tz="Europe/Moscow"))
        # posts 1-3 have no zone -> read in Moscow; post 4 has Z -> not counted
        assert rep.assumed_zones == {"Europe/Moscow": 3}
        # 13:00 Moscow (UTC+3, no DST since 2014) = 10:00 UTC; the flag names the zone
        created, flags = store.con.execute(
            "SELECT created_at, flags FROM posts WHERE post_id = '1'").fetchone()
        assert created == dt.datetime(2020, 3, 25, 10, tzinfo=UTC) and flags == ["assumed_tz:Europe/Moscow"]
        [row] = ingest_rows(rep)
        assert (row["no_zone"], row["zone_used"]) == (3, "Europe/Moscow")
        # a second file read with the default zone: posts 11 and 12 naive, read as UTC
        rep2 = ingest(store, [_csv(tmp_path / "u.csv", "post_id,created_at\n11,2020-03-27 10:00\n"
                                                      "12,2020-03-27 11:00\n13,1585303200\n")],
                      format="csv")
        assert rep2.assumed_zones == {"UTC": 2}  # 13 is epoch seconds: always UTC, nothing assumed
        # the whole store: 3 in Moscow, 2 in UTC, most first; restricted to one file: only its own
        assert assumed_zones(store) == {"Europe/Moscow": 3, "UTC": 2}
        assert assumed_zones(store, [tmp_path / "u.csv"]) == {"UTC": 2}
        assert assumed_zone_note(assumed_zones(store)) == (
            "5 posts had no time zone: 3 read in Europe/Moscow (assumed_tz:Europe/Moscow), "
            "2 read as UTC (assumed_utc) — --tz sets the zone when a post is first stored")
    assert assumed_zone_note({}) is None
    assert assumed_zone_note({"UTC": 1}) == "1 post had no time zone; read as UTC (assumed_utc) — --tz sets the zone when a post is first stored"


def test_cli_ingest_says_how_many_and_which_zone(tmp_path):
    _csv(tmp_path / "m.csv")
    r = _run("ingest", "m.csv", "--db", "s.duckdb", "--tz", "Europe/Moscow", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    # 3 of the 4 rows have no zone (see CSV); they were read in the zone given with --tz
    assert ("  3 posts had no time zone; read in Europe/Moscow (assumed_tz:Europe/Moscow) — --tz sets "
            "the zone when a post is first stored\n") in r.stdout
    # a re-ingest with another --tz stores nothing new: the stored posts keep Moscow, and say so
    r = _run("ingest", "m.csv", "--db", "s.duckdb", "--tz", "Asia/Tokyo", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "3 posts had no time zone; read in Europe/Moscow" in r.stdout
    # the default zone: 2,314 is how the thousands read; here a file of 1,001 naive rows -> "1,001 posts"
    rows = "".join(f"{i},2020-03-25 10:00,t{i}\n" for i in range(100, 1101))
    _csv(tmp_path / "big.csv", "post_id,created_at,text\n" + rows)
    r = _run("ingest", "big.csv", "--db", "s2.duckdb", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "  1,001 posts had no time zone; read as UTC (assumed_utc) — --tz sets the zone when a post is first stored" in r.stdout
    # every time with a zone: no line at all
    _csv(tmp_path / "z.csv", "post_id,created_at\n1,2020-03-25T10:00:00+03:00\n")
    r = _run("ingest", "z.csv", "--db", "s3.duckdb", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "had no time zone" not in r.stdout


def test_report_data_section_says_which_zone(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        rep = ingest(store, [_csv(tmp_path / "m.csv")], format="csv",
                     options=SourceOptions(tz="Europe/Moscow"))
        summary = {"collected_posts": 4, "assumed_zones": assumed_zones(store)}
    html = render_report([], tmp_path / "report.html", store_summary=summary,
                         ingest_summary=ingest_rows(rep)).read_text(encoding="utf-8")
    # the 3 naive rows of CSV, read in the --tz zone
    assert "<dt>times without a zone</dt><dd>3 posts read in Europe/Moscow</dd>" in html
    # the per-file table: no_zone 3, zone_used Europe/Moscow
    assert "<th>no_zone</th>" in html and "<th>zone_used</th>" in html and ">Europe/Moscow</td>" in html
    # several zones, most first; a zone name is text, escaped
    html = render_report([], tmp_path / "r2.html", store_summary={
        "assumed_zones": {"UTC": 2314, "<b>X": 1}}).read_text(encoding="utf-8")
    assert "<dd>2,314 posts read as UTC; 1 post read in &lt;b&gt;X</dd>" in html and "<b>X" not in html
    # nothing assumed: no line
    html = render_report([], tmp_path / "r3.html", store_summary={"assumed_zones": {}}).read_text("utf-8")
    assert "times without a zone" not in html


def test_store_summary_feeds_the_report_line(tmp_path):
    # The pipeline's store_summary (what `ioscope analyze` and `ioscope report` hand to the report)
    # carries the counts: the 3 naive rows of CSV read in Europe/Moscow.
    from ioscope.pipeline import store_summary

    with Store(tmp_path / "s.duckdb") as store:
        ingest(store, [_csv(tmp_path / "m.csv")], format="csv", options=SourceOptions(tz="Europe/Moscow"))
        summary = store_summary(store)
    assert summary["assumed_zones"] == {"Europe/Moscow": 3}
    html = render_report([], tmp_path / "r.html", store_summary=summary).read_text(encoding="utf-8")
    assert "<dd>3 posts read in Europe/Moscow</dd>" in html
