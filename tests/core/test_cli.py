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
    # the file's transaction was rolled back, so the store this run created held nothing: removed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl"]
    from ioscope.store import Store

    run("ingest", "a.jsonl", "--db", "s.duckdb", cwd=tmp_path)  # a store with 1 post, 1 quarantined
    r = run("ingest", "a.jsonl", "--db", "s.duckdb", "--strict", cwd=tmp_path)
    assert r.returncode == 1
    with Store(tmp_path / "s.duckdb") as s:  # an existing store is kept as it was
        assert (s.counts()["posts"], s.counts()["quarantined"]) == (1, 1)


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
    assert not (tmp_path / "s.duckdb").exists()  # nothing stored: the store this run created is removed


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


def test_csv_guessed_mapping_is_shown(tmp_path):
    # No --map: the reader guesses from the header and says so once per file on stderr, naming the
    # column it left unused and that no account_id column was found (the new-user trial's silent NULLs).
    (tmp_path / "p.csv").write_text("id,time,text,author,views\n1,2020-01-01T10:00:00Z,hi,alice,3\n"
                                    "2,2020-01-01T11:00:00Z,yo,bob,4\n", encoding="utf-8")
    r = run("ingest", "p.csv", "--format", "csv", "--db", "s.duckdb", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    err = " ".join(r.stderr.split())
    assert ("csv: p.csv: guessed post_id <- id, created_at <- time, account_handle <- author, text <- text; "
            "not used: views; no account_id column: posts have no account (give --map account_id=COLUMN)") in err
    assert err.count("csv: p.csv: guessed") == 1
    from ioscope.store import Store

    with Store(tmp_path / "s.duckdb") as s:  # `author` filled the handle, never the account ID
        got = s.con.execute("SELECT post_id, account_handle, account_id FROM posts ORDER BY 1").fetchall()
    assert got == [("1", "alice", None), ("2", "bob", None)]
    # an explicit --map is the user's own statement: nothing is guessed, nothing logged
    r = run("ingest", "p.csv", "--format", "csv", "--db", "t.duckdb", "--map", "post_id=id",
            "--map", "created_at=time", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "guessed" not in r.stderr


def test_failed_first_ingest_leaves_no_store(tmp_path):
    # The new-user trial: a file in the wrong format fails cleanly (exit 1). The store file this run
    # created holds no ingest, so it and DuckDB's .wal/.tmp are removed; a pre-existing store, even an
    # empty one, is never removed.
    (tmp_path / "broken.jsonl").write_text('{"broken\n', encoding="utf-8")
    for command in (["ingest"], ["analyze", "--out", "out"]):
        r = run(*command, "broken.jsonl", "--format", "crowdtangle", "--db", "b.duckdb", cwd=tmp_path)
        assert r.returncode == 1 and "broken.jsonl" in r.stderr
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("b.duckdb")) == []
    from ioscope.store import Store

    Store(tmp_path / "e.duckdb").close()  # an empty store made before the command
    r = run("ingest", "broken.jsonl", "--format", "crowdtangle", "--db", "e.duckdb", cwd=tmp_path)
    assert r.returncode == 1 and (tmp_path / "e.duckdb").is_file()
    # a first ingest whose every record is quarantined still stored something (the quarantine): kept
    (tmp_path / "q.jsonl").write_text("{broken\n", encoding="utf-8")
    r = run("ingest", "q.jsonl", "--format", "twitter-v1", "--db", "q.duckdb", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    with Store(tmp_path / "q.duckdb") as s:
        assert (s.counts()["posts"], s.counts()["quarantined"]) == (0, 1)


def test_actors_from_dipromats_writes_an_actors_csv(tmp_path):
    # Two DIPROMATS records (the files' own layout): the CSV holds one row per account, sorted by
    # handle, with the country the file gives and the dataset as source; `actors` reads it back.
    recs = [{"id": 1, "country": "China", "user_name": "zlj517", "tweet_type": "Tweet",
             "tweet_id": 1230000000000000000, "UTC": "2020-02-19 10:00:00+00:00", "rts&fav": 3,
             "language": "en", "text": "a", "value": []},
            {"id": 2, "country": "Russia", "user_name": "mfa_russia", "tweet_type": "Tweet",
             "tweet_id": 1230000000000000001, "UTC": "2020-02-19 11:00:00+00:00", "rts&fav": 1,
             "language": "en", "text": "b", "value": []}]
    (tmp_path / "d.json").write_bytes(orjson.dumps(recs))
    r = run("actors-from", "dipromats", "d.json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "platform,account_id,handle,name,country,actor_type,overt,source"
    assert [ln.split(",")[:7] for ln in lines[1:]] == [
        ["twitter", "dipromats:mfa_russia", "mfa_russia", "mfa_russia", "RU", "diplomat", "true"],
        ["twitter", "dipromats:zlj517", "zlj517", "zlj517", "CN", "diplomat", "true"]]
    r = run("actors-from", "dipromats", "d.json", "--out", "actors.csv", cwd=tmp_path)
    assert r.returncode == 0 and "2 actors written" in r.stdout
    assert run("actors", "actors.csv", "--db", "s.duckdb", cwd=tmp_path).returncode == 0


def test_actors_from_a_format_without_actor_labels_is_an_error(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(orjson.dumps(TWEET) + b"\n")
    r = run("actors-from", "twitter-v1", "a.jsonl", cwd=tmp_path)
    assert r.returncode == 1 and "does not attest actors" in r.stderr


def test_claims_and_narratives_honour_ioscope_model(tmp_path):
    # docs/cli.md lists IOSCOPE_MODEL for --model: both embedding commands must read it (a user trial
    # saw `claims match` run e5-small with the variable set). A bogus name proves it was read.
    import os

    (tmp_path / "a.jsonl").write_bytes(orjson.dumps(TWEET) + b"\n")
    assert run("ingest", "a.jsonl", "--db", "s.duckdb", cwd=tmp_path).returncode == 0
    env = dict(os.environ, IOSCOPE_MODEL="bogus-model")
    for cmd in (["claims", "match"], ["narratives"]):
        r = subprocess.run([*EXE, *cmd, "--db", "s.duckdb"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 1 and "unknown embedding model 'bogus-model'" in r.stderr, (cmd, r.stderr)


def test_claims_import_says_which_claims_match_will_leave_out(tmp_path):
    # Two claims: one rated False (matched by default), one with no rating column mapped (rating
    # NULL): the import notes that 1 claim will be left out by `claims match`.
    (tmp_path / "c.csv").write_text("id,title,verdict\n1,The virus was made in a lab,False\n"
                                    "2,Garlic soup cures the virus,\n", encoding="utf-8")
    r = run("claims", "import", "c.csv", "--map", "claim_id=id", "--map", "text=title",
            "--map", "rating=verdict", "--db", "s.duckdb", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "note: 1 claims from these files have a rating other than false" in " ".join(r.stdout.split())


def test_coordination_null_and_correction_options(tmp_path):
    # Accounts 1 and 2 retweet the same three posts of account 9, 1 and 3 s after each: one edge.
    def tweet(i: int, uid: str, t: int, rt: dict | None = None) -> dict:
        d = dict(TWEET, id=i, id_str=str(i), full_text=f"post {i}",
                 created_at=f"Thu Mar 12 14:{t // 60:02d}:{t % 60:02d} +0000 2020",
                 user={"id_str": uid, "screen_name": f"u{uid}"})
        return dict(d, retweeted_status=rt) if rt else d
    rows = []
    for k in range(3):
        o = tweet(100 + k, "9", 600 * k)
        rows += [o, tweet(200 + k, "1", 600 * k + 1, o), tweet(300 + k, "2", 600 * k + 3, o)]
    (tmp_path / "a.jsonl").write_bytes(b"\n".join(orjson.dumps(r) for r in rows) + b"\n")
    assert run("ingest", "a.jsonl", "--db", "s.duckdb", cwd=tmp_path).returncode == 0
    r = run("coordination", "--db", "s.duckdb", "-b", "co_repost", "--null", "relabel",
            "--correction", "none", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "n_edges: 1" in r.stdout and "n_accounts_in_clusters: 2" in r.stdout
    r = run("coordination", "--db", "s.duckdb", "--null", "bogus", cwd=tmp_path)
    assert r.returncode == 1 and "null must be one of" in r.stderr
    r = run("coordination", "--db", "s.duckdb", "--correction", "holm", cwd=tmp_path)
    assert r.returncode == 1 and "correction must be one of" in r.stderr


def test_long_error_stays_one_line_and_mistyped_db_creates_nothing(tmp_path):
    # stderr is a pipe here (not a terminal): the error must not be wrapped at 80 columns
    long_name = "a-store-name-long-enough-to-push-the-error-line-past-eighty-columns.duckdb"
    r = run("coordination", "--db", long_name, cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [
        f"error: {long_name}: no such store; run `ioscope ingest` first"]
    assert not (tmp_path / long_name).exists()  # a mistyped --db leaves no empty store behind
    r = run("report", "--db", "typo.duckdb", "--out", "out", cwd=tmp_path)
    assert r.returncode == 1 and "no such store" in r.stderr and not (tmp_path / "typo.duckdb").exists()
    r = run("coordination", "--db", long_name, "--window", "30s", cwd=tmp_path)
    assert r.returncode == 2 and "'30s' is not a number of seconds or 'auto'" in r.stderr
