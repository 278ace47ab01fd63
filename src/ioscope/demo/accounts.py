"""The demo scenario's accounts: tracked state actors, three covert groups, ordinary users.

All handles, names and numbers are invented. Handles are at most 15 characters (Twitter's limit).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from random import Random
from typing import Any

from ioscope.demo import names
from ioscope.demo.tweets import snowflake, twitter_time

SRC_WEB = '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>'
SRC_IPHONE = '<a href="http://twitter.com/download/iphone" rel="nofollow">Twitter for iPhone</a>'
SRC_ANDROID = '<a href="http://twitter.com/download/android" rel="nofollow">Twitter for Android</a>'
SRC_DECK = '<a href="https://about.twitter.com/products/tweetdeck" rel="nofollow">TweetDeck</a>'
SRC_HOOT = '<a href="https://www.hootsuite.com" rel="nofollow">Hootsuite Inc.</a>'
SRC_FLOW = '<a href="https://www.socialflow.com" rel="nofollow">SocialFlow</a>'

CITATION = "demo scenario (invented)"


@dataclass(eq=False, slots=True)
class Account:
    """One account of the scenario.

    ``role``: ``actor`` (tracked, overt), ``covert`` (one of the three groups), ``ordinary``,
    ``external`` (only mentioned, never posts). ``group``: ``co_repost`` | ``co_link`` | ``co_text`` for
    covert accounts. ``langs``: languages it posts in (first = main); ``tz``: UTC offset in hours of its
    daily rhythm; ``followers``: used as its popularity; ``domain``: own website of state media.
    """

    id: int
    handle: str
    name: str
    created_ms: int
    followers: int
    friends: int
    description: str
    location: str
    langs: tuple[str, ...]
    tz: float
    source: str
    role: str
    country: str | None = None
    actor_type: str | None = None
    host: str | None = None
    group: str | None = None
    domain: str | None = None
    verified: bool = False
    in_registry: bool = False
    n_posts: int = 0
    _user: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def overt(self) -> bool:
        """True for overt tracked actors (``role == "actor"``)."""
        return self.role == "actor"

    def user_object(self) -> dict[str, Any]:
        """The v1.1 ``user`` object (built once, shared by all this account's tweets)."""
        if self._user is None:
            self._user = {
                "id": self.id, "id_str": str(self.id), "name": self.name, "screen_name": self.handle,
                "location": self.location, "description": self.description, "url": None,
                "protected": False, "followers_count": self.followers, "friends_count": self.friends,
                "listed_count": self.followers // 180, "created_at": twitter_time(self.created_ms),
                "favourites_count": self.friends * 3 + 17, "verified": self.verified,
                "statuses_count": self.n_posts * 3 + self.followers // 40 + 25, "lang": None,
            }
        return self._user


def _ms(date: str) -> int:
    return int(datetime.fromisoformat(date).replace(tzinfo=timezone.utc).timestamp() * 1000)


_Y2014 = _ms("2014-01-01")


def user_id(rng: Random, created_ms: int) -> int:
    """A realistic user ID: a snowflake of the creation time for accounts made since 2014, else a
    sequential-looking 7–10 digit number growing with the creation date."""
    if created_ms >= _Y2014:
        return snowflake(created_ms, rng.getrandbits(22))
    years = (created_ms - _ms("2007-01-01")) / (365.25 * 86400_000)
    return int(1_000_000 + max(years, 0) ** 2.6 * 60_000_000) + rng.randrange(1_000_000)


# handle, name, country, actor_type, langs, tz, followers, created, host, domain, description
_TRACKED: tuple[tuple[Any, ...], ...] = (
    ("MFA_CN_demo", "MFA China (demo)", "CN", "ministry", ("en", "zh"), 8, 684_000, "2019-11-03",
     None, None, "Official account of the Foreign Ministry (invented for the ioscope demo)."),
    ("SpoxCN_demo", "Lin Haoyu 林浩宇", "CN", "diplomat", ("en", "zh"), 8, 412_000, "2015-04-20",
     None, None, "Spokesperson & Deputy Director-General, Information Department (invented)."),
    ("CGTN_demo", "CGTN (demo)", "CN", "state_media", ("en",), 8, 2_130_000, "2013-01-21",
     None, "news.cgtn.com", "Stories from China and the world. Demo account."),
    ("XHNews_demo", "Xinhua News (demo)", "CN", "state_media", ("en", "zh"), 8, 1_420_000,
     "2012-02-22", None, "xinhuanet.com", "News agency. Demo account."),
    ("GTimes_demo", "Global Times (demo)", "CN", "state_media", ("en",), 8, 1_610_000, "2009-06-05",
     None, "globaltimes.cn", "Tabloid daily. Demo account."),
    ("EditorHao_demo", "Hao Xijun", "CN", "state_media_staff", ("en", "zh"), 8, 318_000,
     "2017-05-16", None, None, "Editor-in-chief of a state tabloid (invented)."),
    ("MID_RU_demo", "MID Russia (demo)", "RU", "ministry", ("ru", "en"), 3, 251_000, "2011-03-01",
     None, None, "Foreign Ministry (invented for the ioscope demo)."),
    ("RT_demo", "RT (demo)", "RU", "state_media", ("en", "es"), 3, 3_050_000, "2009-09-16",
     None, "rt.com", "Question more. Demo account."),
    ("Sputnik_demo", "Sputnik (demo)", "RU", "state_media", ("ru", "en"), 3, 352_000, "2014-11-10",
     None, "sputniknews.com", "News agency. Demo account."),
    ("MFA_IR_demo", "MFA Iran (demo)", "IR", "ministry", ("fa", "en"), 3.5, 121_000, "2013-08-12",
     None, None, "Foreign Ministry (invented for the ioscope demo)."),
    ("PressTV_demo", "PressTV (demo)", "IR", "state_media", ("en",), 3.5, 421_000, "2010-01-19",
     None, "presstv.ir", "News channel. Demo account."),
    ("IRNA_demo", "IRNA (demo)", "IR", "state_media", ("fa", "en"), 3.5, 63_000, "2012-06-30",
     None, "irna.ir", "News agency. Demo account."),
)

# (country, host code, host name, langs, tz, followers)
_EMBASSIES: tuple[tuple[Any, ...], ...] = (
    ("CN", "FR", "France", ("en", "zh"), 1, 41_000), ("CN", "UK", "the UK", ("en",), 0, 62_000),
    ("CN", "US", "the US", ("en",), -5, 55_000), ("CN", "IN", "India", ("en",), 5.5, 23_000),
    ("CN", "PK", "Pakistan", ("en",), 5, 71_000), ("CN", "ZA", "South Africa", ("en",), 2, 12_000),
    ("CN", "KE", "Kenya", ("en",), 3, 9_000), ("CN", "AR", "Argentina", ("es",), -3, 15_000),
    ("CN", "MX", "Mexico", ("es",), -6, 8_500), ("CN", "VE", "Venezuela", ("es",), -4, 19_000),
    ("CN", "RU", "Russia", ("ru", "zh"), 3, 7_000), ("CN", "IR", "Iran", ("fa", "zh"), 3.5, 11_000),
    ("RU", "UK", "the UK", ("en", "ru"), 0, 92_000), ("RU", "US", "the US", ("en", "ru"), -5, 61_000),
    ("RU", "ZA", "South Africa", ("en",), 2, 8_000), ("RU", "MX", "Mexico", ("es", "ru"), -6, 12_000),
    ("IR", "UK", "the UK", ("en", "fa"), 0, 15_000), ("IR", "RU", "Russia", ("ru", "fa"), 3, 6_000),
    ("IR", "VE", "Venezuela", ("es", "fa"), -4, 4_000),
)
_EMB_PREFIX = {"CN": "ChinaEmbDemo_", "RU": "RusEmbDemo_", "IR": "IranEmbDemo_"}
_EMB_NAME = {"CN": "Chinese Embassy in", "RU": "Russian Embassy in", "IR": "Embassy of Iran in"}

EXTERNAL = (("WHO_demo", "WHO (demo)"), ("CDC_US_demo", "US CDC (demo)"),
            ("StateDept_demo", "US State Dept (demo)"), ("USArmy_demo", "US Army (demo)"))
"""Accounts that are only @mentioned (handle, name); they never post."""


@dataclass
class Roster:
    """All accounts, by role. ``by_handle`` maps every handle (also external ones) to its account."""

    tracked: list[Account]
    co_repost: list[Account]
    co_link: list[Account]
    co_text: list[Account]
    ordinary: list[Account]
    external: list[Account]
    anchor: Account
    adversarial: list[Account]
    by_handle: dict[str, Account]

    def get(self, handle: str) -> Account:
        """The account with ``handle``; raises KeyError."""
        return self.by_handle[handle]

    def embassies(self, country: str) -> list[Account]:
        """Embassies of ``country`` (CN, RU, IR) in roster order."""
        return [a for a in self.tracked if a.country == country and a.actor_type == "embassy"]

    @property
    def covert(self) -> list[Account]:
        """Members of the three covert groups."""
        return self.co_repost + self.co_link + self.co_text

    @property
    def all(self) -> list[Account]:
        """Every account that posts (tracked, covert, ordinary)."""
        return self.tracked + self.covert + self.ordinary


def _created(rng: Random, lo: str, hi: str) -> int:
    a, b = _ms(lo), _ms(hi)
    return a + rng.randrange(b - a)


def build_roster(rng: Random, scale: float) -> Roster:
    """Create every account. ``scale`` multiplies the ordinary accounts (3,000 at 1.0; at least 60).

    Deterministic for a given ``rng`` state. Raises ValueError for ``scale <= 0``.
    """
    if scale <= 0:
        raise ValueError("scale must be > 0")
    taken: set[str] = set()
    by_handle: dict[str, Account] = {}

    def add(acc: Account) -> Account:
        if acc.handle.lower() in taken:
            raise ValueError(f"duplicate handle {acc.handle}")
        taken.add(acc.handle.lower())
        by_handle[acc.handle] = acc
        return acc

    tracked: list[Account] = []
    for (h, nm, c, t, langs, tz, fol, cr, host, dom, desc) in _TRACKED:
        cms = _ms(cr) + rng.randrange(86400_000)
        src = SRC_FLOW if t == "state_media" else SRC_WEB
        tracked.append(add(Account(user_id(rng, cms), h, nm, cms, fol, rng.randrange(80, 900), desc,
                                   names.CAPITAL[c], langs, tz, src, "actor", c, t, host, None, dom,
                                   verified=True, in_registry=True)))
    for (c, code, host, langs, tz, fol) in _EMBASSIES:
        cms = _created(rng, "2012-01-01", "2019-12-01")
        h = _EMB_PREFIX[c] + code
        tracked.append(add(Account(user_id(rng, cms), h, f"{_EMB_NAME[c]} {host} (demo)", cms, fol,
                                   rng.randrange(50, 600), f"Official account of the embassy in {host} "
                                   "(invented for the ioscope demo).", host.removeprefix("the "),
                                   langs, tz, SRC_DECK if c == "RU" else SRC_WEB, "actor", c, "embassy",
                                   host, verified=rng.random() < 0.5, in_registry=True)))

    def covert(n: int, lang_pool: str, group: str, country: str, created: tuple[str, str],
               langs: tuple[str, ...], tz: float, src: str, fol: tuple[int, int]) -> list[Account]:
        out = []
        for _ in range(n):
            handle, name = names.person(rng, lang_pool, taken)
            cms = _created(rng, *created)
            out.append(add(Account(user_id(rng, cms), handle, name, cms, rng.randrange(*fol),
                                   rng.randrange(150, 900), names.bio(rng, lang_pool), "", langs, tz,
                                   src, "covert", country, "suspected_covert", group=group,
                                   in_registry=(group == "co_repost"))))
        return out

    co_repost = covert(25, "zh", "co_repost", "CN", ("2019-12-02", "2020-01-20"), ("en", "zh"), 8,
                       SRC_ANDROID, (8, 160))
    co_link = covert(15, "ru", "co_link", "RU", ("2017-03-01", "2018-09-30"), ("ru", "en"), 3,
                     SRC_WEB, (40, 900))
    co_text = covert(12, "fa", "co_text", "IR", ("2019-02-01", "2019-10-30"), ("en", "fa", "es"), 3.5,
                     SRC_IPHONE, (20, 400))

    ordinary: list[Account] = []
    n_ord = max(60, round(3000 * scale))
    for _ in range(n_ord):
        lang = rng.choices(names.LANG_POOLS, weights=names.LANG_WEIGHTS)[0]
        handle, name = names.person(rng, lang, taken)
        cms = _created(rng, "2009-03-01", "2019-12-31")
        fol = min(int(rng.lognormvariate(5.3, 1.4)), 400_000)
        ordinary.append(add(Account(user_id(rng, cms), handle, name, cms, fol,
                                    int(rng.lognormvariate(5.5, 0.9)), names.bio(rng, lang),
                                    names.place(rng, lang), (lang,), names.timezone(rng, lang),
                                    rng.choice((SRC_IPHONE, SRC_ANDROID, SRC_ANDROID, SRC_WEB)), "ordinary")))
    # special ordinary accounts take the place of the first generated ones (keeps counts exact)
    def rename(acc: Account, handle: str) -> None:
        del by_handle[acc.handle]
        if handle.lower() in taken:
            raise ValueError(f"duplicate handle {handle}")
        taken.add(handle.lower())
        acc.handle = handle
        by_handle[handle] = acc

    anchor, adv1, adv2 = ordinary[0], ordinary[1], ordinary[2]
    rename(anchor, "MarenCastilloTV")
    anchor.name, anchor.followers, anchor.verified = "Maren Castillo", 1_240_000, True
    anchor.langs, anchor.tz, anchor.location = ("en",), -5, "New York, NY"
    anchor.description = "Evening news anchor. Views my own. (invented)"
    rename(adv1, "sam_t_probe")
    adv1.name, adv1.langs, adv1.followers = "Sam T", ("en",), 48_000
    adv1.description = '<a href="javascript:alert(5)">my links</a> & "quotes"'
    rename(adv2, "lena_writes")
    adv2.name, adv2.langs, adv2.followers = "Lena <img src=x onerror=alert(3)> & Co", ("en",), 61_000
    adv2.description = "<b>bold</b> writer </textarea><script>alert(4)</script>"
    external = []
    for h, nm in EXTERNAL:
        cms = _created(rng, "2010-01-01", "2013-12-31")
        external.append(add(Account(user_id(rng, cms), h, nm, cms, 0, 0, "", "", ("en",), 0, SRC_WEB,
                                    "external")))
    return Roster(tracked, co_repost, co_link, co_text, ordinary, external, anchor, [adv1, adv2],
                  by_handle)
