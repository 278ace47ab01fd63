"""Commands for one analysis or one table: ``cascade``, ``coordination``, ``narratives``, ``shifts``,
``claims``, ``domains``, ``serve``. Each calls the API; none holds analysis logic."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from ioscope.cli.app import DbOpt, ModelOpt, app, console, err_console, safe
from ioscope.cli.choices import (
    Behaviour, Bucket, ClaimLayout, Correction, CoverageUnit, DomainGroupBy, DomainListFormat, Null,
    value,
)
from ioscope.config import setting

_DB = Path(setting("db").default)


def _print_result(result, out: Path | None, warnings: list[str] | None = None) -> None:
    """Print an analysis result's headline numbers and its tables' sizes; ``warnings`` (lines the
    analysis also put in its notes) go to stderr as ``warning: ...`` instead of ``note: ...``."""
    warnings = warnings or []
    console.print(f"[bold]{safe(result.name)}[/]")
    for key, item in result.summary.items():
        console.print(f"  {safe(key)}: {safe(item, max_len=100)}")
    for name, df in result.tables.items():
        console.print(f"  table {safe(name)}: {len(df):,} rows")
    for note in result.notes:
        if note not in warnings:
            console.print(f"  note: {safe(note, max_len=200)}")
    for line in warnings:
        err_console.print(f"[bold yellow]warning[/]: {safe(line, max_len=500)}")
    if out is not None:
        console.print(f"report: [bold]{safe(Path(out) / 'report.html')}[/]")


def _parse_pairs(items: list[str] | None, what: str) -> dict[str, str]:
    from ioscope.errors import ConfigError

    pairs: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ConfigError(f"{what} {item!r}: expected key=value")
        pairs[key.strip()] = value.strip()
    return pairs


OutOneOpt = Annotated[Optional[Path], typer.Option("--out", "-o", help="Write this analysis's "
                                                   "report.html, tables/ and graphs/ here.")]


@app.command()
def cascade(
    post_id: Annotated[str, typer.Argument(help="ID of the post whose cascade to show.")],
    db: DbOpt = _DB,
    platform: Annotated[Optional[str], typer.Option(help="Platform of the post (default: any).")] = None,
) -> None:
    """Print the cascade of one post: every repost, quote and reply, who and how fast."""
    from ioscope.analyses.cascade import cascade as build
    from ioscope.outputs.cascade_view import print_cascade
    from ioscope.store import Store

    with Store(db, read_only=True) as store:
        print_cascade(build(store, post_id, platform), console)


domains_app = typer.Typer(help="Domain credibility and type lists.", no_args_is_help=True)
app.add_typer(domains_app, name="domains")


@domains_app.command("import")
def domains_import(
    file: Annotated[Path, typer.Argument(help="The list file.")],
    format: Annotated[DomainListFormat, typer.Option("--format", "-f", help="Format of the list.")],
    name: Annotated[Optional[str], typer.Option(help="Name of the list (default: format or file stem).")] = None,
    map: Annotated[Optional[list[str]], typer.Option(help="For csv: domain=col, label=col, score=col, "
                                                          "country=col, detail=col.")] = None,
    db: DbOpt = _DB,
) -> None:
    """Import a domain list into the store (re-importing a list replaces it)."""
    from ioscope.domain_lists import import_domain_list
    from ioscope.store import Store

    with Store(db) as store:
        rep = import_domain_list(store, file, value(format), list_name=name,
                                 mapping=_parse_pairs(map, "--map") or None)
    console.print(f"{safe(file.name)}: {safe(rep.summary())}")
    shown = 5  # the first rows of each kind, with their line: enough to see why, not the whole file
    for kind, rows in (("merged", [(ln, e, r) for ln, e, _, r in rep.merged]), ("skipped", rep.skipped)):
        for line, entry, reason in rows[:shown]:
            console.print(f"  {kind}: line {line}: {safe(entry)}: {safe(reason)}")
        if len(rows) > shown:
            console.print(f"  … {len(rows) - shown:,} more {kind} rows")


@domains_app.command("list")
def domains_list(db: DbOpt = _DB) -> None:
    """List the imported domain lists."""
    from ioscope.domain_lists import lists_summary
    from ioscope.store import Store

    with Store(db, read_only=True) as store:
        df = lists_summary(store)
    table = Table("list", "format", "user", "hosts", "file")
    for r in df.itertuples():
        table.add_row(safe(r.list_name), safe(r.list_format), "yes" if r.is_user else "no",
                      f"{r.n_hosts:,}", safe(r.source_file, max_len=60))
    console.print(table)


@domains_app.command("run")
def domains_run(
    db: DbOpt = _DB,
    out: OutOneOpt = None,
    group_by: Annotated[DomainGroupBy, typer.Option(help="Actor groups compared.")] = DomainGroupBy.country_type,
) -> None:
    """Domain portfolios of actor groups, their overlap and low-credibility shares."""
    from ioscope.pipeline import run_one

    _print_result(run_one(db, "domains", out, group_by=value(group_by)), out)


@app.command()
def shifts(
    db: DbOpt = _DB,
    out: OutOneOpt = None,
    by: Annotated[str, typer.Option(help="Slices, comma-separated: country, actor_type, overt, "
                                         "platform, narrative, domain_label.")] = "country,overt",
    narrative: Annotated[Optional[str], typer.Option(help="Only this narrative (id in the store's "
                                                          "narrative_assignments or a --keywords name).")] = None,
    events: Annotated[Optional[Path], typer.Option(help="Events file (CSV date,label,scope or YAML).")] = None,
    bucket: Annotated[Bucket, typer.Option(help="Length of the series' time buckets.")] = Bucket.day,
    zone: Annotated[str, typer.Option(help="IANA time zone of the buckets, any case (europe/moscow = "
                                           "Europe/Moscow).")] = "UTC",
    keywords: Annotated[Optional[list[str]], typer.Option(
        help="A narrative by keywords: NAME=REGEX (repeatable, case-insensitive).")] = None,
    window_days: Annotated[int, typer.Option(help="Days before/after each event for the test.")] = 14,
    min_gap_days: Annotated[float, typer.Option(help="Days without any post of a collection that make a "
                                                     "collection gap (masked, reported); 0 = off.")] = 7,
    coverage_by: Annotated[CoverageUnit, typer.Option(help="What a collection is for coverage: dataset "
                                                           "(the input file's folder) or file.")
                           ] = CoverageUnit.dataset,
) -> None:
    """Series over time, change points, before/after tests at events, and the overt-to-covert check."""
    from ioscope.pipeline import run_one
    from ioscope.timeparse import canonical_zone

    with suppress(ValueError):  # an unknown zone: the analysis names it (AnalysisError)
        zone = canonical_zone(zone)

    text_filter: dict[str, list[str]] = {}
    for name, regex in _parse_pairs(keywords, "--keywords").items():
        text_filter.setdefault(name, []).append(regex)
    result = run_one(db, "shifts", out, by=tuple(b.strip() for b in by.split(",") if b.strip()),
                     narrative=narrative, events=str(events) if events else None, bucket=value(bucket),
                     zone=zone, text_filter=text_filter or None, window_days=window_days,
                     min_gap_days=min_gap_days, coverage_by=value(coverage_by))
    _print_result(result, out)


@app.command()
def serve(
    db: DbOpt = _DB,
    host: Annotated[str, typer.Option(help="Address to bind; a non-local one requires a token.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8765,
    token: Annotated[Optional[str], typer.Option(help="Access token (16+ characters); generated and "
                                                      "printed when --host is not local.",
                                                 envvar="IOSCOPE_TOKEN")] = None,
    results: Annotated[Optional[Path], typer.Option(help="Folder of `ioscope analyze --out` exports "
                                                         "(default: report/ beside the store).")] = None,
) -> None:
    """Serve the read-only dashboard over the store at http://HOST:PORT/."""
    from ioscope.outputs.dashboard import serve as run_serve

    run_serve(db, host=host, port=port, token=token, results_dir=results, echo=console.print)


