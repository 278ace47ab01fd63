"""Every command and setting is documented (docs/cli.md), and the public API does not grow by accident."""

from __future__ import annotations

from pathlib import Path

import typer

import ioscope
from ioscope.cli import app
from ioscope.config import SETTINGS

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _commands(typer_app: typer.Typer, prefix: str = "ioscope") -> list[str]:
    names = [f"{prefix} {c.name or c.callback.__name__.replace('_', '-')}" for c in typer_app.registered_commands]
    for group in typer_app.registered_groups:
        names += _commands(group.typer_instance, f"{prefix} {group.name}")
    return names


def test_every_command_documented():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    names = _commands(app)
    assert {"ioscope ingest", "ioscope analyze", "ioscope report", "ioscope demo", "ioscope serve",
            "ioscope cascade", "ioscope domains import"} <= set(names)
    for name in names:
        assert f"`{name}" in text, f"command {name} missing from docs/cli.md"


def test_every_setting_documented():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    for s in SETTINGS:
        assert f"`{s.env}`" in text and f"`--{s.name}`" in text, s.name


def test_public_api_is_curated():
    assert sorted(ioscope.__all__) == sorted([
        "SCHEMA_VERSION", "AnalysisError", "ConfigError", "FormatDetectionError", "IoscopeError",
        "SchemaVersionError", "SourceError", "Store", "StoreError", "StrictIngestError", "__version__",
    ])


def test_coordination_row_lists_every_option_and_short_form():
    # README.md uses `ioscope coordination --db … -b co_link -w 30 --out …`: the cli.md row must name
    # --db and the short forms -b, -w, -o as well as every long option.
    row = next(ln for ln in (DOCS / "cli.md").read_text(encoding="utf-8").splitlines()
               if ln.startswith("| `ioscope coordination"))
    synopsis = row.split("` |")[0]
    command = typer.main.get_command(app).commands["coordination"]
    names = {n for p in command.params for n in p.opts if n != "--help"}
    assert {"--db", "-b", "-w", "-o"} <= names
    for name in sorted(names):
        assert f"[{name}" in synopsis or f", {name}" in synopsis, name
