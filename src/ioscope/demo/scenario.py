"""The demo scenario: an invented early-2020 information operation, written as real input files.

Chinese, Russian and Iranian ministries, diplomats, embassies and state media (all invented, handles
ending in ``_demo``) push two narratives about COVID-19 between 2020-02-01 and 2020-04-30 (UTC) among
~3,000 ordinary users (at ``scale=1``); three covert networks are planted, as are a cross-country
amplification pattern, an overt-to-covert shift on 2020-03-26, a debunked claim and adversarial
(HTML/script) texts. :func:`generate` writes:

* ``tweets_2020-02.jsonl``, ``tweets_2020-03.jsonl``, ``tweets_2020-04.jsonl`` — X/Twitter API v1.1
  tweet objects (``tweet_mode=extended``), one per line, split by ``created_at`` month and sorted by
  time (= by ID). See :mod:`ioscope.demo.tweets` for the conventions (snowflake IDs > 2**53, escaped
  text, code-point entity indices, ``RT @h: `` texts cut to 140 characters, quote permalinks).
* ``actors.csv`` — ``platform,account_id,handle,name,country,actor_type,overt,source``: the overt
  actors (CN/RU/IR) and the co-repost group (``suspected_covert``, overt false). The link-sharing and
  copypasta groups are *not* in it (they are to be discovered).
* ``events.csv`` — ``date,label,scope`` (e.g. ``2020-03-26,Trump–Xi call: tentative truce,``).
* ``claims.csv`` — ``claim_id,claim_text,lang,rating,reviewer,review_date,review_url``: the planted
  claim ``DEMO-C001`` (False, reviewed 2020-03-14) and 21 unrelated debunked claims.
* ``ground_truth.json`` — what was planted. All IDs in it are strings (decimal); times are ISO 8601
  UTC (``2020-03-12T14:37:05Z``); counts are counted in the written files. Keys:

  ``seed``, ``scale``
      the arguments of :func:`generate`.
  ``period``
      ``{start, end}``: 2020-02-01T00:00:00Z … 2020-04-30T23:59:59Z, inclusive.
  ``shift_date``
      ``"2020-03-26"``.
  ``shift``
      ``{date, series: [{narrative, accounts, change}], daily_means}``: N1 by overt accounts drops
      (``change: "down"``, ≥ 80% lower daily mean from the date on), N1 by covert accounts rises
      (``"up"``), N2 by overt accounts does not change (``"none"``). ``daily_means`` gives the
      observed mean daily count of narrative posts (originals, quotes, replies; not retweets) for each
      series ``N1_overt``/``N1_covert``/``N2_overt`` × ``before``/``after``. "Overt" = actors.csv rows
      with overt true; "covert" = members of the three coordinated groups.
  ``coordinated_groups``
      list of ``{name, behaviour, country, in_actors_csv, account_ids, handles, window_seconds,
      bursts: [{item, start, end, post_ids}]}`` with ``behaviour`` one of ``co_repost`` (25 CN-linked
      accounts retweet the same ministry/spokesperson post within 55 s; ``item`` = the retweeted
      post's ID), ``co_link`` (15 RU-linked accounts post the same URL within 30 s, each copy with its
      own tracking query and 30% shown as bit.ly; ``item`` = the URL without query) and ``co_text`` (12
      IR-linked accounts post near-identical N1 texts within 10 min, 4 bursts, 2–4 per account;
      ``item`` = ``copypasta-<n>``). ``window_seconds`` bounds the spread of one burst; bursts are in
      time order, ``post_ids`` in ID (= time) order.
  ``spokesperson_cascade``
      ``{post_id, account_id, handle, created_at, url, domain, embassy_amplifier_ids (12),
      cn_other_amplifier_ids, covert_amplifier_ids (25), cross_country_amplifier_ids (RU/IR accounts
      that retweeted or quoted it), cross_country_quoter_ids, n_embassy_reposts, n_covert_reposts,
      n_cross_country_reposts, n_ordinary_reposts, n_quotes, n_replies, n_reposts_total}``;
      ``n_reposts_total`` = number of retweets of the post in the files (all kinds of accounts).
  ``organic_cascade``
      ``{post_id, account_id, handle, created_at, n_reposts, n_replies}``: the news anchor's viral post,
      retweeted by ordinary accounts over hours (not coordinated).
  ``cross_country``
      ``{planted: [[amplifier, amplified], …], not_planted: [[…], …], observed: [{amplifier_country,
      amplified_country, retweets, quotes}]}`` over actors.csv accounts; planted RU→CN, IR→CN, RU→IR,
      IR→RU; not planted (and absent) CN→IR, CN→RU.
  ``narratives``
      ``{N1: {name, post_ids, languages, n_posts}, N2: …}``: every post whose own text carries the
      narrative (originals, quotes; retweets of them are not listed).
  ``claim``
      ``{claim_id, claim_text, post_ids, related_post_ids, languages}``: posts repeating the planted
      claim (paraphrased, several languages); ``related_post_ids`` = the spokesperson post (close, not
      the full claim).
  ``adversarial_post_ids``, ``adversarial_account_ids``
      posts whose text is HTML/script (``&lt;script&gt;…`` once escaped) and accounts whose display
      name or description holds HTML.
  ``counts``
      ``{tweets, originals, retweets, quotes, replies, accounts (distinct authors), accounts_in_actors_csv,
      ordinary_accounts, files: {file name: lines}}``.
"""

