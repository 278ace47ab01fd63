"""Coordination speed and recovery: ioscope beside coordination-network-toolkit and coordinationz.

Usage::

    python bench/coordination.py                       # 200,000 posts (a few minutes on 2 cores)
    python bench/coordination.py 200000 1000000        # both sizes of issue #4
    python bench/coordination.py 1000000 --keep /tmp/cb --timeout 1200   # keep files; cap peers at 20 min
    python bench/coordination.py --no-cz --no-toolkit  # ioscope only

What it does, per size N (posts):

1. **generates one scenario** (``generate``, deterministic for N) and writes it once: ``posts_N.jsonl``
   (X/Twitter API v1.1 tweet objects with Snowflake IDs consistent with ``created_at``, which the
   toolkit reads its times from) and ``posts_N_cz.csv`` (the same posts in coordinationz's
   preprocessed CSV layout, ``loadPreprocessedData``), plus ``truth_N.json``. The scenario: an organic
   background (N/40 accounts with log-normal activity, 1% hyperactive; originals with random text,
   news links of which some carry one shared ``?utm_source=twitter`` share suffix, hashtags; reposts
   of popular posts after exponential delays, mean 3 h; replies); ``N/100k`` **viral organic
   cascades** (one post reposted by 3,000 unrelated accounts over hours) and, per kind, ``N/100k``
   **planted coordinated groups** (each member also has organic cover activity):

   * ``reposters`` (25 accounts): repost each of a leader's 30 posts with probability 0.8, 5–90 s
     after it;
   * ``linkers`` (20): share 15 campaign URLs, each with probability 0.8, 0–20 s after a campaign
     time, every copy with its own tracking suffix (``?utm_source=<account>&…&fbclid=<random>``);
   * ``texters`` (15): in one 10-minute burst, post two variants of each of 3 template texts (one
     word swapped each time), so only three distinct items per account.

2. **runs each tool on those files, each step in its own subprocess**, measuring wall time and peak
   resident memory (the process and all its descendants, sampled every 0.1 s from /proc; the child's
   ``ru_maxrss`` only for a step too short to sample):

   * ioscope: ``ioscope ingest posts_N.jsonl --format twitter-v1``, then the coordination analysis
     with default parameters for each behaviour alone (co_repost, co_link, co_text, near_text) and
     fused (the four together, the default);
   * coordination-network-toolkit 1.5.2 (MIT): ``compute_networks DB preprocess --format
     twitter_json``, then ``compute_networks DB compute`` co_retweet, co_link, co_tweet and
     co_similar_tweet with ``--time_window`` equal to ioscope's default window for the matching
     behaviour (60, 60, 600, 600 s) and the toolkit's other defaults (``--min_edge_weight 2``,
     ``--similarity_threshold 0.8``);
   * coordinationz 0.2.2 (MIT; needs python-igraph): the steps of its ``pipeline/indicators.py`` with
     the settings of its ``config_template.toml`` (null model with 10,000 realisations, smoothed-log
     IDF, ``minUserDegree = 10``) and the indicators it supports without GPU text models (coretweet,
     courl, cohashtag), merged, with Leiden communities; the time includes reading its CSV.
     coordinationz imports spaCy and NLTK stop words at import time for its ``coword`` indicator,
     which is not run: the child gives it an empty stand-in for ``spacy.load`` and an NLTK stop-word
     file, since neither model can be downloaded offline.

3. **scores the planted groups**: clusters are ioscope's ``cluster_members``, the connected
   components of each toolkit network, coordinationz's communities (clusters of one account are
   dropped). For each planted group, the cluster holding most of its members gives precision
   (members of the group / cluster size) and recall (share of the group in it); a row's P and R are
   averaged over the groups its behaviour targets (co_repost/co_retweet: reposters; co_link:
   linkers; text behaviours: texters; fused: all three kinds). ``cascade`` is the largest share of
   one viral cascade's reposters that falls in a single cluster (organic: should stay small).

4. **prints one table**: tool, behaviour, posts, wall s, peak MiB, P, R, cascade, and ``x ioscope``
   (the peer's wall time divided by ioscope's for the matching behaviour: ingest vs preprocess,
   each behaviour vs the toolkit's network, fused vs coordinationz). A peer that runs past
   ``--timeout`` seconds is stopped and reported as ``timeout``.

Requires ``pip install coordination-network-toolkit==1.5.2 coordinationz==0.2.2`` for the peers
(without them only ioscope is measured).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from _measure import tree_rss_mib  # bench/ is sys.path[0] when run as a script

import orjson

os.environ.setdefault("OMP_NUM_THREADS", "1")

BIN = Path(sys.executable).parent
T0 = datetime(2021, 3, 1, tzinfo=timezone.utc)
TWEPOCH_MS = 1288834974657
WORDS = ("vaccine border election minister protest economy water school energy price report city "
         "village market doctor river police court museum train harbour festival farmer teacher bank "
         "storm bridge garden hospital library council weather match season road factory island "
         "church forest ocean bakery concert ticket airport clinic station tower valley").split()
TAGS = ["news", "covid19", "election", "sport", "weather", "music", "travel", "food", "tech", "health"]
BEHAVIOURS = ("co_repost", "co_link", "co_text", "near_text")
TOOLKIT = {"co_repost": ("co_retweet", 60), "co_link": ("co_link", 60), "co_text": ("co_tweet", 600),
           "near_text": ("co_similar_tweet", 600)}
TARGET = {"co_repost": ("reposters",), "co_link": ("linkers",), "co_text": ("texters",),
          "near_text": ("texters",), "fused": ("reposters", "linkers", "texters")}


# -- the scenario -----------------------------------------------------------------------------------

class _Writer:
    """Writes posts as v1.1 JSON lines and coordinationz CSV rows, with Snowflake IDs."""

    def __init__(self, jsonl: Path, cz_csv: Path):
        self.fh = open(jsonl, "wb")  # noqa: SIM115 - closed in close()
        self.cz = open(cz_csv, "w", newline="", encoding="utf-8")  # noqa: SIM115
        self.czw = csv.writer(self.cz, quoting=csv.QUOTE_NONNUMERIC, escapechar="\\", doublequote=False)
        self.czw.writerow(["tweet_id", "user_id", "tweet_type", "text", "creation_date", "linked_tweet",
                           "linked_tweet_user_id", "urls", "hashtags", "mentioned_users"])
        self.seq = 0
        self.n = 0

    def new_id(self, t: float) -> int:
        self.seq += 1
        ms = int((T0.timestamp() + t) * 1000)
        return ((ms - TWEPOCH_MS) << 22) | (self.seq & 0x3FFFFF)

    @staticmethod
    def user(uid: int) -> dict:
        return {"id": 1_000_000_000 + uid, "id_str": str(1_000_000_000 + uid), "screen_name": f"u{uid}",
                "name": f"Account {uid}"}

    def write(self, tweet: dict, kind: str, linked: dict | None, urls: list[str], tags: list[str]) -> None:
        self.fh.write(orjson.dumps(tweet) + b"\n")
        self.n += 1
        ctype = {"repost": "retweet", "reply": "reply", "original": "tweet"}[kind]
        self.czw.writerow([tweet["id_str"], tweet["user"]["id_str"], ctype, tweet["full_text"],
                           tweet["created_at"], linked["id_str"] if linked else "",
                           linked["user"]["id_str"] if linked else "", repr(urls), repr(tags), "[]"])

    def close(self) -> None:
        self.fh.close()
        self.cz.close()


def _tweet(w: _Writer, uid: int, t: float, text: str, urls: list[str] = (), tags: list[str] = (),
           reply_to: dict | None = None) -> dict:
    tid = w.new_id(t)
    text = text + "".join(f" #{h}" for h in tags) + "".join(f" {u}" for u in urls)
    tw = {"id": tid, "id_str": str(tid), "created_at": (T0 + timedelta(seconds=t)).strftime(
              "%a %b %d %H:%M:%S +0000 %Y"), "full_text": text, "user": w.user(uid), "lang": "en",
          "entities": {"hashtags": [{"text": h} for h in tags], "user_mentions": [],
                       "urls": [{"url": "https://t.co/x", "expanded_url": u} for u in urls]}}
    if reply_to is not None:
        tw["in_reply_to_status_id_str"] = reply_to["id_str"]
        tw["in_reply_to_user_id_str"] = reply_to["user"]["id_str"]
        tw["in_reply_to_screen_name"] = reply_to["user"]["screen_name"]
    w.write(tw, "reply" if reply_to is not None else "original", reply_to, list(urls), list(tags))
    return tw


def _retweet(w: _Writer, uid: int, t: float, orig: dict) -> None:
    tid = w.new_id(t)
    tw = {"id": tid, "id_str": str(tid), "created_at": (T0 + timedelta(seconds=t)).strftime(
              "%a %b %d %H:%M:%S +0000 %Y"),
          "full_text": f"RT @{orig['user']['screen_name']}: {orig['full_text']}"[:280],
          "user": w.user(uid), "lang": "en", "entities": orig["entities"], "retweeted_status": orig}
    w.write(tw, "repost", orig, [], [])


def generate(work: Path, n: int) -> dict:
    """Write ``posts_{n}.jsonl``, ``posts_{n}_cz.csv`` and ``truth_{n}.json`` under ``work`` (about
    ``n`` posts; deterministic); returns the truth: {kind: [[account ids], ...], "cascade": [...]}."""
    rng = random.Random(n)
    k = max(1, n // 100_000)
    span = 7 * 86400.0 * n / 200_000  # constant density: 200k posts a week
    w = _Writer(work / f"posts_{n}.jsonl", work / f"posts_{n}_cz.csv")

    def sentence(m: int = 12) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(m)) + f" {rng.randrange(10**6)}"

    # budget: cascades 3000 each, planted groups about 2,200 posts per set of three, the rest organic
    planted_budget = k * (3000 + 2300)
    n_org_posts = max(n - planted_budget, n // 2)
    n_acc = max(n // 40, 1000)
    rates = [(20.0 if rng.random() < 0.01 else 1.0) * rng.lognormvariate(0, 0.8) for _ in range(n_acc)]
    total = sum(rates)
    popular: list[tuple[dict, float]] = []
    events: list[tuple[float, int, str]] = []
    for uid, r in enumerate(rates):
        for _ in range(max(1, round(r / total * n_org_posts))):
            events.append((rng.uniform(0, span), uid, rng.choice("ooooorrrp")))
    events.sort()
    next_uid = n_acc
    for t, uid, what in events:
        if what == "o" or not popular:
            x = rng.random()
            urls, tags = [], rng.sample(TAGS, rng.choice((0, 0, 1, 2)))
            if x < 0.35:
                url = f"https://news{rng.randrange(200)}.example/story/{rng.randrange(5000)}"
                if rng.random() < 0.3:
                    url += "?utm_source=twitter"
                urls = [url]
            tw = _tweet(w, uid, t, sentence(rng.randint(8, 16)), urls, tags)
            if len(popular) < 3000:
                popular.append((tw, t))
            elif rng.random() < 0.02:
                popular[rng.randrange(len(popular))] = (tw, t)
        elif what == "r":
            j = min(int(rng.paretovariate(0.8)) - 1, len(popular) - 1)
            orig, t0 = popular[-1 - j]
            _retweet(w, uid, t0 + rng.expovariate(1 / 10800.0), orig)
        else:
            orig, _ = popular[rng.randrange(len(popular))]
            _tweet(w, uid, t, sentence(8), reply_to=orig)
    truth: dict[str, list[list[str]]] = {"reposters": [], "linkers": [], "texters": [], "cascade": []}
    user_id = lambda uid: str(1_000_000_000 + uid)  # noqa: E731

    def cover(uids: list[int]) -> None:
        for uid in uids:
            for _ in range(rng.randint(2, 8)):
                _tweet(w, uid, rng.uniform(0, span), sentence())
            for _ in range(rng.randint(1, 4)):
                orig, t0 = popular[rng.randrange(len(popular))]
                _retweet(w, uid, t0 + rng.expovariate(1 / 10800.0), orig)

    for g in range(k):
        # a viral organic cascade: 3,000 unrelated accounts repost one post over hours
        root = _tweet(w, rng.randrange(n_acc), span * (g + 0.5) / k, sentence())
        t_root = span * (g + 0.5) / k
        fans = rng.sample(range(n_acc), min(3000, n_acc))
        for uid in fans:
            _retweet(w, uid, t_root + rng.expovariate(1 / 7200.0), root)
        truth["cascade"].append([user_id(u) for u in fans])
        # co-reposting around one account
        reps = list(range(next_uid, next_uid + 25))
        leader = next_uid + 25
        next_uid += 26
        cover(reps)
        for _ in range(30):
            t0 = rng.uniform(0, span)
            lp = _tweet(w, leader, t0, sentence())
            for uid in reps:
                if rng.random() < 0.8:
                    _retweet(w, uid, t0 + rng.uniform(5, 90), lp)
        truth["reposters"].append([user_id(u) for u in reps])
        # link sharing within seconds, each copy with its own tracking suffix
        lks = list(range(next_uid, next_uid + 20))
        next_uid += 20
        cover(lks)
        for j in range(15):
            t0 = rng.uniform(0, span)
            base = f"https://campaign{g}.example/Path_(issue)/{j}"
            for uid in lks:
                if rng.random() < 0.8:
                    url = f"{base}?utm_source=u{uid}&utm_medium=social&fbclid={rng.randrange(10**9)}"
                    _tweet(w, uid, t0 + rng.uniform(0, 20), sentence(6), [url])
        truth["linkers"].append([user_id(u) for u in lks])
        # near-identical text within minutes
        txs = list(range(next_uid, next_uid + 15))
        next_uid += 15
        cover(txs)
        burst = rng.uniform(0, span - 600)
        templates = [sentence(14) for _ in range(3)]
        for uid in txs:
            for tpl in templates:
                for _ in range(2):
                    words = tpl.split()
                    words[rng.randrange(len(words))] = rng.choice(WORDS)
                    _tweet(w, uid, burst + rng.uniform(0, 600), " ".join(words))
        truth["texters"].append([user_id(u) for u in txs])
    w.close()
    truth["n_posts"] = w.n
    (work / f"truth_{n}.json").write_text(json.dumps(truth))
    return truth


# -- measuring --------------------------------------------------------------------------------------

@dataclass
class Run:
    tool: str
    behaviour: str
    n: int
    seconds: float
    peak_mib: float
    rc: int
    timed_out: bool = False
    precision: float | None = None
    recall: float | None = None
    cascade: float | None = None
    ordinary: tuple[int, int] | None = None
    detail: dict = field(default_factory=dict)


def measure(cmd: list[str], log: Path, timeout: float | None) -> tuple[float, float, int, bool]:
    """Run ``cmd`` as a child: (wall seconds, peak RSS MiB of its process tree, exit status, timed out)."""
    with open(log, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                env=dict(os.environ, COLUMNS="200", TERM="dumb", OMP_NUM_THREADS="1"))
        peak, timed_out = 0.0, False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, tree_rss_mib(proc.pid))
            if timeout and time.perf_counter() - started > timeout and not timed_out:
                timed_out = True
                os.killpg(proc.pid, 9)
            time.sleep(0.1)
        seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss only when sampling caught nothing (a step shorter than 0.1 s): Linux carries the
    # forking parent's resident peak into the child's ru_maxrss across exec, and this parent holds
    # the peers' networks while it scores them (12 million co_retweet edges at 1M posts = 3.2 GB)
    return seconds, peak if peak > 0 else usage.ru_maxrss / 1024, proc.returncode, timed_out


def _score(clusters: list[list[str]], truth: dict,
           kinds: tuple[str, ...]) -> tuple[float, float, float, dict]:
    """Mean precision and recall over the planted groups of ``kinds``, the largest cascade share, and
    per-kind detail."""
    sets = [set(c) for c in clusters if len(c) >= 2]
    detail, ps, rs = {}, [], []
    for kind in kinds:
        kp, kr = [], []
        for group in truth[kind]:
            g = set(group)
            best = max(((len(c & g), len(c)) for c in sets), default=(0, 0))
            kp.append(best[0] / best[1] if best[0] else 0.0)
            kr.append(best[0] / len(g))
        detail[kind] = (sum(kp) / len(kp), sum(kr) / len(kr))
        ps += kp
        rs += kr
    casc = max((len(c & set(f)) / len(f) for f in truth["cascade"] for c in sets), default=0.0)
    return sum(ps) / len(ps), sum(rs) / len(rs), casc, detail


def _components(edges: list[tuple[str, str]]) -> list[list[str]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    comps: dict[str, list[str]] = {}
    for x in parent:
        comps.setdefault(find(x), []).append(x)
    return list(comps.values())


# -- the trials (run in child processes) -------------------------------------------------------------

def trial_ioscope(db: str, behaviours: str, out: str, null: str = "shuffle",
                  correction: str = "default") -> None:
    """Child: ioscope's coordination analysis with default parameters (null model ``null``, multiple
    testing ``correction``, "default" = the null's own); writes clusters and edges to ``out``."""
    from ioscope.analyses.coordination import Coordination
    from ioscope.store import Store

    with Store(db, read_only=True) as store:
        r = Coordination(behaviours=tuple(behaviours.split(",")), null=null,
                         correction=None if correction == "default" else correction).run(store)
    cm = r.tables["cluster_members"]
    clusters = [list(g["account_id"]) for _, g in cm.groupby("cluster_id")]
    e = r.tables["edges"]
    Path(out).write_text(json.dumps({"clusters": clusters, "n_edges": len(e),
                                     "edges": list(zip(e["account_a"], e["account_b"], strict=True))}))


