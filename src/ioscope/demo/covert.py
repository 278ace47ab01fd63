"""The covert side: N1 originals of the co-repost group after the shift, the link-sharing group's URL
bursts, the copypasta group's near-identical bursts, and everyday filler that makes them look alive.
"""

from __future__ import annotations

import string
from datetime import datetime, timezone
from random import Random

from ioscope.demo import chatter, official, texts
from ioscope.demo.accounts import Roster
from ioscope.demo.planted import CLAIM_SHARE, Burst
from ioscope.demo.timeline import (
    DIURNAL,
    HOUR_MS,
    N_DAYS,
    OFFICE,
    SHIFT_DAY,
    Post,
    Timeline,
    day_start,
    local_time,
    poisson,
)
from ioscope.demo.tweets import Link

CO_REPOST_N1_RATE = (0.01, 0.35)
"""Daily N1 originals per co-repost member before / from the shift date."""

COPYPASTA_TIMES = ("2020-03-28T18:10", "2020-04-06T15:40", "2020-04-15T19:05", "2020-04-24T16:30")
"""Nominal start (UTC) of the copypasta bursts, one per template of :data:`texts.COPYPASTA`."""

N_COLINK_BURSTS = 12


def _ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso).replace(tzinfo=timezone.utc).timestamp() * 1000)


def co_repost_originals(tl: Timeline, roster: Roster, rng: Random) -> list[Post]:
    """N1 originals of the co-repost group (en 60% / zh 40%, Beijing office hours, not coordinated in
    time): rate 0.01/day per account before 2020-03-26, 0.35/day from then on. Returns them."""
    out = []
    for acc in roster.co_repost:
        for day in range(N_DAYS):
            for _ in range(poisson(rng, CO_REPOST_N1_RATE[day >= SHIFT_DAY])):
                lang = "en" if rng.random() < 0.6 else "zh"
                claim = rng.random() < CLAIM_SHARE
                links = [Link(rng.choice(official.CONSPIRACY_URLS))] if rng.random() < 0.1 else []
                text = texts.narrative_text(rng, "N1", lang, claim=claim)
                p = tl.post(acc, local_time(rng, day, acc.tz, OFFICE), text, lang, links=links, narrative="N1",
                            claim=claim)
                if p is not None:
                    out.append(p)
    return out


def tracking_link(rng: Random, base: str, used: set[str]) -> Link:
    """``base`` with a fresh tracking query (utm_* in random order, sometimes fbclid); 30% of the time
    shown as a ``bit.ly`` short link (``display``) whose ``expanded_url`` is the long URL."""
    while True:
        params = [("utm_source", rng.choice(("twitter", "tw", "social", "twttr", "tg"))),
                  ("utm_medium", rng.choice(("social", "post", "share"))),
                  ("utm_campaign", rng.choice(("c19", "truth", "share", "spring")) + str(rng.randrange(100, 1000)))]
        if rng.random() < 0.5:
            params.append(("utm_content", "".join(rng.choices(string.ascii_lowercase + string.digits, k=6))))
        if rng.random() < 0.25:
            params.append(("fbclid", "IwAR" + "".join(rng.choices(string.ascii_letters + string.digits, k=24))))
        rng.shuffle(params)
        url = base + "?" + "&".join(f"{k}={v}" for k, v in params)
        if url not in used:
            used.add(url)
            break
    if rng.random() < 0.3:
        return Link(url, "bit.ly/" + "".join(rng.choices(string.ascii_letters + string.digits, k=7)))
    return Link(url)