from __future__ import annotations

import csv
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from random import Random
from typing import Any

import orjson

from ioscope.demo import covert, organic, planted, reference, texts
from ioscope.demo.accounts import CITATION, Roster, build_roster
from ioscope.demo.timeline import DAY_MS, N_DAYS, PERIOD_START_MS, SHIFT_DAY, Post, Timeline
from ioscope.demo.tweets import snowflake_ms


@dataclass(frozen=True)
class DemoFiles:
    """Paths written by :func:`generate`: the folder, the v1.1 JSON-lines files (by month), the actor
    registry, ground_truth.json, events.csv, claims.csv and domain_ratings.csv (invented ratings)."""

    out_dir: Path
    tweet_files: list[Path]
    actors_csv: Path
    ground_truth: Path
    events: Path
    claims: Path
    domain_ratings: Path


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms // 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ids(posts: list[Post | None]) -> list[str]:
    return [str(p.id) for p in sorted((p for p in posts if p is not None), key=lambda q: q.id)]


def generate(out_dir: Path | str, *, seed: int = 20200312, scale: float = 1.0) -> DemoFiles:
    """Write the demo scenario into ``out_dir`` (created if needed; files of a previous run are
    overwritten) and return their paths.

    ``seed``: any int; the same seed and scale give byte-identical files. ``scale``: multiplies the
    ordinary accounts (3,000 at 1.0, at least 60) and their posts; at 1.0 about 30,000 tweets, a few
    seconds. Raises ValueError for a non-finite or non-positive ``scale``, OSError when the folder
    cannot be written.
    """
    if not isinstance(scale, (int, float)) or not math.isfinite(scale) or scale <= 0:
        raise ValueError(f"scale must be a positive number, not {scale!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    def rng(name: str) -> Random:
        return Random(f"{seed}:{name}")

    roster = build_roster(rng("roster"), float(scale))
    tl = Timeline(roster, seed)
    planted.tracked_originals(tl, roster, rng("tracked"))
    cascade = planted.spokesperson_cascade(tl, roster, rng("cascade"), float(scale))
    planted.state_amplification(tl, roster, rng("amplify"))
    co_repost = planted.co_repost_bursts(tl, roster, rng("co_repost"))
    co_repost.insert(0, planted.Burst(str(cascade.post.id), cascade.covert_rts))
    covert.co_repost_originals(tl, roster, rng("co_repost_n1"))
    co_link = covert.co_link_bursts(tl, roster, rng("co_link"))
    co_text = covert.copypasta_bursts(tl, roster, rng("co_text"))
    covert.covert_filler(tl, roster, rng("filler"))
    organic.ordinary_originals(tl, roster, rng("ordinary"))
    org = organic.organic_cascade(tl, roster, rng("organic_cascade"), float(scale))
    organic.adversarial_posts(tl, roster, rng("adversarial"), org)
    organic.organic_activity(tl, roster, rng("organic"))

    tweets = tl.materialize()
    by_month: dict[str, list[bytes]] = defaultdict(list)
    for obj in tweets:
        month = datetime.fromtimestamp(snowflake_ms(obj["id"]) // 1000, tz=timezone.utc).strftime("%Y-%m")
        by_month[month].append(orjson.dumps(obj))
    tweet_files = []
    for month in sorted(by_month):
        path = out / f"tweets_{month}.jsonl"
        path.write_bytes(b"\n".join(by_month[month]) + b"\n")
        tweet_files.append(path)

    actors_csv = out / "actors.csv"
    _write_csv(actors_csv, ("platform", "account_id", "handle", "name", "country", "actor_type", "overt", "source"),
               [("twitter", str(a.id), a.handle, a.name, a.country, a.actor_type, "true" if a.overt else "false",
                 CITATION if a.overt else CITATION + ": suspected coordinated network")
                for a in roster.tracked + roster.co_repost])
    events = out / "events.csv"
    _write_csv(events, reference.EVENT_COLUMNS, reference.EVENTS)
    claims = out / "claims.csv"
    _write_csv(claims, reference.CLAIM_COLUMNS, [tuple(r[c] for c in reference.CLAIM_COLUMNS)
                                                 for r in reference.claims_rows()])

    truth = _ground_truth(tl, roster, cascade, org, co_repost, co_link, co_text, seed, float(scale),
                          {p.name: len(by_month[p.name[7:14]]) for p in tweet_files})
    ground_truth = out / "ground_truth.json"
    ground_truth.write_bytes(orjson.dumps(truth, option=orjson.OPT_INDENT_2) + b"\n")
    domain_ratings = out / "domain_ratings.csv"
    _write_csv(domain_ratings, reference.DOMAIN_RATING_COLUMNS, reference.DOMAIN_RATINGS)
    return DemoFiles(out, tweet_files, actors_csv, ground_truth, events, claims, domain_ratings)


def _write_csv(path: Path, header: tuple[str, ...], rows: Any) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def _group(name: str, behaviour: str, country: str, accounts: list, bursts: list[planted.Burst],
           window: int, in_csv: bool) -> dict[str, Any]:
    return {
        "name": name, "behaviour": behaviour, "country": country, "in_actors_csv": in_csv,
        "account_ids": [str(a.id) for a in accounts], "handles": [a.handle for a in accounts],
        "window_seconds": window,
        "bursts": [{"item": b.item, "start": _iso(min(p.ms for p in b.posts)),
                    "end": _iso(max(p.ms for p in b.posts)), "post_ids": _ids(b.posts)}
                   for b in sorted(bursts, key=lambda b: min(p.ms for p in b.posts))],
    }


def _daily_means(posts: list[Post], narrative: str, role: str) -> dict[str, float]:
    days = Counter((p.ms - PERIOD_START_MS) // DAY_MS for p in posts
                   if p.narrative == narrative and p.author.role == role)
    before = sum(days[d] for d in range(SHIFT_DAY)) / SHIFT_DAY
    after = sum(days[d] for d in range(SHIFT_DAY, N_DAYS)) / (N_DAYS - SHIFT_DAY)
    return {"before": round(before, 3), "after": round(after, 3)}


def _ground_truth(tl: Timeline, roster: Roster, c: planted.Cascade, org: organic.Organic,
                  co_repost: list, co_link: list, co_text: list, seed: int, scale: float,
                  files: dict[str, int]) -> dict[str, Any]:
    posts = tl.posts
    kinds = Counter(p.kind for p in posts)
    spox = c.post
    rts_of_spox = [p for p in posts if p.kind == "retweet" and p.parent is spox]
    cross_amp = c.cross_rts + c.cross_quotes
    observed: Counter = Counter()
    for p in posts:
        if p.kind in ("retweet", "quote") and p.author.in_registry and p.parent.author.in_registry \
                and p.author.country != p.parent.author.country:
            observed[(p.author.country, p.parent.author.country, p.kind)] += 1
    pairs = sorted({(a, b) for a, b, _ in observed})
    narratives = {}
    for nid, name in texts.NARRATIVES.items():
        mine = [p for p in posts if p.narrative == nid]
        narratives[nid] = {"name": name, "post_ids": _ids(mine), "languages": sorted({p.lang for p in mine}),
                           "n_posts": len(mine)}
    claim_posts = [p for p in posts if p.claim]
    return {
        "scenario": "ioscope demo: invented state accounts push COVID-19 narratives, Feb-Apr 2020",
        "seed": seed,
        "scale": scale,
        "period": {"start": "2020-02-01T00:00:00Z", "end": "2020-04-30T23:59:59Z"},
        "shift_date": "2020-03-26",
        "shift": {
            "date": "2020-03-26",
            "series": [{"narrative": "N1", "accounts": "overt", "change": "down"},
                       {"narrative": "N1", "accounts": "covert", "change": "up"},
                       {"narrative": "N2", "accounts": "overt", "change": "none"}],
            "daily_means": {"N1_overt": _daily_means(posts, "N1", "actor"),
                            "N1_covert": _daily_means(posts, "N1", "covert"),
                            "N2_overt": _daily_means(posts, "N2", "actor")},
        },
        "coordinated_groups": [
            _group("co-repost network (CN-linked)", "co_repost", "CN", roster.co_repost, co_repost, 60, True),
            _group("link-sharing network (RU-linked)", "co_link", "RU", roster.co_link, co_link, 30, False),
            _group("copypasta network (IR-linked)", "co_text", "IR", roster.co_text, co_text, 600, False),
        ],
        "spokesperson_cascade": {
            "post_id": str(spox.id), "account_id": str(spox.author.id), "handle": spox.author.handle,
            "created_at": _iso(spox.ms), "url": spox.composed.entities["urls"][0]["expanded_url"],
            "domain": "globalresearch.ca",
            "embassy_amplifier_ids": [str(p.author.id) for p in c.embassy_rts],
            "cn_other_amplifier_ids": [str(p.author.id) for p in c.cn_other_rts],
            "covert_amplifier_ids": [str(p.author.id) for p in c.covert_rts],
            "cross_country_amplifier_ids": [str(p.author.id) for p in cross_amp],
            "cross_country_quoter_ids": [str(p.author.id) for p in c.cross_quotes],
            "n_embassy_reposts": len(c.embassy_rts), "n_covert_reposts": len(c.covert_rts),
            "n_cross_country_reposts": len(c.cross_rts), "n_ordinary_reposts": len(c.ordinary_rts),
            "n_quotes": spox.n_quote, "n_replies": spox.n_reply, "n_reposts_total": len(rts_of_spox),
        },
        "organic_cascade": {
            "post_id": str(org.post.id), "account_id": str(org.post.author.id), "handle": org.post.author.handle,
            "created_at": _iso(org.post.ms), "n_reposts": org.post.n_rt, "n_replies": org.post.n_reply,
        },
        "cross_country": {
            "planted": [["RU", "CN"], ["IR", "CN"], ["RU", "IR"], ["IR", "RU"]],
            "not_planted": [["CN", "IR"], ["CN", "RU"]],
            "observed": [{"amplifier_country": a, "amplified_country": b, "retweets": observed[(a, b, "retweet")],
                          "quotes": observed[(a, b, "quote")]} for a, b in pairs],
        },
        "narratives": narratives,
        "claim": {"claim_id": texts.CLAIM_ID, "claim_text": texts.CLAIM_TEXT, "post_ids": _ids(claim_posts),
                  "related_post_ids": [str(spox.id)], "languages": sorted({p.lang for p in claim_posts})},
        "adversarial_post_ids": _ids(org.adversarial),
        "adversarial_account_ids": [str(a.id) for a in roster.adversarial],
        "counts": {
            "tweets": len(posts), "originals": kinds["original"], "retweets": kinds["retweet"],
            "quotes": kinds["quote"], "replies": kinds["reply"], "accounts": len({p.author.id for p in posts}),
            "accounts_in_actors_csv": len(roster.tracked) + len(roster.co_repost),
            "ordinary_accounts": len(roster.ordinary), "files": files,
        },
    }
