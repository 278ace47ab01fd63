"""Ingest throughput and memory: ``ioscope ingest`` beside coordination-network-toolkit's ``preprocess``.

Usage::

    python bench/ingest.py                      # 100,000 tweets
    python bench/ingest.py 100000 300000        # several sizes: shows whether memory is flat in N
    python bench/ingest.py 1000000 --keep /tmp/b  # keep the generated files and stores

What it does, per size N (default 100,000; up to 1,000,000):

1. writes N invented X/Twitter API v1.1 tweet objects as JSON lines (``generate``): about 60 %
   originals, 22 % retweets carrying the full ``retweeted_status``, 10 % quotes with ``quoted_status``,
   8 % replies; ``entities`` (hashtags, mentions, URLs), ``user`` objects, 64-bit IDs with their
   ``id_str`` twins, ``created_at`` in the v1.1 layout. Deterministic (seeded by N);
2. runs ``ioscope ingest FILE --db X.duckdb --format twitter-v1`` and ``compute_networks X.sqlite
   preprocess --format twitter_json FILE`` (coordination-network-toolkit, MIT) each as its own
   subprocess, so that each one's memory is its own, measuring wall time and the peak resident set
   (``ru_maxrss`` of that child, from ``os.wait4``);
3. counts what each stored (ioscope: collected posts; toolkit: rows of its ``edge`` table) so that a
   fast tool that drops records is visible;
4. prints one table: posts/s, peak RSS (MiB), rows stored, and ioscope/toolkit ratios.

The toolkit is optional: without ``compute_networks`` on PATH (``pip install
coordination-network-toolkit``) only ioscope is measured.

Measured (2 shared cores, lightly loaded this time, so both tools ran faster than in earlier
measurements on a busier machine; wall times are noisy; 2026-11-30, after issue #3):

=========  =======================  =============  ====================  ===========
N          ioscope s (posts/s)      peak RSS MiB   toolkit s (posts/s)   peak MiB
=========  =======================  =============  ====================  ===========
100,000    6.0 (16,778)             492            2.5 (40,014)          73
1,000,000  53.3 (18,754)            566            24.9 (40,169)         77
=========  =======================  =============  ====================  ===========

ioscope is 0.42x the toolkit's throughput at 100k and 0.47x at 1M. Goal: >= 5x (not met); memory flat
in N: met (1.15x the peak RSS for 10x the tweets; before issue #3: 547 -> 1,155 MiB). What had grown:
DuckDB keeps every Python object handed to ``con.register`` alive until the transaction ends, so all of
a file's Arrow batches (~8 MiB per 20,000 tweets, ``pyarrow.total_allocated_bytes()``) stayed in
memory until the file's commit; the store now hands batches over with ``from_arrow(...).insert_into``.
DuckDB's own memory (``duckdb_memory()``) stays at ~173 MB under its 192 MB ingest limit; the file's
uncommitted rows beyond it spill to ``<store>.tmp`` (~1.1 GB per million tweets, freed at the commit).
Per tweet (CPU time, measured earlier): orjson ~3.6 us, the v1.1 mapping ~13.5 us, dicts -> Arrow
~6 us per row, DuckDB merge the rest; ~1.5 s of start-up (the CLI imports the analyses, scipy
included).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson

BIN = Path(sys.executable).parent
BASE_ID = 1242750000000000000  # 64-bit tweet IDs, above 2**53 (case 03)
N_USERS = 5000
DOMAINS = ["news-site.example", "state-media.example", "blog.example", "video.example", "shop.example"]
TAGS = ["Topic_A", "Topic_B", "COVID19", "Wuhan", "Новости", "中国", "Health", "Election"]
WORDS = ("the of and to in is for on with as by at from this that be are was it its an or we "
         "ministry spokesperson embassy virus outbreak report official statement press people "
         "world health united states china russia iran news today").split()
T0 = datetime(2020, 3, 1, tzinfo=timezone.utc)


def _v1_time(t: datetime) -> str:
    return t.strftime("%a %b %d %H:%M:%S +0000 %Y")


def _user(uid: int) -> dict:
    return {
        "id": 1000000000 + uid, "id_str": str(1000000000 + uid), "name": f"Account {uid}",
        "screen_name": f"acct_{uid:05d}", "location": "", "description": "invented account for a benchmark",
        "url": None, "protected": False, "verified": uid % 97 == 0,
        "followers_count": (uid * 37) % 100000, "friends_count": (uid * 11) % 5000,
        "listed_count": uid % 50, "favourites_count": uid % 1000, "statuses_count": uid * 3,
        "created_at": "Thu Jan 24 03:18:59 +0000 2013", "lang": None, "geo_enabled": False,
        "profile_image_url_https": f"https://pbs.twimg.example/profile_images/{uid}/p.jpg",
    }


def _body(rng: random.Random, tid: int, uid: int, when: datetime) -> dict:
    """An original tweet object with text and entities consistent with each other."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 30))]
    tags = rng.sample(TAGS, rng.randint(0, 2))
    mentions = [rng.randrange(N_USERS) for _ in range(rng.randint(0, 2))]
    n_urls = rng.choice((0, 0, 1, 1, 2))
    text = " ".join(words)
    hashtags, user_mentions, urls = [], [], []
    for tag in tags:
        start = len(text) + 1
        text += f" #{tag}"
        hashtags.append({"text": tag, "indices": [start, start + len(tag) + 1]})
    for m in mentions:
        start = len(text) + 1
        text += f" @acct_{m:05d}"
        user_mentions.append({"screen_name": f"acct_{m:05d}", "name": f"Account {m}",
                              "id": 1000000000 + m, "id_str": str(1000000000 + m),
                              "indices": [start, start + 11]})
    for _ in range(n_urls):
        short = f"https://t.co/{rng.getrandbits(40):010x}"
        dom = rng.choice(DOMAINS)
        expanded = f"https://{dom}/a/{rng.randrange(20000)}?utm_source=twitter"
        start = len(text) + 1
        text += f" {short}"
        urls.append({"url": short, "expanded_url": expanded, "display_url": expanded[8:30] + "…",
                     "indices": [start, start + len(short)]})
    return {
        "created_at": _v1_time(when), "id": tid, "id_str": str(tid), "full_text": text,
        "truncated": False, "display_text_range": [0, len(text)],
        "entities": {"hashtags": hashtags, "symbols": [], "user_mentions": user_mentions, "urls": urls},
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "in_reply_to_status_id": None, "in_reply_to_status_id_str": None,
        "in_reply_to_user_id": None, "in_reply_to_user_id_str": None, "in_reply_to_screen_name": None,
        "user": _user(uid), "geo": None, "coordinates": None, "place": None, "contributors": None,
        "is_quote_status": False, "retweet_count": rng.randrange(500), "favorite_count": rng.randrange(2000),
        "favorited": False, "retweeted": False, "possibly_sensitive": False, "lang": "en",
    }


