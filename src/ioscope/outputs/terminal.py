"""Printing untrusted text (post text, handles, file names) to a terminal safely.

Post text is adversarial: it may carry ANSI escape sequences that rewrite the terminal, or rich
markup (``[link=…]``) that rich would interpret. :func:`safe` neutralises both.
"""

from __future__ import annotations

import re
import unicodedata

from rich.markup import escape

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(value: object, *, max_len: int | None = None, one_line: bool = True) -> str:
    """``value`` as a string fit for a rich console: C0/C1 control characters (ESC included) removed,
    bidi override characters removed, newlines folded to spaces when ``one_line`` (default), rich
    markup escaped, cut to ``max_len`` characters (with "…") when given."""
    s = "" if value is None else str(value)
    if one_line:
        s = s.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    s = _CONTROL.sub("", s)
    s = "".join(ch for ch in s if unicodedata.bidirectional(ch) not in ("LRO", "RLO", "LRE", "RLE", "PDF"))
    if max_len is not None and len(s) > max_len:
        s = s[: max_len - 1] + "…"
    return escape(s)
