"""The Parquet dataset: layout (platform/month partitions), round trip through DuckDB, guards."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from ioscope.engines import open_parquet, write_parquet
from ioscope.engines.compare import table_diff
from ioscope.engines.parquet import MANIFEST
from ioscope.errors import SchemaVersionError, StoreError


def test_layout_is_partitioned_by_platform_and_month(tiny_store, tmp_path: Path) -> None:
    counts = write_parquet(tiny_store, tmp_path / "ds")
    # 5 posts staged; 2 actors resolved to the 2 accounts seen (ids 1 and 2).
    assert counts["posts"] == 5 and counts["actor_accounts"] == 2
    dirs = sorted(str(p.parent.relative_to(tmp_path / "ds" / "posts"))
                  for p in (tmp_path / "ds" / "posts").rglob("*.parquet"))
    # Post 3 at 2020-04-02T23:59:59Z is April (UTC); post 4 has no time: month "undated".
    assert dirs == ["platform=telegram/month=2020-04", "platform=twitter/month=2020-03",
                    "platform=twitter/month=2020-04", "platform=twitter/month=undated"]
    manifest = json.loads((tmp_path / "ds" / MANIFEST).read_text())
    assert manifest["tables"]["posts"] == 5


def test_duckdb_reads_back_every_table_unchanged(tiny_store, tmp_path: Path) -> None:
    write_parquet(tiny_store, tmp_path / "ds")
    with open_parquet(tmp_path / "ds", "duckdb") as ds:
        assert ds.counts() == tiny_store.counts()
        for table in ("posts", "accounts", "actors", "actor_accounts", "quarantine", "ingests"):
            a = tiny_store.query(f"SELECT * FROM {table}")
            b = ds.query(f"SELECT * FROM {table}")
            assert table_diff(a, b) == [], table
        created = ds.query("SELECT created_at FROM posts WHERE post_id = '3'")["created_at"]
        assert str(created.dtype) == "datetime64[us, UTC]"
        assert created.iloc[0] == pd.Timestamp("2020-04-02T23:59:59Z")


def test_refuses_a_non_empty_directory_and_a_foreign_schema(tiny_store, tmp_path: Path) -> None:
    write_parquet(tiny_store, tmp_path / "ds")
    with pytest.raises(StoreError, match="already; pass overwrite=True"):
        write_parquet(tiny_store, tmp_path / "ds")
    write_parquet(tiny_store, tmp_path / "ds", overwrite=True)
    # A folder of other files is never replaced, overwrite or not (a user trial lost notes.txt and
    # posts/keep.txt to `ingest --to-parquet mine`): both files are still there afterwards.
    mine = tmp_path / "mine"
    (mine / "posts").mkdir(parents=True)
    (mine / "notes.txt").write_text("n")
    (mine / "posts" / "keep.txt").write_text("k")
    with pytest.raises(StoreError, match="not an ioscope Parquet dataset"):
        write_parquet(tiny_store, mine, overwrite=True)
    assert (mine / "notes.txt").read_text() == "n" and (mine / "posts" / "keep.txt").read_text() == "k"
    manifest = tmp_path / "ds" / MANIFEST
    manifest.write_text(json.dumps({"schema_version": 999}))
    with pytest.raises(SchemaVersionError):
        open_parquet(tmp_path / "ds", "duckdb")
    with pytest.raises(StoreError, match="not an ioscope Parquet dataset"):
        open_parquet(tmp_path, "duckdb")


def test_pipeline_engine_is_checked_before_any_work(tmp_path: Path) -> None:
    from ioscope.errors import ConfigError
    from ioscope.pipeline import analyze

    # Both refusals come before the store is opened: no DuckDB file is made.
    with pytest.raises(ConfigError, match="unknown engine 'flink'; known: duckdb, spark"):
        analyze([], db=tmp_path / "x.duckdb", out=tmp_path / "out", engine="flink")
    with pytest.raises(ConfigError, match="runs on a Parquet dataset"):
        analyze([], db=tmp_path / "x.duckdb", out=tmp_path / "out", engine="spark")
    assert not (tmp_path / "x.duckdb").exists()


def test_summaries_compare_without_durations_and_utc_aliases_are_one_zone() -> None:
    from ioscope.engines.compare import summary_diff

    # seconds_matching is a duration (left out); n differs: one sentence naming it.
    assert summary_diff({"n": 1, "seconds_matching": 2.2}, {"n": 2, "seconds_matching": 3.1}) == [
        "summary n: 1 != 2"]
    assert summary_diff({"a": 1}, {}) == ["summary a: 1 != '(absent)'"]
    # A DuckDB cursor names UTC 'Etc/UTC' (the machine default); Spark results say 'UTC'.
    t = pd.Timestamp("2020-03-01T10:00:00Z")
    left = pd.DataFrame({"t": [t.tz_convert("Etc/UTC")]})
    assert table_diff(left, pd.DataFrame({"t": [t]})) == []
    assert table_diff(pd.DataFrame({"t": [t.tz_convert("Asia/Tokyo")]}), pd.DataFrame({"t": [t]}))