claims_app = typer.Typer(help="Fact-checked claims: import them, match posts to them.", no_args_is_help=True)
app.add_typer(claims_app, name="claims")


@claims_app.command("import")
def claims_import(
    files: Annotated[list[Path], typer.Argument(help="ClaimReview JSON-LD, Fact Check API JSON, or CSV.")],
    db: DbOpt = _DB,
    layout: Annotated[Optional[ClaimLayout], typer.Option(help="Reader (default: detected per file; "
                                                                 "mapping: a generic CSV read with "
                                                                 "--map).")] = None,
    map: Annotated[Optional[list[str]], typer.Option(help="For a generic CSV: canonical=column.")] = None,
    strict: Annotated[bool, typer.Option(help="Fail on the first record that would be quarantined.")] = False,
) -> None:
    """Import fact-checked claims into the store (idempotent on claim_id)."""
    from ioscope.claims import import_claims
    from ioscope.store import Store

    from ioscope.analyses.claims import Claims

    ratings = list(Claims().ratings)
    with Store(db) as store:
        report = import_claims(store, files, layout=value(layout), mapping=_parse_pairs(map, "--map") or None,
                               strict=strict)
        unmatched = store.scalar(
            "SELECT count(*) FROM claims WHERE list_contains(?, source_file) "
            "AND NOT list_contains(?, coalesce(rating_normalized, ''))",
            [[str(Path(f.path).resolve()) for f in report.files], ratings])
    table = Table("file", "reader", "read", "stored", "duplicate", "quarantined")
    for f in report.files:
        table.add_row(safe(Path(f.path).name, max_len=60), safe(f.reader), f"{f.n_read:,}",
                      f"{f.n_stored:,}", f"{f.n_duplicate:,}", f"{f.n_quarantined:,}")
    console.print(table)
    if unmatched:
        console.print(f"  [bold yellow]note[/]: {unmatched:,} claims from these files have a rating other "
                      f"than {', '.join(ratings)} (or none: map a rating column with --map "
                      "rating=COLUMN); `claims match` leaves them out by default")


