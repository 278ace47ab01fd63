"""Narratives benchmark: quality on labelled real data, and speed beside BERTopic.

Usage (OMP_NUM_THREADS=1 is set here; figures go to stdout)::

    python bench/narratives.py quality [--sample 4000] [--cache /tmp/nar_eval.duckdb]
    python bench/narratives.py speed --posts 100000 --base DEMO_STORE \
        [--bertopic-python /tmp/btenv/bin/python] [--bertopic-timeout SECONDS]

``quality``: discovery (ioscope defaults) on claim texts with labels a person assigned, scored with
normalised mutual information (NMI, arithmetic mean; scikit-learn) and adjusted Rand index, beside
k-means with the same number of clusters on the same vectors (a reference point, not a competitor):

* EUvsDisinfo cases (``../shared/data/euvsdisinfo-cases-2021-02/posts.csv``, EEAS East StratCom,
  scraped by cknabs/EUvsDisinfo): claim titles; label = the case's first listed keyword (the
  editors' keywords are a set; the first one is the most specific in most cases read).
* IFCN #CoronaVirusFacts (``../shared/data/poynter-coronavirusfacts-scrape/data.csv``, Poynter):
  fact-checked claim texts; label = ``Category`` (Authorities, Cures, Conspiracy theory, Spread,
  Causes, Symptoms, Other; spelling variants folded).

A seeded sample of ``--sample`` distinct texts per set is embedded (e5-small; cached in ``--cache``).
NMI is computed over the texts discovery put in a narrative ("clustered") and over all texts with
noise as one extra class ("all").

``speed``: a synthetic store of ``--posts`` posts, half of them reposts, whose distinct texts are
variants of the scale-0.2 demo's texts with vectors = the demo text's e5 vector plus seeded noise,
written straight into the embedding cache (so the pass measures everything but the model). It
times the whole narratives pass (discovery, labels, identity, tracking; catalog off) in a
subprocess and records its peak memory (``ru_maxrss``), then BERTopic 0.17 (default UMAP + HDBSCAN,
``min_topic_size=15``) on the same distinct texts with the same vectors, in the same run, from a
separate virtual environment (never the project's). Embedding speed (distinct texts per second,
e5-small, one thread) is measured on 300 demo texts.

**At 1,000,000 posts** (the issue's second size): ``speed --posts 1000000 --base DEMO_STORE
--bertopic-python VENV/bin/python --bertopic-timeout 7200``. DEMO_STORE is a store holding the
scale-0.2 demo with its e5 vectors cached (``ioscope demo --scale 0.2`` then one ``narratives``
run). What limits it: building the synthetic store writes 500,000 vectors (about 0.8 GB in DuckDB,
half a minute); the ioscope pass needs about 6.4 GB; BERTopic's UMAP on 500,000 points x 384
dimensions is its bottleneck (nearest-neighbour descent plus the layout optimisation). Measured on the project's 2-core development machine
(2026-11-30, shared with other jobs): ioscope 45.4 s / 6.4 GB, BERTopic 717.2 s / 3.9 GB
(docs/analyses/narratives.md); give BERTopic a timeout on slower machines: when it exceeds
``--bertopic-timeout`` the bench prints that it did not finish instead of a ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- quality ------------------------------------------------------------------------------------------

def _labelled_sets(sample: int) -> dict[str, pd.DataFrame]:
    e = pd.read_csv(DATA / "euvsdisinfo-cases-2021-02" / "posts.csv")
    e = pd.DataFrame({"text": e["title"], "label": e["keywords"].fillna("").str.split("+").str[0]})
    p = pd.read_csv(DATA / "poynter-coronavirusfacts-scrape" / "data.csv")
    cat = p["Category"].fillna("").str.strip().str.lower()
    cat = cat.replace({"conspiracy theories": "conspiracy theory", "others": "other", "cure": "cures"})
    p = pd.DataFrame({"text": p["What did you fact-check?"], "label": cat})
    out = {}
    for name, df in (("euvsdisinfo", e), ("poynter", p)):
        df = df.dropna().astype(str)
        df = df[(df["label"] != "") & (df["text"].str.len() >= 15)].drop_duplicates("text")
        out[name] = df.sample(n=min(sample, len(df)), random_state=0).reset_index(drop=True)
    return out


def quality(sample: int, cache: Path) -> None:
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from ioscope.analyses.narratives.discovery import discover
    from ioscope.embeddings import embed_texts, get_embedder, text_hash
    from ioscope.store import Store

    store, emb = Store(cache), get_embedder()
    for name, df in _labelled_sets(sample).items():
        df = df.assign(text_hash=df["text"].map(text_hash)).sort_values("text_hash") \
            .reset_index(drop=True)
        t0 = time.perf_counter()
        x = embed_texts(store, emb, df)
        t_emb = time.perf_counter() - t0
        t0 = time.perf_counter()
        cl = discover(x, np.array([None] * len(df)))
        t_disc = time.perf_counter() - t0
        y = df["label"].to_numpy()
        member = cl.labels >= 0
        k = len(cl.centroids)
        km = KMeans(n_clusters=max(k, 2), n_init=4, random_state=0).fit_predict(cl.vectors)
        print(f"{name}: {len(df)} texts, {len(set(y))} labels; embedding {t_emb:.0f} s "
              f"(cached after the first run); discovery {t_disc:.1f} s")
        print(f"  ioscope: {k} narratives, {len(cl.sub_centroids)} sub-narratives, "
              f"{(~member).mean():.1%} in none")
        print(f"    NMI clustered {normalized_mutual_info_score(y[member], cl.labels[member]):.3f}"
              f"  NMI all {normalized_mutual_info_score(y, cl.labels):.3f}"
              f"  ARI all {adjusted_rand_score(y, cl.labels):.3f}")
        sub = cl.sublabels
        print(f"    sub-narratives: NMI clustered "
              f"{normalized_mutual_info_score(y[sub >= 0], sub[sub >= 0]):.3f}")
        print(f"  k-means (k={max(k, 2)}, same vectors): NMI {normalized_mutual_info_score(y, km):.3f}"
              f"  ARI {adjusted_rand_score(y, km):.3f}")


# -- speed --------------------------------------------------------------------------------------------

_BERTOPIC = r"""
import json, resource, sys, time
import numpy as np
import pandas as pd
from bertopic import BERTopic
docs = json.load(open(sys.argv[1], encoding="utf-8"))
x = np.load(sys.argv[2])
t0 = time.perf_counter()
topics, _ = BERTopic(min_topic_size=15, calculate_probabilities=False).fit_transform(docs, x)
print(json.dumps({"seconds": time.perf_counter() - t0, "n_topics": len(set(topics)) - (-1 in topics),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def build_speed_store(path: Path, n_posts: int, base: Path, seed: int = 0) -> pd.DataFrame:
    """A store of ``n_posts`` posts (half reposts) over n_posts/2 distinct synthetic texts with cached
    vectors; returns the distinct texts (text_hash, text) with their vectors saved beside ``path``."""
    import pyarrow as pa

    from ioscope.embeddings import ensure_table, get_embedder, text_vectors
    from ioscope.store import Store

    src = Store(base, read_only=True)
    emb = get_embedder()
    texts, x = text_vectors(src, emb, "collected AND length(trim(text)) >= 15")
    langs = src.query("SELECT md5(text) AS text_hash, mode(lang) AS lang FROM posts GROUP BY 1")
    texts = texts.merge(langs, on="text_hash", how="left")
    rng = np.random.default_rng(seed)
    n_texts = n_posts // 2
    pick = rng.integers(0, len(texts), n_texts)
    vt = x[pick] + rng.normal(0, 0.02, (n_texts, x.shape[1])).astype(np.float32)
    vt /= np.linalg.norm(vt, axis=1, keepdims=True)
    body = texts["text"].to_numpy()[pick] + np.char.mod(" [%d]", np.arange(n_texts)).astype(object)
    s = Store(path)
    con = s.con
    t = pd.DataFrame({"i": np.arange(n_texts), "text": body,
                      "lang": texts["lang"].to_numpy()[pick]})
    con.register("_t", t)
    con.execute("""
        CREATE TEMP TABLE _p AS
        SELECT 'twitter' AS platform, CAST(i * 2 + r AS VARCHAR) AS post_id,
               'acc' || CAST((i * 7 + r * 13) % 5000 AS VARCHAR) AS account_id, text, lang,
               CASE WHEN r = 0 THEN 'original' ELSE 'repost' END AS kind,
               TIMESTAMPTZ '2020-02-01 00:00:00+00' + to_seconds(((i * 37 + r * 3600) % 7776000)::BIGINT) AS created_at
        FROM _t, range(2) AS rr(r)""")
    cols = [r[0] for r in con.execute("DESCRIBE posts").fetchall()]
    sel = {"platform": "platform", "post_id": "post_id", "account_id": "account_id",
           "account_handle": "account_id", "created_at": "created_at", "text": "text",
           "lang": "lang", "kind": "kind", "collected": "true", "source_format": "'bench'",
           "source_file": "'bench'"}
    con.execute(f"INSERT INTO posts ({', '.join(sel)}) SELECT {', '.join(sel.values())} FROM _p")
    assert set(sel) <= set(cols)
    ensure_table(s)
    hashes = con.execute("SELECT md5(text) FROM _t ORDER BY i").fetchnumpy()
    h = next(iter(hashes.values()))
    flat = pa.array(vt.ravel())
    offsets = pa.array(np.arange(n_texts + 1, dtype=np.int32) * vt.shape[1])
    batch = pa.table({"model": [emb.name] * n_texts, "text_hash": h,
                      "vector": pa.ListArray.from_arrays(offsets, flat)})
    con.register("_v", batch)
    con.execute("INSERT INTO embeddings SELECT * FROM _v")
    s.close() if hasattr(s, "close") else None
    np.save(path.with_suffix(".npy"), vt)
    path.with_suffix(".json").write_text(json.dumps(body.tolist()), encoding="utf-8")
    return t


def _run_pass(path: str) -> None:
    """Child process: the whole narratives pass on ``path``; prints JSON figures."""
    from ioscope.analyses.narratives import Narratives
    from ioscope.store import Store

    s = Store(Path(path))
    n = s.scalar("SELECT count(*) FROM posts")
    t0 = time.perf_counter()
    r = Narratives().run(s)
    dt_s = time.perf_counter() - t0
    print(json.dumps({"posts": int(n), "seconds": dt_s, "posts_per_s": n / dt_s,
                      "narratives": r.summary["discovered_narratives"],
                      "subnarratives": r.summary["discovered_subnarratives"],
                      "peak_mb": _peak_mb()}))


def embed_speed(base: Path, n: int = 300) -> float:
    from ioscope.embeddings import get_embedder
    from ioscope.store import Store

    texts = Store(base, read_only=True).query(
        f"SELECT DISTINCT text FROM posts WHERE length(trim(text)) >= 15 ORDER BY md5(text) "
        f"LIMIT {n}")["text"].tolist()
    emb = get_embedder()
    emb.embed_passages(texts[:8])  # load the model
    t0 = time.perf_counter()
    emb.embed_passages(texts)
    return len(texts) / (time.perf_counter() - t0)


def speed(n_posts: int, base: Path, bertopic_python: str | None,
          bertopic_timeout: float | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "speed.duckdb"
        t0 = time.perf_counter()
        build_speed_store(path, n_posts, base)
        print(f"built {n_posts} posts ({n_posts // 2} distinct texts) in "
              f"{time.perf_counter() - t0:.0f} s")
        out = subprocess.run([sys.executable, __file__, "_pass", str(path)], check=True,
                             capture_output=True, text=True).stdout.strip().splitlines()[-1]
        ours = json.loads(out)
        print(f"ioscope pass: {ours['seconds']:.1f} s, {ours['posts_per_s']:.0f} posts/s, "
              f"{ours['narratives']} narratives / {ours['subnarratives']} sub-narratives, "
              f"peak {ours['peak_mb']:.0f} MB")
        if bertopic_python:
            script = Path(tmp) / "bt.py"
            script.write_text(_BERTOPIC, encoding="utf-8")
            try:
                out = subprocess.run([bertopic_python, str(script), str(path.with_suffix(".json")),
                                      str(path.with_suffix(".npy"))], check=True,
                                     capture_output=True, text=True, timeout=bertopic_timeout
                                     ).stdout.strip().splitlines()[-1]
            except subprocess.TimeoutExpired:
                print(f"BERTopic did not finish within {bertopic_timeout:.0f} s "
                      f"({n_posts // 2} distinct texts); ioscope took {ours['seconds']:.1f} s")
                return
            bt = json.loads(out)
            print(f"BERTopic fit_transform ({n_posts // 2} distinct texts, same vectors): "
                  f"{bt['seconds']:.1f} s, {n_posts / bt['seconds']:.0f} posts/s, "
                  f"{bt['n_topics']} topics, peak {bt['peak_mb']:.0f} MB; "
                  f"ioscope is {bt['seconds'] / ours['seconds']:.1f}x faster")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--sample", type=int, default=4000)
    q.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "nar_eval.duckdb")
    sp = sub.add_parser("speed")
    sp.add_argument("--posts", type=int, default=100_000)
    sp.add_argument("--base", type=Path, required=True,
                    help="a store holding the scale-0.2 demo with its e5 vectors cached")
    sp.add_argument("--bertopic-python", default=None)
    sp.add_argument("--embed-texts", type=int, default=300)
    sp.add_argument("--bertopic-timeout", type=float, default=None,
                    help="seconds after which BERTopic is stopped and reported as unfinished")
    pp = sub.add_parser("_pass")
    pp.add_argument("path")
    a = ap.parse_args(argv)
    if a.cmd == "quality":
        quality(a.sample, a.cache)
    elif a.cmd == "speed":
        print(f"embedding (e5-small, 1 thread): {embed_speed(a.base, a.embed_texts):.1f} "
              f"distinct texts/s")
        speed(a.posts, a.base, a.bertopic_python, a.bertopic_timeout)
    else:
        _run_pass(a.path)


if __name__ == "__main__":
    main()