def generate(path: Path, n: int) -> None:
    """Write ``n`` v1.1 tweets as JSON lines to ``path`` (deterministic for a given ``n``)."""
    rng = random.Random(n)
    originals: list[dict] = []  # a pool of earlier originals to retweet and quote
    with open(path, "wb") as fh:
        for i in range(n):
            tid = BASE_ID + i * 4096 + rng.randrange(4096)
            uid = rng.randrange(N_USERS)
            when = T0 + timedelta(seconds=i * 3 + rng.randrange(3))
            r = rng.random()
            if r < 0.22 and originals:
                orig = rng.choice(originals)
                t = _body(rng, tid, uid, when)
                handle = orig["user"]["screen_name"]
                t["full_text"] = f"RT @{handle}: {orig['full_text']}"[:140]
                t["entities"] = orig["entities"]
                t["retweeted_status"] = orig
                t["retweet_count"] = orig["retweet_count"]
                t["favorite_count"] = 0
            elif r < 0.32 and originals:
                quoted = rng.choice(originals)
                t = _body(rng, tid, uid, when)
                t["is_quote_status"] = True
                t["quoted_status_id"] = quoted["id"]
                t["quoted_status_id_str"] = quoted["id_str"]
                t["quoted_status"] = quoted
                link = f"https://twitter.com/{quoted['user']['screen_name']}/status/{quoted['id_str']}"
                t["quoted_status_permalink"] = {"url": "https://t.co/q", "expanded": link, "display": link[8:]}
            elif r < 0.40 and originals:
                parent = rng.choice(originals)
                t = _body(rng, tid, uid, when)
                t["in_reply_to_status_id"] = parent["id"]
                t["in_reply_to_status_id_str"] = parent["id_str"]
                t["in_reply_to_user_id"] = parent["user"]["id"]
                t["in_reply_to_user_id_str"] = parent["user"]["id_str"]
                t["in_reply_to_screen_name"] = parent["user"]["screen_name"]
            else:
                t = _body(rng, tid, uid, when)
                if len(originals) < 2000:
                    originals.append(t)
                elif rng.random() < 0.05:
                    originals[rng.randrange(len(originals))] = t
            fh.write(orjson.dumps(t) + b"\n")


@dataclass
class Run:
    tool: str
    n: int
    seconds: float
    peak_rss_mib: float
    stored: int
    rc: int


