"""SparkStore and its DuckDB-style connection: the same answers, dtypes and Python types as DuckDB.

Each query below runs on the DuckDB store and on a SparkStore over the same data written as Parquet;
the expected values in comments were worked out from the five posts of ``make_tiny_store``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from engine_samples import make_tiny_store

from ioscope.engines import write_parquet
from ioscope.engines.compare import table_diff
from ioscope.errors import StoreError

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def stores(spark, tmp_path_factory):
    from ioscope.engines.spark import SparkStore

    tmp = tmp_path_factory.mktemp("spark_store")
    duck = make_tiny_store(tmp / "tiny.duckdb")
    write_parquet(duck, tmp / "ds")
    with SparkStore.from_parquet(tmp / "ds", spark=spark, cache_tables=True) as sp:
        yield duck, sp
    duck.close()


QUERIES = {
    # 2 twitter accounts with actors; count(DISTINCT (a, b)) counts pairs.
    "count_distinct_tuple": ("SELECT count(DISTINCT (platform, account_id)) AS n, "
                             "count(*) FILTER (WHERE kind = 'original') AS n_orig FROM posts", None),
    # list(DISTINCT ... ORDER BY) with FILTER, and [] fallback: ['alpha'] for twitter, NULL->[] else.
    "ordered_lists": ("SELECT platform, coalesce(list(DISTINCT ref_account_handle ORDER BY "
                      "ref_account_handle) FILTER (WHERE ref_account_handle IS NOT NULL), "
                      "[]::VARCHAR[]) AS h, list(post_id ORDER BY created_at DESC) AS ids "
                      "FROM posts GROUP BY ALL ORDER BY platform", None),
    # epoch of 2020-03-01T10:00:30Z minus 10:00:00Z = 30.0 s; the UTC day of 23:59:59Z is 04-02.
    "times": ("SELECT post_id, epoch(created_at) AS t, CAST(timezone('UTC', created_at) AS DATE) AS day,"
              " strftime(created_at, '%Y-%m-%dT%H:%M:%SZ') AS iso, created_at FROM posts "
              "ORDER BY post_id", None),
    "params_and_qualify": ("SELECT account_id, post_id FROM posts WHERE list_contains($kinds, kind) "
                           "QUALIFY row_number() OVER (PARTITION BY account_id ORDER BY created_at "
                           "DESC) <= $n ORDER BY 1", {"kinds": ["repost", "reply"], "n": 1}),
    "unnest_len_median": ("SELECT lower(h) AS tag, count(*) AS n, median(len(hashtags)) AS m "
                          "FROM (SELECT hashtags, unnest(hashtags) AS h FROM posts) GROUP BY 1 "
                          "ORDER BY 1", None),
    "range_window": ("SELECT r, count(*) OVER w AS n, row_number() OVER (w ORDER BY r DESC) AS rk "
                     "FROM range($n) t(r) WINDOW w AS (PARTITION BY r % 2) ORDER BY r", {"n": 4}),
    "nulls_and_types": ("SELECT max(view_count) AS v, sum(source_line) AS s, any_value(lang) AS lang, "
                        "quantile_cont(source_line, 0.5) AS q, bool_or(collected) AS c FROM posts", None),
}


@pytest.mark.parametrize("name", list(QUERIES))
def test_same_result_and_dtypes_as_duckdb(stores, name: str) -> None:
    duck, sp = stores
    sql, params = QUERIES[name]
    assert table_diff(duck.query(sql, params), sp.query(sql, params)) == []


def test_known_values(stores) -> None:
    _, sp = stores
    times = sp.query(QUERIES["times"][0]).set_index("post_id")
    assert times.at["2", "t"] - times.at["1", "t"] == 30.0
    assert times.at["3", "day"] == pd.Timestamp("2020-04-02")
    assert times.at["3", "iso"] == "2020-04-02T23:59:59Z"
    assert str(times["created_at"].dtype) == "datetime64[us, UTC]"
    assert sp.scalar("SELECT count(*) FROM posts WHERE created_at IS NULL") == 1
    first = sp.con.execute("SELECT min(created_at), DATE '2020-03-26' FROM posts").fetchone()
    assert first == (dt.datetime(2020, 3, 1, 10, tzinfo=dt.timezone.utc), dt.date(2020, 3, 26))
    assert sp.counts()["posts"] == 5


def test_temp_tables_register_insert_drop_and_cursors(stores) -> None:
    duck, sp = stores
    con = sp.con.cursor()
    con.execute("CREATE OR REPLACE TEMP TABLE _t AS SELECT account_id, count(*)::INTEGER AS n "
                "FROM posts GROUP BY ALL")
    con.execute("CREATE TEMP TABLE _ev (a VARCHAR, w DOUBLE)")
    con.register("_df", pd.DataFrame({"a": ["1", "2"], "w": [0.5, 2.0]}))
    con.execute("INSERT INTO _ev SELECT a, w FROM _df WHERE w > $x", {"x": 1.0})
    con.execute("INSERT INTO _ev SELECT account_id, n FROM _t WHERE account_id = '2'")
    con.unregister("_df")
    got = con.execute("SELECT * FROM _ev ORDER BY a, w").df()
    # '2' from the frame (w 2.0 > 1.0) and account 2 with its 2 posts (n = 2 -> 2.0).
    assert got.to_dict("list") == {"a": ["2", "2"], "w": [2.0, 2.0]}
    assert str(con.execute("SELECT n FROM _t").df()["n"].dtype) == "int32"
    con.execute("DROP TABLE _t")
    with pytest.raises(Exception, match="_t"):
        con.execute("SELECT * FROM _t")
    con.close()
    with pytest.raises(Exception, match="_ev"):
        sp.con.execute("SELECT * FROM _ev")
    with pytest.raises(StoreError, match="read-only"):
        sp.con.execute("INSERT INTO posts SELECT * FROM posts")
    with pytest.raises(StoreError, match="read-only"):
        sp.con.execute("DROP TABLE posts")


def test_nfc_udf_and_portability_warning(stores) -> None:
    _, sp = stores
    # 'e' + combining acute (2 code points) is 'é' (1 code point) after NFC.
    assert sp.scalar("SELECT length(nfc_normalize($s))", {"s": "e\u0301"}) == 1
    with pytest.warns(UserWarning, match=r"hash\(\)"):
        sp.con.execute("SELECT hash(post_id) FROM posts")  # warned when transpiled


def test_from_parquet_checks_the_dataset(spark, tmp_path: Path) -> None:
    from ioscope.engines.spark import SparkStore

    with pytest.raises(StoreError, match="not an ioscope Parquet dataset"):
        SparkStore.from_parquet(tmp_path, spark=spark)


def test_driver_tables_keep_derived_data_beside_the_dataset(stores) -> None:
    _, sp = stores
    con = sp.con.cursor()
    # An analysis's cache table: a driver table, filled from a registered frame, on the driver.
    con.execute("CREATE TABLE IF NOT EXISTS t_cache (post_id VARCHAR, w DOUBLE, v FLOAT[])")
    con.register("_new", pd.DataFrame({"post_id": ["1", "3", "9"], "w": [0.5, 2.0, 4.0],
                                       "v": [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]}))
    con.execute("INSERT INTO t_cache SELECT post_id, w, v FROM _new")
    con.unregister("_new")
    con.executemany("INSERT INTO t_cache VALUES (?, ?, [])", [["4", 8.0], ["5", 16.0]])
    con.execute("DELETE FROM t_cache WHERE post_id = ?", ["9"])
    con.close()  # a cursor's close drops its temporary tables, not driver tables
    # 1, 3, 4, 5 are left (9 deleted); a query on the driver table alone, through DuckDB's con.sql.
    got = sp.con.sql("SELECT post_id, len(v) AS d FROM t_cache ORDER BY post_id").fetchall()
    assert got == [("1", 2), ("3", 2), ("4", 0), ("5", 0)]
    # Joined with posts on Spark: post 1 (alpha, 0.5), 3 (beta, 2.0), 4 (gamma, 8.0), 5 (delta, 16.0).
    got = sp.query("SELECT p.account_handle AS h, sum(c.w) AS w FROM posts p JOIN t_cache c "
                   "USING (post_id) GROUP BY 1 ORDER BY 1")
    assert got.to_dict("list") == {"h": ["alpha", "beta", "delta", "gamma"], "w": [0.5, 2.0, 16.0, 8.0]}
    # A later write is seen by the next Spark statement (the Spark copy is refreshed): 0.5 + 1.
    sp.con.execute("INSERT INTO t_cache VALUES ('1', 1.0, [])")
    assert sp.scalar("SELECT sum(c.w) FROM posts p JOIN t_cache c USING (post_id) "
                     "WHERE p.account_handle = 'alpha'") == 1.5
    # Result tables are kept the same way, and the catalogue lists them.
    sp.save_result_table("demo_result", pd.DataFrame({"account_id": ["2"], "cluster_id": [7]}))
    assert sp.scalar("SELECT count(*) FROM information_schema.tables "
                     "WHERE table_name IN ('t_cache', 'demo_result')") == 2
    # beta (account 2) wrote posts 2 and 3.
    assert sp.scalar("SELECT count(*) FROM posts JOIN demo_result USING (account_id)") == 2
    # The dataset stays read-only: IF NOT EXISTS on it is a no-op, a table from Spark data refused.
    sp.con.execute("CREATE TABLE IF NOT EXISTS posts (x INTEGER)")
    assert sp.scalar("SELECT count(*) FROM posts") == 5
    with pytest.raises(StoreError, match="driver data"):
        sp.con.execute("CREATE TABLE t_bad AS SELECT * FROM posts")
    with pytest.raises(StoreError, match="read-only"):
        sp.con.execute("DELETE FROM posts")
    sp.con.execute("DROP TABLE t_cache")
    sp.con.execute("DROP TABLE demo_result")
