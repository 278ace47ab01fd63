"""The store's write rules: idempotent merges, context upgraded by collected copies, one transaction
per file, schema version checked."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from ioscope.errors import SchemaVersionError, StoreError
from ioscope.store import Store

T0 = dt.datetime(2020, 3, 12, 14, 37, tzinfo=dt.timezone.utc)


def post(pid: str, *, collected: bool = True, line: int = 1, account: str = "1", text: str = "x"):
    return {"platform": "twitter", "post_id": pid, "account_id": account, "account_handle": f"h{account}",
            "created_at": T0, "text": text, "kind": "original", "collected": collected,
            "source_line": line, "source_file": "/in.jsonl"}


def merge(store: Store, posts, accounts=(), bad=()):
    store.begin_file()
    store.stage("posts", list(posts))
    store.stage("accounts", list(accounts))
    store.stage("quarantine", list(bad))
    return store.commit_file({"source_file": "/in.jsonl", "n_read": len(posts)})


def test_merge_counts_and_idempotency(tmp_path):
    with Store(tmp_path / "s.duckdb") as s:
        # Two collected posts, one repeated in the file, one context post: 2 stored, 1 duplicate, 1 context.
        c = merge(s, [post("1"), post("2", line=2), post("1", line=3), post("9", collected=False, line=3)])
        assert (c.n_stored, c.n_duplicate, c.n_context) == (2, 1, 1)
        # The same input again adds nothing: every collected row is now a duplicate.
        c = merge(s, [post("1"), post("2", line=2), post("1", line=3), post("9", collected=False, line=3)])
        assert (c.n_stored, c.n_duplicate, c.n_context) == (0, 3, 0)
        assert s.counts()["posts"] == 3
        assert s.counts()["files"] == 1  # one distinct file, logged twice


def test_first_copy_kept_and_context_upgraded(tmp_path):
    with Store(tmp_path / "s.duckdb") as s:
        merge(s, [post("1", text="first"), post("7", collected=False, text="embedded")])
        c = merge(s, [post("1", text="second"), post("7", text="collected later", line=5)])
        # Post 1 was collected already (duplicate, first copy kept); post 7 was context only: upgraded.
        assert (c.n_stored, c.n_duplicate) == (1, 1)
        rows = dict(s.con.execute("SELECT post_id, text FROM posts ORDER BY post_id").fetchall())
        assert rows == {"1": "first", "7": "collected later"}
        assert s.scalar("SELECT collected FROM posts WHERE post_id = '7'") is True


def test_accounts_keep_last_seen(tmp_path):
    def acc(name, day):
        return {"platform": "twitter", "account_id": "1", "handle": name,
                "last_seen_at": T0 + dt.timedelta(days=day)}

    with Store(tmp_path / "s.duckdb") as s:
        merge(s, [post("1")], [acc("old", 0), acc("newer", 2)])
        merge(s, [post("2")], [acc("middle", 1)])  # older than what is stored: ignored
        assert s.scalar("SELECT handle FROM accounts") == "newer"
        merge(s, [post("3")], [acc("newest", 3)])
        assert s.query("SELECT handle FROM accounts")["handle"].tolist() == ["newest"]


def test_quarantine_is_idempotent(tmp_path):
    bad = {"source_file": "/in.jsonl", "source_line": 4, "reason": "invalid JSON", "raw": "{"}
    with Store(tmp_path / "s.duckdb") as s:
        assert merge(s, [post("1")], bad=[bad]).n_quarantined == 1
        merge(s, [post("1")], bad=[bad])
        assert s.counts()["quarantined"] == 1


def test_abort_leaves_store_as_before(tmp_path):
    with Store(tmp_path / "s.duckdb") as s:
        merge(s, [post("1")])
        s.begin_file()
        s.stage("posts", [post("2"), post("3")])
        s.abort_file()  # what a crash or Ctrl-C does
        assert s.query("SELECT post_id FROM posts")["post_id"].tolist() == ["1"]
        assert s.counts()["files"] == 1


def test_schema_version_checked(tmp_path):
    path = tmp_path / "s.duckdb"
    Store(path).close()
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(SchemaVersionError, match="schema version 99"):
        Store(path)


def test_read_only_store(tmp_path):
    with pytest.raises(StoreError, match="no such store"):
        Store(tmp_path / "missing.duckdb", read_only=True)
    Store(tmp_path / "s.duckdb").close()
    with Store(tmp_path / "s.duckdb", read_only=True) as s:
        with pytest.raises(StoreError, match="read-only"):
            s.begin_file()


def test_actor_matching_by_id_then_handle(tmp_path):
    with Store(tmp_path / "s.duckdb") as s:
        merge(s, [post("1", account="100"), post("2", account="200"), post("3", account="300")])
        n = s.set_actors([
            # matched by account ID even though the handle differs
            {"account_id": "100", "handle": "renamed", "country": "CN", "actor_type": "embassy", "overt": True},
            # matched by handle, case-insensitively (posts carry handle "h200")
            {"handle": "H200", "country": "RU", "actor_type": "state_media", "overt": True},
            # never seen in the data: kept in the registry, no account
            {"handle": "nobody", "country": "IR", "actor_type": "ministry", "overt": True},
        ])
        assert n == 3
        got = dict(s.con.execute("SELECT account_id, country FROM actor_accounts").fetchall())
        assert got == {"100": "CN", "200": "RU"}


def test_register_works_right_after_open_and_scalar(tmp_path):
    # DuckDB 2 refuses register() while a result is unfinished; opening and scalar() must not leave one.
    import pandas as pd

    with Store(tmp_path / "s.duckdb") as s:
        s.scalar("SELECT 1")
        s.con.register("frame", pd.DataFrame({"a": [1, 2]}))
        assert s.scalar("SELECT sum(a) FROM frame") == 3


def test_staged_batches_are_freed_inside_the_file_transaction(tmp_path):
    # Issue #3: DuckDB keeps every object passed through ``register`` alive until the transaction ends,
    # so a file's Arrow batches all stayed in memory until its commit (peak RSS 1,155 MiB at 1M tweets).
    # Three batches of 2,000 posts with 1,000-character texts hold 3 x 2,000 x 1,000 B = 6 MB of text
    # in Arrow; none of it may still be allocated while the file's transaction is open.
    import pyarrow as pa

    with Store(tmp_path / "s.duckdb") as s:
        before = pa.total_allocated_bytes()
        s.begin_file()
        for b in range(3):
            s.stage("posts", [post(f"{b}-{i}", line=b * 2000 + i, text="x" * 1000) for i in range(2000)])
        held = pa.total_allocated_bytes() - before
        counts = s.commit_file({"source_file": "/in.jsonl", "n_read": 6000})
        assert held < 1_000_000  # the old code held 7.1 MB here (the texts plus offsets and the other columns)
        assert (counts.n_stored, s.counts()["posts"]) == (6000, 6000)


def test_constants_fill_their_columns(tmp_path):
    # Provenance given once per batch (as ingest does) lands on every row; a key that is not a column
    # of the table is ignored.
    t_ingest = dt.datetime(2021, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    rows = [{k: v for k, v in post(str(i), line=i).items() if k != "source_file"} for i in (1, 2)]
    with Store(tmp_path / "s.duckdb") as s:
        s.begin_file()
        s.stage("posts", rows, {"source_file": "/abs/in.jsonl", "source_format": "twitter-v1",
                                "ingested_at": t_ingest, "ioscope_version": "9.9", "not_a_column": 1})
        s.stage("accounts", [{"platform": "twitter", "account_id": "1", "handle": "h1"},
                             {"platform": "twitter", "account_id": None}],  # no ID: not stored
                {"source_format": "twitter-v1", "source_file": "/abs/in.jsonl"})
        s.commit_file({"source_file": "/abs/in.jsonl", "n_read": 2})
        got = s.con.execute("""SELECT DISTINCT source_file, source_format, ingested_at, ioscope_version
                               FROM posts""").fetchall()
        assert got == [("/abs/in.jsonl", "twitter-v1", t_ingest, "9.9")]
        assert s.con.execute("SELECT account_id, source_file FROM accounts").fetchall() == [
            ("1", "/abs/in.jsonl")]