@claims_app.command("match")
def claims_match(
    db: DbOpt = _DB,
    out: OutOneOpt = None,
    model: ModelOpt = setting("model").default,
    top_k: Annotated[int, typer.Option(help="Candidate claims per post.")] = 5,
    threshold: Annotated[float, typer.Option(help="Calibrated score (z) a match must reach.")] = 5.0,
) -> None:
    """Match posts to the imported claims, across languages, and aggregate by actor and cluster."""
    from ioscope.pipeline import run_one

    _print_result(run_one(db, "claims", out, model=model, top_k=top_k, threshold=threshold), out)


@app.command()
def coordination(
    db: DbOpt = _DB,
    out: OutOneOpt = None,
    behaviour: Annotated[Optional[list[Behaviour]], typer.Option(
        "--behaviour", "-b", help="Behaviour to test (repeatable; default: co_repost, co_link, co_text, "
                                  "near_text).")] = None,
    window: Annotated[Optional[list[str]], typer.Option(
        "--window", "-w", help="Coordination window in seconds, or 'auto' (repeatable: several "
                               "windows in one run; default per behaviour, see docs). An automatic "
                               "window over 1 day prints a warning.")] = None,
    min_coactions: Annotated[int, typer.Option(help="Co-actions an edge needs.")] = 2,
    p_value: Annotated[float, typer.Option(help="Significance level of the null model.")] = 0.01,
    null: Annotated[Null, typer.Option(help="Null model: shuffle (each account's own times), relabel "
                                            "(each object's timing), object, shuffle_mc.")] = Null.shuffle,
    correction: Annotated[Optional[Correction], typer.Option(
        help="Multiple testing over all account pairs (default: shuffle: bonferroni for reposts, "
             "links and other objects, none for co_text/near_text; shuffle_mc: none; "
             "relabel/object: bonferroni).")] = None,
    resolution: Annotated[float, typer.Option(help="Leiden CPM resolution.")] = 0.02,
    seed: Annotated[int, typer.Option(help="Seed of the null model and Leiden.")] = 0,
) -> None:
    """Accounts acting together more often than chance allows: co-action networks with evidence,
    p-values and Leiden clusters."""
    from ioscope.analyses.coordination import DEFAULT_BEHAVIOURS
    from ioscope.analyses.coordination.params import auto_window_warnings
    from ioscope.pipeline import run_one

    windows: list[float | str] = []
    for w in window or []:
        try:
            windows.append(w if w == "auto" else float(w))
        except ValueError:
            raise typer.BadParameter(f"{w!r} is not a number of seconds or 'auto'",
                                     param_hint="'--window'") from None
    behaviours = tuple(value(b) for b in behaviour) if behaviour else DEFAULT_BEHAVIOURS
    result = run_one(db, "coordination", out, behaviours=behaviours,
                     window_s=(windows[0] if len(windows) == 1 else windows) if windows else None,
                     min_coactions=min_coactions, p_value=p_value, null=value(null),
                     correction=value(correction), resolution=resolution, seed=seed)
    _print_result(result, out, auto_window_warnings(result.summary.get("auto_windows_s", {})))


@app.command()
def narratives(
    db: DbOpt = _DB,
    out: OutOneOpt = None,
    catalog: Annotated[Optional[Path], typer.Option(help="The watched narratives (YAML; see "
                                                         "docs/analyses/narratives.md).")] = None,
    model: ModelOpt = setting("model").default,
    seed: Annotated[int, typer.Option(help="Seed of discovery (same data + seed = same narratives).")] = 0,
    narrative_similarity: Annotated[float, typer.Option(help="Mean cosine at which sub-narratives "
                                                             "merge into one narrative.")] = 0.15,
) -> None:
    """Discover narratives across languages, assign the catalog's watched narratives, and track both
    by actor, country and day."""
    from ioscope.pipeline import run_one

    _print_result(run_one(db, "narratives", out, catalog=str(catalog) if catalog else None, model=model,
                          seed=seed, narrative_similarity=narrative_similarity), out)
