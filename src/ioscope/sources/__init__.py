"""Source adapters: one module per input format, each registered in :mod:`.registry`.

Importing this package registers the built-in formats.
"""

from ioscope.sources import (  # noqa: F401  (each module registers its format)
    bluesky,
    coortweet,
    crowdtangle,
    crowdtangle_shares,
    dipromats,
    feeds,
    generic_csv,
    io_archive,
    ira_csv,
    mastodon,
    qut_cnt,
    telegram,
    twarc_csv,
    twitter_v1,
    twitter_v1_csv,
    twitter_v2,
    web,
    youtube,
)
from ioscope.sources.base import Bad, Record, Source, SourceOptions
from ioscope.sources.registry import detect, get, names, register

__all__ = ["Bad", "Record", "Source", "SourceOptions", "detect", "get", "names", "register"]
