"""The Typer app, shared options and helpers of the command line (commands live beside this file)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ioscope.errors import ConfigError
from ioscope.outputs.terminal import safe

app = typer.Typer(
    name="ioscope",
    help="Make state-linked information operations visible: ingest exports, analyse, report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Piped output gets 120 columns rather than rich's default 80, so the ingest table stays readable.
console = Console(highlight=False, width=None if Console().is_terminal else 120)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)  # an error stays one line

DbOpt = Annotated[Path, typer.Option("--db", help="DuckDB store file (env IOSCOPE_DB).",
                                     envvar="IOSCOPE_DB")]
FormatOpt = Annotated[Optional[str], typer.Option("--format", "-f",
                                                  help="Input format (default: detected per file); "
                                                       "see `ioscope formats`.")]
TzOpt = Annotated[str, typer.Option("--tz", help="IANA zone for naive timestamps in the input, any case "
                                                  "(europe/moscow = Europe/Moscow; env IOSCOPE_TZ).",
                                    envvar="IOSCOPE_TZ")]
MapOpt = Annotated[Optional[list[str]], typer.Option(
    "--map", help="Column mapping for the generic CSV reader: canonical=column (repeatable).")]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Fail on the first record that would be "
                                                          "quarantined (the file is rolled back).")]
ActorsOpt = Annotated[Optional[Path], typer.Option("--actors", help="Actor registry CSV (replaces the "
                                                                    "store's registry).")]
ModelOpt = Annotated[str, typer.Option("--model", help="Embedding model of the narratives and claims "
                                      "analyses: e5-small (multilingual, offline), tfidf (fast, "
                                      "language-blind), st:PATH (env IOSCOPE_MODEL).",
                                      envvar="IOSCOPE_MODEL")]


def embedding_params(model: str) -> dict[str, dict[str, str]]:
    """Per-analysis parameters that set the embedding model of every analysis that embeds text."""
    from ioscope.analyses import ANALYSES

    return {name: {"model": model} for name in ("narratives", "claims") if name in ANALYSES}


OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Output folder for report.html, tables/, "
                                                          "graphs/ (env IOSCOPE_OUT).",
                                      envvar="IOSCOPE_OUT")]


def source_options(tz: str, mapping: list[str] | None, platform: str | None):
    """SourceOptions from the --tz, --map (repeatable canonical=column) and --platform options. The
    zone is matched case-insensitively and kept in its canonical spelling (``europe/moscow`` ->
    ``Europe/Moscow``); raises ConfigError for an unknown zone (naming it and the closest names) or a
    bad --map item."""
    from ioscope.sources.base import SourceOptions
    from ioscope.timeparse import canonical_zone

    try:
        tz = canonical_zone(tz)
    except ValueError as exc:
        raise ConfigError(f"--tz: {exc}") from None
    parsed: dict[str, str] | None = None
    if mapping:
        parsed = {}
        for item in mapping:
            key, sep, column = item.partition("=")
            if not sep or not key.strip() or not column.strip():
                raise ConfigError(f"--map {item!r}: expected canonical=column")
            parsed[key.strip()] = column.strip()
    return SourceOptions(tz=tz, mapping=parsed, platform=platform)


class Bar:
    """A rich progress bar per file, by bytes read, fed by the ingest's progress callback."""

    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
            console=err_console, transient=True,
        )
        self.tasks: dict[Path, int] = {}

    def __enter__(self) -> Bar:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(*exc)

    def __call__(self, path: Path, done: int, total: int) -> None:
        if path not in self.tasks:
            self.tasks[path] = self.progress.add_task(safe(path.name, max_len=40), total=total)
        self.progress.update(self.tasks[path], completed=done)


def count(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural unless ``n`` is 1, thousands separated: ``count(1, "file")`` ->
    ``"1 file"``, ``count(1200, "file")`` -> ``"1,200 files"`` (plural: noun + "s")."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def print_ingest(rows: list[dict], counts: dict, seconds: float) -> None:
    """Print the per-file ingest table and the store totals."""
    table = Table(title="Ingest", title_justify="left")
    for col in ("file", "format", "read", "stored", "duplicate", "context", "quarantined", "seconds"):
        table.add_column(col, justify="left" if col in ("file", "format") else "right")
    for r in rows:
        table.add_row(safe(Path(r["file"]).name, max_len=60), r["format"],
                      *(f"{r[k]:,}" for k in ("read", "stored", "duplicate", "context", "quarantined")),
                      f"{r['seconds']:.1f}")
    console.print(table)
    console.print(
        f"store: {count(counts['collected_posts'], 'post')} collected "
        f"(+{counts['context_posts']:,} context), {count(counts['accounts'], 'account')}, "
        f"{count(counts['actors'], 'actor')}, {count(counts['quarantined'], 'quarantined record')}, "
        f"{count(counts['files'], 'file')} — {seconds:.1f} s"
    )
    if counts["quarantined"]:
        console.print("  quarantined records and their reasons: table [bold]quarantine[/] in the store")


def finish(outcome) -> None:
    """Print what an analyze/report/demo run did: ingest table, headline numbers, report path."""
    from ioscope.ingest import ingest_rows

    if outcome.ingest is not None:  # the ingest's own time, not the whole job's
        print_ingest(ingest_rows(outcome.ingest), outcome.counts,
                     sum(f.seconds for f in outcome.ingest.files))
    for res in outcome.results:
        headline = ", ".join(f"{k}={safe(v, max_len=40)}" for k, v in list(res.summary.items())[:4])
        console.print(f"  {res.name}: {headline}")
    console.print(f"report: [bold]{safe(outcome.outputs['report'])}[/]")


