"""The command line as a user runs it: real entry point, exit codes, one-line errors."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

EXE = [sys.executable, "-m", "ioscope.cli"]

TWEET = {
    "created_at": "Thu Mar 12 14:37:05 +0000 2020", "id": 1238111778953258507,
    "id_str": "1238111778953258507", "full_text": "Hello [bold]world[/bold] \x1b[31mred",
    "user": {"id_str": "42", "screen_name": "spox"}, "entities": {}, "lang": "en",
}


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*EXE, *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env} if env else None)


def test_missing_file_is_one_line_error(tmp_path):
    r = run("ingest", "nope.jsonl", "--db", "s.duckdb", cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == ["error: nope.jsonl: no such file"]


def test_a_directory_is_named_as_one(tmp_path):
    (tmp_path / "somedir").mkdir()
    r = run("ingest", "somedir", "--db", "x.duckdb", cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [
        "error: somedir: is a directory (pass the files, e.g. somedir/*.jsonl)"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["somedir"]  # no store left behind


def test_store_totals_are_singular_for_one(tmp_path):
    # one file with one tweet (one account) and one broken line: every count of the totals is 1 but
    # context (0) and actors (0)
    (tmp_path / "a.jsonl").write_bytes(orjson.dumps(TWEET) + b"\n{not json\n")
    r = run("ingest", "a.jsonl", "--db", "s.duckdb", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    line = next(ln for ln in r.stdout.splitlines() if ln.startswith("store:"))
    assert line.startswith("store: 1 post collected (+0 context), 1 account, 0 actors, "
                           "1 quarantined record, 1 file — ")
    (tmp_path / "b.jsonl").write_bytes(orjson.dumps(dict(TWEET, id_str="2", id=2)) + b"\n")
    r = run("ingest", "b.jsonl", "--db", "s.duckdb", cwd=tmp_path)
    line = next(ln for ln in r.stdout.splitlines() if ln.startswith("store:"))
    assert line.startswith("store: 2 posts collected (+0 context), 1 account, 0 actors, "
                           "1 quarantined record, 2 files — ")


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
    (tmp_path / "q.csv").write_text("id,created_at,text,user_id\n1.22E+18,2020-01-01T00:00:00Z,a,1\n",
                                    encoding="utf-8")
    r = run("ingest", "q.csv", "--format", "csv", "--db", "t.duckdb", cwd=tmp_path)
    assert "warning: 1 post has an ID that lost precision" in " ".join(r.stdout.split())


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
    # the analysis got plain strings (an enum member would print as Null.relabel)
    assert "  null: relabel\n" in r.stdout and "  correction: none\n" in r.stdout
    # values outside the choices are usage errors (test_a_value_outside_the_choices_is_a_usage_error);
    # a combination the analysis refuses is its one-line error, exit 1
    r = run("coordination", "--db", "s.duckdb", "--null", "shuffle_mc", "--correction", "bonferroni",
            cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [
        "error: coordination: correction 'bonferroni' cannot apply to null 'shuffle_mc': its smallest "
        "p-value is 1/(n_null + 1); use null 'shuffle' (closed form) to adjust p-values"]


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


@pytest.mark.parametrize(("command", "shown"), [
    (["coordination"], ["<shuffle|relabel|object|shuffle_mc>", "<bonferroni|fdr|none>",
                        "<list[co_repost|co_quote|co_reply|co_link|co_domain|co_hashtag|hashtag_seq|"
                        "co_text|near_text|sync]>"]),
    (["shifts"], ["<hour|day|week>", "<dataset|file>"]),
    (["domains", "run"], ["<country_type|country|actor_type|account>"]),
    (["domains", "import"], ["<lin2023|mbfc|iffy|csv>"]),
    (["claims", "import"], ["<claimreview|google-factcheck|html|ioscope|poynter|euvsdisinfo|rumor-news|"
                            "rumor-twitter|rumor-en-dup|mapping>"]),
    (["analyze"], ["<duckdb|spark>"]),
    (["demo"], ["<duckdb|spark>"]),
])
def test_help_lists_the_choices_of_fixed_set_options(tmp_path, command, shown):
    # The user trial: `--null <str>` did not say which values exist. Wide enough that rich does not
    # break the list of values over two lines.
    r = run(*command, "--help", cwd=tmp_path, env={"COLUMNS": "300"})
    assert r.returncode == 0, r.stderr
    for metavar in shown:
        assert metavar in r.stdout, metavar


def test_cli_choices_are_the_library_s_own():
    # The CLI writes its choices out (it starts without importing the analyses); they must be the
    # library's sets, in the library's order.
    from ioscope.analyses.coordination.actions import BEHAVIOURS
    from ioscope.analyses.coordination.weights import CORRECTIONS, NULLS
    from ioscope.analyses.domains import GROUP_BY
    from ioscope.analyses.shifts.coverage import COVERAGE_UNITS
    from ioscope.analyses.shifts.series import BUCKETS
    from ioscope.claims.csv_layouts import LAYOUTS
    from ioscope.claims.store import JSON_READERS
    from ioscope.cli import choices
    from ioscope.domain_lists import FORMATS
    from ioscope.engines import ENGINES

    def values(enum) -> tuple[str, ...]:
        return tuple(m.value for m in enum)

    assert values(choices.Behaviour) == BEHAVIOURS
    assert values(choices.Null) == NULLS
    assert values(choices.Correction) == CORRECTIONS
    assert values(choices.DomainGroupBy) == tuple(GROUP_BY)
    assert values(choices.DomainListFormat) == FORMATS
    assert values(choices.Bucket) == tuple(BUCKETS)
    assert values(choices.CoverageUnit) == COVERAGE_UNITS
    assert values(choices.Engine) == ENGINES
    assert values(choices.ClaimLayout) == (*JSON_READERS, *LAYOUTS)


@pytest.mark.parametrize(("args", "error"), [
    (["coordination", "--null", "bogus"],
     "Error: Invalid value for '--null': 'bogus' is not one of 'shuffle', 'relabel', 'object', 'shuffle_mc'."),
    (["coordination", "--correction", "holm"],
     "Error: Invalid value for '--correction': 'holm' is not one of 'bonferroni', 'fdr', 'none'."),
    (["coordination", "-b", "co_repost", "-b", "co_repot"],
     "Error: Invalid value for '--behaviour' / '-b': 'co_repot' is not one of 'co_repost', 'co_quote', "
     "'co_reply', 'co_link', 'co_domain', 'co_hashtag', 'hashtag_seq', 'co_text', 'near_text', 'sync'."),
    (["shifts", "--bucket", "month"],
     "Error: Invalid value for '--bucket': 'month' is not one of 'hour', 'day', 'week'."),
])
def test_a_value_outside_the_choices_is_a_usage_error(tmp_path, args, error):
    # Checked before anything runs (no store is needed, none is created): exit 2, click's usage lines
    # and one error line naming the allowed values, no traceback.
    r = run(*args, "--db", "s.duckdb", cwd=tmp_path)
    assert r.returncode == 2
    assert [ln for ln in r.stderr.splitlines() if ln.startswith("Error")] == [error]
    assert "Traceback" not in r.stderr and not (tmp_path / "s.duckdb").exists()


def test_tz_is_matched_case_insensitively_and_stored_in_canonical_spelling(tmp_path):
    from ioscope.store import Store

    (tmp_path / "m.csv").write_text("post_id,created_at,text,account_id\n1,2020-03-25 13:00,a,u1\n",
                                    encoding="utf-8")
    r = run("ingest", "m.csv", "--format", "csv", "--db", "s.duckdb", "--tz", "europe/moscow", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "read in Europe/Moscow (assumed_tz:Europe/Moscow)" in " ".join(r.stdout.split())
    with Store(tmp_path / "s.duckdb", read_only=True) as s:
        created, flags = s.con.execute("SELECT created_at, flags FROM posts").fetchone()
    # 13:00 in Moscow (UTC+3 all year since 2014) is 10:00 UTC; the flag spells the zone one way
    assert created == dt.datetime(2020, 3, 25, 10, tzinfo=dt.timezone.utc)
    assert flags == ["assumed_tz:Europe/Moscow"]
    # `utc` is UTC, the default zone: the UTC assumption flag
    r = run("ingest", "m.csv", "--format", "csv", "--db", "u.duckdb", "--tz", "utc", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    with Store(tmp_path / "u.duckdb", read_only=True) as s:
        assert s.scalar("SELECT flags FROM posts") == ["assumed_utc"]
    # the environment variable goes the same way
    r = run("ingest", "m.csv", "--format", "csv", "--db", "e.duckdb", cwd=tmp_path,
            env={"IOSCOPE_TZ": "ASIA/TEHRAN"})
    assert r.returncode == 0, r.stderr
    with Store(tmp_path / "e.duckdb", read_only=True) as s:
        assert s.scalar("SELECT flags FROM posts") == ["assumed_tz:Asia/Tehran"]
    # an unknown zone: one line naming it and the closest zone; the store this run created is removed
    r = run("ingest", "m.csv", "--format", "csv", "--db", "x.duckdb", "--tz", "Europe/Moskow", cwd=tmp_path)
    assert r.returncode == 1
    [line] = r.stderr.strip().splitlines()
    assert line.startswith("error: --tz: unknown time zone 'Europe/Moskow' (closest: 'Europe/Moscow'")
    assert not (tmp_path / "x.duckdb").exists()


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _retweets(gap_s: int) -> list[dict]:
    """Account 9 posts three times, 600 s apart from 2020-03-12 14:00 UTC; account 1 retweets each
    1 s after it, account 2 ``gap_s`` seconds after account 1."""
    def tweet(i: int, uid: str, t: int, rt: dict | None = None) -> dict:
        d = dt.datetime(2020, 3, 12, 14, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=t)
        created = f"{_DAYS[d.weekday()]} {_MONTHS[d.month - 1]} {d:%d %H:%M:%S} +0000 {d.year}"
        row = dict(TWEET, id=i, id_str=str(i), full_text=f"post {i}", created_at=created,
                   user={"id_str": uid, "screen_name": f"u{uid}"})
        return dict(row, retweeted_status=rt) if rt else row
    rows = []
    for k in range(3):
        o = tweet(100 + k, "9", 600 * k)
        rows += [o, tweet(200 + k, "1", 600 * k + 1, o), tweet(300 + k, "2", 600 * k + 1 + gap_s, o)]
    return rows


@pytest.mark.parametrize(("gap_s", "warned"), [(2, False), (86_400, False), (172_800, True)])
def test_coordination_warns_about_an_automatic_window_over_a_day(tmp_path, gap_s, warned):
    # Each of the three posts is retweeted twice, gap_s apart: every object's second action comes gap_s
    # after its first, so CooRnet's estimate (params: q = 0.1 quantile of those, then the median time
    # until more than half of the actions happened; with two actions: the second) is gap_s exactly.
    # Over 86,400 s (1 day, exclusive) the CLI prints the analysis's warning on stderr; the window is
    # used as asked, not capped.
    (tmp_path / "a.jsonl").write_bytes(b"\n".join(orjson.dumps(r) for r in _retweets(gap_s)) + b"\n")
    assert run("ingest", "a.jsonl", "--db", "s.duckdb", cwd=tmp_path).returncode == 0
    r = run("coordination", "--db", "s.duckdb", "-b", "co_repost", "-w", "auto", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert f"auto_windows_s: {{'co_repost': {float(gap_s)}}}" in r.stdout
    assert f"windows_s: {{'co_repost': [{float(gap_s)}]}}" in r.stdout
    warnings = [ln for ln in r.stderr.splitlines() if ln.startswith("warning:")]
    if warned:
        assert warnings == [
            "warning: co_repost: the automatic window is 172,800 s (2.0 days), over the 86,400 s (1 day) "
            "sanity bound: it pairs actions days apart and finds many weak edges. Give co_repost an "
            'explicit window: in Python window_s={"co_repost": 60} (behaviours not in the dict keep '
            "their default windows); on the command line --window applies to every behaviour given, so "
            "run co_repost on its own with -b co_repost -w 60 (60 s is co_repost's default)."]
        assert "automatic window is" not in r.stdout  # on stderr, not repeated as a note
        # the advice, followed: a 60 s window, no warning
        r = run("coordination", "--db", "s.duckdb", "-b", "co_repost", "-w", "60", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        assert "windows_s: {'co_repost': [60.0]}" in r.stdout and "warning:" not in r.stderr
    else:
        assert warnings == []
