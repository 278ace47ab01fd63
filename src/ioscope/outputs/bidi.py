"""Bidirectional-text safety for HTML output (the report and the dashboard share it).

Post text, handles and other strings from data are adversarial. HTML escaping stops markup, but
not the Unicode bidi *controls* (Trojan-Source style): an embedding, override or isolate character
(U+202A-U+202E, U+2066-U+2069) still reorders the text when shown, so an analyst could read
something other than what was posted, and an unclosed override can reorder what follows it.

* :func:`show_bidi_controls` replaces each of those 9 controls by a visible ASCII marker
  (``"\\u202e"`` -> ``"⟨U+202E⟩"``); plain text, for attributes (tooltips) and plotly labels.
* :func:`bidi_html` escapes a value for HTML, shows each control as a marked-up marker
  (``<span class="bidi-ctl" dir="ltr" title="U+202E RIGHT-TO-LEFT OVERRIDE">⟨U+202E⟩</span>``)
  and wraps the piece in ``<bdi>`` (its own direction, isolated from its neighbours) when it holds
  anything that could reorder text around it: a right-to-left letter, an Arabic digit or a control.
  Left-to-right-only text cannot reorder an LTR page, so it stays unwrapped.

The stored text is never changed, only its rendering. LRM/RLM (U+200E, U+200F), ALM (U+061C) and
ordinary Arabic, Persian or Hebrew text are left as they are: they render correctly by themselves.

Templates use these as the Jinja filters ``bidi`` (element content) and ``bidi_attr`` (attribute
values and ``<option>`` text, where no markup may go); see :func:`install_filters`.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from jinja2 import Environment
from markupsafe import Markup, escape

BIDI_CONTROLS: dict[str, str] = {
    "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE",
}
"""The bidi control characters shown as markers, each with its Unicode name."""

_CONTROL_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")

# Bidi classes of characters that can reorder neutral text around them in a left-to-right page.
_REORDERING = frozenset({"R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})


def _code(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def bidi_marker(ch: str) -> str:
    """The visible plain-text marker of one bidi control ``ch``: ``"⟨U+202E⟩"``.
    Raises KeyError when ``ch`` is not one of :data:`BIDI_CONTROLS`."""
    if ch not in BIDI_CONTROLS:
        raise KeyError(ch)
    return f"\u27e8{_code(ch)}\u27e9"


def _marker_html(match: re.Match[str]) -> str:
    ch = match.group(0)
    # ASCII only (the brackets as character references); the title is a fixed Unicode name.
    return (f'<span class="bidi-ctl" dir="ltr" title="{_code(ch)} {BIDI_CONTROLS[ch]}">'
            f"&#x27E8;{_code(ch)}&#x27E9;</span>")


def show_bidi_controls(value: Any) -> str:
    """``str(value)`` with every bidi control replaced by its visible marker (``"⟨U+202E⟩"``);
    None -> "". Plain text: escape it as usual (an attribute, a plotly label)."""
    if value is None:
        return ""
    return _CONTROL_RE.sub(lambda m: bidi_marker(m.group(0)), str(value))


def needs_isolation(text: str) -> bool:
    """True when ``text`` holds a character that can reorder text around it in a left-to-right
    page: a right-to-left letter (bidi class R or AL), an Arabic-Indic digit (AN) or a bidi control."""
    if text.isascii():
        return False
    return any(unicodedata.bidirectional(ch) in _REORDERING for ch in text)


def bidi_html(value: Any) -> Markup:
    """``value`` as safe HTML for element content: HTML-escaped (a :class:`~markupsafe.Markup`
    value is kept as it is), each bidi control shown as a ``<span class="bidi-ctl">`` marker, and
    the whole wrapped in ``<bdi>`` when :func:`needs_isolation`. None -> ""."""
    if value is None:
        return Markup("")
    text = str(value)
    html = str(escape(value if isinstance(value, Markup) else text))
    html = _CONTROL_RE.sub(_marker_html, html)
    if needs_isolation(text):
        html = f"<bdi>{html}</bdi>"
    return Markup(html)


def install_filters(env: Environment) -> Environment:
    """Register the filters ``bidi`` (:func:`bidi_html`) and ``bidi_attr``
    (:func:`show_bidi_controls`) on ``env`` (autoescaping escapes ``bidi_attr``'s text); returns ``env``."""
    env.filters["bidi"] = bidi_html
    env.filters["bidi_attr"] = show_bidi_controls
    return env
