"""The command line: a thin layer over the API (no analysis logic here).

Commands: ``ingest``, ``analyze``, ``report``, ``actors``, ``formats``, ``demo``. Any ioscope error
prints one line (``error: file:line: reason``) and exits with status 1.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ioscope._version import __version__
from ioscope.config import setting
from ioscope.errors import ConfigError, IoscopeError

app = typer.Typer(
    name="ioscope",
    help="Make state-linked information operations visible: ingest exports, analyse, report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Piped output gets 120 columns rather than rich's default 80, so the ingest table stays readable.
console = Console(highlight=False, width=None if Console().is_terminal else 120)
err_console = Console(stderr=True, highlight=False)

DbOpt = Annotated[Path, typer.Option("--db", help="DuckDB store file [env IOSCOPE_DB].",
                                     envvar="IOSCOPE_DB")]
FormatOpt = Annotated[Optional[str], typer.Option("--format", "-f",
                                                  help="Input format (default: detected per file); "
                                                       "see `ioscope formats`.")]
TzOpt = Annotated[str, typer.Option("--tz", help="Zone for naive timestamps in the input [env IOSCOPE_TZ].",
                                    envvar="IOSCOPE_TZ")]
MapOpt = Annotated[Optional[list[str]], typer.Option(
    "--map", help="Column mapping for the generic CSV reader: canonical=column (repeatable).")]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Fail on the first record that would be "
                                                          "quarantined (the file is rolled back).")]
ActorsOpt = Annotated[Optional[Path], typer.Option("--actors", help="Actor registry CSV (replaces the "
                                                                    "store's registry).")]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Output folder for report.html, tables/, "
                                                          "graphs/ [env IOSCOPE_OUT].",
                                      envvar="IOSCOPE_OUT")]


def main() -> None:
    """Entry point of the ``ioscope`` script: run the app, turning ioscope errors into one line."""
    try:
        app(standalone_mode=False)
    except IoscopeError as exc:
        err_console.print(f"[bold red]error:[/] {_safe(exc)}")
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        err_console.print("[bold red]interrupted[/]: the file being ingested was rolled back")
        raise SystemExit(130) from None
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except typer.Abort:
        raise SystemExit(1) from None
    except Exception as exc:  # click usage errors and the like
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            raise SystemExit(exc.exit_code) from None
        raise


def _safe(value: object, **kw) -> str:
    from ioscope.outputs.terminal import safe

    return safe(value, **kw)


def _options(tz: str, mapping: list[str] | None, platform: str | None):
    from ioscope.sources.base import SourceOptions

    parsed: dict[str, str] | None = None
    if mapping:
        parsed = {}
        for item in mapping:
            key, sep, column = item.partition("=")
            if not sep or not key.strip() or not column.strip():
                raise ConfigError(f"--map {item!r}: expected canonical=column")
            parsed[key.strip()] = column.strip()
    return SourceOptions(tz=tz, mapping=parsed, platform=platform)


class _Bar:
    """A rich progress bar per file, by bytes read, fed by the ingest's progress callback."""

    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
            console=err_console, transient=True,
        )
        self.tasks: dict[Path, int] = {}

    def __enter__(self) -> _Bar:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(*exc)

    def __call__(self, path: Path, done: int, total: int) -> None:
        if path not in self.tasks:
            self.tasks[path] = self.progress.add_task(_safe(path.name, max_len=40), total=total)
        self.progress.update(self.tasks[path], completed=done)


def _print_ingest(rows: list[dict], counts: dict, seconds: float) -> None:
    table = Table(title="Ingest", title_justify="left")
    for col in ("file", "format", "read", "stored", "duplicate", "context", "quarantined", "seconds"):
        table.add_column(col, justify="left" if col in ("file", "format") else "right")
    for r in rows:
        table.add_row(_safe(Path(r["file"]).name, max_len=60), r["format"],
                      *(f"{r[k]:,}" for k in ("read", "stored", "duplicate", "context", "quarantined")),
                      f"{r['seconds']:.1f}")
    console.print(table)
    console.print(
        f"store: {counts['collected_posts']:,} posts collected (+{counts['context_posts']:,} context), "
        f"{counts['accounts']:,} accounts, {counts['actors']:,} actors, "
        f"{counts['quarantined']:,} quarantined records, {counts['files']:,} files — {seconds:.1f} s"
    )
    if counts["quarantined"]:
        console.print("  quarantined records and their reasons: table [bold]quarantine[/] in the store")


