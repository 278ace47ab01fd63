"""Speed of the shifts analysis (prints figures; nothing asserted).

Usage: OMP_NUM_THREADS=1 python bench/shifts.py [scale]
Measures (1) change-point detection on synthetic series of 90, 2,000 and 20,000 buckets and (2) the
whole analysis on the demo scenario at ``scale`` (default 0.5), daily and hourly.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from ioscope.actors import read_actors_csv
from ioscope.analyses.shifts import Shifts
from ioscope.analyses.shifts.changepoints import detect
from ioscope.demo import generate
from ioscope.ingest import ingest
from ioscope.store import Store


def main() -> None:
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 0.5
    rng = np.random.default_rng(0)
    for n in (90, 2_000, 20_000):
        x = np.r_[rng.poisson(10, n // 2), rng.poisson(14, n - n // 2)]
        t = time.perf_counter()
        found = detect(x, n_perm=199)
        print(f"detect n={n:>6}: {time.perf_counter() - t:6.2f} s, {len(found)} change point(s)")
    with tempfile.TemporaryDirectory() as tmp:
        files = generate(Path(tmp) / "demo", scale=scale)
        store = Store(Path(tmp) / "s.duckdb")
        ingest(store, files.tweet_files)
        store.set_actors(read_actors_csv(files.actors_csv))
        n = store.scalar("SELECT count(*) FROM posts WHERE collected")
        for bucket in ("day", "hour"):
            t = time.perf_counter()
            res = Shifts(by="country,overt", bucket=bucket, events=str(files.events),
                         text_filter={"N1": ["fort detrick", "us army", "patient zero"]}).run(store)
            print(f"shifts on demo ({n:,} posts), bucket={bucket}: {time.perf_counter() - t:6.2f} s, "
                  f"{res.summary['n_series']} series, {res.summary['n_change_points']} change points")
        store.close()


if __name__ == "__main__":
    main()
