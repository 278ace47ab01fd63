"""Planted state behaviour: overt actors' daily posting (with the N1 shift), the spokesperson cascade,
state amplification (within and across countries) and the co-repost group's bursts.

Every function takes the :class:`~ioscope.demo.timeline.Timeline`, the roster and its own seeded
``Random``; they add posts and return what the ground truth needs (posts, not IDs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from random import Random

from ioscope.demo import official, texts
from ioscope.demo.accounts import Account, Roster
from ioscope.demo.timeline import (
    HOUR_MS,
    MEDIA,
    N_DAYS,
    OFFICE,
    SHIFT_DAY,
    SPOX,
    Post,
    Timeline,
    delay_ms,
    local_time,
    poisson,
)
from ioscope.demo.tweets import Link

MARCH_DAY = 29
"""Day index of 2020-03-01."""

# daily Poisson rates: bg (diplomatic chatter), news (headline + own link), n2, n1 (Feb, 1–25 Mar, after)
RATES: dict[tuple[str, str], dict] = {
    ("CN", "ministry"): {"bg": 1.6, "n2": 1.2, "n1": (0.7, 1.0, 0.04)},
    ("CN", "diplomat"): {"bg": 0.9, "n2": 1.0, "n1": (1.1, 1.6, 0.06)},
    ("CN", "embassy"): {"bg": 0.6, "n2": 0.3, "n1": (0.2, 0.3, 0.01)},
    ("CN", "state_media"): {"news": 4.5, "n2": 0.9, "n1": (0.18, 0.25, 0.015)},
    ("CN", "state_media_staff"): {"news": 0.8, "n2": 0.6, "n1": (0.35, 0.5, 0.02)},
    ("RU", "ministry"): {"bg": 1.4, "n2": 0.05, "n1": (0.15, 0.2, 0.02)},
    ("RU", "embassy"): {"bg": 0.4, "n1": (0.045, 0.06, 0.005)},
    ("RU", "state_media"): {"news": 4.0, "n2": 0.08, "n1": (0.18, 0.25, 0.02)},
    ("IR", "ministry"): {"bg": 1.0, "n2": 0.05, "n1": (0.3, 0.4, 0.03)},
    ("IR", "embassy"): {"bg": 0.35, "n1": (0.06, 0.08, 0.006)},
    ("IR", "state_media"): {"news": 4.0, "n2": 0.08, "n1": (0.22, 0.3, 0.02)},
}
_PROFILE = {"ministry": OFFICE, "diplomat": SPOX, "embassy": OFFICE, "state_media": MEDIA,
            "state_media_staff": SPOX}
_OWN_MEDIA = {"CN": ("news.cgtn.com", "xinhuanet.com", "globaltimes.cn"), "RU": ("rt.com", "sputniknews.com"),
              "IR": ("presstv.ir", "irna.ir")}
CLAIM_SHARE = 0.22
"""Share of N1 posts that repeat the planted claim."""


def n1_rate(rates: tuple[float, float, float], day: int) -> float:
    """The N1 rate of a day: February, 1–25 March, or from the shift date (2020-03-26) on."""
    return rates[0] if day < MARCH_DAY else rates[1] if day < SHIFT_DAY else rates[2]


def pick_lang(rng: Random, acc: Account) -> str:
    """The account's main language 70% of the time, else one of its others."""
    if len(acc.langs) == 1 or rng.random() < 0.7:
        return acc.langs[0]
    return rng.choice(acc.langs[1:])


def _narrative_post(tl: Timeline, rng: Random, acc: Account, ms: int, narrative: str, lang: str,
                    links_p: float, tag: str | None = None) -> Post | None:
    claim = narrative == "N1" and rng.random() < CLAIM_SHARE
    plain = texts.narrative_text(rng, narrative, lang, claim=claim)
    if narrative == "N1" and rng.random() < 0.06:
        plain = f"@{rng.choice(('CDC_US_demo', 'StateDept_demo'))} {plain}"
    links: list[Link] = []
    if rng.random() < links_p:
        if acc.domain:
            links.append(Link(official.own_site_url(rng, acc.domain, ms, lang)))
        elif narrative == "N1":
            links.append(Link(rng.choice(official.CONSPIRACY_URLS[:4] + (official.SPOKESPERSON_URL,))))
        else:
            links.append(Link(official.own_site_url(rng, rng.choice(_OWN_MEDIA[acc.country]), ms, lang)))
    return tl.post(acc, ms, plain, lang, links=links, narrative=narrative, claim=claim, tag=tag)


