"""Activity on the hand-written scenario of conftest.py (see its docstring for every post)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ioscope.analyses import ANALYSES, default_analyses, get
from ioscope.analyses.activity import Activity
from ioscope.errors import AnalysisError, ConfigError


def _rows(df: pd.DataFrame, cols: list[str]) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in row) for row in df[cols].itertuples(index=False)]


def test_daily_volume_counts_collected_posts_by_author_label_and_utc_day(scenario_store):
    t = Activity().run(scenario_store).tables["daily_volume"]
    cols = ["day", "country", "actor_type", "n_posts", "n_original", "n_repost", "n_quote", "n_reply"]
    d1, d2 = dt.date(2024, 3, 1), dt.date(2024, 3, 2)
    assert _rows(t, cols) == [
        # 03-01, CN embassies: reposts 101, 102, 103 and original 108 -> 4 posts, 1 original, 3 reposts
        (d1, "CN", "embassy", 4, 1, 3, 0, 0),
        # 03-01, CN official (account 1): original 100 and its self-repost 107 (still activity)
        (d1, "CN", "official", 2, 1, 1, 0, 0),
        # 03-01, RU state media: quote 104
        (d1, "RU", "state_media", 1, 0, 0, 1, 0),
        # 03-01, untracked account 6: reply 105; context post 300 (collected=false) is not activity
        (d1, None, "untracked", 1, 0, 0, 0, 1),
        # 03-02, CN embassies: repost 201 and reply 202
        (d2, "CN", "embassy", 2, 0, 1, 0, 1),
        # post 200 was at 2024-03-01 23:30 -05:00 = 2024-03-02 04:30 UTC -> the UTC day is 03-02
        (d2, "RU", "state_media", 1, 1, 0, 0, 0),
    ]


def test_include_untracked_false_drops_untracked_authors(scenario_store):
    result = Activity(include_untracked=False).run(scenario_store)
    assert "untracked" not in set(result.tables["daily_volume"]["actor_type"])
    # 11 collected posts minus the one by untracked account 6 (post 105) = 10
    assert result.summary["n_posts"] == 10
    # ... and the untracked group's javascript: URL no longer appears in top_urls
    assert list(result.tables["top_urls"]["item"]) == ["https://news.example/a"] * 2


def test_actor_activity_one_row_per_tracked_account(scenario_store):
    t = Activity().run(scenario_store).tables["actor_activity"]
    cols = ["account_id", "handle", "country", "actor_type", "n_posts", "n_original", "n_repost",
            "n_quote", "n_reply"]
    assert _rows(t, cols) == [
        # account 2: repost 101, original 108, repost 201
        ("2", "EmbCN_A", "CN", "embassy", 3, 1, 2, 0, 0),
        # ties at 2 posts are ordered by country then handle: EmbCN_B < SpoxCN (CN), then RUmedia (RU)
        ("3", "EmbCN_B", "CN", "embassy", 2, 0, 1, 0, 1),   # repost 102, reply 202
        ("1", "SpoxCN", "CN", "official", 2, 1, 1, 0, 0),   # original 100, self-repost 107
        ("5", "RUmedia", "RU", "state_media", 2, 1, 0, 1, 0),  # quote 104, original 200
        # account 4 matched by its handle only ("embcn_c"); its handle as seen is EmbCN_C
        ("4", "EmbCN_C", "CN", "embassy", 1, 0, 1, 0, 0),
    ]
    # registry account 99 never appears in the data: not an actor account, so no row
    assert "99" not in set(t["account_id"])
    first = t.set_index("account_id").loc["5", "first_post_at"]
    # account 5's first post is quote 104 at T0 + 300 s = 2024-03-01 10:05 UTC
    assert first == pd.Timestamp("2024-03-01 10:05", tz="UTC")


def test_top_hashtags_case_insensitive_most_frequent_form_reposts_count(scenario_store):
    t = Activity().run(scenario_store).tables["top_hashtags"]
    cols = ["country", "actor_type", "rank", "item", "n_posts", "n_accounts"]
    assert _rows(t, cols) == [
        # CN embassies: "Truth" on reposts 101, 102, 103 (the reposted post's hashtag), "TRUTH" on 108,
        # "truth" on repost 201 -> one key "truth", 5 posts by accounts 2, 3, 4; written most often
        # as "Truth" (3 of 5)
        ("CN", "embassy", 1, "Truth", 5, 3),
        ("CN", "embassy", 2, "Sanctions", 1, 1),          # repost 201
        ("CN", "official", 1, "Truth", 2, 1),             # 100 and self-repost 107
        # RU: "TRUTH" (104) and "truth" (200): a 1-1 tie of forms, broken by the form: "TRUTH" < "truth"
        ("RU", "state_media", 1, "TRUTH", 2, 1),
        ("RU", "state_media", 2, "Sanctions", 1, 1),
    ]


def test_top_domains_urls_mentions(scenario_store):
    tables = Activity().run(scenario_store).tables
    cols = ["country", "actor_type", "rank", "item", "n_posts", "n_accounts"]
    # domains lower-cased: "NEWS.example" (103) joins news.example (101, 102) -> 3 posts, 3 accounts
    assert _rows(tables["top_domains"], cols) == [
        ("CN", "embassy", 1, "news.example", 3, 3),
        ("CN", "official", 1, "news.example", 2, 1),
    ]
    # URLs as written; the untracked reply 105 carried a javascript: "URL" (kept as data, as text)
    assert _rows(tables["top_urls"], cols)[-1] == (None, "untracked", 1, "javascript:alert(1)", 1, 1)
    # mentions are case-insensitive within a group; each group shows its own written form
    assert _rows(tables["top_mentions"], cols) == [
        ("RU", "state_media", 1, "SpoxCN", 1, 1),
        (None, "untracked", 1, "spoxcn", 1, 1),
    ]


def test_top_n_limits_items_per_group(scenario_store):
    t = Activity(top_n=1).run(scenario_store).tables["top_hashtags"]
    # one item per (country, actor_type) group: CN embassy, CN official, RU state_media
    assert list(t["rank"]) == [1, 1, 1]
    assert list(t["item"]) == ["Truth", "Truth", "TRUTH"]


def test_summary(scenario_store):
    s = Activity().run(scenario_store).summary
    assert s == {
        "n_posts": 11,              # 12 posts stored, 300 is context only
        "n_accounts": 6,            # authors 1-6 (7 only wrote the context post)
        "n_tracked_accounts": 5,    # 1-5
        "first_day": "2024-03-01",
        "last_day": "2024-03-02",   # post 200 (04:30 UTC on 03-02) and 201, 202
        "countries": ["CN", "RU"],
        "n_undated_posts": 0,
    }


def test_empty_store_gives_empty_tables(make_store):
    result = Activity().run(make_store([]))
    assert all(df.empty for df in result.tables.values())
    assert result.summary["n_posts"] == 0 and result.summary["first_day"] is None


@pytest.mark.parametrize("params", [{"top_n": 0}, {"top_n": "5"}, {"top_n": True},
                                    {"include_untracked": "yes"}])
def test_bad_params_raise_analysis_error(scenario_store, params):
    with pytest.raises(AnalysisError, match="activity"):
        Activity(**params).run(scenario_store)


def test_params_stored_unchanged_and_reported():
    a = Activity(top_n=5, include_untracked=False)
    assert a.get_params() == {"top_n": 5, "include_untracked": False}
    assert repr(a) == "Activity(top_n=5, include_untracked=False)"


def test_registry():
    # The report's section order; claims after coordination and narratives, shifts last (they read
    # the tables those save in the store).
    order = ["activity", "amplification", "coordination", "domains", "narratives", "claims", "shifts"]
    assert list(ANALYSES) == order
    assert [a.name for a in default_analyses()] == order
    assert default_analyses({"shifts": {"bucket": "week"}})[-1].bucket == "week"
    with pytest.raises(ConfigError, match="unknown analysis 'shift'"):
        default_analyses({"shift": {}})
    assert get("activity", top_n=3).get_params() == {"top_n": 3, "include_untracked": True}
    with pytest.raises(ConfigError, match="unknown analysis 'nope'"):
        get("nope")
    with pytest.raises(ConfigError, match="activity"):
        get("activity", window_s=60)