def ordinary(result: dict, truth: dict) -> tuple[int, int]:
    """(edges between two ordinary accounts, clusters without any planted account): false positives,
    since the organic background has no coordination by construction."""
    planted = {a for k in ("reposters", "linkers", "texters") for g in truth[k] for a in g}
    n_e = sum(1 for a, b in result.get("edges", []) if a not in planted and b not in planted)
    n_c = sum(1 for c in result["clusters"] if not set(c) & planted)
    return n_e, n_c


def trial_cz(csv_path: str, work: str, out: str) -> None:
    """Child: coordinationz's indicators pipeline (pipeline/indicators.py) with config_template.toml."""
    import types

    nltk_dir = Path(work) / "nltk_data" / "corpora" / "stopwords"
    nltk_dir.mkdir(parents=True, exist_ok=True)
    (nltk_dir / "english").write_text("a\nan\nthe\nand\nof\nto\nin\n")
    os.environ["NLTK_DATA"] = str(Path(work) / "nltk_data")
    sys.modules.setdefault("spacy", types.SimpleNamespace(load=lambda *a, **k: None))  # coword only
    import multiprocessing as mp

    mp.set_start_method("spawn", force=True)
    cfg_dir = Path(work) / "cz"
    config = {
        "paths": {"PREPROCESSED_DATASETS": str(Path(csv_path).parent), "NETWORKS": str(cfg_dir / "net"),
                  "FIGURES": str(cfg_dir / "fig"), "TABLES": str(cfg_dir / "tab"),
                  "CONFIGS": str(cfg_dir / "cfg")},
        "nullmodel": {"realizations": 10_000, "scoreType": ["zscore", "pvalue-quantized"],
                      "pvaluesQuantized": [0.0001, 0.0002, 0.0005, 0.001, 0.005, 0.002, 0.01, 0.02, 0.05,
                                           0.1, 0.25, 0.5],
                      "batchSize": 100, "idf": "smoothlog", "workers": -1, "minSimilarity": 0.1},
        "indicator": {"minUserDegree": 10, "minUserStrength": 1, "minItemDegree": 1, "minItemStrength": 1,
                      "pvalueThreshold": 0.01},
        "merging": {"method": "pvalue"},
    }
    import coordinationz as cz
    import coordinationz.communities as czcom
    import coordinationz.indicator_utilities as czind
    import coordinationz.network as cznet
    import coordinationz.preprocess_utilities as czpre

    indicators = ["coretweet", "courl", "cohashtag"]
    bipartite = {"coretweet": czind.obtainBipartiteEdgesRetweets, "courl": czind.obtainBipartiteEdgesURLs,
                 "cohashtag": czind.obtainBipartiteEdgesHashtags}
    params = czind.parseParameters(config, indicators)
    df = czpre.loadPreprocessedData(Path(csv_path).stem, config=config)
    networks = {}
    for name in indicators:
        dff = czind.filterUsersByMinActivities(df, activityType=name, **params["user"][name])
        edges = bipartite[name](dff)
        if not edges:
            continue
        edges = czind.filterNodes(edges, **params["filter"][name])
        if not edges:
            continue
        null = cz.nullmodel.bipartiteNullModelSimilarity(edges, returnDegreeSimilarities=False,
                                                         returnDegreeValues=True, showProgress=False,
                                                         **params["nullmodel"][name])
        g = cznet.createNetworkFromNullModelOutput(null, showProgress=False, **params["network"][name])
        g = cznet.removeSingletons(g)
        networks[name] = cznet.thresholdNetwork(g, **params["threshold"][name])
    merged = czind.mergeNetworks(networks, **params["merging"])
    clusters: list[list[str]] = []
    for threshold in params["output"]["thresholds"][:1]:  # the first (0.95) output threshold
        merged = cznet.thresholdNetwork(merged, {params["output"]["thresholdAttribute"]: threshold})
        merged = cznet.removeSingletons(merged)
        if merged.vcount():
            merged = czcom.getNetworksWithCommunities(merged.copy())
            by: dict[int, list[str]] = {}
            for label, c in zip(merged.vs["Label"], merged.vs["CommunityIndex"], strict=True):
                by.setdefault(c, []).append(str(label))
            clusters = list(by.values())
    Path(out).write_text(json.dumps({"clusters": clusters, "n_edges": merged.ecount()}))


