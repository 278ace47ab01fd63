"""The cascade of one post: every repost, quote and reply, reposts of quotes, and so on, with times.

``cascade(store, post_id, platform=None) -> Cascade``; ``ioscope cascade POST_ID`` prints it
(:func:`ioscope.outputs.cascade_view.print_cascade`). All work is one recursive SQL query over the
store (``WITH RECURSIVE`` along ``ref_post_id``) and a few aggregates of its result.

Method: a cascade is the tree of *collected* posts of kind repost, quote or reply whose
``ref_post_id`` chain leads to the root post (depth 1 = points at the root). The tree is only as deep
as the data says: on X/Twitter a retweet always points at the original, never at the retweet it was
seen through (so retweets form a star), while quotes, replies and retweets of quotes add levels.
Timing follows the cascade literature (e.g. Vosoughi, Roy & Aral 2018, "The spread of true and false
news online", Science 359: size over time, time to first amplification); the group breakdown uses the
actor registry (``actor_accounts``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ioscope.errors import AnalysisError
from ioscope.outputs.links import permalink
from ioscope.store import Store

DEFAULT_WINDOWS_S = (3600, 7200, 86400, 172800)
"""Windows after the root post (seconds: 1 h, 2 h, 1 day, 2 days) of the ``windows`` table."""

_TREE = """
WITH RECURSIVE c(post_id, parent_post_id, depth) AS (
    SELECT p.post_id, p.ref_post_id, 1 FROM posts p
    WHERE p.platform = $platform AND p.ref_post_id = $root AND p.collected
      AND p.kind IN ('repost', 'quote', 'reply') AND p.post_id <> $root
    UNION ALL
    SELECT p.post_id, p.ref_post_id, c.depth + 1 FROM posts p JOIN c ON p.ref_post_id = c.post_id
    WHERE p.platform = $platform AND p.collected AND p.kind IN ('repost', 'quote', 'reply')
      AND c.depth < $max_depth AND p.post_id <> $root
),
t AS (SELECT post_id, any_value(parent_post_id) AS parent_post_id, min(depth) AS depth
      FROM c GROUP BY post_id)
SELECT t.post_id, t.parent_post_id, t.depth, p.kind, p.account_id,
       coalesce(a.handle, p.account_handle, f.handle) AS handle,
       f.country, CASE WHEN f.account_id IS NOT NULL THEN coalesce(f.actor_type, 'unknown')
                       ELSE 'untracked' END AS actor_type,
       f.overt, f.account_id IS NOT NULL AS tracked, p.created_at,
       epoch(p.created_at) - epoch(CAST($root_at AS TIMESTAMPTZ)) AS lag_s,
       epoch(p.created_at) - epoch(pp.created_at) AS parent_lag_s,
       p.account_id = $root_account AS self_amplification, p.text
FROM t JOIN posts p ON p.platform = $platform AND p.post_id = t.post_id
LEFT JOIN posts pp ON pp.platform = $platform AND pp.post_id = t.parent_post_id
LEFT JOIN accounts a ON a.platform = $platform AND a.account_id = p.account_id
LEFT JOIN actor_accounts f ON f.platform = $platform AND f.account_id = p.account_id
ORDER BY p.created_at NULLS LAST, t.post_id
"""

_ROOT = """
SELECT p.platform, p.post_id, p.account_id, coalesce(a.handle, p.account_handle, f.handle) AS handle,
       f.country, CASE WHEN f.account_id IS NOT NULL THEN coalesce(f.actor_type, 'unknown')
                       ELSE 'untracked' END AS actor_type,
       p.created_at, p.kind, p.text, p.urls, p.domains, p.like_count, p.share_count, p.reply_count,
       p.quote_count, p.view_count, p.collected