def _measure(cmd: list[str], log: Path) -> tuple[float, float, int]:
    """Run ``cmd`` as a child; return (wall seconds, peak RSS of that child in MiB, exit status)."""
    with open(log, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                env=dict(os.environ, COLUMNS="200", TERM="dumb"))
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, proc.returncode  # Linux: ru_maxrss in KiB


def run_ioscope(data: Path, work: Path, n: int) -> Run:
    import duckdb

    db = work / f"ioscope_{n}.duckdb"
    db.unlink(missing_ok=True)
    cmd = [str(BIN / "ioscope"), "ingest", str(data), "--db", str(db), "--format", "twitter-v1"]
    seconds, rss, rc = _measure(cmd, work / f"ioscope_{n}.log")
    stored = -1
    if rc == 0:
        with duckdb.connect(str(db), read_only=True) as con:
            stored = con.execute("SELECT count(*) FROM posts WHERE collected").fetchone()[0]
    return Run("ioscope ingest", n, seconds, rss, stored, rc)


def run_toolkit(data: Path, work: Path, n: int) -> Run | None:
    exe = shutil.which("compute_networks", path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if exe is None:
        return None
    db = work / f"cnt_{n}.sqlite"
    db.unlink(missing_ok=True)
    cmd = [exe, str(db), "preprocess", "--format", "twitter_json", str(data)]
    seconds, rss, rc = _measure(cmd, work / f"cnt_{n}.log")
    stored = -1
    if rc == 0:
        with sqlite3.connect(db) as con:
            stored = con.execute("SELECT count(*) FROM edge").fetchone()[0]
    return Run("coordination-network-toolkit preprocess", n, seconds, rss, stored, rc)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[100_000],
                    help="numbers of tweets to generate (default 100000; at most 1000000)")
    ap.add_argument("--keep", type=Path, default=None, help="folder for inputs and stores (kept)")
    ap.add_argument("--no-toolkit", action="store_true", help="measure ioscope only")
    args = ap.parse_args(argv)
    if any(not 1 <= n <= 1_000_000 for n in args.sizes):
        ap.error("sizes must be between 1 and 1,000,000")
    work = args.keep or Path(tempfile.mkdtemp(prefix="ioscope-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    runs: list[Run] = []
    try:
        for n in args.sizes:
            data = work / f"tweets_{n}.jsonl"
            t = time.perf_counter()
            generate(data, n)
            print(f"generated {n:,} tweets ({data.stat().st_size / 2**20:,.0f} MiB) "
                  f"in {time.perf_counter() - t:.1f} s", flush=True)
            runs.append(run_ioscope(data, work, n))
            print(f"  ioscope: {runs[-1].seconds:.1f} s", flush=True)
            if not args.no_toolkit:
                tk = run_toolkit(data, work, n)
                if tk is not None:
                    runs.append(tk)
                    print(f"  toolkit: {tk.seconds:.1f} s", flush=True)
            if args.keep is None:
                data.unlink()
        _print_table(runs)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if all(r.rc == 0 for r in runs) else 1


def _print_table(runs: list[Run]) -> None:
    print()
    print(f"{'tool':<42} {'N':>9} {'seconds':>8} {'posts/s':>9} {'peak RSS MiB':>13} {'stored':>9} {'rc':>3}")
    for r in runs:
        print(f"{r.tool:<42} {r.n:>9,} {r.seconds:>8.1f} {r.n / r.seconds:>9,.0f} "
              f"{r.peak_rss_mib:>13,.0f} {r.stored:>9,} {r.rc:>3}")
    print()
    by_n: dict[int, dict[str, Run]] = {}
    for r in runs:
        by_n.setdefault(r.n, {})[r.tool.split()[0]] = r
    for n, pair in sorted(by_n.items()):
        io_run, tk = pair.get("ioscope"), pair.get("coordination-network-toolkit")
        if io_run and tk:
            print(f"N={n:,}: ioscope throughput = {tk.seconds / io_run.seconds:.2f} x the toolkit's; "
                  f"peak RSS = {io_run.peak_rss_mib / tk.peak_rss_mib:.2f} x; "
                  f"stored {io_run.stored:,} vs {tk.stored:,} of {n:,}")
    io_runs = [r for r in runs if r.tool.startswith("ioscope")]
    if len(io_runs) >= 2:
        a, b = io_runs[0], io_runs[-1]
        print(f"ioscope peak RSS: {a.peak_rss_mib:,.0f} MiB at N={a.n:,}, {b.peak_rss_mib:,.0f} MiB at "
              f"N={b.n:,} ({b.peak_rss_mib / a.peak_rss_mib:.2f} x for {b.n / a.n:.1f} x the posts)")


if __name__ == "__main__":
    sys.exit(main())
