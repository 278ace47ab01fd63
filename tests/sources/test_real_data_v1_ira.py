"""Real public data (../shared/data, skipped when absent): the CGTN/Xinhua v1.1 CSVs and the IRA CSVs.

The expected numbers were counted independently with the csv module (below, and once by hand when the
tests were written): CGTN/Xinhua 20 files, 4,170 rows, 3,748 distinct id_str (tweets repeat across the
keyword files); IRA 59 per-author files, 242,500 rows, none malformed.
"""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from ioscope.ingest import ingest
from ioscope.store import Store

pytestmark = pytest.mark.shared

CGTN = "covid-state-media-cgtn-xinhua-vs-western/disaggregated"
IRA = "ira-russian-troll-tweets-by-author/tweets"


def csv_rows(paths, key: str | None = None):
    for path in paths:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                yield row[key] if key else row


def test_cgtn_xinhua_flattened_v1(shared_data, tmp_path):
    files = sorted((shared_data / CGTN).glob("*.csv"))
    if not files:
        pytest.skip(f"{CGTN} is absent")
    ids = list(csv_rows(files, "id_str"))
    assert (len(files), len(ids), len(set(ids))) == (20, 4170, 3748)
    with Store(tmp_path / "s.duckdb") as store:
        rep = ingest(store, files)
        assert {f.format for f in rep.files} == {"twitter-v1-csv"}
        assert rep.total("n_quarantined") == 0
        assert rep.total("n_read") == 4170
        assert rep.total("n_stored") == len(set(ids)) == 3748
        assert rep.total("n_stored") + rep.total("n_duplicate") == 4170
        counts = store.counts()
        assert (counts["collected_posts"], counts["context_posts"], counts["quarantined"]) == (3748, 500, 0)
        kinds = dict(store.con.execute(
            "SELECT kind, count(*) FROM posts WHERE collected GROUP BY kind").fetchall())
        assert kinds == {"original": 3171, "repost": 499, "reply": 75, "quote": 3}
        # Every repost's original is stored as a context (or collected) post.
        assert store.scalar("""SELECT count(*) FROM posts r WHERE r.kind = 'repost'
                               AND NOT EXISTS (SELECT 1 FROM posts o WHERE o.post_id = r.ref_post_id)""") == 0
        rt = store.con.execute("""SELECT account_handle, kind, ref_post_id, ref_account_id, ref_account_handle, text
                                  FROM posts WHERE post_id = '1319040901344382978'""").fetchone()
        assert rt[:5] == ("CGTNOfficial", "repost", "1319040872172978176", "620136960", "cgtnamerica")
        assert rt[5].startswith("As the U.S. presidential election is approaching") and not rt[5].startswith("RT @")
        original = store.con.execute("SELECT collected, account_handle FROM posts WHERE post_id = '1319040872172978176'").fetchone()
        assert original == (False, "cgtnamerica")
        n_cgtnamerica = store.scalar("""SELECT count(*) FROM posts WHERE collected AND kind = 'repost'
                                        AND account_handle = 'CGTNOfficial' AND ref_account_handle = 'cgtnamerica'""")
        assert n_cgtnamerica > 0
        # No tweet permalink or self-link counted as a URL; no t.co wrapper as a domain.
        assert store.scalar("""SELECT count(*) FROM (SELECT unnest(urls) AS u FROM posts)
                               WHERE u ILIKE '%twitter.com/%/status/%'""") == 0
        assert store.scalar("SELECT count(*) FROM posts WHERE list_contains(domains, 't.co')") == 0


def test_ira_per_author_files(shared_data, tmp_path):
    files = sorted((shared_data / IRA).glob("*.csv"))
    if not files:
        pytest.skip(f"{IRA} is absent")
    rows = list(csv_rows(files))
    assert (len(files), len(rows)) == (59, 242500)
    with Store(tmp_path / "s.duckdb") as store:
        rep = ingest(store, files)
        assert {f.format for f in rep.files} == {"ira-csv"}
        stored, dup, bad = rep.total("n_stored"), rep.total("n_duplicate"), rep.total("n_quarantined")
        assert stored + dup + bad == len(rows) == 242500
        assert (stored, dup, bad) == (242500, 0, 0)  # 697 repeated (author, minute, text) rows stay distinct posts
        kinds = dict(store.con.execute("SELECT kind, count(*) FROM posts GROUP BY kind").fetchall())
        expected = Counter({"R": "repost", "Q": "quote"}.get(r["post_type"], "original") for r in rows)
        assert kinds == dict(expected) == {"original": 154351, "repost": 86222, "quote": 1927}
        assert store.scalar("SELECT count(*) FROM posts WHERE lang = 'en'") == 208213
        assert store.scalar("SELECT count(DISTINCT account_id) FROM posts") == 59
        assert store.scalar("SELECT count(*) FROM accounts") == 59
        # Idempotent: a second ingest of one file adds nothing.
        before = store.counts()
        again = ingest(store, files[:1]).files[0]
        assert again.n_stored == 0 and again.n_duplicate == again.n_read
        assert store.counts()["posts"] == before["posts"]
