"""Ctrl-C in the middle of a multi-batch file: the CLI exits 130 and the file's transaction leaves
nothing behind (docs/store.md, "One transaction per input file"); the same command then stores it all."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import orjson
import pytest

from ioscope.store import Store

N = 150_000  # tweets: ~8 batches of 20,000, several seconds of ingest on 2 cores


def _tweet(i: int) -> bytes:
    return orjson.dumps({
        "created_at": "Thu Mar 12 14:37:05 +0000 2020", "id": 1238111778953258507 + i,
        "id_str": str(1238111778953258507 + i), "full_text": f"post number {i}",
        "user": {"id_str": str(i % 500), "screen_name": f"acct_{i % 500}"}, "entities": {}, "lang": "en",
    })


@pytest.mark.slow
def test_ctrl_c_mid_file_stores_nothing_and_a_rerun_stores_all(tmp_path):
    src = tmp_path / "big.jsonl"
    src.write_bytes(b"\n".join(_tweet(i) for i in range(N)) + b"\n")
    db = tmp_path / "s.duckdb"
    cmd = [sys.executable, "-m", "ioscope.cli", "ingest", str(src), "--db", str(db), "--format", "twitter-v1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # The store file appears when the ingest opens it; the first batches are merged a moment later.
    deadline = time.monotonic() + 60
    while not db.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, (out, err)  # the documented exit status of Ctrl-C
    assert "rolled back" in err
    with Store(db) as s:
        # Interrupted before its commit: no post, account or ingest row of the file.
        assert s.counts()["posts"] == 0 and s.counts()["accounts"] == 0
        assert s.scalar("SELECT count(*) FROM ingests") == 0
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    with Store(db) as s:
        # Every line is one distinct collected tweet by one of 500 accounts (i % 500).
        assert (s.counts()["collected_posts"], s.counts()["accounts"]) == (N, 500)
        assert s.con.execute("SELECT n_read, n_stored FROM ingests").fetchall() == [(N, N)]
