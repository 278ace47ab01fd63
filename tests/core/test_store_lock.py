"""A store held by another process (``ioscope serve``, a notebook) gives a plain StoreError naming
that process's PID, not DuckDB's raw lock error; the command line prints it as one line."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ioscope.errors import StoreError
from ioscope.store import Store, lock_conflict_message

HOLD = ("import sys, time, duckdb\n"
        "con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == 'ro')\n"
        "print('open', flush=True)\n"
        "time.sleep(120)\n")


@contextmanager
def held(path: Path, mode: str) -> Iterator[int]:
    """Another Python process holding ``path`` open (``mode`` "rw" or "ro"); yields its PID."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path), mode], stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "open"
        yield proc.pid
    finally:
        proc.kill()
        proc.wait(timeout=30)


def expected(path: Path, pid: int) -> str:
    return (f"{path}: the store is open in another process (PID {pid}), such as `ioscope serve` or a "
            "notebook; DuckDB lets no other process write a store while it is open, nor open it while "
            "it is being written. Stop that process, or work on a copy of the store.")


@pytest.fixture
def store_path(tmp_path) -> Path:
    path = tmp_path / "s.duckdb"
    Store(path).close()
    return path


def test_a_store_open_read_write_elsewhere_cannot_be_opened(store_path):
    with held(store_path, "rw") as pid:
        for read_only in (False, True):
            with pytest.raises(StoreError) as err:
                Store(store_path, read_only=read_only)
            assert str(err.value) == expected(store_path, pid)
    Store(store_path).close()  # free again once that process is gone


def test_a_store_served_read_only_can_be_read_not_written(store_path):
    # `ioscope serve` opens the store read-only: other readers may open it, a writer may not
    with held(store_path, "ro") as pid:
        with pytest.raises(StoreError) as err:
            Store(store_path)
        assert str(err.value) == expected(store_path, pid)
        with Store(store_path, read_only=True) as s:
            assert s.scalar("SELECT count(*) FROM posts") == 0


def test_the_message_without_a_pid():
    msg = lock_conflict_message("s.duckdb", 'IO Error: Could not set lock on file "s.duckdb": busy')
    assert msg.startswith("s.duckdb: the store is open in another process, such as `ioscope serve`")


def test_ingest_and_coordination_say_it_in_one_line(store_path):
    (store_path.parent / "a.jsonl").write_text("")
    with held(store_path, "ro") as pid:
        r = subprocess.run([sys.executable, "-m", "ioscope.cli", "ingest", "a.jsonl", "--db", "s.duckdb"],
                           cwd=store_path.parent, capture_output=True, text=True, timeout=120)
        c = subprocess.run([sys.executable, "-m", "ioscope.cli", "coordination", "--db", "s.duckdb"],
                           cwd=store_path.parent, capture_output=True, text=True, timeout=120)
    for res in (r, c):
        assert res.returncode == 1
        assert res.stderr.strip().splitlines() == [f"error: {expected(Path('s.duckdb'), pid)}"]
