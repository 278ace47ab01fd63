"""Tiny hand-written stores for the engine tests (imported by name: keep the basename unique)."""

from __future__ import annotations

from pathlib import Path

from ioscope.store import Store


def _post(pid: str, account: str, handle: str, t: str, **kw) -> dict:
    import datetime as dt

    row = {"platform": kw.pop("platform", "twitter"), "post_id": pid, "account_id": account,
           "account_handle": handle,
           "created_at": dt.datetime.fromisoformat(t) if t else None,
           "text": kw.pop("text", f"text of {pid}"), "kind": kw.pop("kind", "original"),
           "collected": True, "source_format": "test", "source_file": "x", "source_line": 1}
    row.update(kw)
    return row


def make_tiny_store(path: Path) -> Store:
    """Five hand-written posts on two platforms, one undated; accounts 1 and 2 are actors (CN, RU)."""
    rows = [
        _post("1", "1", "alpha", "2020-03-01T10:00:00+00:00", hashtags=["Wuhan", "covid"],
              domains=["example.org"], urls=["https://example.org/a"]),
        _post("2", "2", "beta", "2020-03-01T10:00:30+00:00", kind="repost", ref_post_id="1",
              ref_account_id="1", ref_account_handle="alpha", hashtags=["Wuhan", "covid"]),
        _post("3", "2", "beta", "2020-04-02T23:59:59+00:00", kind="reply", ref_post_id="1",
              ref_account_id="1", mentions=["alpha"]),
        _post("4", "3", "gamma", "", text="no time"),
        _post("5", "9", "delta", "2020-04-05T00:00:00+00:00", platform="telegram"),
    ]
    store = Store(path)
    store.begin_file()
    store.stage("posts", rows)
    store.commit_file({"source_file": "x", "n_read": len(rows)})
    store.set_actors([
        {"platform": "twitter", "account_id": "1", "handle": "alpha", "name": "A", "country": "CN",
         "actor_type": "diplomat", "overt": True, "source": "test"},
        {"platform": "twitter", "account_id": "2", "handle": "beta", "name": "B", "country": "RU",
         "actor_type": "state_media", "overt": True, "source": "test"},
    ])
    return store
