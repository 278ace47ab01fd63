"""An object acted on by 50,000 accounts at once does not blow up memory: the pair cap holds it to
50,000 x max_pairs_per_action candidate pairs (1.25 billion without it), the run completes under a
1 GB DuckDB memory limit, and the cap is reported. (With the default cap of 200 the same input gives
10 million pairs; measured at about 2 s and 1.2 GB peak on 2 cores, see docs/analyses/coordination.md.
The test uses a cap of 50 to stay fast.)"""

from __future__ import annotations

from coord_helpers import build_store, post

from ioscope.analyses.coordination import Coordination


def test_fifty_thousand_accounts_on_one_object(tmp_path):
    n = 50_000
    s = build_store(tmp_path / "s.duckdb", [post("seed", "a0", 0, text="a first ordinary post")])
    # Bulk rows written with SQL (100,000 dicts through the staging API would dominate the test):
    # every account reposts VIRAL within the same 59 s, and one of 1,000 other posts later (so every
    # account passes min_actions = 2).
    s.con.execute(
        """INSERT INTO posts (platform, post_id, account_id, account_handle, created_at, kind,
                              ref_post_id, collected)
           SELECT 'twitter', 'v' || k, 'a' || k, 'h' || k,
                  TIMESTAMPTZ '2021-03-01 12:00:00+00' + to_microseconds((k * 59000000 // $n)::BIGINT),
                  'repost', 'VIRAL', true FROM range($n) t(k)
           UNION ALL
           SELECT 'twitter', 'o' || k, 'a' || k, 'h' || k,
                  TIMESTAMPTZ '2021-03-01 13:00:00+00' + to_microseconds((((k * 7919) % 86400) * 1000000)::BIGINT),
                  'repost', 'P' || (k % 1000), true FROM range($n) t(k)""",
        {"n": n},
    )
    s.con.execute("SET memory_limit = '1GB'")
    r = Coordination(behaviours=("co_repost",), max_pairs_per_action=50).run(s)
    layer = r.tables["layers"].iloc[0]
    # all 50,000 reposts of VIRAL fall in one 60 s window: 1.25 billion pairs uncapped, 50 per action
    # here (fewer for the last 50), plus the few co-actions on the P objects.
    assert layer["n_capped_objects"] == 1 and r.summary["n_capped_objects"] == 1
    assert n * 50 - 1275 <= layer["n_coactions"] <= n * 50 + 10_000
    assert any("max_pairs_per_action" in note for note in r.notes)
    # one shared viral post is not coordination: no cluster holds a sizeable part of the crowd
    sizes = r.tables["cluster_members"].groupby("cluster_id").size()
    assert sizes.empty or sizes.max() < 100
    s.close()
