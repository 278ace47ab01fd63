"""A wrong Spark master is one clear error before any JVM starts (a user trial got a Java stack
trace and a PySparkRuntimeError for ``--master garbage``)."""

from __future__ import annotations

import importlib.util

import pytest

from ioscope.errors import ConfigError

pytestmark = pytest.mark.skipif(importlib.util.find_spec("pyspark") is None,
                                reason="pyspark is not installed (pip install 'ioscope[spark]')")


@pytest.mark.parametrize("master", ["garbage", "local[x]", "spark:/h:7077", ""])
def test_bad_master_is_a_config_error(master):
    from ioscope.engines.spark import spark_session

    with pytest.raises(ConfigError, match="expected local, local\\[N\\]"):
        spark_session(master)


@pytest.mark.parametrize("master", ["local", "local[2]", "local[*]", "local[4,2]", "local-cluster[2,1,1024]",
                                    "spark://host:7077", "yarn", "k8s://https://h:443", "sc://h:15002"])
def test_master_urls_spark_documents_are_accepted(master):
    from ioscope.engines.spark import _MASTER

    assert _MASTER.fullmatch(master)