FROM posts p
LEFT JOIN accounts a ON a.platform = p.platform AND a.account_id = p.account_id
LEFT JOIN actor_accounts f ON f.platform = p.platform AND f.account_id = p.account_id
WHERE p.post_id = $root AND ($platform IS NULL OR p.platform = $platform)
"""


@dataclass
class Cascade:
    """The cascade of one post.

    ``root``: the post (dict: platform, post_id, account_id, handle, country, actor_type, created_at
    (UTC), kind, text (raw), urls, domains, like/share/reply/quote/view_count as collected (None when
    unknown), collected, permalink; only platform and post_id are known when the root itself is not in
    the store).

    ``tables`` (times tz-aware UTC, durations in seconds; self-amplifications are listed but not
    counted anywhere else):

    * ``amplifications``: post_id, parent_post_id, depth (1 = points at the root), kind, account_id,
      handle, country, actor_type (``untracked`` when not a tracked actor), overt, tracked,
      created_at, lag_s (after the root; NULL when the root's time is unknown), parent_lag_s,
      self_amplification (by the root's author), text, permalink — in time order.
    * ``tree``: parent_post_id, post_id, kind, depth, n_children — the edges of the cascade tree.
    * ``size_over_time``: created_at, lag_s, n_amplifications, n_accounts, n_tracked_accounts
      (cumulative, one row per amplifying post, in time order).
    * ``groups``: country, actor_type, n_accounts, n_posts, n_reposts, n_quotes, n_replies, first_at,
      first_lag_s, median_lag_s — by amplifier group, most accounts first.
    * ``windows``: window_s, country, actor_type, n_accounts, n_posts — distinct accounts and posts
      within ``window_s`` of the root per group, plus one row per window with actor_type ``(all)``.

    ``summary``: platform, post_id, handle, n_amplifications, n_reposts, n_quotes, n_replies,
    n_deeper (posts at depth ≥ 2, e.g. reposts of quotes), max_depth, n_amplifiers (distinct
    accounts), n_tracked_amplifiers, n_self_amplifications, first_amplified_at, time_to_first_s,
    time_to_median_s (median lag: half of the amplifications came by then), like_count, share_count,
    reply_count, quote_count, view_count (at collection time).
    """

    root: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def cascade(store: Store, post_id: str, platform: str | None = None, *, max_depth: int = 10,
            windows_s: tuple[int, ...] = DEFAULT_WINDOWS_S) -> Cascade:
    """The cascade of post ``post_id`` (see :class:`Cascade`).

    ``platform``: needed only when the ID exists on several platforms. ``max_depth`` (default 10):
    levels followed (guards against reference cycles in bad data). ``windows_s``: windows of the
    ``windows`` table, seconds. Raises AnalysisError when the post is neither stored nor referenced,
    when the ID is ambiguous across platforms, or for bad parameters.
    """
    post_id = str(post_id).strip()
    if not post_id:
        raise AnalysisError("cascade: empty post ID")
    if isinstance(max_depth, bool) or not isinstance(max_depth, int) or max_depth < 1:
        raise AnalysisError(f"cascade: max_depth must be an integer >= 1, got {max_depth!r}")
    roots = store.query(_ROOT, {"root": post_id, "platform": platform})
    if len(roots) > 1:
        raise AnalysisError(f"cascade: post {post_id} exists on platforms "
                            f"{', '.join(sorted(roots['platform']))}; pass --platform")
    if len(roots) == 1:
        root = roots.iloc[0].to_dict()
    else:
        plats = store.query("SELECT DISTINCT platform FROM posts WHERE ref_post_id = ? "
                            "AND (CAST(? AS VARCHAR) IS NULL OR platform = ?)",
                            [post_id, platform, platform])["platform"].tolist()
        if not plats:
            raise AnalysisError(f"cascade: post {post_id} is neither in the store nor referenced by a post in it")
        if len(plats) > 1:
            raise AnalysisError(f"cascade: post {post_id} is referenced on platforms {', '.join(sorted(plats))}; "
                                "pass --platform")
        root = {"platform": plats[0], "post_id": post_id, "collected": False}
        ref = store.query("SELECT any_value(ref_account_id) AS a, any_value(ref_account_handle) AS h "
                          "FROM posts WHERE platform = ? AND ref_post_id = ?", [plats[0], post_id])
        root.update(account_id=ref["a"].iloc[0], handle=ref["h"].iloc[0])
    root = {k: (None if _null(v) else v) for k, v in root.items()}
    root["permalink"] = permalink(root["platform"], post_id, root.get("handle"))
    amp = store.query(_TREE, {"platform": root["platform"], "root": post_id, "max_depth": max_depth,
                              "root_at": root.get("created_at"), "root_account": root.get("account_id")})
    amp["self_amplification"] = amp["self_amplification"].fillna(False).astype(bool)
    amp["permalink"] = [permalink(root["platform"], p, h if isinstance(h, str) else None)
                        for p, h in zip(amp["post_id"], amp["handle"], strict=False)]
    return _assemble(root, amp, tuple(windows_s))


def _null(v: Any) -> bool:
    return v is None or (not isinstance(v, (list, tuple)) and not hasattr(v, "__len__") and pd.isna(v))


def _assemble(root: dict[str, Any], amp: pd.DataFrame, windows_s: tuple[int, ...]) -> Cascade:
    con_amp = amp[~amp["self_amplification"]].copy()
    tree = amp[["parent_post_id", "post_id", "kind", "depth"]].copy()
    children = tree.groupby("parent_post_id").size()
    tree["n_children"] = tree["post_id"].map(children).fillna(0).astype("int64")
    tree = tree.sort_values(["depth", "parent_post_id", "post_id"], kind="stable").reset_index(drop=True)

    s = con_amp.sort_values(["created_at", "post_id"], kind="stable", na_position="last")
    first_acc = ~s["account_id"].duplicated()
    size = pd.DataFrame({
        "created_at": s["created_at"].to_numpy(), "lag_s": s["lag_s"].to_numpy(),
        "n_amplifications": range(1, len(s) + 1),
        "n_accounts": first_acc.cumsum().to_numpy(),
        "n_tracked_accounts": (first_acc & s["tracked"].astype(bool)).cumsum().to_numpy(),
    })
    size[["n_amplifications", "n_accounts", "n_tracked_accounts"]] = \
        size[["n_amplifications", "n_accounts", "n_tracked_accounts"]].astype("int64")

    key = ["country", "actor_type"]
    g = con_amp.assign(country=con_amp["country"].astype(object))
    groups = (g.groupby(key, dropna=False, sort=False)
              .agg(n_accounts=("account_id", "nunique"), n_posts=("post_id", "size"),
                   n_reposts=("kind", lambda k: int((k == "repost").sum())),
                   n_quotes=("kind", lambda k: int((k == "quote").sum())),
                   n_replies=("kind", lambda k: int((k == "reply").sum())),
                   first_at=("created_at", "min"), first_lag_s=("lag_s", "min"),
                   median_lag_s=("lag_s", "median"))
              .reset_index()
              .sort_values(["n_accounts", "n_posts", "actor_type"], ascending=[False, False, True],
                           kind="stable").reset_index(drop=True))
    wrows = []
    for w in windows_s:
        inside = g[g["lag_s"].notna() & (g["lag_s"] <= w)]
        wrows.append({"window_s": int(w), "country": None, "actor_type": "(all)",
                      "n_accounts": int(inside["account_id"].nunique()), "n_posts": int(len(inside))})
        for (c, t), part in inside.groupby(key, dropna=False, sort=True):
            wrows.append({"window_s": int(w), "country": None if _null(c) else c, "actor_type": t,
                          "n_accounts": int(part["account_id"].nunique()), "n_posts": int(len(part))})
    windows = pd.DataFrame(wrows, columns=["window_s", "country", "actor_type", "n_accounts", "n_posts"])

    lags = con_amp["lag_s"].dropna()
    summary: dict[str, Any] = {
        "platform": root["platform"], "post_id": root["post_id"], "handle": root.get("handle"),
        "n_amplifications": int(len(con_amp)),
        "n_reposts": int((con_amp["kind"] == "repost").sum()),
        "n_quotes": int((con_amp["kind"] == "quote").sum()),
        "n_replies": int((con_amp["kind"] == "reply").sum()),
        "n_deeper": int((con_amp["depth"] >= 2).sum()),
        "max_depth": int(con_amp["depth"].max()) if len(con_amp) else 0,
        "n_amplifiers": int(con_amp["account_id"].nunique()),
        "n_tracked_amplifiers": int(con_amp.loc[con_amp["tracked"].astype(bool), "account_id"].nunique()),
        "n_self_amplifications": int(amp["self_amplification"].sum()),
        "first_amplified_at": con_amp["created_at"].min() if len(con_amp) else None,
        "time_to_first_s": float(lags.min()) if len(lags) else None,
        "time_to_median_s": float(lags.median()) if len(lags) else None,
    }
    for k in ("like_count", "share_count", "reply_count", "quote_count", "view_count"):
        v = root.get(k)
        summary[k] = None if v is None else int(v)
    notes = []
    if root.get("created_at") is None:
        notes.append("The root post's time is unknown (it is not in the store): lags are NULL.")
    if root.get("share_count") is not None and summary["n_reposts"] < summary["share_count"]:
        notes.append(f"The platform counted {summary['share_count']:,} shares at collection time; "
                     f"{summary['n_reposts']:,} reposts are in the data.")
    tables = {"amplifications": amp.reset_index(drop=True), "tree": tree, "size_over_time": size,
              "groups": groups, "windows": windows}
    return Cascade(root=root, tables=tables, summary=summary, notes=notes)
