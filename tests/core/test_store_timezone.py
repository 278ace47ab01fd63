"""Every connection to a store reads times in UTC, whatever the machine's zone.

DuckDB's ``SET TimeZone`` applies to one connection only; the analyses open cursors
(``store.con.cursor()``) for their own registrations, and those used to fall back to the process's
``TZ``. The store sets the zone globally, so cursors inherit it. The check runs in a child process
whose ``TZ`` is New York (UTC-5 in January): a cursor that ignored the store's zone would print the
instant 2020-01-02 03:04:05 UTC as 2020-01-01 22:04:05-05:00.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

CHILD = textwrap.dedent("""
    import sys
    from ioscope.store import Store
    store = Store(sys.argv[1])
    cur = store.con.cursor()
    zone = cur.execute("SELECT current_setting('TimeZone')").fetchone()[0]
    ts = cur.execute("SELECT TIMESTAMPTZ '2020-01-02 03:04:05+00'").fetchone()[0]
    print(zone, ts.isoformat())
""")


def test_cursors_read_times_in_utc(tmp_path):
    env = dict(os.environ, TZ="America/New_York")
    out = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "s.duckdb")], env=env,
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == ["UTC", "2020-01-02T03:04:05+00:00"]
