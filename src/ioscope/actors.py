"""The analyst's actor registry: which accounts to watch, and who they are.

An actors CSV has a header with these columns (order free; names case-insensitive):

=============  ========================================================================================
platform       platform name (``twitter``, ``telegram``, ...); empty matches any platform
account_id     the account's ID (string), if known
handle         handle/screen name, with or without ``@``; matched case-insensitively
name           the actor's name
country        ISO 3166 alpha-2 code (``CN``); a few common names (``China``, ``Russia``, ``Iran``) and
               alpha-3 codes of the countries most studied are accepted and converted
actor_type     one of :data:`ioscope.schema.ACTOR_TYPES`
overt          ``true``/``false`` (also 1/0, yes/no); empty → false for ``suspected_covert``, else true
source         citation for the attribution
notes          free text, ignored
=============  ========================================================================================

Each row needs ``account_id`` or ``handle``. Any other column is an error (a typo must not silently
drop a field); so is an unknown actor_type or country. Errors name the file, line and reason.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO, Any

from ioscope.errors import ConfigError, SourceError
from ioscope.schema import ACTOR_TYPES

COLUMNS = ("platform", "account_id", "handle", "name", "country", "actor_type", "overt", "source")
IGNORED_COLUMNS = ("notes", "comment", "comments")

_COUNTRY_NAMES = {
    "CHINA": "CN", "PRC": "CN", "CHN": "CN", "PEOPLE'S REPUBLIC OF CHINA": "CN",
    "RUSSIA": "RU", "RUS": "RU", "RUSSIAN FEDERATION": "RU",
    "IRAN": "IR", "IRN": "IR", "ISLAMIC REPUBLIC OF IRAN": "IR",
    "UNITED STATES": "US", "USA": "US", "UNITED KINGDOM": "GB", "UK": "GB", "GBR": "GB",
    "EUROPEAN UNION": "EU", "VENEZUELA": "VE", "VEN": "VE", "CUBA": "CU", "CUB": "CU",
    "NORTH KOREA": "KP", "PRK": "KP", "SAUDI ARABIA": "SA", "SAU": "SA", "TURKEY": "TR", "TUR": "TR",
}
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


def write_actors_csv(rows: list[dict[str, Any]], out: IO[str]) -> int:
    """Write actor rows (keys :data:`COLUMNS`; a missing key or None is an empty cell; ``overt`` as
    ``true``/``false``) to ``out`` as an actors CSV that :func:`read_actors_csv` reads back. Returns
    the number of rows written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow(["" if r.get(c) is None else str(r[c]).lower() if c == "overt" else r[c]
                         for c in COLUMNS])
    return len(rows)


def read_actors_csv(path: str | Path) -> list[dict[str, Any]]:
    """Read an actors CSV into rows of the ``actors`` table (see the module docstring).

    Returns a list of dicts with keys :data:`COLUMNS`. Raises SourceError when the file cannot be read
    and ConfigError (naming file and line) for an unknown column, actor_type or country, or a row with
    neither account_id nor handle.
    """
    path = Path(path)
    try:
        fh = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise SourceError(path, f"cannot open actors file: {exc.strerror or exc}") from exc
    with fh:
        reader = csv.DictReader(fh)
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        if not header:
            raise ConfigError(f"{path}: actors file has no header")
        unknown = [h for h in header if h not in COLUMNS and h not in IGNORED_COLUMNS]
        if unknown:
            raise ConfigError(
                f"{path}:1: unknown actors column(s) {', '.join(unknown)}; "
                f"known: {', '.join(COLUMNS + IGNORED_COLUMNS)}"
            )
        reader.fieldnames = header
        return [_row(path, reader.line_num, raw) for raw in reader]


def _row(path: Path, line: int, raw: dict[str, str | None]) -> dict[str, Any]:
    def val(key: str) -> str | None:
        v = (raw.get(key) or "").strip()
        return v or None

    handle = val("handle")
    if handle:
        handle = handle.lstrip("@") or None
    account_id = val("account_id")
    if not handle and not account_id:
        raise ConfigError(f"{path}:{line}: actor needs an account_id or a handle")
    actor_type = (val("actor_type") or "other").lower()
    if actor_type not in ACTOR_TYPES:
        raise ConfigError(
            f"{path}:{line}: unknown actor_type {actor_type!r}; known: {', '.join(ACTOR_TYPES)}"
        )
    return {
        "platform": (val("platform") or "").lower() or None,
        "account_id": account_id,
        "handle": handle,
        "name": val("name"),
        "country": normalize_country(val("country"), where=f"{path}:{line}"),
        "actor_type": actor_type,
        "overt": _overt(val("overt"), actor_type, where=f"{path}:{line}"),
        "source": val("source"),
    }


def normalize_country(value: str | None, *, where: str = "") -> str | None:
    """ISO 3166 alpha-2 code for ``value`` (``"cn"``, ``"China"``, ``"CHN"`` → ``"CN"``; None → None).

    Raises ConfigError (prefixed with ``where``) for a value that is not a two-letter code or a known
    name.
    """
    if value is None:
        return None
    v = value.strip().upper()
    if v in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[v]
    if len(v) == 2 and v.isalpha() and v.isascii():
        return v
    raise ConfigError(f"{where}: country {value!r} is not an ISO 3166 alpha-2 code")


def _overt(value: str | None, actor_type: str, *, where: str) -> bool:
    if value is None:
        return actor_type != "suspected_covert"
    v = value.lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise ConfigError(f"{where}: overt must be true or false, not {value!r}")
