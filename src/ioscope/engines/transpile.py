"""DuckDB SQL -> Spark SQL with sqlglot: parameters bound as literals, DuckDB-only constructs rewritten.

The analyses are written once, in DuckDB SQL. :func:`to_spark` turns one DuckDB statement into Spark SQL
(``sqlglot.transpile(sql, read="duckdb", write="spark")`` plus the rewrites below) so that the same
analysis code runs on Apache Spark. Nothing here needs Spark or Java: the output is a string.

Parameters (``$name``, ``$1`` and ``?``) are replaced in sqlglot's syntax tree by literal nodes built
from the Python values (str, int, float, bool, None, date/datetime, lists/tuples of those), so a value
is never pasted into SQL text and cannot change the statement's structure. Floats are bound as
``CAST(x AS DOUBLE)`` because DuckDB binds Python floats as DOUBLE (a bare ``0.5`` is a DECIMAL in both
engines). Positional ``?`` are numbered in the tree's depth-first order, which is their textual order in
ordinary statements; prefer ``$name``.

Rewrites, beyond what sqlglot's own DuckDB -> Spark generator does (QUALIFY elimination, ``unnest`` ->
``explode``, ``arg_max`` -> ``max_by``, ``list_contains`` -> ``array_contains``, ``//`` -> ``DIV``,
``NULLS LAST`` made explicit, ...):

==========================================  ================================================================
DuckDB                                      Spark
==========================================  ================================================================
``list(x)``, ``list(DISTINCT x ORDER BY     ``collect_list`` of a struct (keeps NULLs like DuckDB), then
k DESC) FILTER (WHERE c)``                  ``array_distinct``/``sort_array`` and ``transform`` back to x;
                                            NULL instead of ``[]`` when the group is empty (as DuckDB)
``count(DISTINCT (a, b))``                  ``count(DISTINCT struct(a, b))``
``OVER (w ORDER BY t) ... WINDOW w AS``     named windows inlined (Spark cannot refine a named window)
``range(n) r(i)`` in FROM                   ``RANGE(0, n) AS r(i)``
``[f(x) FOR x IN l IF c]``                  ``TRANSFORM(FILTER(l, x -> c), x -> f(x))``
``\\p{Han}`` in a regex (an RE2 script)     ``\\p{IsHan}`` (Java's spelling; :func:`java_regex`)
``epoch(ts)``                               ``CAST(unix_micros(CAST(ts AS TIMESTAMP)) AS DOUBLE) / 1e6``
                                            (fractional seconds as in DuckDB; TIMESTAMP_NTZ read from
                                            Parquet is cast first)
``to_timestamp(s)``                         ``timestamp_seconds(s)``
``timezone('UTC', ts)``                     ``CAST(from_utc_timestamp(ts, 'UTC') AS TIMESTAMP_NTZ)``
``strftime(ts, '%Y-%m-%dT%H:%M:%SZ')``      ``date_format(ts, 'yyyy-MM-dd''T''HH:mm:ss''Z''')``
``quantile_cont(x, q)``                     ``percentile(x, q)`` (exact, linear interpolation: the same)
``len(list_col)``                           ``IF(list_col IS NULL, NULL, size(list_col))`` (``list_columns``
                                            names the list-typed columns; ``length(text)`` is left alone)
``a / b``                                   ``try_divide(a, b)``: NULL on division by zero in any ANSI mode
                                            (DuckDB gives ±inf or NaN there: documented difference)
==========================================  ================================================================

:data:`NON_PORTABLE` lists the functions that run on both engines but do not give the same values
(:func:`portability_notes` finds them in a statement); ``nfc_normalize`` needs the UDF that
:mod:`ioscope.engines.spark` registers.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import sqlglot
from sqlglot import exp

from ioscope.errors import ConfigError

NON_PORTABLE: dict[str, str] = {
    "hash": "DuckDB's hash() and Spark's hash() are different functions, so hash values and any "
            "order or sample drawn from them differ between the engines; use md5(...) of a string "
            "(identical hex digest in both) where the value matters",
    "random": "random() draws different numbers on each engine",
    "uuid": "uuid() differs on each engine and each run",
    "gen_random_uuid": "gen_random_uuid() differs on each engine and each run",
}
"""Function name -> why it gives different values on DuckDB and Spark."""

_STRFTIME = {
    "%Y": "yyyy", "%m": "MM", "%d": "dd", "%H": "HH", "%M": "mm", "%S": "ss", "%f": "SSSSSS",
    "%y": "yy", "%j": "DDD", "%b": "MMM", "%B": "MMMM", "%a": "EEE", "%A": "EEEE", "%z": "xx",
    "%Z": "zzz", "%I": "hh", "%p": "a", "%%": "%",
}


def parse(sql: str) -> list[exp.Expression]:
    """The statements of ``sql`` parsed as DuckDB SQL. Raises ConfigError when sqlglot cannot parse it."""
    try:
        return [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except sqlglot.errors.ParseError as e:
        raise ConfigError(f"SQL that sqlglot cannot parse as DuckDB SQL: {e}") from e


def literal(value: Any) -> exp.Expression:
    """A sqlglot literal node for a Python value. Raises ConfigError for an unsupported type."""
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int):
        return exp.Literal.number(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return exp.cast(exp.Literal.string(repr(value).replace("inf", "Infinity")), "DOUBLE")
        return exp.cast(exp.Literal.number(repr(value)), "DOUBLE")
    if isinstance(value, str):
        return exp.Literal.string(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), "TIMESTAMP")
    if isinstance(value, dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), "DATE")
    if isinstance(value, (list, tuple)):
        return exp.Array(expressions=[literal(v) for v in value])
    if hasattr(value, "item"):  # numpy scalar
        return literal(value.item())
    raise ConfigError(f"cannot bind a parameter of type {type(value).__name__} on Spark")


def bind_params(tree: exp.Expression, params: Sequence[Any] | Mapping[str, Any] | None) -> exp.Expression:
    """Replace ``$name``, ``$n`` and ``?`` placeholders of ``tree`` by literals (a copy is returned).

    Raises ConfigError when a placeholder has no value.
    """
    tree = tree.copy()
    holders = [p for p in tree.find_all(exp.Placeholder, bfs=False)]
    if not holders:
        return tree
    params = params if params is not None else []
    n_anon = 0
    for p in holders:
        name = p.this
        try:
            if name is None:
                value = params[n_anon]  # type: ignore[index]
                n_anon += 1
            elif isinstance(params, Mapping):
                value = params[str(name)]
            else:
                value = params[int(name) - 1]
        except (KeyError, IndexError, ValueError, TypeError):
            raise ConfigError(f"SQL parameter {'$' + str(name) if name else '?'} has no value") from None
        p.replace(literal(value))
    return tree


def _inline_windows(tree: exp.Expression) -> None:
    for select in list(tree.find_all(exp.Select)):
        defs = {w.this.name: w for w in select.args.get("windows") or []}
        if not defs:
            continue
        for win in select.find_all(exp.Window):
            ref = win.args.get("alias")
            if ref is None or ref.name not in defs or win.parent_select is not select:
                continue
            d = defs[ref.name]
            win.set("alias", None)
            if d.args.get("partition_by") and not win.args.get("partition_by"):
                win.set("partition_by", [e.copy() for e in d.args["partition_by"]])
            if d.args.get("order") and not win.args.get("order"):
                win.set("order", d.args["order"].copy())
            if d.args.get("spec") and not win.args.get("spec"):
                win.set("spec", d.args["spec"].copy())
        select.set("windows", None)


def _range_tables(tree: exp.Expression) -> None:
    for series in list(tree.find_all(exp.GenerateSeries)):
        table = series.parent
        if not isinstance(table, exp.Table):
            continue
        start, end = series.args.get("start"), series.args["end"]
        if not series.args.get("is_end_exclusive"):
            end = exp.Add(this=end.copy(), expression=exp.Literal.number(1))
        series.replace(exp.Anonymous(this="RANGE", expressions=[start.copy(), end.copy()]))


def _unnest_joins(tree: exp.Expression) -> None:
    """``FROM b, unnest(b.l) AS x(v) LEFT JOIN ...`` -> ``FROM b, LATERAL EXPLODE(b.l) AS x(v) ...``:
    sqlglot's own rewrite (``LATERAL VIEW``) moves the unnest after every join, which breaks a later
    join that refers to ``x.v``; Spark 3.4+ accepts the lateral table function in place."""
    for join in list(tree.find_all(exp.Join)):
        un = join.this
        if not isinstance(un, exp.Unnest) or len(un.expressions) != 1 or un.args.get("offset"):
            continue
        alias = un.args.get("alias")
        name = alias.name if alias is not None and alias.name else "_u"
        cols = [c.name for c in (alias.columns if alias is not None else [])] or ["unnest"]
        table = exp.Table(this=exp.Anonymous(this="LATERAL EXPLODE", expressions=[un.expressions[0].copy()]),
                          alias=exp.TableAlias(this=exp.to_identifier(name),
                                               columns=[exp.to_identifier(c) for c in cols]))
        un.replace(table)
        join.set("this", table)


def _struct_field(name: str, value: exp.Expression) -> list[exp.Expression]:
    return [exp.Literal.string(name), value]


def _rewrite_list(node: exp.ArrayAgg) -> exp.Expression:
    """``list([DISTINCT] x [ORDER BY ...])`` (optionally under FILTER) as Spark expressions."""
    inner = node.this
    order: list[exp.Ordered] = []
    if isinstance(inner, exp.Order):
        order = list(inner.expressions)
        inner = inner.this
    distinct = isinstance(inner, exp.Distinct)
    value = inner.expressions[0] if distinct else inner
    directions = {bool(o.args.get("desc")) for o in order}
    if len(directions) > 1:
        raise ConfigError("list(... ORDER BY a ASC, b DESC) with mixed directions has no Spark "
                          "rewrite; order all keys the same way")
    desc = directions == {True}
    fields: list[exp.Expression] = []
    for i, o in enumerate(order):
        key = o.this.copy()
        # DuckDB sorts NULLs last in both directions; sort_array puts a NULL field first when
        # ascending, so a "is null" flag (asc) / "is not null" flag (desc) key goes before each key.
        flag = exp.Is(this=key.copy(), expression=exp.Null())
        fields += _struct_field(f"n{i}", exp.Not(this=flag) if desc else flag)
        fields += _struct_field(f"k{i}", key)
    fields += _struct_field("v", value.copy())
    packed = exp.Anonymous(this="NAMED_STRUCT", expressions=fields)
    agg: exp.Expression = exp.Anonymous(this="COLLECT_LIST", expressions=[packed])
    return agg, distinct, order, desc


def _lists(tree: exp.Expression) -> None:
    for node in list(tree.find_all(exp.ArrayAgg)):
        holder = node.parent if isinstance(node.parent, exp.Filter) else node
        agg, distinct, order, desc = _rewrite_list(node)
        if holder is not node:
            agg = exp.Filter(this=agg, expression=holder.expression.copy())
        arr = agg
        if distinct:
            arr = exp.Anonymous(this="ARRAY_DISTINCT", expressions=[arr])
        if order or distinct:
            arr = exp.Anonymous(this="SORT_ARRAY", expressions=[arr, exp.Boolean(this=not desc)])
        var = exp.to_identifier("s_")
        back = exp.Anonymous(this="TRANSFORM", expressions=[
            arr, exp.Lambda(this=exp.Dot(this=exp.column("s_"), expression=exp.to_identifier("v")),
                            expressions=[var])])
        # DuckDB: list() over no row is NULL; Spark's collect_list gives [].
        out = exp.If(this=exp.EQ(this=exp.Anonymous(this="SIZE", expressions=[back.copy()]),
                                 expression=exp.Literal.number(0)),
                     true=exp.Null(), false=back)
        holder.replace(out)


def _comprehensions(tree: exp.Expression) -> None:
    """``[f(x) FOR x IN l IF c]`` (a DuckDB list comprehension) -> ``TRANSFORM(FILTER(l, x -> c),
    x -> f(x))`` (Spark's higher-order functions; the order of ``l`` is kept)."""
    for arr in list(tree.find_all(exp.Array)):
        if len(arr.expressions) != 1 or not isinstance(arr.expressions[0], exp.Comprehension):
            continue
        comp = arr.expressions[0]
        var = exp.to_identifier(comp.expression.name)
        source = comp.args["iterator"].copy()
        cond = comp.args.get("condition")
        if cond is not None:
            source = exp.Anonymous(this="FILTER", expressions=[
                source, exp.Lambda(this=cond.copy(), expressions=[var.copy()])])
        arr.replace(exp.Anonymous(this="TRANSFORM", expressions=[
            source, exp.Lambda(this=comp.this.copy(), expressions=[var.copy()])]))


_REGEX_NODES = tuple(getattr(exp, n) for n in (
    "RegexpCount", "RegexpExtract", "RegexpExtractAll", "RegexpFullMatch", "RegexpILike", "RegexpInstr",
    "RegexpLike", "RegexpReplace", "RegexpSplit", "RegexpSubstr") if hasattr(exp, n))
_RE2_SCRIPT = re.compile(r"\\([pP])\{([A-Z][a-z]+(?:_[A-Z][a-z]+)*)\}")


def java_regex(pattern: str) -> str:
    """An RE2 (DuckDB) pattern as a java.util.regex (Spark) pattern: Unicode scripts are written
    ``\\p{Han}`` in RE2 and ``\\p{IsHan}`` in Java (general categories such as ``\\p{L}``, ``\\p{M}``
    and everything else are the same in both)."""
    return _RE2_SCRIPT.sub(lambda m: f"\\{m.group(1)}{{Is{m.group(2)}}}", pattern)


def _regexes(tree: exp.Expression) -> None:
    for node in list(tree.find_all(*_REGEX_NODES)):
        pat = node.args.get("expression")
        if isinstance(pat, exp.Literal) and pat.is_string:
            new = java_regex(pat.this)
            if new != pat.this:
                pat.replace(exp.Literal.string(new))


def _tuples_in_distinct(tree: exp.Expression) -> None:
    for d in list(tree.find_all(exp.Distinct)):
        for t in list(d.expressions):
            if isinstance(t, exp.Tuple):
                t.replace(exp.Anonymous(this="STRUCT", expressions=[e.copy() for e in t.expressions]))


def _java_format(fmt: str) -> str:
    out, lit, i = [], [], 0

    def flush() -> None:
        if lit:
            text = "".join(lit).replace("'", "''")
            out.append(f"'{text}'" if any(c.isalpha() for c in text) else text)
            lit.clear()

    while i < len(fmt):
        tok = fmt[i:i + 2]
        if tok in _STRFTIME:
            flush()
            out.append(_STRFTIME[tok])
            i += 2
        elif fmt[i] == "%":
            raise ConfigError(f"strftime format {fmt!r}: {tok!r} has no Spark equivalent here")
        else:
            lit.append(fmt[i])
            i += 1
    flush()
    return "".join(out)


_LIST_NODES = (exp.Array, exp.ArrayAgg, exp.ArrayConcat, exp.ArrayDistinct, exp.ArraySort,
               exp.ArrayFilter, exp.Transform, exp.Split)


def _is_list(node: exp.Expression, list_columns: frozenset[str]) -> bool:
    """True when ``node`` is list-typed as far as the syntax tells (a list column, a list literal or
    function, a cast to a list type, or coalesce/paren/case of those)."""
    if isinstance(node, _LIST_NODES):
        return True
    if isinstance(node, exp.Column):
        return node.name.lower() in list_columns
    if isinstance(node, exp.Cast):
        return node.to.is_type(exp.DataType.Type.ARRAY, exp.DataType.Type.LIST)
    if isinstance(node, exp.Paren):
        return _is_list(node.this, list_columns)
    if isinstance(node, (exp.Coalesce, exp.If, exp.Case)):
        return any(_is_list(e, list_columns) for e in node.iter_expressions())
    return False


def _functions(tree: exp.Expression, list_columns: frozenset[str]) -> None:
    for node in list(tree.find_all(exp.TimeToUnix)):
        ts = exp.cast(node.this.copy(), "TIMESTAMP")
        micros = exp.cast(exp.Anonymous(this="UNIX_MICROS", expressions=[ts]), "DOUBLE")
        node.replace(exp.Paren(this=exp.Div(this=micros, expression=exp.Literal.number("1e6"))))
    for node in list(tree.find_all(exp.UnixToTime)):
        node.replace(exp.Anonymous(this="TIMESTAMP_SECONDS", expressions=[node.this.copy()]))
    for node in list(tree.find_all(exp.TimeToStr)):
        fmt = node.args.get("format")
        if isinstance(fmt, exp.Literal) and fmt.is_string:
            node.replace(exp.Anonymous(this="DATE_FORMAT", expressions=[
                node.this.copy(), exp.Literal.string(_java_format(fmt.this))]))
    for node in list(tree.find_all(exp.PercentileCont)):
        node.replace(exp.Anonymous(this="PERCENTILE", expressions=[node.this.copy(),
                                                                   node.expression.copy()]))
    for node in list(tree.find_all(exp.Anonymous)):
        name = str(node.this).lower()
        if name == "timezone" and len(node.expressions) == 2:
            zone, ts = node.expressions
            shifted = exp.Anonymous(this="FROM_UTC_TIMESTAMP", expressions=[ts.copy(), zone.copy()])
            node.replace(exp.cast(shifted, "TIMESTAMP_NTZ"))
    for node in list(tree.find_all(exp.IgnoreNulls)):
        if isinstance(node.this, exp.AnyValue):  # DuckDB's any_value skips NULLs; Spark: 2nd argument
            node.replace(exp.Anonymous(this="ANY_VALUE", expressions=[node.this.this.copy(),
                                                                      exp.Boolean(this=True)]))
    for node in list(tree.find_all(exp.Length)):
        arg = node.this
        if _is_list(arg, list_columns):
            size = exp.Anonymous(this="SIZE", expressions=[arg.copy()])
            node.replace(exp.If(this=exp.Is(this=arg.copy(), expression=exp.Null()),
                                true=exp.Null(), false=size))
    for node in list(tree.find_all(exp.Div)):
        node.replace(exp.Anonymous(this="TRY_DIVIDE", expressions=[node.this.copy(),
                                                                   node.expression.copy()]))


def portability_notes(tree: exp.Expression) -> list[str]:
    """Why ``tree`` may give different values on DuckDB and Spark (entries of :data:`NON_PORTABLE`,
    and ``regexp_replace`` without the ``'g'`` flag on an unanchored pattern), as sentences."""
    notes = []
    for node in tree.find_all(exp.Anonymous, exp.Rand):
        name = "random" if isinstance(node, exp.Rand) else str(node.this).lower()
        if name in NON_PORTABLE:
            notes.append(f"{name}(): {NON_PORTABLE[name]}")
    for node in tree.find_all(exp.RegexpReplace):
        pattern, mod = node.args.get("expression"), node.args.get("modifiers")
        first_only = mod is None or "g" not in str(getattr(mod, "this", ""))
        if first_only and isinstance(pattern, exp.Literal) and not str(pattern.this).startswith("^"):
            notes.append("regexp_replace() without 'g' replaces the first match in DuckDB and every "
                         "match in Spark")
    return sorted(set(notes))


def rewrite(tree: exp.Expression, list_columns: frozenset[str] = frozenset()) -> exp.Expression:
    """Apply the DuckDB -> Spark rewrites of the module docstring to a copy of ``tree``."""
    tree = tree.copy()
    _inline_windows(tree)
    _range_tables(tree)
    _unnest_joins(tree)
    _tuples_in_distinct(tree)
    _comprehensions(tree)
    _regexes(tree)
    _lists(tree)
    _functions(tree, list_columns)
    return tree


def to_spark(sql: str | exp.Expression, params: Sequence[Any] | Mapping[str, Any] | None = None,
             *, list_columns: frozenset[str] | set[str] = frozenset()) -> str:
    """One DuckDB statement (text or parsed tree) as Spark SQL, parameters bound as literals.

    ``list_columns``: names of list-typed columns (``len(col)`` becomes ``size(col)`` for them).
    Raises ConfigError when the statement cannot be parsed or bound, or holds several statements.
    """
    if isinstance(sql, str):
        trees = parse(sql)
        if len(trees) != 1:
            raise ConfigError(f"expected one SQL statement, got {len(trees)}")
        sql = trees[0]
    tree = rewrite(bind_params(sql, params), frozenset(c.lower() for c in list_columns))
    return tree.sql(dialect="spark")
