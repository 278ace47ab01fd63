"""The analyst's catalog of watched narratives (YAML) and the assignment of posts to it.

File format (read with ``yaml.safe_load``; unknown keys anywhere are errors)::

    narratives:
      - id: N1                       # required, unique; letters, digits, '_', '-', '.'
        name: US origin              # required
        description: The virus came from the US (US army, Fort Detrick).   # optional
        examples:                    # required, at least one; any language
          - The US army brought the virus to Wuhan.
          - 美国军队把病毒带到了武汉。
        keywords: [Fort Detrick, 德特里克堡]   # optional; case-insensitive substrings
        contradicts: [N3]            # optional; ids of narratives this one contradicts

**Assignment and calibration.** Posts and examples are embedded as passages with the same model. A
text's raw score for narrative k is its highest cosine to k's examples. Raw cosines of e5 are
compressed (unrelated texts already score about 0.75), so each narrative's scores are calibrated
against two reference levels measured in the run itself:

* ``background`` — the median raw score of all distinct texts of the run (most texts do not carry a
  given narrative, and the median ignores a minority that does);
* ``agreement`` — the median, over k's examples, of each example's best cosine to k's *other* examples
  (how close two statements of the same narrative are, often across languages). With one example it
  is ``background + 0.1`` (the typical e5 gap between translations and unrelated texts).

``score = (raw - background) / (agreement - background)``, clipped to [0, 1.5]: 0 is a typical
unrelated text, 1 is as close as the examples are to one another. A text is assigned to the narrative
with the highest score among those with ``score >= threshold`` (default 0.5, i.e. halfway); a text
holding one of the narrative's keywords needs only ``keyword_threshold`` (default 0.25). The score is
a calibrated similarity, not a probability. The raw cosine that each threshold corresponds to is
reported per narrative (table ``catalog_calibration``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ioscope.errors import ConfigError

_ID = re.compile(r"[A-Za-z0-9_.\-]+")
_TOP_KEYS = {"narratives"}
_KEYS = {"id", "name", "description", "examples", "keywords", "contradicts"}


@dataclass(frozen=True)
class CatalogNarrative:
    """One watched narrative: id, name, description, examples (texts), keywords, contradicts (ids)."""

    id: str
    name: str
    description: str = ""
    examples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    contradicts: tuple[str, ...] = field(default=())


def load_catalog(path: str | Path) -> list[CatalogNarrative]:
    """Read and validate a catalog file. Returns the narratives in file order.

    Raises ConfigError (naming the file and the narrative) for a missing file, invalid YAML, an
    unknown key, a missing or duplicate id, no examples, or a ``contradicts`` id not in the catalog.
    ``contradicts`` links are made symmetric (A contradicts B implies B contradicts A).
    """
    import yaml

    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read catalog: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from exc
    return parse_catalog(doc, str(path))


def parse_catalog(doc: object, where: str = "catalog") -> list[CatalogNarrative]:
    """Validate a catalog already parsed from YAML (see :func:`load_catalog`)."""
    if not isinstance(doc, dict) or "narratives" not in doc:
        raise ConfigError(f"{where}: expected a mapping with a 'narratives' list")
    extra = set(doc) - _TOP_KEYS
    if extra:
        raise ConfigError(f"{where}: unknown key(s) {sorted(map(str, extra))}; allowed: narratives")
    items = doc["narratives"]
    if not isinstance(items, list) or not items:
        raise ConfigError(f"{where}: 'narratives' must be a non-empty list")
    out: list[CatalogNarrative] = []
    seen: set[str] = set()
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: narrative #{i} must be a mapping")
        extra = set(item) - _KEYS
        label = f"{where}: narrative #{i} ({item.get('id', '?')})"
        if extra:
            raise ConfigError(f"{label}: unknown key(s) {sorted(map(str, extra))}; "
                              f"allowed: {', '.join(sorted(_KEYS))}")
        nid = str(item.get("id", "")).strip()
        if not _ID.fullmatch(nid):
            raise ConfigError(f"{label}: 'id' is required (letters, digits, _ - .)")
        if nid in seen:
            raise ConfigError(f"{label}: duplicate id {nid!r}")
        seen.add(nid)
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{label}: 'name' is required")
        examples = _strings(item.get("examples"), f"{label}: 'examples'")
        if not examples:
            raise ConfigError(f"{label}: at least one example statement is required")
        out.append(CatalogNarrative(
            id=nid, name=name.strip(), description=str(item.get("description") or "").strip(),
            examples=examples,
            keywords=_strings(item.get("keywords"), f"{label}: 'keywords'"),
            contradicts=_strings(item.get("contradicts"), f"{label}: 'contradicts'")))
    links: dict[str, set[str]] = {n.id: set(n.contradicts) for n in out}
    for n in out:
        for other in n.contradicts:
            if other not in links:
                raise ConfigError(f"{where}: narrative {n.id} contradicts unknown id {other!r}")
            if other == n.id:
                raise ConfigError(f"{where}: narrative {n.id} cannot contradict itself")
            links[other].add(n.id)
    return [CatalogNarrative(n.id, n.name, n.description, n.examples, n.keywords,
                             tuple(sorted(links[n.id]))) for n in out]


def _strings(value: object, label: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise ConfigError(f"{label} must be a list of strings")
    return tuple(str(v).strip() for v in value if str(v).strip())


def contradiction_pairs(catalog: list[CatalogNarrative]) -> pd.DataFrame:
    """Table narrative_a, narrative_b (a < b) of the catalog's contradicts links."""
    pairs = sorted({tuple(sorted((n.id, o))) for n in catalog for o in n.contradicts})
    return pd.DataFrame(pairs, columns=["narrative_a", "narrative_b"])


