"""The command line as a user runs it: real entry point, exit codes, one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson

EXE = [sys.executable, "-m", "ioscope.cli"]

TWEET = {
    "created_at": "Thu Mar 12 14:37:05 +0000 2020", "id": 1238111778953258507,
    "id_str": "1238111778953258507", "full_text": "Hello [bold]world[/bold] \x1b[31mred",
    "user": {"id_str": "42", "screen_name": "spox"}, "entities": {}, "lang": "en",
}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*EXE, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_missing_file_is_one_line_error(tmp_path):
    r = run("ingest", "nope.jsonl", "--db", "s.duckdb", cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == ["error: nope.jsonl: no such file"]


def test_unknown_format_is_an_error(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(orjson.dumps(TWEET) + b"\n")
    r = run("ingest", "a.jsonl", "--format", "twiter", cwd=tmp_path)
    assert r.returncode == 1 and "unknown format 'twiter'" in r.stderr


def test_ingest_summary_and_idempotency(tmp_path):
    lines = [orjson.dumps(TWEET), b"{not json", orjson.dumps(dict(TWEET, id_str="2", id=2))]
    (tmp_path / "a.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    r = run("ingest", "a.jsonl", "--db", "s.duckdb", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    # 3 records: 2 stored, the broken middle line quarantined.
    assert "2 posts collected" in r.stdout and "1 quarantined" in r.stdout
    r = run("ingest", "a.jsonl", "--db", "s.duckdb", cwd=tmp_path)
    assert "2 posts collected" in r.stdout and "1 quarantined" in r.stdout


def test_strict_fails_and_rolls_back(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(orjson.dumps(TWEET) + b"\n{broken\n")
    r = run("ingest", "a.jsonl", "--db", "s.duckdb", "--strict", cwd=tmp_path)
    assert r.returncode == 1 and "a.jsonl:2:" in r.stderr
    from ioscope.store import Store

    with Store(tmp_path / "s.duckdb") as s:
        assert s.counts()["posts"] == 0  # the file's transaction was rolled back


def test_formats_lists_sources(tmp_path):
    r = run("formats", cwd=tmp_path)
    assert r.returncode == 0
    for name in ("twitter-v1", "twitter-v1-csv", "ira-csv", "csv", "twitter-v2", "telegram-json"):
        assert name in r.stdout


def test_unknown_file_in_a_batch_stores_nothing(tmp_path):
    # The second file is not in any known format: the run stops before reading the first one.
    (tmp_path / "a.jsonl").write_bytes(orjson.dumps(TWEET) + b"\n")
    (tmp_path / "b.bin").write_bytes(b"\x00\x01\x02 not a known format")
    r = run("ingest", "a.jsonl", "b.bin", "--db", "s.duckdb", cwd=tmp_path)
    assert r.returncode == 1 and "b.bin" in r.stderr
    from ioscope.store import Store

    with Store(tmp_path / "s.duckdb") as s:
        assert s.counts()["posts"] == 0


def test_usage_error_exits_2_without_traceback(tmp_path):
    r = run("ingest", "--formt", "csv", "x", cwd=tmp_path)
    assert r.returncode == 2 and "No such option: --formt" in r.stderr and "Traceback" not in r.stderr


def test_ingest_warns_about_ids_that_lost_precision(tmp_path):
    # A spreadsheet turned two of three IDs into 1.22E+18: both are flagged (docs/sources.md), and
    # the ingest says how many, since they are never used to join or deduplicate.
    (tmp_path / "p.csv").write_text("id,created_at,text,user_id\n1.22E+18,2020-01-01T00:00:00Z,a,1\n"
                                    "1.22E+18,2020-01-02T00:00:00Z,b,1\n7,2020-01-03T00:00:00Z,c,1\n",
                                    encoding="utf-8")
    r = run("ingest", "p.csv", "--format", "csv", "--db", "s.duckdb", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "warning: 2 posts have IDs that lost precision" in " ".join(r.stdout.split())


def test_report_prints_each_analysis_as_it_runs(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(orjson.dumps(TWEET) + b"\n")
    r = run("analyze", "a.jsonl", "--db", "s.duckdb", "--out", "out", "--model", "tfidf", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    lines = [ln.strip() for ln in r.stderr.splitlines()]
    # every registered analysis announces itself, then says how long it took, in report order
    for name in ("activity", "amplification", "coordination", "domains", "narratives", "claims", "shifts"):
        assert f"{name}: running" in lines
        assert any(ln.startswith(f"{name}: done in ") and ln.endswith(" s") for ln in lines)
    assert lines.index("activity: running") < lines.index("shifts: running")
