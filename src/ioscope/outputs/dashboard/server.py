"""Running the dashboard: host and token rules, then uvicorn."""

from __future__ import annotations

import ipaddress
import secrets
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from ioscope.errors import ConfigError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def is_local(host: str) -> bool:
    """True for loopback hosts (127.0.0.0/8, ::1, ``localhost``); everything else (0.0.0.0, a LAN
    address, a name) is reachable from other machines."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def resolve_token(host: str, token: str | None) -> str | None:
    """The token the server will require: ``token`` if given; a new random one (32 URL-safe
    bytes) when ``host`` is not local and none was given; None for a local host without one.
    Raises ConfigError for an empty or short (< 16 characters) token."""
    if token is not None:
        if len(token) < 16:
            raise ConfigError("--token must be at least 16 characters")
        return token
    return None if is_local(host) else secrets.token_urlsafe(32)


def serve(db: str | Path, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          token: str | None = None, results_dir: str | Path | None = None,
          echo: Callable[[str], None] | None = None, log_level: str = "warning") -> None:
    """Serve the dashboard over the store ``db`` at ``http://host:port/`` until interrupted.

    A non-local ``host`` requires a token: ``token``, or one generated and printed.
    ``results_dir``: exported result tables to show (see :mod:`.results`). ``echo``
    prints the address (default: stderr). Raises StoreError / SchemaVersionError for a bad store,
    ConfigError for a bad token.
    """
    import uvicorn

    from ioscope.outputs.dashboard.app import create_app

    token = resolve_token(host, token)
    app = create_app(db, token=token, results_dir=results_dir)
    say = echo or (lambda s: print(s, file=sys.stderr))
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/"
    if token:
        say(f"ioscope dashboard: {address}?token={quote(token)}")
        say("  (the token is required for every request; keep the link private)")
    else:
        say(f"ioscope dashboard: {address}  (local only; Ctrl-C to stop)")
    uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False,
                proxy_headers=False)
