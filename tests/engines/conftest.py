"""Fixtures of the engine tests: the ``spark`` marker, small stores, and Parquet datasets.

Spark tests are marked ``@pytest.mark.spark`` and skip cleanly when pyspark or Java is missing.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from engine_samples import make_tiny_store

from ioscope.store import Store


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "spark: runs Apache Spark in local mode (needs pyspark and Java)")


def require_spark() -> None:
    """Skip the calling test (or module) unless pyspark and a working ``java`` are present."""
    if importlib.util.find_spec("pyspark") is None:
        pytest.skip("pyspark is not installed (pip install 'ioscope[spark]')")
    from ioscope.engines.spark import java_available

    if not java_available():
        pytest.skip("java is not available (.ci/ensure-java.sh installs it)")


SPARK_TEST_CONF = {"spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "2",
                   "spark.driver.memory": "1g"}


@pytest.fixture(scope="session")
def spark():
    """One local[2] SparkSession for every Spark test (about 10-30 s to start); stopped at the end."""
    require_spark()
    from ioscope.engines.spark import spark_session

    session = spark_session("local[2]", app_name="ioscope-tests", conf=SPARK_TEST_CONF)
    yield session
    session.stop()


@pytest.fixture
def tiny_store(tmp_path: Path) -> Store:
    """:func:`make_tiny_store` in a temporary folder."""
    store = make_tiny_store(tmp_path / "tiny.duckdb")
    yield store
    store.close()
