"""The fixed sets of values some options take, as ``str`` enums, so that ``--help`` shows them
(``--null <shuffle|relabel|object|shuffle_mc>``) and a value outside the set is a usage error (exit 2,
one ``Error:`` line naming the allowed values) before anything runs.

The values are written out here rather than imported, so that the command line starts without
importing the analyses; tests/core/test_cli.py checks that each set equals the library's own
(:data:`ioscope.analyses.coordination.weights.NULLS`, ``BEHAVIOURS``, ``GROUP_BY``, ...). A command
passes ``member.value`` (a plain ``str``, :func:`value`) to the API, never the enum member.
"""

from __future__ import annotations

from enum import Enum


class Behaviour(str, Enum):
    """Coordination behaviours (``ioscope.analyses.coordination.actions.BEHAVIOURS``)."""

    co_repost = "co_repost"
    co_quote = "co_quote"
    co_reply = "co_reply"
    co_link = "co_link"
    co_domain = "co_domain"
    co_hashtag = "co_hashtag"
    hashtag_seq = "hashtag_seq"
    co_text = "co_text"
    near_text = "near_text"
    sync = "sync"


class Null(str, Enum):
    """Coordination null models (``ioscope.analyses.coordination.weights.NULLS``)."""

    shuffle = "shuffle"
    relabel = "relabel"
    object = "object"
    shuffle_mc = "shuffle_mc"


class Correction(str, Enum):
    """Multiple-testing corrections (``ioscope.analyses.coordination.weights.CORRECTIONS``)."""

    bonferroni = "bonferroni"
    fdr = "fdr"
    none = "none"


class DomainListFormat(str, Enum):
    """Domain list formats (``ioscope.domain_lists.FORMATS``)."""

    lin2023 = "lin2023"
    mbfc = "mbfc"
    iffy = "iffy"
    csv = "csv"


class DomainGroupBy(str, Enum):
    """Actor groupings of the domains analysis (``ioscope.analyses.domains.GROUP_BY``)."""

    country_type = "country_type"
    country = "country"
    actor_type = "actor_type"
    account = "account"


class Bucket(str, Enum):
    """Time buckets of the shifts analysis (``ioscope.analyses.shifts.series.BUCKETS``)."""

    hour = "hour"
    day = "day"
    week = "week"


class CoverageUnit(str, Enum):
    """What one collection is for the shifts coverage (``ioscope.analyses.shifts.coverage.COVERAGE_UNITS``)."""

    dataset = "dataset"
    file = "file"


class Engine(str, Enum):
    """Engines (``ioscope.engines.ENGINES``)."""

    duckdb = "duckdb"
    spark = "spark"


class ClaimLayout(str, Enum):
    """Claim file readers (``ioscope.claims.store.JSON_READERS`` + ``ioscope.claims.csv_layouts.LAYOUTS``)."""

    claimreview = "claimreview"
    google_factcheck = "google-factcheck"
    html = "html"
    ioscope = "ioscope"
    poynter = "poynter"
    euvsdisinfo = "euvsdisinfo"
    rumor_news = "rumor-news"
    rumor_twitter = "rumor-twitter"
    rumor_en_dup = "rumor-en-dup"
    mapping = "mapping"


def value(member: Enum | None) -> str | None:
    """The plain ``str`` behind an option's enum member; None stays None."""
    return None if member is None else str(member.value)
