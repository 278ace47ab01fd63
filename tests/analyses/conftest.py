"""Real DuckDB stores built from tiny hand-written canonical rows, through the Store API.

``make_store(posts, accounts=(), actors=())`` writes one "file" into a fresh store under tmp_path and
loads the actor registry. ``scenario_store`` is the shared hand-checked scenario below; tests assert
values worked out by hand from it.

The scenario (platform twitter; T0 = 2024-03-01 10:00 UTC):

    account  handle       actor (registry)
    1        SpoxCN       CN official (MFA spokesperson), matched by account ID
    2        EmbCN_A      CN embassy, by ID
    3        EmbCN_B      CN embassy, by ID
    4        EmbCN_C      CN embassy, matched by *handle* only (registry has no ID)
    5        RUmedia      RU state_media, by ID
    6        random_user  untracked
    7        ctx_user     untracked, only in a context post
    (registry also lists account 99, never seen: not an actor account)

    post  author kind      ref (account)   time          hashtags             notes
    100   1      original  -               T0            Truth                text holds <script>
    101   2      repost    100 (1)         T0+60 s       Truth                (the reposted post's)
    102   3      repost    100 (1)         T0+120 s      Truth
    103   4      repost    100 (1)         T0+600 s      Truth
    104   5      quote     100 (1)         T0+300 s      TRUTH
    105   6      reply     100 (1)         T0+1200 s     -                    javascript: URL
    107   1      repost    100 (1)         T0+30 s       Truth                self-repost
    108   2      original  -               T0+3600 s     TRUTH
    200   5      original  -               2024-03-01 23:30 -05:00 = 03-02 04:30 UTC; Sanctions, truth
    201   2      repost    200 (5)         200 + 3600 s  Sanctions, truth
    202   3      reply     200 (None)      200 + 7200 s  -                    ref account not given
    300   7      original  -               T0            -                    context (collected=false)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from ioscope.store import Store

UTC = dt.timezone.utc
T0 = dt.datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
T200 = dt.datetime(2024, 3, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
SCRIPT_TEXT = "Hello <script>alert(1)</script> #Truth"

HANDLES = {"1": "SpoxCN", "2": "EmbCN_A", "3": "EmbCN_B", "4": "EmbCN_C", "5": "RUmedia",
           "6": "random_user", "7": "ctx_user"}


def post(post_id: str, account_id: str, kind: str = "original", created_at: dt.datetime = T0, *,
         ref: tuple[str, str | None] | None = None, text: str = "", hashtags: Iterable[str] = (),
         urls: Iterable[str] = (), domains: Iterable[str] = (), mentions: Iterable[str] = (),
         collected: bool = True, **extra: Any) -> dict[str, Any]:
    """One canonical ``posts`` row (platform twitter); ``ref`` = (ref_post_id, ref_account_id)."""
    ref_post, ref_acc = ref if ref else (None, None)
    return dict(
        platform="twitter", post_id=post_id, account_id=account_id,
        account_handle=HANDLES.get(account_id), created_at=created_at, text=text, lang="en",
        kind=kind, ref_post_id=ref_post, ref_account_id=ref_acc,
        ref_account_handle=HANDLES.get(ref_acc) if ref_acc else None,
        urls=list(urls), domains=list(domains), hashtags=list(hashtags), mentions=list(mentions),
        collected=collected, flags=[], source_format="test", source_file="/test/input.jsonl",
        source_line=int(post_id) if post_id.isdigit() else 1, ingested_at=T0,
        ioscope_version="test", **extra,
    )


def account(account_id: str) -> dict[str, Any]:
    """One canonical ``accounts`` row for the scenario's handles."""
    return dict(platform="twitter", account_id=account_id, handle=HANDLES[account_id],
                display_name=HANDLES[account_id], last_seen_at=T0, source_format="test",
                source_file="/test/input.jsonl")


def actor(account_id: str | None, handle: str | None, country: str, actor_type: str,
          overt: bool = True) -> dict[str, Any]:
    """One ``actors`` registry row (platform twitter)."""
    return dict(platform="twitter", account_id=account_id, handle=handle, name=handle or account_id,
                country=country, actor_type=actor_type, overt=overt, source="hand-written test")


