"""The command line: a thin layer over the API (no analysis logic here).

Commands (``ioscope --help``): ``ingest``, ``actors``, ``analyze``, ``report``, ``formats``, ``demo``,
``cascade``, ``coordination``, ``narratives``, ``shifts``, ``claims``, ``domains``, ``serve``.
Any ioscope error prints one line (``error: file:line: reason``) and exits with status 1.
"""

from __future__ import annotations

import typer

from ioscope.cli import commands  # noqa: F401, I001  (register the commands, in help order)
from ioscope.cli import analysis_commands  # noqa: F401
from ioscope.cli.app import app, err_console, safe
from ioscope.errors import IoscopeError

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``ioscope`` script: run the app, turning ioscope errors into one line."""
    try:
        app(standalone_mode=False)
    except IoscopeError as exc:
        err_console.print(f"[bold red]error:[/] {safe(exc)}")
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


