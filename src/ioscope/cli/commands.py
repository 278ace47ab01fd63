"""The main commands: ``ingest``, ``actors``, ``analyze``, ``report``, ``formats``, ``demo``."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from ioscope._version import __version__
from ioscope.cli.app import (
    ActorsOpt, Bar, DbOpt, FormatOpt, MapOpt, ModelOpt, OutOpt, StrictOpt, TzOpt, app, console, count,
    embedding_params, finish, print_ingest, safe, source_options,
)
from ioscope.cli.choices import Engine, value
from ioscope.config import setting
from ioscope.errors import ConfigError


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
    to_parquet: Annotated[Optional[Path], typer.Option(
        "--to-parquet", help="Also write the store's canonical tables as a Parquet dataset "
                             "partitioned by platform and month (for --engine spark).")] = None,
) -> None:
    """Ingest FILES into the store (idempotent: re-ingesting adds nothing)."""
    from ioscope.actors import read_actors_csv
    from ioscope.ingest import ingest as run_ingest
    from ioscope.ingest import ingest_rows
    from ioscope.store import Store

    started = time.perf_counter()
    actor_rows = read_actors_csv(actors) if actors else None
    with _no_empty_new_store(db), Store(db) as store, Bar() as bar:
        report = run_ingest(store, files, format=format, options=source_options(tz, map, platform),
                            strict=strict, progress=bar)
        if actor_rows is not None:
            store.set_actors(actor_rows)
        counts = store.counts()
        lost = store.flagged("post_id_lost_precision", [f.path for f in report.files])
        if to_parquet is not None:
            from ioscope.engines import write_parquet

            write_parquet(store, to_parquet, overwrite=True)
    print_ingest(ingest_rows(report), counts, time.perf_counter() - started)
    if lost:
        console.print(f"  [bold yellow]warning[/]: {count(lost, 'post')} "
                      f"{'has an ID that' if lost == 1 else 'have IDs that'} lost precision upstream "
                      "(e.g. saved by a spreadsheet as 1.2E+18): flagged post_id_lost_precision, never "
                      "used to join or deduplicate (docs/sources.md)")
    _print_assumed_zones(report)
    if to_parquet is not None:
        console.print(f"Parquet dataset: {safe(to_parquet)}")


@contextmanager
def _no_empty_new_store(db: Path) -> Iterator[None]:
    """Around a command that may create the store ``db``: when ``db`` did not exist before and, at the
    end (success, error or Ctrl-C), the store holds nothing (no ingest, post, quarantined record or
    actor: e.g. the first file failed), remove it and DuckDB's ``<db>.wal`` and ``<db>.tmp`` beside it,
    so a failed first ingest leaves no empty store behind. A store that existed before is never
    touched; one that cannot be opened to check is kept."""
    created = not Path(db).exists()
    try:
        yield
    finally:
        if created and Path(db).is_file():
            _remove_if_empty(Path(db))


def _remove_if_empty(db: Path) -> None:
    from ioscope.store import Store

    try:
        with Store(db, read_only=True) as store:
            counts = store.counts()
            held = counts["files"] + counts["posts"] + counts["quarantined"] + counts["actors"]
    except Exception:  # noqa: BLE001  (a cleanup on the way out must not hide the command's own error)
        return  # cannot tell what it holds: keep it
    if held == 0:
        for path in (db, db.with_name(db.name + ".wal")):
            with suppress(FileNotFoundError):
                path.unlink()
        shutil.rmtree(db.with_name(db.name + ".tmp"), ignore_errors=True)


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


@app.command("actors-from")
def actors_from(
    format: Annotated[str, typer.Argument(help="Format whose files attest their accounts' actors "
                                               "(see `ioscope formats`), e.g. dipromats.")],
    files: Annotated[list[Path], typer.Argument(help="Input files of that format.")],
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Actors CSV to write "
                                                                    "(default: stdout).")] = None,
) -> None:
    """Write the actor rows a dataset itself attests (e.g. DIPROMATS: each account's country) as an
    actors CSV, for `ioscope actors` or `ingest --actors`."""
    import sys

    from ioscope.actors import write_actors_csv
    from ioscope.errors import ConfigError
    from ioscope.sources import get

    rows = get(format).actor_rows([Path(f) for f in files])
    if rows is None:
        raise ConfigError(f"format {format!r} does not attest actors; write an actors CSV by hand "
                          "(docs/actors.md)")
    if out is None:
        write_actors_csv(rows, sys.stdout)
    else:
        with open(out, "w", encoding="utf-8", newline="") as fh:
            write_actors_csv(rows, fh)
        console.print(f"{len(rows):,} actors written to {safe(out)}")


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
    model: ModelOpt = setting("model").default,
    engine: Annotated[Engine, typer.Option(help="Engine of the analyses; spark reads --input.")] = Engine.duckdb,
    input: Annotated[Optional[Path], typer.Option(
        "--input", help="A Parquet dataset written by `ingest --to-parquet` (instead of FILES).")] = None,
    master: Annotated[str, typer.Option(help="Spark master URL or sc:// endpoint.")] = "local[*]",
) -> None:
    """Ingest FILES, load --actors, run every analysis and write the report and exports to --out."""
    from ioscope.pipeline import analyze as run_analyze

    engine = value(engine)
    if input is not None or engine != "duckdb":
        from ioscope.engines import report_parquet

        if input is None or files:
            raise ConfigError("--engine spark reads a Parquet dataset: pass --input DIR (written by "
                              "`ioscope ingest FILES --to-parquet DIR`) and no FILES")
        finish(report_parquet(input, out, engine=engine, master=master, title=title,
                              params=embedding_params(model)))
        return
    with _no_empty_new_store(db), Bar() as bar:
        outcome = run_analyze(files or [], db=db, out=out, actors=actors, format=format,
                              options=source_options(tz, map, platform), strict=strict, title=title,
                              progress=bar, params=embedding_params(model))
    finish(outcome)
    _print_assumed_zones(outcome.ingest)


def _print_assumed_zones(report) -> None:
    """Under an ingest: how many of the ingested files' posts had no time zone and the zone they were
    read in (issue #3: "the report says which"; :func:`ioscope.ingest.assumed_zone_note`). Nothing
    when no time was assumed."""
    from ioscope.ingest import assumed_zone_note

    note = assumed_zone_note(report.assumed_zones) if report is not None else None
    if note:
        console.print(f"  {safe(note)}", soft_wrap=True)


@app.command()
def report(
    out: OutOpt = Path(setting("out").default),
    db: DbOpt = Path(setting("db").default),
    title: Annotated[str, typer.Option(help="Report title.")] = "ioscope report",
    model: ModelOpt = setting("model").default,
) -> None:
    """Run every analysis on the store and write report.html, tables/ and graphs/ to --out."""
    from ioscope.pipeline import report_store
    from ioscope.store import Store

    with Store(db, create=False) as store:
        outcome = report_store(store, out, title=title, params=embedding_params(model))
    finish(outcome)


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
    model: ModelOpt = setting("model").default,
    engine: Annotated[Engine, typer.Option(help="Engine of the analyses: spark writes the store as a "
                                                "Parquet dataset under --out/parquet and runs every "
                                                "analysis on Spark over it.")] = Engine.duckdb,
    master: Annotated[str, typer.Option(help="Spark master URL or sc:// endpoint (--engine spark).")
                      ] = "local[*]",
) -> None:
    """Generate the demo scenario (v1.1 JSON lines + actors + ground truth) and run the main job on it."""
    from ioscope.demo import generate
    from ioscope.pipeline import analyze as run_analyze

    engine = value(engine)
    files = generate(out / "input", seed=seed, scale=scale)
    db = out / "ioscope.duckdb"
    for stale in (db, Path(str(db) + ".wal")):
        stale.unlink(missing_ok=True)
    shutil.rmtree(out / "report", ignore_errors=True)
    shutil.rmtree(out / "parquet", ignore_errors=True)
    console.print(f"demo scenario written to {safe(files.out_dir)} (ground truth: "
                  f"{safe(files.ground_truth.name)})")
    with Bar() as bar:
        outcome = run_analyze(files.tweet_files, db=db, out=out / "report", actors=files.actors_csv,
                              title="ioscope demo: COVID-19 state narratives (invented scenario)",
                              progress=bar, domain_lists=[(files.domain_ratings, "csv")],
                              claims=[files.claims],
                              params=_demo_params(files, model), engine=engine,
                              dataset=out / "parquet" if engine != "duckdb" else None, master=master)
    finish(outcome)


def _demo_params(files, model: str) -> dict[str, dict]:
    """The demo's analysis parameters: its events file, its narrative catalog, the embedding model."""
    from importlib.resources import files as package_files

    params = embedding_params(model)
    params.setdefault("narratives", {})["catalog"] = str(package_files("ioscope.demo") / "catalog.yaml")
    # The scenario's story: narrative by narrative, did overt accounts drop it and covert ones take it up?
    params["shifts"] = {"events": str(files.events), "by": ("narrative", "overt")}
    return params


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        console.print(f"ioscope {__version__}")
        raise typer.Exit(0)

