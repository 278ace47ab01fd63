"""The scenario's timeline: posts as they are planned (:class:`Post`), turned into v1.1 tweet objects
at the end (:meth:`Timeline.materialize`), plus time helpers. Times are ms since the Unix epoch, UTC.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from random import Random
from typing import Any

from ioscope.demo.accounts import Account, Roster
from ioscope.demo.tweets import (
    Composed,
    IdFactory,
    Link,
    TcoFactory,
    compose,
    compose_retweet,
    tweet_object,
)

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
PERIOD_START_MS = 1_580_515_200_000
"""2020-02-01T00:00:00Z."""
PERIOD_END_MS = 1_588_291_199_999
"""2020-04-30T23:59:59.999Z (inclusive)."""
SHIFT_MS = 1_585_180_800_000
"""2020-03-26T00:00:00Z: the "truce" after which overt accounts drop narrative N1."""
N_DAYS = 90
SHIFT_DAY = (SHIFT_MS - PERIOD_START_MS) // DAY_MS  # 54

# relative weight of each local hour 0..23
OFFICE = (0, 0, 0, 0, 0, 0, 0, .2, 1, 1.2, 1.2, 1, .8, 1, 1.2, 1.2, 1, .8, .6, .5, .4, .3, .1, 0)
SPOX = (0, 0, 0, 0, 0, 0, 0, 0, .3, .5, .5, .5, .3, .4, .6, 1.5, 1.5, .8, .4, .5, 1, 1.2, 1.2, .6)
MEDIA = (.2, .1, .05, .05, .05, .2, .5, .8, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, .9, .8, .6, .4)
DIURNAL = (.3, .2, .12, .08, .06, .08, .2, .5, .8, 1, 1, 1.05, 1.1, 1, .95, .95, 1, 1.05, 1.15, 1.3, 1.4,
           1.35, 1, .6)


def poisson(rng: Random, lam: float) -> int:
    """A Poisson(``lam``) draw (Knuth's method; fine for the small rates used here)."""
    if lam <= 0:
        return 0
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def day_start(day: int) -> int:
    """Start (ms, UTC) of day ``day`` of the period (0 = 2020-02-01)."""
    return PERIOD_START_MS + day * DAY_MS


def local_time(rng: Random, day: int, tz: float, profile: Sequence[float]) -> int:
    """A time (ms, UTC) inside UTC day ``day`` whose local hour (UTC offset ``tz`` hours) follows the
    24 weights of ``profile``."""
    hour = rng.choices(range(24), weights=profile)[0]
    return day_start(day) + int(((hour - tz) % 24) * HOUR_MS) + rng.randrange(HOUR_MS)


def delay_ms(rng: Random, median_s: float, sigma: float, lo_s: float, hi_s: float) -> int:
    """A log-normal delay in ms with median ``median_s`` seconds, redrawn until in ``[lo_s, hi_s]``."""
    mu = math.log(median_s)
    while True:
        d = rng.lognormvariate(mu, sigma)
        if lo_s <= d <= hi_s:
            return int(d * 1000)


@dataclass(eq=False, slots=True)
class Post:
    """A planned post. ``kind``: original | retweet | quote | reply; ``parent``: the post retweeted,
    quoted or replied to; ``narrative``: N1 | N2 | None (own text only; retweets carry None);
    ``claim``: repeats the planted claim; ``tag``: free label used by the ground truth."""

    id: int
    ms: int
    author: Account
    kind: str
    lang: str
    composed: Composed | None
    parent: Post | None = None
    narrative: str | None = None
    claim: bool = False
    tag: str | None = None
    n_rt: int = 0
    n_quote: int = 0
    n_reply: int = 0


class Timeline:
    """Collects posts; IDs and t.co links come from seeded generators, so the result is deterministic
    for a given order of calls. Posts outside the period are refused (methods return None)."""

    def __init__(self, roster: Roster, seed: int) -> None:
        self.roster = roster
        self.posts: list[Post] = []
        self._seed = seed
        self._ids = IdFactory(Random(f"{seed}:ids"))
        self._tco = TcoFactory(Random(f"{seed}:tco"))
        self._rt_pairs: set[tuple[int, int]] = set()

    def _lookup(self, handle: str) -> tuple[int, str]:
        acc = self.roster.by_handle[handle]
        return acc.id, acc.name

    def _add(self, post: Post) -> Post:
        self.posts.append(post)
        post.author.n_posts += 1
        return post

    @staticmethod
    def in_period(ms: int) -> bool:
        """True when ``ms`` lies in 2020-02-01T00:00Z … 2020-04-30T23:59:59.999Z."""
        return PERIOD_START_MS <= ms <= PERIOD_END_MS

    def post(self, author: Account, ms: int, plain: str, lang: str, *, links: Sequence[Link] = (),
             narrative: str | None = None, claim: bool = False, tag: str | None = None) -> Post | None:
        """An original post with unescaped ``plain`` text and ``links`` appended; None outside the period."""
        if not self.in_period(ms):
            return None
        comp = compose(plain, lookup=self._lookup, tco=self._tco, links=links)
        return self._add(Post(self._ids.new(ms), ms, author, "original", lang, comp, None, narrative, claim, tag))

    def _check(self, author: Account, ms: int, parent: Post) -> bool:
        return self.in_period(ms) and ms >= parent.ms + 1000 and author is not parent.author

    def reply(self, author: Account, ms: int, parent: Post, plain: str, lang: str, *,
              narrative: str | None = None, claim: bool = False, tag: str | None = None) -> Post | None:
        """A reply to ``parent`` (text prefixed ``@handle``); None outside the period, before ``parent``
        (+1 s) or to oneself."""
        if not self._check(author, ms, parent):
            return None
        pa = parent.author
        comp = compose(plain, lookup=self._lookup, tco=self._tco, reply_to=(pa.handle, pa.id, pa.name))
        parent.n_reply += 1
        return self._add(Post(self._ids.new(ms), ms, author, "reply", lang, comp, parent, narrative, claim, tag))

    def quote(self, author: Account, ms: int, parent: Post, plain: str, lang: str, *,
              narrative: str | None = None, claim: bool = False, tag: str | None = None) -> Post | None:
        """A quote of ``parent`` with comment ``plain``; None as for :meth:`reply`."""
        if not self._check(author, ms, parent):
            return None
        link = Link(f"https://twitter.com/{parent.author.handle}/status/{parent.id}")
        comp = compose(plain, lookup=self._lookup, tco=self._tco, quote_link=link)
        parent.n_quote += 1
        return self._add(Post(self._ids.new(ms), ms, author, "quote", lang, comp, parent, narrative, claim, tag))

    def retweet(self, author: Account, ms: int, parent: Post, *, tag: str | None = None) -> Post | None:
        """A retweet of an original ``parent``; None outside the period, before ``parent`` (+1 s), of
        oneself, of a non-original, or when ``author`` already retweeted it."""
        key = (author.id, parent.id)
        if parent.kind != "original" or key in self._rt_pairs or not self._check(author, ms, parent):
            return None
        self._rt_pairs.add(key)
        parent.n_rt += 1
        return self._add(Post(self._ids.new(ms), ms, author, "retweet", parent.lang, None, parent, tag=tag))

    def retweeted(self, author: Account, parent: Post) -> bool:
        """True when ``author`` already retweeted ``parent``."""
        return (author.id, parent.id) in self._rt_pairs

    def materialize(self) -> list[dict[str, Any]]:
        """All posts as v1.1 tweet objects, sorted by ID (= by time). Counts are final counts within
        the data; a retweet's ``retweet_count`` is its original's, its ``favorite_count`` 0."""
        rng = Random(f"{self._seed}:favs")
        objs: dict[int, dict[str, Any]] = {}
        out = []
        for p in sorted(self.posts, key=lambda q: q.id):
            user = p.author.user_object()
            if p.kind == "retweet":
                parent = objs[p.parent.id]
                comp = compose_retweet(p.parent.author.handle, p.parent.author.id, p.parent.author.name,
                                       p.parent.composed)
                counts = (p.parent.n_rt, 0, 0, 0)
                obj = tweet_object(tweet_id=p.id, ms=p.ms, user=user, composed=comp, lang=p.lang,
                                   source=p.author.source, counts=counts, retweeted=parent)
            else:
                fav = int(p.n_rt * rng.uniform(1.2, 3.5)) + rng.randrange(2 + int(p.author.followers ** 0.4))
                counts = (p.n_rt, fav, p.n_reply, p.n_quote)
                parent = objs[p.parent.id] if p.parent is not None else None
                obj = tweet_object(tweet_id=p.id, ms=p.ms, user=user, composed=p.composed, lang=p.lang,
                                   source=p.author.source, counts=counts,
                                   reply_parent=parent if p.kind == "reply" else None,
                                   quoted=parent if p.kind == "quote" else None)
            objs[p.id] = obj
            out.append(obj)
        return out