def co_link_bursts(tl: Timeline, roster: Roster, rng: Random) -> list[Burst]:
    """12 bursts (one per URL of :data:`official.CONSPIRACY_URLS`, on 12 random days, 15:00–20:00 UTC):
    each member present with p = 0.85 (at least 9) posts an original with a short generic comment and
    the URL carrying its own tracking suffix, the first at t0 and the others within t0 + 1…30 s."""
    days = sorted(rng.sample(range(2, N_DAYS - 2), N_COLINK_BURSTS))
    bursts = []
    for url, day in zip(official.CONSPIRACY_URLS, days):
        t0 = day_start(day) + rng.randrange(15 * HOUR_MS, 20 * HOUR_MS)
        members = [a for a in roster.co_link if rng.random() < 0.85]
        if len(members) < 9:
            members = rng.sample(roster.co_link, 9)
        rng.shuffle(members)
        used_urls: set[str] = set()
        used_comments: set[str] = set()
        posts = []
        for i, acc in enumerate(members):
            lang = "ru" if rng.random() < 0.6 else "en"
            ms = t0 if i == 0 else t0 + rng.randrange(1000, 30_001)
            p = tl.post(acc, ms, chatter.colink_comment(rng, lang, used_comments), lang,
                        links=[tracking_link(rng, url, used_urls)])
            if p is not None:
                posts.append(p)
        bursts.append(Burst(url, posts))
    return bursts


def copypasta_bursts(tl: Timeline, roster: Roster, rng: Random) -> list[Burst]:
    """4 bursts after the shift (:data:`COPYPASTA_TIMES` + 0–20 min), one per copypasta template (N1;
    the third repeats the claim). Each account joins 2–4 bursts (every burst has ≥ 6 members); the first
    posts at t0, the others at t0 + 60…600 s, each a slightly edited copy."""
    n = len(texts.COPYPASTA)
    joined: list[list] = [[] for _ in range(n)]
    for acc in roster.co_text:
        for b in rng.sample(range(n), rng.randint(2, 4)):
            joined[b].append(acc)
    for b in range(n):
        while len(joined[b]) < 6:
            extra = rng.choice(roster.co_text)
            if extra not in joined[b]:
                joined[b].append(extra)
    mentions = ("WHO_demo", "CDC_US_demo", "StateDept_demo", "USArmy_demo")
    bursts = []
    for b, (lang, _, claim, _) in enumerate(texts.COPYPASTA):
        t0 = _ms(COPYPASTA_TIMES[b]) + rng.randrange(20 * 60_000)
        members = [a for a in roster.co_text if a in joined[b]]
        rng.shuffle(members)
        posts = []
        for i, acc in enumerate(members):
            ms = t0 if i == 0 else t0 + rng.randrange(60_000, 600_001)
            p = tl.post(acc, ms, texts.copypasta_variant(rng, b, mentions), lang, narrative="N1", claim=claim)
            if p is not None:
                posts.append(p)
        bursts.append(Burst(f"copypasta-{b + 1}", posts))
    return bursts


def covert_filler(tl: Timeline, roster: Roster, rng: Random) -> None:
    """Everyday posts of covert accounts (0.12/day each, their languages) and a few retweets of their
    country's state media (co-link: RT/Sputnik p = 0.015; co-text: PressTV/IRNA p = 0.01; co-repost:
    CGTN p = 0.01 per post and account), spread out in time (not coordinated)."""
    for acc in roster.covert:
        for day in range(N_DAYS):
            for _ in range(poisson(rng, 0.12)):
                lang = rng.choice(acc.langs)
                tl.post(acc, local_time(rng, day, acc.tz, DIURNAL), chatter.ordinary_text(rng, lang), lang)
    media = {"co_link": (("RT_demo", "Sputnik_demo"), 0.015), "co_text": (("PressTV_demo", "IRNA_demo"), 0.01),
             "co_repost": (("CGTN_demo",), 0.01)}
    for group, (handles, p) in media.items():
        members = [a for a in roster.covert if a.group == group]
        targets = [q for q in tl.posts if q.kind == "original" and q.author.handle in handles]
        for post in targets:
            for acc in members:
                if rng.random() < p:
                    tl.retweet(acc, post.ms + rng.randrange(10 * 60_000, 30 * HOUR_MS), post)