def write_canonical_urls(src: Path, dst: Path) -> None:
    """Copy the tweets of ``src`` to ``dst`` with every ``expanded_url`` (the post's and its
    retweeted post's) replaced by its canonical form (:func:`ioscope.canon.canonical_url`)."""
    from ioscope.canon import canonical_url

    def fix(tw: dict | None) -> None:
        for u in ((tw or {}).get("entities") or {}).get("urls") or []:
            u["expanded_url"] = canonical_url(u.get("expanded_url"))

    with src.open("rb") as fin, dst.open("w", encoding="utf-8") as fout:
        for line in fin:
            tw = json.loads(line)
            fix(tw)
            fix(tw.get("retweeted_status"))
            fout.write(json.dumps(tw, ensure_ascii=False) + "\n")


# -- the driver -------------------------------------------------------------------------------------

def _self(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), *args]


def bench_size(n: int, work: Path, args: argparse.Namespace) -> list[Run]:
    data, cz_csv, truth_path = work / f"posts_{n}.jsonl", work / f"posts_{n}_cz.csv", work / f"truth_{n}.json"
    if not truth_path.exists():
        t = time.perf_counter()
        generate(work, n)
        print(f"generated {n:,} posts ({data.stat().st_size / 2**20:,.0f} MiB) in "
              f"{time.perf_counter() - t:.0f} s", flush=True)
    truth = json.loads(truth_path.read_text())
    npost = truth["n_posts"]
    runs: list[Run] = []

    def report(r: Run) -> None:
        runs.append(r)
        extra = f" P={r.precision:.2f} R={r.recall:.2f}" if r.recall is not None else ""
        if r.ordinary is not None:
            extra += f" ordinary edges={r.ordinary[0]} clusters={r.ordinary[1]}"
        state = "timeout" if r.timed_out else f"rc={r.rc}"
        print(f"  {r.tool:<13} {r.behaviour:<20} {r.seconds:8.1f} s {r.peak_mib:7.0f} MiB {state}{extra}",
              flush=True)

    # ioscope
    db = work / f"ioscope_{n}.duckdb"
    if not args.only_peers:
        if not (args.reuse_db and db.exists()):
            db.unlink(missing_ok=True)
            s, m, rc, to = measure([str(BIN / "ioscope"), "ingest", str(data), "--db", str(db),
                                    "--format", "twitter-v1"], work / f"ioscope_ingest_{n}.log", None)
            report(Run("ioscope", "ingest", npost, s, m, rc, to))
        for beh in (*BEHAVIOURS, "fused"):
            if args.behaviours and beh not in args.behaviours:
                continue
            out = work / f"ioscope_{n}_{beh}.json"
            which = ",".join(BEHAVIOURS) if beh == "fused" else beh
            s, m, rc, to = measure(_self("--_trial", "ioscope", str(db), which, str(out), args.null,
                                         args.correction),
                                   work / f"ioscope_{n}_{beh}.log", None)
            r = Run("ioscope", beh, npost, s, m, rc, to)
            if rc == 0:
                res = json.loads(out.read_text())
                r.precision, r.recall, r.cascade, r.detail = _score(res["clusters"], truth, TARGET[beh])
                r.ordinary = ordinary(res, truth)
            report(r)
    # coordination-network-toolkit
    exe = shutil.which("compute_networks", path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if exe and not args.no_toolkit:
        sq = work / f"cnt_{n}.sqlite"
        sq.unlink(missing_ok=True)
        s, m, rc, to = measure([exe, str(sq), "preprocess", "--format", "twitter_json", str(data)],
                               work / f"cnt_pre_{n}.log", args.timeout)
        report(Run("toolkit", "preprocess", npost, s, m, rc, to))
        for beh in BEHAVIOURS:
            if args.behaviours and beh not in args.behaviours:
                continue
            net, window = TOOLKIT[beh]
            s, m, rc, to = measure([exe, str(sq), "compute", net, "--time_window", str(window),
                                    "--n_cpus", str(os.cpu_count() or 1)],
                                   work / f"cnt_{n}_{net}.log", args.timeout)
            r = Run("toolkit", net, npost, s, m, rc, to)
            if rc == 0 and not to:
                with sqlite3.connect(sq) as con:
                    edges = con.execute(f"SELECT user_1, user_2 FROM {net}_network "
                                        "WHERE user_1 <> user_2").fetchall()
                r.precision, r.recall, r.cascade, r.detail = _score(
                    _components([(str(a), str(b)) for a, b in edges]), truth, TARGET[beh])
            report(r)
        if not args.behaviours or "co_link" in args.behaviours:
            # The same network on the links ioscope compares (tracking suffixes stripped by
            # ioscope.canon before the toolkit sees them): equal work for the speed ratio, since on
            # the raw links every campaign copy is a different string and the toolkit's join is
            # nearly empty (and finds none of the linkers).
            canon = work / f"posts_{n}_canonical_urls.jsonl"
            if not canon.exists():
                write_canonical_urls(data, canon)
            sqc = work / f"cnt_{n}_canonical_urls.sqlite"
            sqc.unlink(missing_ok=True)
            measure([exe, str(sqc), "preprocess", "--format", "twitter_json", str(canon)],
                    work / f"cnt_pre_{n}_canonical_urls.log", args.timeout)
            net, window = TOOLKIT["co_link"]
            s, m, rc, to = measure([exe, str(sqc), "compute", net, "--time_window", str(window),
                                    "--n_cpus", str(os.cpu_count() or 1)],
                                   work / f"cnt_{n}_{net}_canonical_urls.log", args.timeout)
            r = Run("toolkit", "co_link (canonical)", npost, s, m, rc, to)
            if rc == 0 and not to:
                with sqlite3.connect(sqc) as con:
                    edges = con.execute(f"SELECT user_1, user_2 FROM {net}_network "
                                        "WHERE user_1 <> user_2").fetchall()
                r.precision, r.recall, r.cascade, r.detail = _score(
                    _components([(str(a), str(b)) for a, b in edges]), truth, TARGET["co_link"])
            report(r)
    # coordinationz
    if not args.no_cz and (not args.behaviours or "fused" in args.behaviours):
        try:
            import coordinationz  # noqa: F401
            have_cz = True
        except Exception:  # noqa: BLE001 - an import error of any kind means: not available
            have_cz = False
        if have_cz:
            out = work / f"cz_{n}.json"
            s, m, rc, to = measure(_self("--_trial", "cz", str(cz_csv), str(work), str(out)),
                                   work / f"cz_{n}.log", args.timeout)
            r = Run("coordinationz", "fused", npost, s, m, rc, to)
            if rc == 0 and not to:
                r.precision, r.recall, r.cascade, r.detail = _score(
                    json.loads(out.read_text())["clusters"], truth, TARGET["fused"])
            report(r)
    return runs


_MATCH = {"preprocess": "ingest", "co_retweet": "co_repost", "co_link": "co_link",
          "co_link (canonical)": "co_link", "co_tweet": "co_text",
          "co_similar_tweet": "near_text", "fused": "fused"}


def print_table(runs: list[Run]) -> None:
    print()
    head = (f"{'tool':<14} {'behaviour':<20} {'posts':>10} {'wall s':>9} {'peak MiB':>9} {'P':>5} {'R':>5} "
            f"{'cascade':>7} {'x ioscope':>10}")
    print(head)
    print("-" * len(head))
    for r in runs:
        ratio = ""
        if r.tool != "ioscope":
            base = next((x for x in runs if x.tool == "ioscope" and x.n == r.n
                         and x.behaviour == _MATCH.get(r.behaviour) and x.rc == 0), None)
            if base:
                ratio = (">" if r.timed_out else "") + f"{r.seconds / base.seconds:.1f}"
        wall = f"{'>' if r.timed_out else ''}{r.seconds:.1f}" if r.rc == 0 or r.timed_out else "failed"
        pr = (f"{r.precision:>5.2f} {r.recall:>5.2f} {r.cascade:>7.2f}" if r.recall is not None
              else f"{'':>5} {'':>5} {'':>7}")
        print(f"{r.tool:<14} {r.behaviour:<20} {r.n:>10,} {wall:>9} {r.peak_mib:>9.0f} {pr} {ratio:>10}")
    print()
    print("x ioscope: the peer's wall time / ioscope's for the same behaviour (ingest for preprocess; "
          "ioscope fused for coordinationz); '>' = stopped at --timeout.")
    for r in runs:
        if r.detail and r.tool != "ioscope" or r.behaviour == "fused":
            parts = ", ".join(f"{k} P={p:.2f} R={rc:.2f}" for k, (p, rc) in r.detail.items())
            if parts:
                print(f"  {r.tool} {r.behaviour} N={r.n:,}: {parts}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[200_000],
                    help="posts per scenario (default 200000)")
    ap.add_argument("--keep", type=Path, default=None, help="folder for inputs, stores and logs (kept; "
                                                             "an existing scenario there is reused)")
    ap.add_argument("--timeout", type=float, default=1200.0, help="seconds before a peer step is stopped")
    ap.add_argument("--behaviours", nargs="*", default=None, help="subset of co_repost co_link co_text "
                                                                   "near_text fused")
    ap.add_argument("--no-toolkit", action="store_true")
    ap.add_argument("--no-cz", action="store_true")
    ap.add_argument("--null", default="shuffle",
                    help="ioscope's null model (shuffle, relabel, object, shuffle_mc)")
    ap.add_argument("--correction", default="default",
                    help="ioscope's multiple-testing correction (bonferroni, fdr, none; default: the "
                         "null's own: none for shuffle, bonferroni for relabel/object)")
    ap.add_argument("--reuse-db", action="store_true", help="reuse ioscope's store from an earlier run "
                                                            "in --keep (no ingest)")
    ap.add_argument("--only-peers", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--_trial", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args._trial:
        kind, *rest = args._trial
        (trial_ioscope if kind == "ioscope" else trial_cz)(*rest)
        return 0
    work = args.keep or Path(tempfile.mkdtemp(prefix="ioscope-coord-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"work folder {work}; {os.cpu_count()} CPUs", flush=True)
    runs: list[Run] = []
    try:
        for n in args.sizes:
            runs += bench_size(n, work, args)
        print_table(runs)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if all(r.rc == 0 or r.timed_out for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
