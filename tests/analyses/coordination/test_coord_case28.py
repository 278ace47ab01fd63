"""Case 28: copy-paste detection ignores leading reply mentions and excludes retweets.

../shared/cases/28-copy-paste-detection-leading-mentions/expected.md: three accounts post the body
"This invented claim is false, share widely" (as a reply to two accounts, as a reply to one, as an
original); a fourth retweets the original. Expected co-tweet cluster {acct_230, acct_231, acct_232}
with 3 pairwise edges; acct_233 (the retweet) is not part of it.

The case file has no ``created_at`` (the v1.1 source quarantines such records), so the test writes a
copy with one minute between the posts; everything else goes through the twitter-v1 source unchanged.
The file has no user IDs either: accounts are keyed by handle (``@acct_230``).
"""

from __future__ import annotations

import json

import pytest
from coord_helpers import post

from ioscope.analyses.coordination import Coordination
from ioscope.ingest import ingest
from ioscope.store import Store

PLAIN = dict(min_actions=1, min_coactions=1, p_value=None, min_cosine=None, attach=False)
EXPECTED = {"acct_230", "acct_231", "acct_232"}


@pytest.fixture
def case_store(shared_cases, tmp_path):
    src = shared_cases / "28-copy-paste-detection-leading-mentions" / "replies.jsonl"
    lines = []
    for k, line in enumerate(src.read_text(encoding="utf-8").splitlines()):
        obj = json.loads(line)
        obj["created_at"] = f"Thu Mar 12 14:3{k}:00 +0000 2020"
        if "retweeted_status" in obj:
            obj["retweeted_status"]["created_at"] = "Thu Mar 12 14:32:00 +0000 2020"
        lines.append(json.dumps(obj))
    path = tmp_path / "replies_timed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    s = Store(tmp_path / "case28.duckdb")
    report = ingest(s, [path], format="twitter-v1")
    assert report.total("n_quarantined") == 0
    yield s
    s.close()


@pytest.mark.parametrize("behaviour", ["co_text", "near_text"])
def test_case28_co_tweet_cluster(case_store, behaviour):
    r = Coordination(behaviours=(behaviour,), **PLAIN).run(case_store)
    edges = r.tables["edges"]
    assert len(edges) == 3
    assert set(edges["handle_a"]) | set(edges["handle_b"]) == EXPECTED
    clusters = r.tables["clusters"]
    assert len(clusters) == 1 and set(clusters["members"].iloc[0]) == EXPECTED
    assert set(r.tables["evidence"]["object"]) == {"this invented claim is false, share widely"}


def test_case28_hand_rows_same_answer(make_store):
    # The same pattern as canonical rows: the repost carries the reposted text but is no copy.
    body = "This invented claim is false, share widely"
    rows = [post("1", "230", 0, kind="reply", ref="9001", text="@acct_201 @acct_202 " + body),
            post("2", "231", 60, kind="reply", ref="9002", text="@acct_203 " + body),
            post("3", "232", 120, text=body),
            post("4", "233", 180, kind="repost", ref="3", text=body)]
    r = Coordination(behaviours=("co_text", "co_repost"), **PLAIN).run(make_store(rows))
    assert set(r.tables["clusters"]["members"].iloc[0]) == {"h_230", "h_231", "h_232"}
    assert "233" not in set(r.tables["edges"]["account_a"]) | set(r.tables["edges"]["account_b"])