def tracked_originals(tl: Timeline, roster: Roster, rng: Random) -> None:
    """Daily originals of every overt actor (rates in :data:`RATES`): diplomatic chatter, headlines
    with own-site links, N2 at a steady rate, N1 at ~70% of its March rate in February (a mild rise,
    far smaller than the drop) and ≥ 80% lower from 2020-03-26."""
    for acc in roster.tracked:
        rates = RATES[(acc.country, acc.actor_type)]
        profile = _PROFILE[acc.actor_type]
        for day in range(N_DAYS):
            for _ in range(poisson(rng, rates.get("bg", 0))):
                lang = pick_lang(rng, acc)
                ms = local_time(rng, day, acc.tz, profile)
                links = []
                if rng.random() < 0.1:
                    links.append(Link(official.own_site_url(rng, rng.choice(_OWN_MEDIA[acc.country]), ms, lang)))
                tl.post(acc, ms, official.official_text(rng, lang, acc.country,
                                                                embassy=acc.actor_type == "embassy"), lang, links=links)
            for _ in range(poisson(rng, rates.get("news", 0))):
                lang = pick_lang(rng, acc)
                ms = local_time(rng, day, acc.tz, profile)
                domain = acc.domain or "globaltimes.cn"
                links = [Link(official.own_site_url(rng, domain, ms, lang))] if rng.random() < 0.85 else []
                tl.post(acc, ms, official.news_headline(rng, lang), lang, links=links)
            for _ in range(poisson(rng, rates.get("n2", 0))):
                ms = local_time(rng, day, acc.tz, profile)
                _narrative_post(tl, rng, acc, ms, "N2", pick_lang(rng, acc), 0.7 if acc.domain else 0.2)
            for _ in range(poisson(rng, n1_rate(rates["n1"], day))):
                ms = local_time(rng, day, acc.tz, profile)
                _narrative_post(tl, rng, acc, ms, "N1", pick_lang(rng, acc), 0.7 if acc.domain else 0.15)


SPOX_MS = 1_584_023_825_000
"""2020-03-12T14:37:05Z: the spokesperson's cascade post."""


@dataclass
class Cascade:
    """Posts of the spokesperson cascade, by role."""

    post: Post
    embassy_rts: list[Post] = field(default_factory=list)
    cn_other_rts: list[Post] = field(default_factory=list)
    covert_rts: list[Post] = field(default_factory=list)
    cross_rts: list[Post] = field(default_factory=list)
    cross_quotes: list[Post] = field(default_factory=list)
    ordinary_rts: list[Post] = field(default_factory=list)
    ordinary_quotes: list[Post] = field(default_factory=list)
    ordinary_replies: list[Post] = field(default_factory=list)


CASCADE_CROSS_RT = ("RT_demo", "MID_RU_demo", "RusEmbDemo_ZA", "RusEmbDemo_MX", "IRNA_demo", "MFA_IR_demo",
                    "IranEmbDemo_VE", "IranEmbDemo_RU")
CASCADE_CROSS_QUOTE = ("Sputnik_demo", "PressTV_demo")
CASCADE_CN_OTHER = ("MFA_CN_demo", "GTimes_demo", "EditorHao_demo")


def spokesperson_cascade(tl: Timeline, roster: Roster, rng: Random, scale: float) -> Cascade:
    """The spokesperson's post of 2020-03-12 14:37:05 UTC (N1, linking globalresearch.ca) and its
    amplification: the 12 CN embassies (4–115 min), three other CN accounts (≤ 90 min), the co-repost
    group (a burst 20–100 s after), 8 RU/IR retweets and 2 RU/IR quotes (15 min–8 h), and
    ``round(2400 * scale)`` ordinary retweets (log-normal, median 5 h, ≤ 48 h), ``round(40 * scale)``
    ordinary quotes and ``round(90 * scale)`` ordinary replies."""
    from ioscope.demo.chatter import reaction

    spox = roster.get("SpoxCN_demo")
    post = tl.post(spox, SPOX_MS + rng.randrange(1000), texts.SPOKESPERSON_TEXT, "en",
                   links=[Link(official.SPOKESPERSON_URL)], narrative="N1", tag="spox_cascade")
    assert post is not None
    c = Cascade(post)
    t0 = post.ms
    for emb in roster.embassies("CN"):
        c.embassy_rts.append(tl.retweet(emb, t0 + rng.randrange(4 * 60_000, 115 * 60_000), post))
    for h in CASCADE_CN_OTHER:
        c.cn_other_rts.append(tl.retweet(roster.get(h), t0 + rng.randrange(5 * 60_000, 90 * 60_000), post))
    start = t0 + rng.randrange(20_000, 45_000)
    for acc in roster.co_repost:
        c.covert_rts.append(tl.retweet(acc, start + rng.randrange(55_000), post))
    for h in CASCADE_CROSS_RT:
        c.cross_rts.append(tl.retweet(roster.get(h), t0 + rng.randrange(15 * 60_000, 8 * HOUR_MS), post))
    for h in CASCADE_CROSS_QUOTE:
        acc = roster.get(h)
        lang = acc.langs[0]
        c.cross_quotes.append(tl.quote(acc, t0 + rng.randrange(30 * 60_000, 5 * HOUR_MS), post,
                                       texts.quote_comment(rng, "N1", lang), lang, narrative="N1"))
    pool = [a for a in roster.ordinary if a is not roster.anchor]
    n_rt = min(round(2400 * scale), len(pool) - 5)
    for acc in rng.sample(pool, n_rt):
        c.ordinary_rts.append(tl.retweet(acc, t0 + delay_ms(rng, 5 * 3600, 1.0, 30, 48 * 3600), post))
    for acc in rng.sample(pool, min(round(40 * scale), len(pool))):
        c.ordinary_quotes.append(tl.quote(acc, t0 + delay_ms(rng, 3 * 3600, 1.0, 60, 48 * 3600), post,
                                          reaction(rng, acc.langs[0])[1], acc.langs[0]))
    for acc in rng.sample(pool, min(round(90 * scale), len(pool))):
        c.ordinary_replies.append(tl.reply(acc, t0 + delay_ms(rng, 1.5 * 3600, 1.0, 30, 24 * 3600), post,
                                           reaction(rng, acc.langs[0])[1], acc.langs[0]))
    for name in ("embassy_rts", "cn_other_rts", "covert_rts", "cross_rts", "cross_quotes", "ordinary_rts",
                 "ordinary_quotes", "ordinary_replies"):
        if any(p is None for p in getattr(c, name)):
            raise RuntimeError(f"spokesperson cascade: a planned post of {name} was refused")
    return c


