"""Bidi control characters (Trojan-Source style) in post text: the shared helper of
ioscope.outputs.bidi, the chart labels and the HTML report show them as visible markers and isolate
right-to-left text, without changing the stored text or ordinary Arabic/Persian text."""

from __future__ import annotations


from markupsafe import Markup

from ioscope.analyses.amplification import Amplification
from ioscope.outputs.bidi import BIDI_CONTROLS, bidi_html, bidi_marker, needs_isolation, show_bidi_controls
from ioscope.outputs.charts import _esc
from ioscope.outputs.report import render_report

EVIL = "abc \u202edcba\u202c xyz"
PERSIAN = "سلام دنیا"
RLO = ('<span class="bidi-ctl" dir="ltr" title="U+202E RIGHT-TO-LEFT OVERRIDE">'
       "&#x27E8;U+202E&#x27E9;</span>")
PDF = ('<span class="bidi-ctl" dir="ltr" title="U+202C POP DIRECTIONAL FORMATTING">'
       "&#x27E8;U+202C&#x27E9;</span>")
EVIL_HTML = f"<bdi>abc {RLO}dcba{PDF} xyz</bdi>"


def test_all_nine_controls_become_markers():
    codes = ["202A", "202B", "202C", "202D", "202E", "2066", "2067", "2068", "2069"]
    assert sorted(f"{ord(c):04X}" for c in BIDI_CONTROLS) == codes
    text = "".join(chr(int(c, 16)) for c in codes)
    assert show_bidi_controls(text) == "".join(f"\u27e8U+{c}\u27e9" for c in codes)
    html = str(bidi_html(text))
    for c in codes:
        assert f'title="U+{c} ' in html and f"&#x27E8;U+{c}&#x27E9;</span>" in html
    # nothing but ASCII markup is left: no raw control, no raw bracket
    assert html.isascii() and html.startswith("<bdi>") and html.endswith("</bdi>")
    assert bidi_marker("\u2068") == "\u27e8U+2068\u27e9"


def test_marker_html_is_escaped_and_isolated():
    assert bidi_html(EVIL) == Markup(EVIL_HTML)
    # markup in the text stays escaped around the markers
    assert str(bidi_html("<b>\u202e</b>")) == f"<bdi>&lt;b&gt;{RLO}&lt;/b&gt;</bdi>"
    assert show_bidi_controls(EVIL) == "abc \u27e8U+202E\u27e9dcba\u27e8U+202C\u27e9 xyz"
    assert show_bidi_controls(None) == "" and bidi_html(None) == Markup("")


def test_rtl_text_and_marks_are_left_alone():
    # Arabic/Persian text is kept as it is, only isolated (its own direction inside <bdi>)
    assert str(bidi_html(PERSIAN)) == f"<bdi>{PERSIAN}</bdi>"
    assert show_bidi_controls(PERSIAN) == PERSIAN
    # LRM/RLM are not controls: kept; RLM is a strong RTL character, so the piece is isolated
    assert str(bidi_html("a\u200eb")) == "a\u200eb"
    assert str(bidi_html("a\u200fb")) == "<bdi>a\u200fb</bdi>"
    # left-to-right text (also non-ASCII, e.g. an en dash or Cyrillic) is not wrapped
    assert str(bidi_html("2024-03-01 – Привет & co")) == "2024-03-01 – Привет &amp; co"
    assert not needs_isolation("naïve – ok") and needs_isolation("x \u0661") and needs_isolation(PERSIAN)
    assert bidi_html(1234) == Markup("1234")


def test_chart_labels_show_markers():
    assert _esc(EVIL) == "abc \u27e8U+202E\u27e9dcba\u27e8U+202C\u27e9 xyz"
    assert _esc("<i>\u2067x") == "&lt;i&gt;\u27e8U+2067\u27e9x"
    assert _esc(PERSIAN) == PERSIAN


def _bidi_store(make_store, scenario):
    """The rows of ``scenario.bidi_rows()`` (tests/analyses/conftest.py) in a store."""
    return make_store(*scenario.bidi_rows())


def test_report_shows_markers_and_keeps_rtl_text(tmp_path, make_store, scenario):
    store = _bidi_store(make_store, scenario)
    html = render_report([Amplification().run(store)], tmp_path / "report.html").read_text("utf-8")
    # no raw control anywhere in the file (tables, tooltips, chart data), only markers
    for ch in BIDI_CONTROLS:
        assert ch not in html, hex(ord(ch))
    # the top post's text: marked and isolated, in a dir="auto" quote
    assert f'<blockquote class="post-text" dir="auto">{EVIL_HTML}</blockquote>' in html
    # the Persian post unchanged (isolated so that it keeps its own direction)
    assert f'<blockquote class="post-text" dir="auto"><bdi>{PERSIAN}</bdi></blockquote>' in html
    # the evidence table's handle cell with the unclosed override: a marker, isolated
    assert f"<td><bdi>random{RLO}user</bdi></td>" in html
    # the markers are styled; left-to-right cells keep their plain markup
    assert ".bidi-ctl {" in html and "<td>EmbCN_A</td>" in html
    # the stored text is not changed by rendering
    assert store.con.execute("SELECT text FROM posts WHERE post_id = '500'").fetchone()[0] == EVIL
