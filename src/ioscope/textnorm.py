"""Text helpers shared by the source adapters: HTML unescaping, Unicode normalisation, hashtags,
mentions and language codes.

Hashtag and mention extraction is Unicode-aware (case 20): a tag is made of letters, combining marks
and digits of any script, ``_``, and the joiners ZWNJ (U+200C) and ZWJ (U+200D), which Persian, Arabic
and Indic words need (twitter-text PR#29, mastodon PR#11821); the sign may be ``#`` or the full-width
``＃`` (``@``/``＠`` for mentions); bidi controls are removed before extraction so that an RLM around a tag
does not become part of it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

ZWNJ, ZWJ = "\u200c", "\u200d"
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Bidi formatting characters (ALM, LRM, RLM, LRE..RLO, LRI..PDI), stripped around tags."""

_STRIP_BIDI = str.maketrans("", "", BIDI_CONTROLS)
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|apos|#0*39|#[xX]0*27);")
_ENTITY_VALUE = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'"}
_DOUBLE_ESCAPED = re.compile(r"&amp;(?:amp|lt|gt|quot|apos|#0*39|#[xX]0*27);")
_HASH_SIGNS = re.compile(r"[#＃]")
_AT_SIGNS = re.compile(r"[@＠]")
_TAG_RUN = re.compile(r"[\w\u200c\u200d]+")
# Scripts written without spaces: a tag may follow one of their letters directly (讨论中#话题).
_NO_SPACE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")

PSEUDO_LANGS = frozenset(("und", "qme", "qht", "zxx", "qam", "qct", "qst"))
"""Twitter's pseudo language codes (undetermined, media/hashtags/mentions/cashtags-only, very short,
no linguistic content): they are no language, so they normalise to None."""

LEGACY_LANGS = {"in": "id", "iw": "he", "ji": "yi"}
"""Deprecated ISO 639 codes that Twitter still emits, mapped to their current codes."""

_LANG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


def unescape_once(s: str) -> str:
    """Undo Twitter v1.1's HTML escaping exactly once: ``&amp; &lt; &gt; &quot; &#39;`` (also
    ``&apos;``, ``&#039;``, ``&#x27;``) in one pass, so ``"&amp;lt;"`` becomes ``"&lt;"``, not ``"<"``.

    Other entities are left as found (Twitter escapes only ``& < >``; see case 11 and twitter-ruby#348).
    Returns ``s`` unchanged when it holds no ``&``.
    """
    if "&" not in s:
        return s
    return _ENTITY.sub(_entity_value, s)


def _entity_value(m: re.Match[str]) -> str:
    token = m.group(0)
    return _ENTITY_VALUE.get(token, "'")


def unescape_tweet_text(s: str) -> tuple[str, bool]:
    """Unescape v1.1 text once; repair text that a broken exporter escaped twice (case 11).

    Returns ``(text, double_escaped)``. The second pass runs only when the raw text holds a doubly
    escaped entity (``&amp;amp;``, ``&amp;lt;``, ...) and the twice-unescaped result has no ``&amp;``
    left; otherwise the once-unescaped text is returned and ``double_escaped`` is False.
    """
    once = unescape_once(s)
    if "&amp;" not in s or not _DOUBLE_ESCAPED.search(s):
        return once, False
    twice = unescape_once(once)
    if twice != once and "&amp;" not in twice:
        return twice, True
    return once, False


def nfc(s: str) -> str:
    """Unicode NFC (canonical composition). It never changes script or compatibility forms (full-width
    letters stay full-width; use :func:`hashtag_key` for matching). Fast for ASCII and NFC input."""
    if s.isascii() or unicodedata.is_normalized("NFC", s):
        return s
    return unicodedata.normalize("NFC", s)


def strip_bidi(s: str) -> str:
    """Remove bidi control characters (:data:`BIDI_CONTROLS`)."""
    return s.translate(_STRIP_BIDI)


def _is_tag_char(ch: str) -> bool:
    if ch.isalnum() or ch == "_" or ch == ZWNJ or ch == ZWJ:
        return True
    return unicodedata.category(ch)[0] == "M"


