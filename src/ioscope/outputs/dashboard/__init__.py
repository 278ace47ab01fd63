"""``ioscope serve``: a local web dashboard over a store (read-only), every number one click from
the posts behind it.

* :func:`create_app` — the ASGI app (Starlette) for a store file;
* :func:`serve` — run it with uvicorn (127.0.0.1 by default; another host needs a token).

Starlette and uvicorn are imported when these are called, with an error naming the install command
when they are missing. See docs/dashboard.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["create_app", "serve"]

INSTALL = "pip install 'ioscope[dashboard]'  (starlette, uvicorn)"


def _require() -> None:
    from ioscope.errors import ConfigError

    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise ConfigError(f"the dashboard needs {exc.name}: {INSTALL}") from None


def create_app(db_path: str | Path, *, token: str | None = None, **kw: Any) -> Any:
    """The dashboard ASGI app over the store ``db_path`` (see :func:`.app.create_app`)."""
    _require()
    from ioscope.outputs.dashboard.app import create_app as _create

    return _create(db_path, token=token, **kw)


def serve(db: str | Path, host: str = "127.0.0.1", port: int = 8765, token: str | None = None,
          **kw: Any) -> None:
    """Serve the dashboard (see :func:`.server.serve`)."""
    _require()
    from ioscope.outputs.dashboard.server import serve as _serve

    _serve(db, host=host, port=port, token=token, **kw)