@app.command()
def ingest(
    files: Annotated[list[Path], typer.Argument(help="Input files.", show_default=False)],
    db: DbOpt = Path(setting("db").default),
    format: FormatOpt = None,
    tz: TzOpt = setting("tz").default,
    map: MapOpt = None,
    platform: Annotated[Optional[str], typer.Option(help="Platform name for generic inputs.")] = None,
    strict: StrictOpt = False,
    actors: ActorsOpt = None,
) -> None:
    """Ingest FILES into the store (idempotent: re-ingesting adds nothing)."""
    from ioscope.actors import read_actors_csv
    from ioscope.ingest import ingest as run_ingest
    from ioscope.pipeline import ingest_rows
    from ioscope.store import Store

    started = time.perf_counter()
    actor_rows = read_actors_csv(actors) if actors else None
    with Store(db) as store, _Bar() as bar:
        report = run_ingest(store, files, format=format, options=_options(tz, map, platform),
                            strict=strict, progress=bar)
        if actor_rows is not None:
            store.set_actors(actor_rows)
        counts = store.counts()
    _print_ingest(ingest_rows(report), counts, time.perf_counter() - started)


@app.command()
def actors(
    csv: Annotated[Path, typer.Argument(help="Actor registry CSV (see docs/actors.md).")],
    db: DbOpt = Path(setting("db").default),
) -> None:
    """Load an actor registry CSV into the store (replacing the previous registry)."""
    from ioscope.actors import read_actors_csv
    from ioscope.store import Store

    rows = read_actors_csv(csv)
    with Store(db) as store:
        n = store.set_actors(rows)
        matched = store.scalar("SELECT count(*) FROM actor_accounts")
    console.print(f"{n:,} actors loaded; {matched:,} matched to accounts in the store")


def _finish(outcome, started: float) -> None:
    from ioscope.pipeline import ingest_rows

    if outcome.ingest is not None:
        _print_ingest(ingest_rows(outcome.ingest), outcome.counts, time.perf_counter() - started)
    for res in outcome.results:
        headline = ", ".join(f"{k}={_safe(v, max_len=40)}" for k, v in list(res.summary.items())[:4])
        console.print(f"  {res.name}: {headline}")
    console.print(f"report: [bold]{_safe(outcome.outputs['report'])}[/]")


@app.command()
def analyze(
    files: Annotated[Optional[list[Path]], typer.Argument(help="Input files (none: analyse the store "
                                                                "as it is).")] = None,
    actors: ActorsOpt = None,
    out: OutOpt = Path(setting("out").default),
    db: DbOpt = Path(setting("db").default),
    format: FormatOpt = None,
    tz: TzOpt = setting("tz").default,
    map: MapOpt = None,
    platform: Annotated[Optional[str], typer.Option(help="Platform name for generic inputs.")] = None,
    strict: StrictOpt = False,
    title: Annotated[str, typer.Option(help="Report title.")] = "ioscope report",
) -> None:
    """Ingest FILES, load --actors, run every analysis and write the report and exports to --out."""
    from ioscope.pipeline import analyze as run_analyze

    started = time.perf_counter()
    with _Bar() as bar:
        outcome = run_analyze(files or [], db=db, out=out, actors=actors, format=format,
                              options=_options(tz, map, platform), strict=strict, title=title,
                              progress=bar)
    _finish(outcome, started)


@app.command()
def report(
    out: OutOpt = Path(setting("out").default),
    db: DbOpt = Path(setting("db").default),
    title: Annotated[str, typer.Option(help="Report title.")] = "ioscope report",
) -> None:
    """Run every analysis on the store and write report.html, tables/ and graphs/ to --out."""
    from ioscope.pipeline import report_store
    from ioscope.store import Store

    started = time.perf_counter()
    with Store(db) as store:
        outcome = report_store(store, out, title=title)
    _finish(outcome, started)


@app.command()
def formats() -> None:
    """List the input formats ioscope reads."""
    from ioscope.sources import registry

    table = Table("format", "platform", "description")
    for name in registry.names():
        src = registry.get(name)
        table.add_row(name, src.platform, src.description)
    console.print(table)


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the demo's input files, store "
                                                          "and report.")] = Path("demo-out"),
    seed: Annotated[int, typer.Option(help="Random seed of the scenario.")] = 20200312,
    scale: Annotated[float, typer.Option(help="Multiplier of ordinary accounts and posts.")] = 1.0,
) -> None:
    """Generate the demo scenario (v1.1 JSON lines + actors + ground truth) and run the main job on it."""
    from ioscope.demo import generate
    from ioscope.pipeline import analyze as run_analyze

    started = time.perf_counter()
    files = generate(out / "input", seed=seed, scale=scale)
    db = out / "ioscope.duckdb"
    for stale in (db, Path(str(db) + ".wal")):
        stale.unlink(missing_ok=True)
    shutil.rmtree(out / "report", ignore_errors=True)
    console.print(f"demo scenario written to {_safe(files.out_dir)} (ground truth: "
                  f"{_safe(files.ground_truth.name)})")
    with _Bar() as bar:
        outcome = run_analyze(files.tweet_files, db=db, out=out / "report", actors=files.actors_csv,
                              title="ioscope demo: COVID-19 state narratives (invented scenario)",
                              progress=bar)
    _finish(outcome, started)


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        console.print(f"ioscope {__version__}")
        raise typer.Exit(0)


if __name__ == "__main__":
    main()
