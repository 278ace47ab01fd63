"""Ordinary users: everyday originals with daily rhythms, the organic viral cascade, organic retweets,
replies and quotes chosen by popularity only (no country preference), and the adversarial posts.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from random import Random

from ioscope.demo import chatter, official, texts
from ioscope.demo.accounts import Account, Roster
from ioscope.demo.timeline import DAY_MS, DIURNAL, N_DAYS, PERIOD_START_MS, Post, Timeline, delay_ms, local_time
from ioscope.demo.tweets import Link

ATTENTION = tuple(0.7 + 0.7 * min(max(d - 25, 0), 25) / 25 - 0.3 * max(d - 60, 0) / 30 for d in range(N_DAYS))
"""Relative daily activity of ordinary users (0.7 in February, 1.4 late March, 1.1 end of April)."""

ANCHOR_MS = 1_584_727_500_000
"""2020-03-20T18:05:00Z: the news anchor's viral post."""

ADVERSARIAL_TEXTS = ("<script>alert(1)</script>", "<img src=x onerror=alert(2)>")
"""Unescaped texts of the two adversarial posts (emitted as ``&lt;script&gt;…``)."""


_ATTENTION_CUM = tuple(itertools.accumulate(ATTENTION))


def _day(rng: Random) -> int:
    return rng.choices(range(N_DAYS), cum_weights=_ATTENTION_CUM)[0]


def _original(tl: Timeline, rng: Random, acc: Account, ms: int) -> Post | None:
    lang = acc.langs[0]
    r = rng.random()
    if r < 0.2:
        comment = chatter.link_comment(rng, lang)
        return tl.post(acc, ms, comment, lang if comment else "und",
                       links=[Link(official.mainstream_url(rng, lang, ms))])
    if r < 0.23:
        return tl.post(acc, ms, chatter.und_text(rng), "und")
    return tl.post(acc, ms, chatter.ordinary_text(rng, lang), lang)


def ordinary_originals(tl: Timeline, roster: Roster, rng: Random) -> None:
    """Everyday originals of ordinary users: per account log-normal(0.9, 1.0) posts (≈ 4 on average),
    on days weighted by :data:`ATTENTION`, hours by the local daily rhythm; 20% share a mainstream news
    link, 3% are emoji only (``und``). The anchor posts about twice a day."""
    for acc in roster.ordinary:
        n = round(rng.lognormvariate(0.9, 1.0))
        if acc is roster.anchor:
            n = 180
        for _ in range(min(n, 200)):
            _original(tl, rng, acc, local_time(rng, _day(rng), acc.tz, DIURNAL))


@dataclass
class Organic:
    """The organic viral cascade (post, retweets, replies) and the adversarial posts."""

    post: Post
    retweets: list[Post] = field(default_factory=list)
    replies: list[Post] = field(default_factory=list)
    adversarial: list[Post] = field(default_factory=list)


def organic_cascade(tl: Timeline, roster: Roster, rng: Random, scale: float) -> Organic:
    """The anchor's post of 2020-03-20 18:05 UTC retweeted by ``round(600 * scale)`` distinct ordinary
    accounts (delays log-normal, median 3 h, 20 s–36 h) and replied to by ``round(30 * scale)``."""
    post = tl.post(roster.anchor, ANCHOR_MS + rng.randrange(60_000), texts.ANCHOR_TEXT, "en", tag="organic_cascade")
    assert post is not None
    org = Organic(post)
    pool = [a for a in roster.ordinary if a is not roster.anchor]
    for acc in rng.sample(pool, min(round(600 * scale), len(pool))):
        org.retweets.append(tl.retweet(acc, post.ms + delay_ms(rng, 3 * 3600, 0.9, 20, 36 * 3600), post))
    for acc in rng.sample(pool, min(round(30 * scale), len(pool))):
        org.replies.append(tl.reply(acc, post.ms + delay_ms(rng, 2 * 3600, 1.0, 20, 36 * 3600), post,
                                    chatter.everyday_reply(rng, acc.langs[0]), acc.langs[0]))
    if any(p is None for p in org.retweets + org.replies):
        raise RuntimeError("organic cascade: a planned post was refused")
    return org


