"""Helpers for the coordination tests: canonical post rows, small stores, a synthetic scenario with
planted coordinated groups, and per-group precision/recall."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from ioscope.store import Store

T0 = dt.datetime(2021, 3, 1, 12, 0, tzinfo=dt.timezone.utc)


def post(pid: str, account: str, t: float, *, kind: str = "original", ref: str | None = None,
         urls: Iterable[str] = (), text: str | None = None, hashtags: Iterable[str] = (),
         domains: Iterable[str] = (), platform: str = "twitter", handle: str | None = None) -> dict:
    """One canonical post row: ``t`` is seconds after T0 (2021-03-01 12:00 UTC)."""
    return {
        "platform": platform, "post_id": pid, "account_id": account,
        "account_handle": handle if handle is not None else f"h_{account}",
        "created_at": T0 + dt.timedelta(seconds=t), "text": text, "kind": kind, "ref_post_id": ref,
        "urls": list(urls), "domains": list(domains), "hashtags": list(hashtags), "collected": True,
        "source_file": "hand", "source_line": 1,
    }


def build_store(path: Path, posts: list[dict], actors: Iterable[dict] = ()) -> Store:
    """A store at ``path`` holding ``posts`` (one file transaction) and the actor registry ``actors``."""
    s = Store(path)
    s.begin_file()
    for k in range(0, len(posts), 50_000):
        s.stage("posts", posts[k:k + 50_000])
    s.commit_file({"source_file": "hand", "n_read": len(posts)})
    s.set_actors(list(actors))
    return s


# -- a synthetic scenario with planted coordinated groups -------------------------------------------

WORDS = ("vaccine border election minister protest economy water school energy price report city "
         "village market doctor river police court museum train harbour festival farmer teacher bank "
         "storm bridge garden hospital library council").split()


def synthetic_scenario(seed: int = 1, n_organic: int = 1500, days: float = 5.0) -> tuple[list[dict], dict]:
    """Posts of an organic background plus three planted coordinated groups and one organic cascade.

    Organic accounts post originals with their own random text, share URLs (news articles, some with
    the *same* share-button suffix ``?utm_source=twitter``) and repost popular posts after exponential
    delays (mean 3 h); 1% are hyperactive (20x). The organic cascade: one post reposted by 600
    organic accounts over about 6 hours. Planted groups (each member also has organic activity):

    * ``reposters`` (25 accounts): repost each of a leader account's 30 posts, each with probability
      0.8, 5-90 s after it;
    * ``linkers`` (20): share 15 campaign URLs, each with probability 0.8, 0-20 s after a campaign
      time, every copy with its own tracking suffix;
    * ``texters`` (15): in one 10-minute burst, post two variants of each of 3 template texts
      (a word swapped), so only three distinct items.

    Returns (posts, truth) where truth = {group name: set of account IDs, "cascade": set}.
    """
    import random

    rng = random.Random(seed)
    span = days * 86400.0
    posts: list[dict] = []
    n = 0

    def pid() -> str:
        nonlocal n
        n += 1
        return str(10_000_000 + n)

    def sentence(k: int = 12) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(k)) + f" {rng.randrange(10**6)}"

    organic = [f"o{k}" for k in range(n_organic)]
    rate = {a: (20.0 if rng.random() < 0.01 else 1.0) * rng.lognormvariate(1.5, 0.8) for a in organic}
    originals: list[tuple[str, float]] = []
    for a in organic:
        for _ in range(max(1, int(rate[a]))):
            t = rng.uniform(0, span)
            p = pid()
            r = rng.random()
            if r < 0.4:
                url = f"https://news{rng.randrange(40)}.example/story/{rng.randrange(400)}"
                if rng.random() < 0.3:
                    url += "?utm_source=twitter"
                posts.append(post(p, a, t, urls=[url], text=sentence(8) + " " + url))
            else:
                posts.append(post(p, a, t, text=sentence()))
                originals.append((p, t))
    # organic reposts of popular posts (Zipf-like popularity)
    popular = originals[:300]
    for a in organic:
        done = set()
        for _ in range(max(1, int(rate[a] * 0.8))):
            k = min(int(rng.paretovariate(0.8)) - 1, len(popular) - 1)
            ref, t0 = popular[k]
            if ref not in done:  # a platform lets an account repost a post once
                done.add(ref)
                posts.append(post(pid(), a, t0 + rng.expovariate(1 / 10800.0), kind="repost", ref=ref))
    # the organic cascade
    cascade = set(rng.sample(organic, min(600, n_organic // 2)))
    cas_t0 = span / 2
    cas_ref = "cascade_root"
    for a in sorted(cascade):
        posts.append(post(pid(), a, cas_t0 + rng.expovariate(1 / 7200.0), kind="repost", ref=cas_ref))

    def cover(accounts: list[str]) -> None:
        for a in accounts:
            for _ in range(rng.randint(2, 8)):
                posts.append(post(pid(), a, rng.uniform(0, span), text=sentence()))
            for _ in range(rng.randint(1, 4)):
                ref, t0 = popular[rng.randrange(len(popular))]
                posts.append(post(pid(), a, t0 + rng.expovariate(1 / 10800.0), kind="repost", ref=ref))

    reposters = [f"rp{k}" for k in range(25)]
    cover(reposters)
    leader = "leader0"
    for j in range(30):
        t0 = rng.uniform(0, span)
        lp = pid()
        posts.append(post(lp, leader, t0, text=sentence()))
        for a in reposters:
            if rng.random() < 0.8:
                posts.append(post(pid(), a, t0 + rng.uniform(5, 90), kind="repost", ref=lp))
    linkers = [f"ln{k}" for k in range(20)]
    cover(linkers)
    for j in range(15):
        t0 = rng.uniform(0, span)
        base = f"https://campaign.example/Path_(issue)/{j}"
        for a in linkers:
            if rng.random() < 0.8:
                url = f"{base}?utm_source={a}&utm_medium=social&fbclid={rng.randrange(10**9)}"
                posts.append(post(pid(), a, t0 + rng.uniform(0, 20), urls=[url],
                                  text=sentence(6) + " " + url))
    texters = [f"tx{k}" for k in range(15)]
    cover(texters)
    burst = rng.uniform(0, span - 600)
    templates = [sentence(14) for _ in range(3)]
    for a in texters:
        for tpl in templates:
            for _ in range(2):
                words = tpl.split()
                i = rng.randrange(len(words))
                words[i] = rng.choice(WORDS)
                posts.append(post(pid(), a, burst + rng.uniform(0, 600), text=" ".join(words)))
    truth = {"reposters": set(reposters), "linkers": set(linkers), "texters": set(texters),
             "cascade": cascade}
    return posts, truth


def group_scores(clusters, group: set[str]) -> tuple[float, float]:
    """Precision and recall of a planted ``group`` against its best-matching cluster (most members of
    the group); ``clusters``: the cluster_members table."""
    best = None
    for cid, g in clusters.groupby("cluster_id"):
        members = set(g["account_id"])
        hit = len(members & group)
        if best is None or hit > best[0]:
            best = (hit, len(members))
    if not best or best[0] == 0:
        return 0.0, 0.0
    return best[0] / best[1], best[0] / len(group)
