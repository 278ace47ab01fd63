"""The demo scenario generator: an invented early-2020 state information operation written as
X/Twitter v1.1 JSON lines, an actor registry, a fact-check table, events and a ground truth.

    from ioscope.demo import generate
    files = generate("demo-in", seed=20200312, scale=1.0)   # -> DemoFiles

See :mod:`ioscope.demo.scenario` for what is planted and the keys of ``ground_truth.json``.
"""

from ioscope.demo.scenario import DemoFiles, generate

__all__ = ["DemoFiles", "generate"]