@dataclass
class CatalogMatch:
    """Result of :func:`assign`: ``narrative`` (n_texts,) object, catalog id or None; ``score`` and
    ``raw`` (n_texts,) float32 for the assigned narrative (NaN when none); ``calibration`` table."""

    narrative: np.ndarray
    score: np.ndarray
    raw: np.ndarray
    calibration: pd.DataFrame


def assign(catalog: list[CatalogNarrative], example_vectors: list[np.ndarray], x: np.ndarray,
           texts: pd.Series, *, threshold: float = 0.5, keyword_threshold: float = 0.25
           ) -> CatalogMatch:
    """Assign distinct texts to catalog narratives (method in the module docstring).

    ``example_vectors[k]``: (n_examples_k, dim) unit rows for ``catalog[k]``; ``x``: (n_texts, dim)
    unit rows; ``texts``: the texts (for keywords). Returns a :class:`CatalogMatch` whose
    ``calibration`` table has narrative_id, name, n_examples, background_cosine, agreement_cosine,
    threshold_cosine, keyword_threshold_cosine, n_texts_assigned.
    """
    n = len(x)
    scores = np.full((n, len(catalog)), -np.inf, dtype=np.float32)
    raws = np.zeros((n, len(catalog)), dtype=np.float32)
    rows = []
    lowered = texts.fillna("").str.lower()
    for k, (nar, ev) in enumerate(zip(catalog, example_vectors, strict=True)):
        raw = (x @ ev.T).max(axis=1) if n else np.zeros(0, np.float32)
        background = float(np.median(raw)) if n else 0.0
        if len(ev) > 1:
            s = ev @ ev.T
            np.fill_diagonal(s, -np.inf)
            agreement = float(np.median(s.max(axis=1)))
        else:
            agreement = background + 0.1
        agreement = max(agreement, background + 0.02)  # keep the scale positive and finite
        score = np.clip((raw - background) / (agreement - background), 0.0, 1.5)
        need = np.full(n, threshold, dtype=np.float32)
        if nar.keywords:
            hit = np.zeros(n, dtype=bool)
            for kw in nar.keywords:
                hit |= lowered.str.contains(kw.lower(), regex=False).to_numpy()
            need[hit] = keyword_threshold
        scores[:, k] = np.where(score >= need, score, -np.inf)
        raws[:, k] = raw
        span = agreement - background
        rows.append(dict(narrative_id=nar.id, name=nar.name, n_examples=len(ev),
                         background_cosine=background, agreement_cosine=agreement,
                         threshold_cosine=background + threshold * span,
                         keyword_threshold_cosine=(background + keyword_threshold * span)
                         if nar.keywords else np.nan))
    best = scores.argmax(axis=1) if len(catalog) else np.zeros(n, dtype=int)
    ok = np.isfinite(scores[np.arange(n), best]) if len(catalog) else np.zeros(n, dtype=bool)
    ids = np.array([c.id for c in catalog], dtype=object)
    narrative = np.where(ok, ids[best] if len(catalog) else None, None).astype(object)
    score = np.where(ok, scores[np.arange(n), best], np.nan).astype(np.float32)
    raw = np.where(ok, raws[np.arange(n), best], np.nan).astype(np.float32)
    cal = pd.DataFrame(rows)
    cal["n_texts_assigned"] = [int((narrative == c.id).sum()) for c in catalog]
    return CatalogMatch(narrative, score, raw, cal)