def scenario_rows() -> tuple[list[dict], list[dict], list[dict]]:
    """(posts, accounts, actors) of the scenario in the module docstring."""
    s = dt.timedelta(seconds=1)
    url, dom = ["https://news.example/a"], ["news.example"]
    posts = [
        post("100", "1", text=SCRIPT_TEXT, hashtags=["Truth"], urls=url, domains=dom,
             like_count=50, share_count=4),
        post("101", "2", "repost", T0 + 60 * s, ref=("100", "1"), text=SCRIPT_TEXT,
             hashtags=["Truth"], urls=url, domains=dom),
        post("102", "3", "repost", T0 + 120 * s, ref=("100", "1"), text=SCRIPT_TEXT,
             hashtags=["Truth"], urls=url, domains=dom),
        post("103", "4", "repost", T0 + 600 * s, ref=("100", "1"), text=SCRIPT_TEXT,
             hashtags=["Truth"], urls=url, domains=["NEWS.example"]),
        post("104", "5", "quote", T0 + 300 * s, ref=("100", "1"), text="So true #TRUTH",
             hashtags=["TRUTH"], mentions=["SpoxCN"]),
        post("105", "6", "reply", T0 + 1200 * s, ref=("100", "1"), text="see javascript:alert(1)",
             urls=["javascript:alert(1)"], mentions=["spoxcn"]),
        post("107", "1", "repost", T0 + 30 * s, ref=("100", "1"), text=SCRIPT_TEXT,
             hashtags=["Truth"], urls=url, domains=dom),
        post("108", "2", "original", T0 + 3600 * s, text="#TRUTH", hashtags=["TRUTH"]),
        post("200", "5", "original", T200, text="Sanctions hurt #Sanctions #truth",
             hashtags=["Sanctions", "truth"]),
        post("201", "2", "repost", T200 + 3600 * s, ref=("200", "5"),
             text="Sanctions hurt #Sanctions #truth", hashtags=["Sanctions", "truth"]),
        post("202", "3", "reply", T200 + 7200 * s, ref=("200", None), text="Indeed"),
        post("300", "7", "original", T0, text="context only", hashtags=["Truth"], collected=False),
    ]
    accounts = [account(a) for a in HANDLES]
    actors = [
        actor("1", "SpoxCN", "CN", "official"),
        actor("2", None, "CN", "embassy"),
        actor("3", "EmbCN_B", "CN", "embassy"),
        actor(None, "embcn_c", "CN", "embassy"),
        actor("5", "RUmedia", "RU", "state_media"),
        actor("99", "NeverSeen", "IR", "state_media"),
    ]
    return posts, accounts, actors


@pytest.fixture
def make_store(tmp_path: Path) -> Callable[..., Store]:
    """Factory: ``make_store(posts, accounts=(), actors=())`` -> an open Store in tmp_path (closed at
    teardown). Rows go through begin_file/stage/commit_file like a real ingest, then set_actors."""
    opened: list[Store] = []

    def build(posts: list[dict], accounts: Iterable[dict] = (), actors: Iterable[dict] = ()) -> Store:
        store = Store(tmp_path / f"store{len(opened)}.duckdb")
        opened.append(store)
        store.begin_file()
        store.stage("posts", posts)
        store.stage("accounts", list(accounts))
        store.commit_file({
            "source_file": "/test/input.jsonl", "source_format": "test", "sha256": "0" * 64,
            "started_at": T0, "finished_at": T0, "n_read": len(posts), "ioscope_version": "test",
        })
        store.set_actors(list(actors))
        return store

    yield build
    for store in opened:
        store.close()


BIDI_EVIL = "abc \u202edcba\u202c xyz"
"""A post text with a right-to-left override ... pop pair (Trojan-Source style)."""
BIDI_PERSIAN = "سلام دنیا"


def bidi_rows() -> tuple[list[dict], list[dict], list[dict]]:
    """(posts, accounts, actors) for the bidi-control tests of the report and the dashboard: post 500
    (SpoxCN, text :data:`BIDI_EVIL`) reposted by EmbCN_A and EmbCN_B; post 600 (RUmedia, Persian
    :data:`BIDI_PERSIAN`) reposted by random_user, whose handle holds an unclosed override."""
    s = dt.timedelta(seconds=1)
    posts = [
        post("500", "1", text=BIDI_EVIL),
        post("501", "2", "repost", T0 + 60 * s, ref=("500", "1"), text=BIDI_EVIL),
        post("502", "3", "repost", T0 + 90 * s, ref=("500", "1"), text=BIDI_EVIL),
        post("600", "5", text=BIDI_PERSIAN),
        post("601", "6", "repost", T0 + 30 * s, ref=("600", "5"), text=BIDI_PERSIAN),
    ]
    for p in posts[3:]:
        p["lang"] = "fa"
    posts[4]["account_handle"] = "random\u202euser"
    accounts = [account(a) for a in ("1", "2", "3", "5", "6")]
    accounts[4]["handle"] = "random\u202euser"
    actors = [actor("1", "SpoxCN", "CN", "official"), actor("2", "EmbCN_A", "CN", "embassy"),
              actor("3", "EmbCN_B", "CN", "embassy"), actor("5", "RUmedia", "RU", "state_media")]
    return posts, accounts, actors


@pytest.fixture
def scenario() -> SimpleNamespace:
    """The row helpers (post, account, actor), T0, T200 and scenario_rows() for tests that build
    their own stores (tests/ has no packages, so tests do not import conftest by name)."""
    return SimpleNamespace(post=post, account=account, actor=actor, T0=T0, T200=T200,
                           scenario_rows=scenario_rows, bidi_rows=bidi_rows)


@pytest.fixture
def scenario_store(make_store: Callable[..., Store]) -> Store:
    """The store of the module docstring's scenario."""
    posts, accounts, actors = scenario_rows()
    return make_store(posts, accounts, actors)
