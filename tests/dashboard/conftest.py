"""Fixtures of the dashboard tests: the hand-checked scenario store of tests/analyses/conftest.py
(closed, so the dashboard can open it read-only), an in-process ASGI client, the demo store, and a
live server for the browser tests (``@pytest.mark.browser``)."""

from __future__ import annotations

import importlib.util
import socket
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the dashboard needs starlette: pip install starlette")

from ioscope.store import Store  # noqa: E402

_spec = importlib.util.spec_from_file_location(
    "ioscope_tests_scenario", Path(__file__).parent.parent / "analyses" / "conftest.py")
scenario = sys.modules.get(_spec.name)
if scenario is None:
    scenario = importlib.util.module_from_spec(_spec)
    sys.modules[_spec.name] = scenario
    _spec.loader.exec_module(scenario)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives a real Chromium through Playwright "
                                       "(skipped when /usr/bin/chromium or playwright is absent)")


def build_store(path: Path, posts: list[dict], accounts: list[dict], actors: list[dict]) -> Path:
    """Write one ingest of ``posts``/``accounts`` and the registry ``actors`` to ``path``; closed."""
    with Store(path) as store:
        store.begin_file()
        store.stage("posts", posts)
        store.stage("accounts", accounts)
        store.commit_file({"source_file": "/test/input.jsonl", "source_format": "test",
                           "sha256": "0" * 64, "started_at": scenario.T0,
                           "finished_at": scenario.T0, "n_read": len(posts),
                           "ioscope_version": "test"})
        store.set_actors(actors)
    return path


@pytest.fixture
def dash_tools():
    """``build_store``, the shared ``scenario`` rows and ``serve`` (a live server over a store), for
    tests that build their own store (a fixture: importing from a conftest module picks whichever
    conftest was imported first)."""
    from types import SimpleNamespace

    return SimpleNamespace(build_store=build_store, scenario=scenario, serve=serve)


@pytest.fixture
def scenario_db(tmp_path: Path) -> Path:
    """The scenario of tests/analyses/conftest.py as a closed store file."""
    return build_store(tmp_path / "scenario.duckdb", *scenario.scenario_rows())


@pytest.fixture
def client(scenario_db: Path):
    """A Starlette TestClient over the scenario store (no analysis run on demand)."""
    from starlette.testclient import TestClient

    from ioscope.outputs.dashboard import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        app = create_app(scenario_db, run_on_demand=())
        with TestClient(app, base_url="http://127.0.0.1") as c:
            yield c


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo scenario at scale 0.2, ingested with its actors (about 3 s)."""
    from ioscope.actors import read_actors_csv
    from ioscope.demo import generate
    from ioscope.ingest import ingest

    root = tmp_path_factory.mktemp("demo")
    files = generate(root / "input", scale=0.2)
    db = root / "ioscope.duckdb"
    with Store(db) as store:
        ingest(store, files.tweet_files)
        store.set_actors(read_actors_csv(files.actors_csv))
    return db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(db: Path, **app_options) -> Iterator[str]:
    """The dashboard over store ``db`` (``create_app(db, **app_options)``) served by uvicorn in a
    background thread on a free port of 127.0.0.1; yields the base URL, stops the server after."""
    import uvicorn

    from ioscope.outputs.dashboard import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(db, **app_options), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the dashboard server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


CHROMIUM = Path("/usr/bin/chromium")
"""Debian's Chromium: the only browser the tests drive (never a downloaded one)."""
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def chromium():
    """Headless /usr/bin/chromium through Playwright (skips when either is absent)."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent (run .ci/install-browser.sh)")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="the playwright package is absent (pip install playwright)")
    import os

    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def live_server(demo_db: Path) -> Iterator[str]:
    """``ioscope serve`` on the demo store in a background thread; yields the base URL."""
    with serve(demo_db) as url:
        yield url