def adversarial_posts(tl: Timeline, roster: Roster, rng: Random, org: Organic) -> None:
    """The two adversarial posts (``<script>alert(1)</script>`` by ``sam_t_probe`` on 2020-03-03 and
    ``<img src=x onerror=alert(2)>`` by ``lena_writes``, whose display name holds HTML, on 2020-03-04),
    plus an everyday post by ``lena_writes``; each is retweeted by 3 ordinary accounts."""
    adv1, adv2 = roster.adversarial
    base = PERIOD_START_MS + 31 * DAY_MS + 15 * 3_600_000
    posts = [tl.post(adv1, base + rng.randrange(3_600_000), ADVERSARIAL_TEXTS[0], "und"),
             tl.post(adv2, base + DAY_MS + rng.randrange(3_600_000), ADVERSARIAL_TEXTS[1], "und"),
             tl.post(adv2, base + 2 * DAY_MS + rng.randrange(3_600_000), "Q&A tonight: <b>bold</b> claims & "
                     "\"quotes\" 'n' stuff #COVID19", "en")]
    pool = [a for a in roster.ordinary if a not in (adv1, adv2, roster.anchor)]
    for p in posts:
        assert p is not None
        for acc in rng.sample(pool, 3):
            tl.retweet(acc, p.ms + rng.randrange(60_000, 6 * 3_600_000), p)
    org.adversarial.extend(posts)


class _Pool:
    """Originals bucketed by UTC day with cumulative popularity weights (followers ** ``power``)."""

    def __init__(self, posts: list[Post], power: float) -> None:
        self.days: list[list[Post]] = [[] for _ in range(N_DAYS + 1)]
        for p in posts:
            self.days[(p.ms - PERIOD_START_MS) // DAY_MS].append(p)
        self.cum = [list(itertools.accumulate(max(p.author.followers, 1) ** power for p in d)) for d in self.days]

    def pick(self, rng: Random, ms: int) -> Post | None:
        day = (ms - PERIOD_START_MS) // DAY_MS - rng.choices((0, 1, 2), weights=(6, 3, 1))[0]
        if day < 0 or not self.days[day]:
            return None
        for _ in range(4):
            p = rng.choices(self.days[day], cum_weights=self.cum[day])[0]
            if p.ms < ms - 30_000:
                return p
        return None


def organic_activity(tl: Timeline, roster: Roster, rng: Random) -> None:
    """Organic retweets (per account log-normal(0, 1.1), ≈ 1.6), replies (≈ 0.25) and quotes (≈ 0.06)
    of ordinary users. 70% of retweets pick an ordinary user's original (weight followers ** 0.8),
    the rest any original of anyone (weight followers ** 0.5) — popularity only, never country.
    The two cascade posts are excluded (their sizes are planted exactly)."""
    originals = [p for p in tl.posts if p.kind == "original" and p.tag is None]
    own = _Pool([p for p in originals if p.author.role == "ordinary"], 0.8)
    anyone = _Pool(originals, 0.5)
    for acc in roster.ordinary:
        lang = acc.langs[0]
        for _ in range(round(rng.lognormvariate(0.0, 1.1))):
            ms = local_time(rng, _day(rng), acc.tz, DIURNAL)
            target = (own if rng.random() < 0.7 else anyone).pick(rng, ms)
            if target is not None:
                tl.retweet(acc, ms, target)
        if rng.random() < 0.25:
            ms = local_time(rng, _day(rng), acc.tz, DIURNAL)
            target = anyone.pick(rng, ms)
            if target is not None and target.author.langs[0] == lang:
                tl.reply(acc, ms, target, chatter.everyday_reply(rng, lang), lang)
        if rng.random() < 0.06:
            ms = local_time(rng, _day(rng), acc.tz, DIURNAL)
            target = anyone.pick(rng, ms)
            comment = chatter.link_comment(rng, lang)
            if target is not None and comment:
                tl.quote(acc, ms, target, comment, lang)