def _amp_p(amp: Account, target: Account) -> tuple[float, float]:
    """(probability that ``amp`` amplifies a post of ``target``, share of those that are quotes)."""
    ac, tc, at, tt = amp.country, target.country, amp.actor_type, target.actor_type
    top = tt in ("ministry", "diplomat")
    if ac == "CN":
        if tc != "CN":
            return 0.0, 0.0  # CN never amplifies RU or IR
        if at == "embassy":
            return (0.25 if tt == "diplomat" else 0.22 if tt == "ministry" else 0.04), 0.0
        if at in ("state_media", "state_media_staff"):
            return (0.08 if top else 0.03), 0.0
        if at == "ministry":
            return (0.15 if tt == "diplomat" else 0.02), 0.0
        return (0.05 if top else 0.0), 0.0
    quote_share = 0.25 if at == "state_media" else 0.15
    if tc == "CN":  # planted cross-country amplification of CN by RU and IR
        base = {"state_media": (0.10, 0.04), "embassy": (0.06, 0.02), "ministry": (0.05, 0.015)}[at]
        if tt == "state_media_staff":
            return base[1] / 2, quote_share
        return (base[0] if top else base[1]), quote_share
    if tc != ac:  # RU <-> IR, somewhat
        return (0.03 if tt in ("ministry", "state_media") else 0.0), 0.1
    if at == "embassy":  # own country
        return (0.30 if tt == "ministry" else 0.05 if tt == "state_media" else 0.0), 0.0
    if at == "state_media":
        return (0.05 if tt == "ministry" else 0.0), 0.0
    return (0.03 if tt == "state_media" else 0.0), 0.0


def state_amplification(tl: Timeline, roster: Roster, rng: Random) -> None:
    """Retweets and quotes among overt actors (see :func:`_amp_p`): CN embassies echo the ministry and
    spokesperson, RU and IR amplify CN far beyond their activity, RU and IR amplify each other a
    little, CN amplifies neither. Delays are log-normal (median 50 min, 1 min – 20 h)."""
    sources = [p for p in tl.posts if p.kind == "original" and p.author.role == "actor" and p.tag is None]
    for post in sources:
        for amp in roster.tracked:
            if amp is post.author:
                continue
            p, q = _amp_p(amp, post.author)
            if p <= 0 or rng.random() >= p:
                continue
            ms = post.ms + delay_ms(rng, 50 * 60, 0.9, 60, 20 * 3600)
            if rng.random() < q:
                lang = amp.langs[0]
                tl.quote(amp, ms, post, texts.quote_comment(rng, post.narrative, lang), lang,
                         narrative=post.narrative)
            else:
                tl.retweet(amp, ms, post)


@dataclass
class Burst:
    """One coordinated burst: what it is about (``item``: a post, URL or template), its posts."""

    item: str
    posts: list[Post]


def co_repost_bursts(tl: Timeline, roster: Roster, rng: Random, share: float = 0.12) -> list[Burst]:
    """The co-repost group retweets ``share`` of the ministry's and spokesperson's originals (not the
    cascade post) in bursts: start 20 s–15 min after the post (log-normal, median 150 s), every
    member present with p = 0.85 (at least 12), all retweets within 55 s of the start."""
    bursts = []
    for post in [p for p in tl.posts if p.kind == "original" and p.tag is None
                 and p.author.handle in ("MFA_CN_demo", "SpoxCN_demo")]:
        if rng.random() >= share:
            continue
        start = post.ms + delay_ms(rng, 150, 0.6, 20, 900)
        members = [a for a in roster.co_repost if rng.random() < 0.85]
        if len(members) < 12:
            members = rng.sample(roster.co_repost, 12)
        rts = [tl.retweet(a, start + rng.randrange(55_000), post) for a in members]
        rts = [r for r in rts if r is not None]
        if rts:
            bursts.append(Burst(str(post.id), rts))
    return bursts
