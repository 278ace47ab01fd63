"""DuckDB -> Spark SQL rewrites (no Spark needed): each expected string was worked out by hand from
the rule in ioscope.engines.transpile's docstring."""

from __future__ import annotations

import datetime as dt

import pytest

from ioscope.engines.transpile import bind_params, parse, portability_notes, to_spark
from ioscope.errors import ConfigError


def test_parameters_become_literal_nodes_not_text() -> None:
    sql = "SELECT * FROM p WHERE kind = $k AND n <= $n AND w = $w AND list_contains($kinds, kind)"
    out = to_spark(sql, {"k": "x' OR '1'='1", "n": 5, "w": 0.5, "kinds": ["repost", "quote"]})
    # The quote inside the value is escaped as data; a float is DOUBLE as DuckDB binds it.
    assert out == ("SELECT * FROM p WHERE kind = 'x\\' OR \\'1\\'=\\'1' AND n <= 5 AND "
                   "w = CAST(0.5 AS DOUBLE) AND ARRAY_CONTAINS(ARRAY('repost', 'quote'), kind)")
    assert to_spark("SELECT ?, ?", [1, None]) == "SELECT 1, NULL"
    assert to_spark("SELECT $1", [dt.date(2020, 3, 26)]) == "SELECT CAST('2020-03-26' AS DATE)"
    with pytest.raises(ConfigError, match=r"\$missing has no value"):
        to_spark("SELECT $missing", {})


def test_qualify_named_windows_and_range() -> None:
    out = to_spark("SELECT a FROM t QUALIFY row_number() OVER (PARTITION BY b ORDER BY c) = 1")
    assert "QUALIFY" not in out and "WHERE _w = 1" in out
    out = to_spark("SELECT row_number() OVER (w ORDER BY t) AS rk FROM a WINDOW w AS (PARTITION BY o)")
    assert out == "SELECT ROW_NUMBER() OVER (PARTITION BY o ORDER BY t NULLS LAST) AS rk FROM a"
    # DuckDB range(n) is 0..n-1: Spark's RANGE(0, n) table function, alias and column kept.
    assert to_spark("SELECT r FROM range($n) rep(r)", {"n": 3}) == "SELECT r FROM RANGE(0, 3) AS rep(r)"
    # unnest in FROM stays where it is (a later join may use x.u): Spark's lateral table function.
    assert to_spark("SELECT x.u FROM b, unnest(b.l) AS x(u) LEFT JOIN c ON c.u = x.u") == (
        "SELECT x.u FROM b, LATERAL EXPLODE(b.l) AS x(u) LEFT JOIN c ON c.u = x.u")


def test_lists_keep_order_nulls_and_distinct() -> None:
    out = to_spark("SELECT list(DISTINCT x ORDER BY x) FILTER (WHERE x > 1) FROM t")
    # struct(null flag, key, value) sorted ascending: NULLs last as in DuckDB; FILTER stays on the
    # aggregate; an empty result is NULL as DuckDB's list() of no row.
    inner = ("TRANSFORM(SORT_ARRAY(ARRAY_DISTINCT(COLLECT_LIST(NAMED_STRUCT('n0', x IS NULL, 'k0', x, "
             "'v', x)) FILTER(WHERE x > 1)), TRUE), s_ -> s_.v)")
    assert out == f"SELECT IF(SIZE({inner}) = 0, NULL, {inner}) FROM t"
    with pytest.raises(ConfigError, match="mixed directions"):
        to_spark("SELECT list(x ORDER BY a, b DESC) FROM t")


def test_functions() -> None:
    assert to_spark("SELECT count(DISTINCT (a, b)) FROM t") == "SELECT COUNT(DISTINCT STRUCT(a, b)) FROM t"
    assert to_spark("SELECT epoch(ts) FROM t") == (
        "SELECT (TRY_DIVIDE(CAST(UNIX_MICROS(CAST(ts AS TIMESTAMP)) AS DOUBLE), 1e6)) FROM t")
    assert to_spark("SELECT CAST(timezone('UTC', ts) AS DATE) FROM t") == (
        "SELECT CAST(CAST(FROM_UTC_TIMESTAMP(ts, 'UTC') AS TIMESTAMP_NTZ) AS DATE) FROM t")
    assert to_spark("SELECT strftime(to_timestamp(s), '%Y-%m-%dT%H:%M:%SZ') FROM t") == (
        "SELECT DATE_FORMAT(TIMESTAMP_SECONDS(s), 'yyyy-MM-dd\\'T\\'HH:mm:ss\\'Z\\'') FROM t")
    assert to_spark("SELECT quantile_cont(x, 0.5) FROM t") == "SELECT PERCENTILE(x, 0.5) FROM t"
    assert to_spark("SELECT any_value(x) FROM t") == "SELECT ANY_VALUE(x, TRUE) FROM t"
    # len() of a list column is size(); length() of text stays length().
    assert to_spark("SELECT len(tags), length(text) FROM t", list_columns={"tags"}) == (
        "SELECT IF(tags IS NULL, NULL, SIZE(tags)), LENGTH(text) FROM t")
    assert to_spark("SELECT a / b FROM t") == "SELECT TRY_DIVIDE(a, b) FROM t"


def test_portability_notes_name_the_construct() -> None:
    notes = portability_notes(bind_params(parse("SELECT hash(a, $s) FROM t")[0], {"s": 1}))
    assert len(notes) == 1 and notes[0].startswith("hash(): DuckDB's hash() and Spark's hash()")
    assert portability_notes(parse("SELECT regexp_replace(t, 'a', 'b') FROM x")[0])
    assert not portability_notes(parse("SELECT regexp_replace(t, '^a', 'b') FROM x")[0])
    assert not portability_notes(parse("SELECT regexp_replace(t, 'a', 'b', 'g') FROM x")[0])


def test_list_comprehensions_become_higher_order_functions() -> None:
    # [f(x) FOR x IN l IF c] keeps l's order: filter first, then transform, one lambda variable.
    assert to_spark("SELECT [x * 2 FOR x IN l IF x > 1] FROM t") == (
        "SELECT TRANSFORM(FILTER(l, x -> x > 1), x -> x * 2) FROM t")
    # The overlapping bigrams of narratives' labels: DuckDB range(1, n) is 1..n-1; sqlglot writes
    # it as SEQUENCE(1, n - 1), empty when n - 1 < 1 (Spark's SEQUENCE(1, 0) would count down).
    out = to_spark("SELECT [substring(w, i, 2) FOR i IN range(1, length(w))] FROM t")
    assert out == ("SELECT TRANSFORM(IF((LENGTH(w) - 1) < 1, ARRAY(), SEQUENCE(1, (LENGTH(w) - 1))), "
                   "i -> SUBSTRING(w, i, 2)) FROM t")


def test_re2_scripts_become_java_script_classes() -> None:
    from ioscope.engines.transpile import java_regex

    # Scripts: RE2 \p{Han}, Java \p{IsHan} (also negated, and with an underscore); categories as is.
    assert java_regex(r"[\p{Han}\p{L}\P{Old_Italic}\p{M}\x{200C}]+") == (
        r"[\p{IsHan}\p{L}\P{IsOld_Italic}\p{M}\x{200C}]+")
    assert to_spark(r"SELECT regexp_matches(w, '^[\p{Han}]+$'), regexp_extract_all(w, '\p{Cyrillic}+') "
                    "FROM t") == (r"SELECT w RLIKE '^[\\p{IsHan}]+$', "
                                  r"REGEXP_EXTRACT_ALL(w, '\\p{IsCyrillic}+', 0) FROM t")
