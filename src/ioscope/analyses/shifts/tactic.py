"""The named overt-to-covert tactic-shift check.

The question (after the analysts' judgement in the defining case, that China would "back off the public
spread of disinformation through its Foreign Ministry and embassies and embrace a more covert
approach"): for a narrative (or a domain label, or all posts), did the volume from **overt** accounts
fall while the volume from **covert or suspected** accounts rose, when, and how sure are we?

For each topic (narrative / domain label / all posts) and group (e.g. country) the check takes two daily
series over tracked accounts only: ``overt`` (registry overt true) and ``covert`` (registry overt false).
It is evaluated at each event in scope (``source = "event"``), or, when no event is given, at the overt
series' most significant downward change point (``source = "change point"``). At that time it reports:

* the weekday-adjusted rate ratios after/before of both series in a window of ``window_days`` days each
  side (:func:`~ioscope.analyses.shifts.ratetest.rate_ratio_test`), with one-sided p-values
  ``p_overt_down`` and ``p_covert_up``;
* the covert share before and after, with Fisher's one-sided test ``p_share_up``;
* ``p_value = max(p_overt_down, p_covert_up)``: the intersection-union test of "overt fell **and**
  covert rose" (Berger 1982) -- both must hold, so the larger p-value is the p-value of the pair;
* ``shift``: True when p_value <= alpha;
* ``overt_change_at`` / ``covert_change_at``: the nearest significant downward / upward change point of
  each series (local bucket start), which dates the shift from the data rather than from the event.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ioscope.analyses.shifts.changepoints import ChangePoint
from ioscope.analyses.shifts.coverage import same_piece
from ioscope.analyses.shifts.events import event_local_time, scope_matches, window_test
from ioscope.analyses.shifts.ratetest import share_test

TACTIC_COLUMNS = [
    "topic", "at", "source", "label", "window_days", "overt_before", "overt_after",
    "overt_rate_ratio", "p_overt_down", "covert_before", "covert_after", "covert_rate_ratio",
    "p_covert_up", "covert_share_before", "covert_share_after", "share_odds_ratio", "p_share_up",
    "p_value", "shift", "overt_change_at", "covert_change_at", "verdict",
]


def _nearest(cps: list[tuple[pd.Timestamp, ChangePoint]], at: pd.Timestamp, direction: str,
             alpha: float) -> pd.Timestamp | None:
    ok = [(t, cp) for t, cp in cps if cp.p_value <= alpha
          and ((cp.level_after < cp.level_before) if direction == "down"
               else (cp.level_after > cp.level_before))]
    if not ok:
        return None
    return min(ok, key=lambda tc: abs((tc[0] - at).total_seconds()))[0]


def _verdict(row: dict[str, Any], alpha: float, has_covert: bool) -> str:
    if not has_covert:
        return ("no covert or suspected account posted on this topic: the covert half of the "
                "claim cannot be tested with this registry")
    down = row["p_overt_down"] <= alpha
    up = row["p_covert_up"] <= alpha
    if down and up:
        return "overt fell and covert rose"
    if down:
        return "overt fell; no significant covert rise"
    if up:
        return "covert rose; no significant overt fall"
    return "no significant shift"


def check(daily: pd.DataFrame, group_dims: tuple[str, ...], events: pd.DataFrame, zone: str,
          window_days: int, alpha: float,
          cps: dict[tuple[Any, ...], list[tuple[pd.Timestamp, ChangePoint]]]) -> pd.DataFrame:
    """Run the tactic-shift check.

    ``daily``: zero-filled daily counts with columns ``group_dims`` (the last one is the topic), overt
    (``overt`` | ``covert``), bucket_start (local midnight), n_posts, and optionally piece (the
    coverage piece of the pair, :mod:`ioscope.analyses.shifts.coverage`: the windows then use the days
    of the piece holding the day tested). ``cps``: change points of each
    (group values..., overt) series as (local bucket start, ChangePoint). Returns the ``tactic_shift``
    table: the group dimensions, then :data:`TACTIC_COLUMNS` (times are zone-less local times in
    ``zone``; rate ratios after/before; means in posts per day).
    """
    cols = [*group_dims[:-1], *TACTIC_COLUMNS]
    if daily.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for key, g in daily.groupby(list(group_dims), dropna=False, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        values = dict(zip(group_dims, key, strict=True))
        ocps, ccps = cps.get((*key, "overt"), []), cps.get((*key, "covert"), [])
        times: list[tuple[pd.Timestamp, str, str]] = []
        for ev in events.itertuples(index=False):
            if scope_matches(ev.scope, values, group_dims):
                times.append((event_local_time(ev.event_date, zone), "event", ev.label))
        if not times:
            down = [(t, cp) for t, cp in ocps if cp.level_after < cp.level_before]
            if down:
                t, _ = min(down, key=lambda tc: tc[1].p_value)
                times.append((t, "change point", "overt series' most significant fall"))
        for at, source, label in times:
            # both series over the days of the coverage piece of the day tested (see coverage.py)
            sub = same_piece(g, at)
            wide = (sub.pivot_table(index="bucket_start", columns="overt", values="n_posts",
                                    aggfunc="sum", fill_value=0) if len(sub)
                    else pd.DataFrame(index=pd.DatetimeIndex([], name="bucket_start")))
            overt = wide.get("overt", pd.Series(0, index=wide.index)).rename("n_posts").reset_index()
            covert = wide.get("covert", pd.Series(0, index=wide.index)).rename("n_posts").reset_index()
            o = window_test(overt, at, window_days)
            c = window_test(covert, at, window_days)
            day0 = at.normalize()
            lo, hi = day0 - pd.Timedelta(days=window_days), day0 + pd.Timedelta(days=window_days)
            wb = (wide.index >= lo) & (wide.index < day0)
            wa = (wide.index >= day0) & (wide.index < hi)
            cb, ob = int(wide.loc[wb].get("covert", pd.Series(dtype=int)).sum()), int(
                wide.loc[wb].get("overt", pd.Series(dtype=int)).sum())
            ca, oa = int(wide.loc[wa].get("covert", pd.Series(dtype=int)).sum()), int(
                wide.loc[wa].get("overt", pd.Series(dtype=int)).sum())
            odds, p_share = share_test(cb, ob, ca, oa)
            p_o = o["p_down"] if not np.isnan(o["p_down"]) else 1.0
            p_c = c["p_up"] if not np.isnan(c["p_up"]) else 1.0
            row = {
                **{d: values[d] for d in group_dims[:-1]}, "topic": values[group_dims[-1]],
                "at": at, "source": source, "label": label, "window_days": window_days,
                "overt_before": o["mean_before"], "overt_after": o["mean_after"],
                "overt_rate_ratio": o["rate_ratio"], "p_overt_down": p_o,
                "covert_before": c["mean_before"], "covert_after": c["mean_after"],
                "covert_rate_ratio": c["rate_ratio"], "p_covert_up": p_c,
                "covert_share_before": cb / (cb + ob) if cb + ob else np.nan,
                "covert_share_after": ca / (ca + oa) if ca + oa else np.nan,
                "share_odds_ratio": odds, "p_share_up": p_share,
                "p_value": max(p_o, p_c),
                "overt_change_at": _nearest(ocps, at, "down", alpha),
                "covert_change_at": _nearest(ccps, at, "up", alpha),
            }
            row["shift"] = bool(row["p_value"] <= alpha)
            row["verdict"] = _verdict(row, alpha, bool(cb + ca))
            rows.append(row)
    out = pd.DataFrame(rows, columns=cols)
    for c in ("at", "overt_change_at", "covert_change_at"):
        out[c] = pd.to_datetime(out[c])
    return out
