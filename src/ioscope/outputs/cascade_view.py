"""Print a :class:`~ioscope.analyses.cascade.Cascade` to a rich console (``ioscope cascade POST_ID``).

Every string that comes from data (handles, post text, URLs, country codes) passes through
:func:`ioscope.outputs.terminal.safe`: post text is adversarial (ANSI escapes, rich markup).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from ioscope.analyses.cascade import Cascade
from ioscope.outputs.terminal import safe

MAX_POSTS = 30
"""Amplifying posts listed (the first, in time order); the rest are counted."""


def _dur(s: Any) -> str:
    if s is None or (isinstance(s, float) and math.isnan(s)) or s is pd.NA:
        return "?"
    s = float(s)
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if abs(s) >= size:
            return f"{s / size:.1f} {unit}"
    return f"{s:.0f} s"


def _n(v: Any) -> str:
    return "unknown" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{int(v):,}"


def _ts(v: Any) -> str:
    if v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return "?"
    return pd.Timestamp(v).tz_convert("UTC").strftime("%Y-%m-%d %H:%M:%S")


def print_cascade(cascade: Cascade, console: Console, *, max_posts: int = MAX_POSTS) -> None:
    """Print the root post, the headline numbers, the groups of amplifiers, the windows and the first
    ``max_posts`` amplifying posts of ``cascade`` to ``console``. Untrusted strings are made safe."""
    r, s = cascade.root, cascade.summary
    who = safe(r.get("handle") or r.get("account_id") or "?", max_len=60)
    labels = " · ".join(x for x in (safe(r.get("country") or ""), safe(r.get("actor_type") or "")) if x)
    console.print(f"[bold]Post {safe(r['post_id'])}[/] by @{who}" + (f" ({labels})" if labels else "")
                  + f" on {safe(r['platform'])}, {_ts(r.get('created_at'))} UTC")
    if r.get("text"):
        console.print(f"  “{safe(r['text'], max_len=280)}”")
    if r.get("urls") is not None and len(r["urls"]):
        console.print("  links: " + ", ".join(safe(u, max_len=120) for u in r["urls"]))
    if r.get("permalink"):
        console.print(f"  {safe(r['permalink'])}")
    console.print(
        f"[bold]{s['n_amplifications']:,}[/] amplifying posts by [bold]{s['n_amplifiers']:,}[/] accounts "
        f"({s['n_tracked_amplifiers']:,} tracked actors): {s['n_reposts']:,} reposts, {s['n_quotes']:,} "
        f"quotes, {s['n_replies']:,} replies; {s['n_deeper']:,} deeper than one level (max depth "
        f"{s['max_depth']})")
    console.print(f"first after {_dur(s['time_to_first_s'])}, half of them within "
                  f"{_dur(s['time_to_median_s'])}; at collection: likes {_n(s['like_count'])}, shares "
                  f"{_n(s['share_count'])}, replies {_n(s['reply_count'])}, quotes {_n(s['quote_count'])}, "
                  f"views {_n(s['view_count'])}")
    for note in cascade.notes:
        console.print(f"[yellow]note:[/] {safe(note)}")

    groups = cascade.tables["groups"]
    if len(groups):
        t = Table(title="Amplifiers by group", title_justify="left")
        for col in ("country", "actor type", "accounts", "posts", "reposts", "quotes", "replies",
                    "first after", "median lag"):
            t.add_column(col, justify="left" if col in ("country", "actor type") else "right")
        for g in groups.itertuples(index=False):
            t.add_row(safe(g.country if isinstance(g.country, str) else ""), safe(g.actor_type),
                      f"{g.n_accounts:,}", f"{g.n_posts:,}", f"{g.n_reposts:,}", f"{g.n_quotes:,}",
                      f"{g.n_replies:,}", _dur(g.first_lag_s), _dur(g.median_lag_s))
        console.print(t)

    windows = cascade.tables["windows"]
    if len(windows):
        t = Table(title="Accounts within each window after the post", title_justify="left")
        wins = sorted(windows["window_s"].unique())
        t.add_column("group")
        for w in wins:
            t.add_column(_dur(w), justify="right")
        keys = windows[["country", "actor_type"]].drop_duplicates()
        for c, a in keys.itertuples(index=False):
            sel = windows[(windows["actor_type"] == a)
                          & ((windows["country"] == c) if isinstance(c, str) else windows["country"].isna())]
            by_w = dict(zip(sel["window_s"], sel["n_accounts"], strict=False))
            label = "all accounts" if a == "(all)" else " ".join(x for x in (c if isinstance(c, str) else "", a) if x)
            t.add_row(safe(label), *(f"{by_w.get(w, 0):,}" for w in wins))
        console.print(t)

    amp = cascade.tables["amplifications"]
    if len(amp):
        t = Table(title=f"Amplifying posts (first {min(max_posts, len(amp))} of {len(amp):,})",
                  title_justify="left")
        for col in ("time (UTC)", "after", "kind", "depth", "account", "group", "post"):
            t.add_column(col)
        for a in amp.head(max_posts).itertuples(index=False):
            group = " ".join(x for x in (a.country if isinstance(a.country, str) else "", a.actor_type) if x)
            kind = a.kind + (" (self)" if a.self_amplification else "")
            t.add_row(_ts(a.created_at), _dur(a.lag_s), safe(kind), str(a.depth),
                      "@" + safe(a.handle if isinstance(a.handle, str) else a.account_id, max_len=40),
                      safe(group), safe(a.permalink or a.post_id))
        console.print(t)
    else:
        console.print("No amplifying posts in the store.")
