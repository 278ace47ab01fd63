"""The command line: a thin layer over the API (no analysis logic here).

Commands (``ioscope --help``): ``ingest``, ``actors``, ``analyze``, ``report``, ``formats``, ``demo``,
``cascade``, ``coordination``, ``narratives``, ``shifts``, ``claims``, ``domains``, ``serve``.
Any ioscope error prints one line (``error: file:line: reason``) and exits with status 1.
"""

from __future__ import annotations

import logging

import typer

from ioscope.cli import commands  # noqa: F401, I001  (register the commands, in help order)
from ioscope.cli import analysis_commands  # noqa: F401
from ioscope.cli.app import app, err_console, safe
from ioscope.errors import IoscopeError

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``ioscope`` script: run the app; an ioscope error prints one line and exits
    1; a usage error (unknown option, missing argument) prints click's usage message and exits 2;
    Ctrl-C exits 130 after saying that the file being ingested was rolled back."""
    _show_progress()
    try:
        code = app(standalone_mode=False)
        if code == 130:  # typer turns Ctrl-C into Exit(130) and, outside standalone mode, returns it
            _interrupted()
    except IoscopeError as exc:
        err_console.print(f"[bold red]error:[/] {safe(exc)}")
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        _interrupted()
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except Exception as exc:
        # typer ships its own copy of click: recognise its exceptions by behaviour, not by class.
        if type(exc).__name__ == "Abort":
            if isinstance(exc.__cause__ or exc.__context__, KeyboardInterrupt):
                _interrupted()
            raise SystemExit(1) from None
        if callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int):
            _tidy_usage_message(exc)
            exc.show()
            raise SystemExit(exc.exit_code) from None
        raise


_PYDANTIC_PREFIX = "Value error, "
"""What typer's value coercion (pydantic) puts before a choice error: ``Value error, 'bogus' is not one
of 'shuffle', ...``."""


def _tidy_usage_message(exc: Exception) -> None:
    """Drop :data:`_PYDANTIC_PREFIX` from a usage error's message, so a value outside an option's
    choices reads ``Invalid value for '--null': 'bogus' is not one of 'shuffle', ...``."""
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message.startswith(_PYDANTIC_PREFIX):
        exc.message = message[len(_PYDANTIC_PREFIX):]


class _ProgressHandler(logging.Handler):
    """Prints the pipeline's progress lines (``narratives: running``) and the sources' notes (the
    ``csv`` reader's guessed column mapping, a CrowdTangle layout) on stderr, escaped; a warning is
    prefixed ``warning:``."""

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            err_console.print(f"  [bold yellow]warning[/]: {safe(record.getMessage())}")
        else:
            err_console.print(f"  [dim]{safe(record.getMessage())}[/]")


_SHOWN_LOGGERS = ("ioscope.pipeline", "ioscope.sources")
"""Loggers whose INFO and higher records the CLI prints on stderr."""


def _show_progress() -> None:
    for name in _SHOWN_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(h, _ProgressHandler) for h in logger.handlers):
            logger.addHandler(_ProgressHandler(logging.INFO))
            logger.setLevel(logging.INFO)


def _interrupted() -> None:
    err_console.print("[bold red]interrupted[/]: files ingested before this one are stored; the file "
                      "being ingested was rolled back (run the same command again to finish: "
                      "nothing is stored twice)")
    raise SystemExit(130) from None
