"""The coordination result's p-values in words, shared by the report and the dashboard: which null
model produced them and which multiple-testing correction was applied (one for the whole run, or one
per behaviour).

Everything returned is plain text; the templates escape it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

NULL_NAMES = {"shuffle": "time-shuffle", "shuffle_mc": "time-shuffle (Monte Carlo)",
              "relabel": "object-timing (relabel)", "object": "within-object"}
"""Null model names of the coordination analysis (parameter ``null``) -> words."""

_SINGLE = {"none": "uncorrected", "bonferroni": "bonferroni-adjusted over all account pairs",
           "fdr": "fdr-adjusted over all account pairs"}
_PER_BEHAVIOUR = {"none": "uncorrected", "bonferroni": "Bonferroni-adjusted over all account pairs",
                  "fdr": "FDR-adjusted (Benjamini–Hochberg) over all account pairs"}

FUSED_P_VALUE = ("A pair linked in several behaviours or windows shows the smallest of their "
                 "p-values; blank: not tested.")
"""How a fused edge's p-value is chosen (``edges.p_value`` is the minimum over the pair's layers)."""


def null_words(null: Any) -> str:
    """``"shuffle"`` -> ``"time-shuffle"`` (see :data:`NULL_NAMES`); an unknown name is returned as
    given; None or "" -> ""."""
    if not isinstance(null, str) or not null:
        return ""
    return NULL_NAMES.get(null, null)


def correction_words(correction: Any) -> str:
    """The ``correction`` summary value of a coordination run in words.

    One name keeps its short wording: ``"none"`` -> ``"uncorrected"``, ``"bonferroni"`` ->
    ``"bonferroni-adjusted over all account pairs"``, ``"fdr"`` -> ``"fdr-adjusted over all account
    pairs"``. One per behaviour (``"bonferroni for co_repost, co_link; none for co_text, near_text"``,
    as :func:`ioscope.analyses.coordination.weights.corrections_used` writes it) -> ``"Bonferroni-
    adjusted over all account pairs for co_repost, co_link; uncorrected for co_text, near_text"``.
    An unknown name is kept as it is; None or "" -> "". Never raises.
    """
    if not isinstance(correction, str) or not correction.strip():
        return ""
    correction = correction.strip()
    if correction in _SINGLE:
        return _SINGLE[correction]
    parts = []
    for part in correction.split(";"):
        name, sep, behaviours = part.strip().partition(" for ")
        if not sep:
            parts.append(part.strip())
            continue
        parts.append(f"{_PER_BEHAVIOUR.get(name, name)} for {behaviours.strip()}")
    return "; ".join(p for p in parts if p)


def layer_corrections(layers: pd.DataFrame | None) -> str:
    """The correction per behaviour from a ``layers`` table (columns ``behaviour`` and
    ``correction``; "" for a layer without a test, e.g. sync), in the summary's format
    (:func:`ioscope.analyses.coordination.weights.format_corrections`: one name when every tested
    behaviour has the same, else ``"bonferroni for co_repost, co_link; none for co_text"``). "" when
    the table is missing, has no ``correction`` column or no tested layer."""
    if layers is None or "correction" not in layers.columns or "behaviour" not in layers.columns:
        return ""
    # imported here: the analysis package (networkx, DuckDB SQL) is not needed to render a report
    from ioscope.analyses.coordination.weights import format_corrections

    return format_corrections(zip(layers["behaviour"], layers["correction"], strict=True))


def edges_caption(null: Any, correction: Any) -> str:
    """The report's caption of the ``edges`` table: columns, the null model and the correction in
    words (``null`` None -> "shuffle", the analysis default; ``correction`` None -> "none"), and how a
    fused edge's p-value is chosen."""
    test = null_words(null) or "time-shuffle"
    corr = correction_words(correction if correction is not None else "none")
    return ("One row per linked pair, all behaviours fused: co-actions, distinct objects, weight "
            f"(windowed TF-IDF cosine), p-value of the {test} test ({corr}), who acted first "
            f"(leader) and how often. {FUSED_P_VALUE}")


def p_value_note(summary: dict, params: dict, layers: pd.DataFrame | None) -> str:
    """Two sentences for the dashboard's edges table: which null model and correction produced the
    stored p-values, and how a fused edge's p-value is chosen (:data:`FUSED_P_VALUE`).

    The null model comes from ``summary["null"]``, else ``params["null"]`` (the parameters stored
    with exported tables); the correction from the ``layers`` table's ``correction`` column (per
    behaviour), else ``summary["correction"]``, else ``params["correction"]`` when one was named.
    Parts that are not recorded are said to be so. Plain text; never raises."""
    null = summary.get("null") or params.get("null")
    corr = layer_corrections(layers) or summary.get("correction") or params.get("correction")
    if null and corr:
        said = (f"The p-values come from the {null_words(null)} null model and are "
                f"{correction_words(corr)}.")
    elif null:
        said = (f"The p-values come from the {null_words(null)} null model; their correction is not "
                "recorded with these tables.")
    elif corr:
        said = ("The null model behind the p-values is not recorded with these tables; they are "
                f"{correction_words(corr)}.")
    else:
        said = "The null model and correction behind the p-values are not recorded with these tables."
    return f"{said} {FUSED_P_VALUE}"
