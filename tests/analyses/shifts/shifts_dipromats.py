"""Test-only loader of the DIPROMATS 2023 JSON files (diplomats' tweets, 2020) into a store, and the
seed-case run used by the tests and by docs/analyses/shifts.md.

Not a source adapter (no registered source reads DIPROMATS yet): each JSON list record becomes one
canonical ``posts`` row through the Store staging API. post_id = the real tweet id; account_id =
``dipromats:<user_name>`` (the files carry no account id); kind from tweet_type (Tweet -> original,
Retweet -> repost, quoted -> quote, Reply -> reply); created_at from ``UTC``. Every account becomes an
overt actor of its ``country`` (China CN, Russia RU, USA US, European Union EU) with actor_type
``diplomat`` (the files do not tell ministries, embassies and diplomats apart).

Run as a script to print the seed-case numbers and write the chart:
``python tests/analyses/shifts/shifts_dipromats.py docs/img`` (needs ../shared/data).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from ioscope.store import Store

FILES = ("train_t1_en.json", "val_t1_en.json", "train_t1_es.json", "val_t1_es.json")
COUNTRIES = {"China": "CN", "Russia": "RU", "USA": "US", "European Union": "EU"}
KINDS = {"Tweet": "original", "Retweet": "repost", "quoted": "quote", "Reply": "reply"}
TRUCE = "2020-03-26"
ORIGIN = [r"fort detrick", r"\bus army\b", r"\bu\.s\. army\b", r"patient zero", r"paciente cero",
          r"\borigin(s|ated?|ating)?\b", r"\borigen\b"]
COVID = [r"covid", r"coronavirus", r"\bvirus", r"epidemic", r"pandemic", r"wuhan", r"ncov",
         r"sars-cov", r"pandemia", r"epidemia"]


def load(store: Store, folder: Path) -> int:
    """Stage every record of the DIPROMATS files in ``folder`` as one ingest; returns posts stored."""
    now = dt.datetime.now(dt.timezone.utc)
    rows, actors = [], {}
    for name in FILES:
        for i, r in enumerate(json.loads((folder / name).read_text(encoding="utf-8")), start=1):
            handle = str(r["user_name"])
            rows.append(dict(
                platform="twitter", post_id=str(r["tweet_id"]), account_id=f"dipromats:{handle}",
                account_handle=handle, created_at=dt.datetime.fromisoformat(r["UTC"]),
                text=r["text"], lang=r.get("language"), kind=KINDS[r["tweet_type"]],
                urls=[], domains=[], hashtags=[], mentions=[], collected=True, flags=[],
                source_format="dipromats-test", source_file=str(folder / name), source_line=i,
                ingested_at=now, ioscope_version="test"))
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


def seed_case(store: Store, events_csv: Path, kinds=("original", "quote", "reply", "repost")):
    """The seed-case run: origin and COVID narratives by country, events file with the truce."""
    from ioscope.analyses.shifts import Shifts

    return Shifts(by="country", text_filter={"origin": ORIGIN, "covid": COVID}, kinds=kinds,
                  events=str(events_csv), start="2020-01-01", end="2020-11-01").run(store)


if __name__ == "__main__":  # pragma: no cover - documentation helper
    import tempfile

    import pandas as pd

    from ioscope.outputs.charts_shifts import series_chart

    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", 40)
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/img")
    data = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"
    with tempfile.TemporaryDirectory() as tmp:
        ev = Path(tmp) / "events.csv"
        ev.write_text(f"date,label,scope\n{TRUCE},Trump–Xi call: tentative truce,\n", encoding="utf-8")
        store = Store(Path(tmp) / "s.duckdb")
        print("stored", load(store, data / "dipromats-2023-diplomat-propaganda-tweets"))
        for kinds in (("original", "quote", "reply", "repost"), ("original", "quote", "reply")):
            res = seed_case(store, ev, kinds)
            print("\n== kinds:", ", ".join(kinds))
            et = res.tables["event_tests"]
            print(et[["series_id", "mean_before", "mean_after", "rate_ratio", "ci_low", "ci_high",
                      "p_value", "method", "dispersion"]].to_string())
            cp = res.tables["change_points"]
            print(cp[cp["country"] == "CN"][["series_id", "at", "level_before", "level_after",
                                              "p_value", "at_low", "at_high"]].to_string())
            if len(kinds) == 4:
                ser = res.tables["series"]
                fig = series_chart(ser[ser["country"] == "CN"])
                fig.update_layout(width=1150, title_text="Chinese diplomats (DIPROMATS sample): posts "
                                  "per day (UTC); change points red, events grey")
                out.mkdir(parents=True, exist_ok=True)
                fig.write_html(str(out / "shifts_seed_case.html"), include_plotlyjs=True)
        store.close()