def _tag_end(text: str, pos: int) -> int:
    # End of the run of tag characters starting at pos: word characters and joiners by regex, then
    # combining marks (which ``\w`` does not match: Devanagari vowel signs, Arabic harakat) one by one.
    n = len(text)
    while pos < n:
        m = _TAG_RUN.match(text, pos)
        if m:
            pos = m.end()
        elif unicodedata.category(text[pos])[0] == "M":
            pos += 1
        else:
            break
    return pos


def _scan_tags(text: str, signs: re.Pattern[str], forbid_before: str) -> list[str]:
    if not text.isascii():
        text = text.translate(_STRIP_BIDI)
    found: list[str] = []
    n = len(text)
    for m in signs.finditer(text):
        start = m.start()
        if start > 0:
            prev = text[start - 1]
            if prev in forbid_before or (_is_tag_char(prev) and not _NO_SPACE_SCRIPT.match(prev)):
                continue
        end = _tag_end(text, start + 1)
        tag = text[start + 1:end].strip(ZWNJ + ZWJ)
        if not tag or tag.isdigit():
            continue  # "#1" is not a hashtag (twitter-text)
        if end < n and (text[end] in "#＃@＠" or text.startswith("://", end)):
            continue  # "#tag#" and "#http://" are not tags (twitter-text)
        found.append(nfc(tag))
    return found


def extract_hashtags(text: str | None) -> list[str]:
    """Hashtags in ``text``, without the sign, in order of appearance, with repeats, as written (NFC).

    Rules (case 20; twitter-text): the sign is ``#`` or ``＃``; it must start the text or follow a
    character that is not a letter, digit, mark, ``_`` or ``&`` (so ``a#b`` and the ``&#39;`` entity
    are not tags), except that a Han/Kana character may precede it directly (CJK has no spaces); the tag
    is letters, marks and digits of any script, ``_``, ZWNJ and ZWJ (joiners at its ends are dropped);
    all-digit tags are not tags; bidi controls are removed first. Returns ``[]`` for None or ``""``.
    """
    if not text or ("#" not in text and "＃" not in text):
        return []
    return _scan_tags(text, _HASH_SIGNS, "&")


def extract_mentions(text: str | None) -> list[str]:
    """Mentioned handles in ``text``, without ``@``/``＠``, in order, with repeats, case kept.

    Same boundary and character rules as :func:`extract_hashtags` (letters of any script, so Weibo- or
    VK-style handles work), except that ``@`` must not follow ``!#$%&*@＠`` or a word character (so
    ``name@example.com`` is not a mention). Returns ``[]`` for None or ``""``.
    """
    if not text or ("@" not in text and "＠" not in text):
        return []
    return _scan_tags(text, _AT_SIGNS, "!#$%&*@＠")


def hashtag_key(tag: str) -> str:
    """The key to group hashtags by: sign and bidi controls removed, NFKC, then casefold (case 20:
    ``＃Topic_A``, ``#topic_a`` and ``Topic_A`` share ``topic_a``; ZWNJ is kept)."""
    tag = strip_bidi(tag).lstrip("#＃")
    return unicodedata.normalize("NFKC", tag).casefold()


def normalize_lang(code: str | None) -> str | None:
    """A BCP-47-ish language code, or None when there is no language.

    Lower-cases the primary subtag (``EN`` -> ``en``; ``_`` becomes ``-``; ``pt-BR`` keeps its region),
    maps deprecated codes Twitter emits (``in`` -> ``id``, ``iw`` -> ``he``, ``ji`` -> ``yi``), and returns
    None for empty values, Twitter's pseudo codes (:data:`PSEUDO_LANGS`: ``und``, ``qme``, ``qht``,
    ``zxx``, ``qam``, ``qct``, ``qst``) and anything that is not shaped like a language tag.
    """
    if not code:
        return None
    if type(code) is str and len(code) < 36:
        return _normalize_lang_cached(code)  # a few dozen distinct codes per file
    return _normalize_lang(code)


@lru_cache(maxsize=1024)
def _normalize_lang_cached(code: str) -> str | None:
    return _normalize_lang(code)


def _normalize_lang(code) -> str | None:
    code = str(code).strip().replace("_", "-")
    if not _LANG.fullmatch(code):
        return None
    primary, _, rest = code.partition("-")
    primary = primary.lower()
    if primary in PSEUDO_LANGS:
        return None
    primary = LEGACY_LANGS.get(primary, primary)
    return f"{primary}-{rest}" if rest else primary
