"""Test and bench helper: load the DIPROMATS 2023 diplomats' tweets (Moral et al. 2023) into a store.

Not a source adapter (no registered source reads DIPROMATS): each JSON record becomes one canonical
``posts`` row through the Store staging API. post_id = the real tweet id; account_id =
``dipromats:<user_name>`` (the files carry no account id); kind from tweet_type (Tweet -> original,
Retweet -> repost, quoted -> quote, Reply -> reply); created_at from ``UTC``; hashtags parsed from the
text (``#word``, lower-cased). Every account becomes an overt actor of its ``country`` (China CN,
Russia RU, USA US, European Union EU), actor_type ``diplomat``. ``keep`` (a predicate over the JSON
record) selects a subset, e.g. March 2020 for the test.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

from ioscope.store import Store

FILES = ("train_t1_en.json", "val_t1_en.json", "train_t1_es.json", "val_t1_es.json")
COUNTRIES = {"China": "CN", "Russia": "RU", "USA": "US", "European Union": "EU"}
KINDS = {"Tweet": "original", "Retweet": "repost", "quoted": "quote", "Reply": "reply"}
_TAG = re.compile(r"#(\w+)")


def load_dipromats(store: Store, folder: Path,
                   keep: Callable[[dict], bool] | None = None) -> int:
    """Stage the DIPROMATS t1 files of ``folder`` (records passing ``keep``) as one ingest; returns
    the number of posts stored."""
    now = dt.datetime.now(dt.UTC)
    rows, actors = [], {}
    for name in FILES:
        for i, r in enumerate(json.loads((folder / name).read_text(encoding="utf-8")), start=1):
            if keep is not None and not keep(r):
                continue
            handle = str(r["user_name"])
            rows.append(dict(
                platform="twitter", post_id=str(r["tweet_id"]), account_id=f"dipromats:{handle}",
                account_handle=handle, created_at=dt.datetime.fromisoformat(r["UTC"]),
                text=r["text"], lang=r.get("language"), kind=KINDS[r["tweet_type"]],
                urls=[], domains=[], hashtags=sorted({t.lower() for t in _TAG.findall(r["text"])}),
                mentions=[], collected=True, flags=[], source_format="dipromats-test",
                source_file=str(folder / name), source_line=i, ingested_at=now,
                ioscope_version="test"))
            actors[handle] = dict(platform="twitter", account_id=f"dipromats:{handle}", handle=handle,
                                  name=handle, country=COUNTRIES[r["country"]], actor_type="diplomat",
                                  overt=True, source="DIPROMATS 2023 (Moral et al. 2023)")
    store.begin_file()
    store.stage("posts", rows)
    counts = store.commit_file({"source_file": str(folder), "source_format": "dipromats-test",
                                "sha256": "0" * 64, "started_at": now, "finished_at": now,
                                "n_read": len(rows), "ioscope_version": "test"})
    store.set_actors(actors.values())
    return counts.n_stored


def load_tehran_times(store: Store, folder: Path, work: Path, news_ids: set[int]) -> int:
    """Ingest the Tehran Times articles of ``folder`` whose ``news_id`` is in ``news_ids`` through the
    registered ``tehran-times-jsonl`` source, and add the outlet to the actor registry as Iranian
    overt state-affiliated media (country IR, actor_type ``state_media``).

    The selected lines and ``id_date_anchors.csv`` (the source estimates dates from it) are written
    to ``work`` (a temporary folder, never the repository). Returns the number of posts stored.
    """
    import gzip
    import shutil

    from ioscope.ingest import ingest

    src = folder / "tehrantimes_443000-449500.jsonl.gz"
    dst = work / "tehrantimes_selected.jsonl.gz"
    with gzip.open(src, "rt", encoding="utf-8") as f, gzip.open(dst, "wt", encoding="utf-8") as g:
        for line in f:
            if json.loads(line)["news_id"] in news_ids:
                g.write(line)
    shutil.copy(folder / "id_date_anchors.csv", work / "id_date_anchors.csv")
    before = store.scalar("SELECT count(*) FROM posts")
    ingest(store, [dst])
    actors = store.query("SELECT * FROM actors").to_dict("records")
    actors.append(dict(platform="web", account_id="tehrantimes.com", handle="tehrantimes.com",
                       name="Tehran Times", country="IR", actor_type="state_media", overt=True,
                       source="docs/sources/tehran-times-jsonl.md"))
    store.set_actors(actors)
    return int(store.scalar("SELECT count(*) FROM posts")) - int(before)
