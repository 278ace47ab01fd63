"""Links and domains: which sites each actor group links to, how the groups' portfolios overlap, and the
share of links to low-credibility sites and state media per group and month.

Every URL of a collected post is canonicalised (:func:`ioscope.canon.canonical_url`, computed once per
distinct URL, at ingest: :mod:`ioscope.url_table`) and matched to the imported credibility/type lists (:mod:`ioscope.domain_lists`; a
link's host matches a list host when equal or a subdomain of it, so ``de.rt.com`` gets ``rt.com``'s
labels). Posts without URLs but with ``domains`` (e.g. sources that give only the site) count with
those. Counting and matching are DuckDB SQL; method after the "domain portfolio" comparisons of
Yang et al. 2020 ("The COVID-19 Infodemic: Twitter versus Facebook") and the low-credibility share of
Shao et al. 2018 (Hoaxy / OSoMe), with labels from Lin et al. 2023, MBFC and Iffy.news.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa

from ioscope.analyses.base import Analysis, Result
from ioscope.domain_lists import COMBINED_SQL, has_labels
from ioscope.errors import AnalysisError
from ioscope.outputs.links import permalink
from ioscope.store import Store
from ioscope.url_table import lookup

GROUP_BY = {
    "country_type": "CASE WHEN f.account_id IS NULL THEN '(untracked)' ELSE coalesce(f.country, '?') "
                    "|| ' ' || coalesce(f.actor_type, 'unknown') END",
    "country": "CASE WHEN f.account_id IS NULL THEN '(untracked)' ELSE coalesce(f.country, '?') END",
    "actor_type": "CASE WHEN f.account_id IS NULL THEN '(untracked)' ELSE coalesce(f.actor_type, 'unknown') END",
    "account": "coalesce(a.handle, p.account_handle, p.account_id)",
}
"""How links are grouped: SQL over posts ``p``, accounts ``a`` and actor_accounts ``f``."""

_LINKS = """
CREATE OR REPLACE TEMP TABLE _dom_links AS
WITH base AS (
    SELECT p.platform, p.post_id, p.account_id, coalesce(a.handle, p.account_handle) AS handle,
           {group} AS grp, f.account_id IS NOT NULL AS tracked, p.created_at, p.kind,
           CASE WHEN len(coalesce(p.urls, [])) > 0 THEN p.urls END AS urls, p.domains
    FROM posts p
    LEFT JOIN accounts a ON a.platform = p.platform AND a.account_id = p.account_id
    LEFT JOIN actor_accounts f ON f.platform = p.platform AND f.account_id = p.account_id
    WHERE p.collected AND list_contains($kinds, p.kind) AND ($include_untracked OR f.account_id IS NOT NULL)
),
u AS (
    SELECT b.* EXCLUDE (urls, domains), x.url, c.canonical_url, nullif(c.host, '') AS host,
           c.domain, c.shortener
    FROM base b, unnest(b.urls) AS x(url) LEFT JOIN _dom_urls c ON c.url = x.url
    UNION ALL
    SELECT b.* EXCLUDE (urls, domains), NULL, NULL, lower(d.domain), lower(d.domain), false
    FROM base b, unnest(b.domains) AS d(domain) WHERE b.urls IS NULL
)
SELECT * FROM u WHERE domain IS NOT NULL
"""

_LABELLED = """
CREATE OR REPLACE TEMP TABLE _dom_labelled AS
SELECT l.*, coalesce(m.labels, []) AS labels, coalesce(m.label_sources, []) AS label_sources,
       coalesce(m.low_credibility, false) AS low_credibility, coalesce(m.conspiracy, false) AS conspiracy,
       coalesce(m.state_media, false) AS state_media, m.state_country
FROM _dom_links l LEFT JOIN (
    SELECT c.host, list_sort(list_distinct(flatten(list(c.labels)))) AS labels,
           list_sort(list_distinct(flatten(list(c.label_sources)))) AS label_sources,
           bool_or(c.low_credibility) AS low_credibility, bool_or(c.conspiracy) AS conspiracy,
           bool_or(c.state_media) AS state_media, any_value(c.state_country) AS state_country
    FROM (SELECT s.host, c.* EXCLUDE (host), bool_or(c.from_user) OVER (PARTITION BY s.host) AS any_user
          FROM _dom_suffix s JOIN ({combined}) c ON c.host = s.suffix) c
    WHERE c.from_user OR NOT c.any_user
    GROUP BY c.host
) m ON m.host = coalesce(l.host, l.domain)
"""

_PORTFOLIO = """
SELECT grp AS "group", domain, count(*) AS n_links, count(DISTINCT (platform, post_id)) AS n_posts,
       count(DISTINCT (platform, account_id)) AS n_accounts,
       list_sort(list_distinct(flatten(list(labels)))) AS labels,
       bool_or(low_credibility) AS low_credibility, bool_or(state_media) AS state_media,
       row_number() OVER (PARTITION BY grp ORDER BY count(*) DESC, domain) AS rank
FROM _dom_labelled GROUP BY grp, domain
QUALIFY rank <= $top_n
ORDER BY "group", rank
"""

_SETS = """SELECT grp AS "group", domain, count(*) AS n_links, bool_or(low_credibility) AS low_credibility
FROM _dom_labelled GROUP BY grp, domain"""

_SHARE = """
SELECT grp AS "group", CAST(date_trunc('month', created_at) AS DATE) AS month, count(*) AS n_links,
       count(*) FILTER (WHERE low_credibility) AS n_low_credibility,
       count(*) FILTER (WHERE state_media) AS n_state_media,
       count(*) FILTER (WHERE conspiracy) AS n_conspiracy,
       count(*) FILTER (WHERE shortener) AS n_unresolved_short,
       count(*) FILTER (WHERE low_credibility) / count(*) AS share_low_credibility,
       count(*) FILTER (WHERE state_media) / count(*) AS share_state_media
FROM _dom_labelled WHERE created_at IS NOT NULL
GROUP BY ALL ORDER BY "group", month
"""

_LABELS_SEEN = """
SELECT domain, count(*) AS n_links, count(DISTINCT grp) AS n_groups,
       list_sort(list_distinct(flatten(list(labels)))) AS labels,
       list_sort(list_distinct(flatten(list(label_sources)))) AS label_sources,
       bool_or(low_credibility) AS low_credibility, bool_or(state_media) AS state_media,
       any_value(state_country) AS state_country
FROM _dom_labelled WHERE len(labels) > 0
GROUP BY domain ORDER BY n_links DESC, domain
"""

_EVIDENCE = """
SELECT grp AS "group", platform, post_id, handle, created_at, url, domain, labels
FROM _dom_labelled WHERE low_credibility OR state_media
ORDER BY created_at, post_id LIMIT $evidence_n
"""


class Domains(Analysis):
    """Domain portfolios of actor groups, their overlap, and low-credibility / state-media shares.

    Parameters (stored unchanged; checked by :meth:`run`, which raises AnalysisError):

    * ``group_by`` (default ``country_type``): ``country_type`` (e.g. ``CN embassy``), ``country``,
      ``actor_type`` or ``account`` (each account its own group, e.g. Telegram groups); accounts
      that are not tracked actors form ``(untracked)`` unless ``include_untracked`` is False;
    * ``kinds`` (default original, quote, reply, repost: a repost counts with the reposted links);
    * ``include_untracked`` (default True); ``top_n`` (default 30) domains per group in ``portfolio``;
    * ``min_links`` (default 5): groups with fewer links are left out of ``overlap``;
    * ``evidence_n`` (default 500) rows of ``evidence``.

    Tables: ``portfolio`` (group, domain, n_links, n_posts, n_accounts, labels (list), low_credibility,
    state_media, rank); ``overlap`` (group_a, group_b, n_domains_a, n_domains_b, n_shared, jaccard,
    n_shared_low_credibility, shared_low_credibility (list of domains), n_links_shared_low_a,
    n_links_shared_low_b) for every pair of groups; ``share_by_month`` (group, month (UTC month
    start), n_links, n_low_credibility, n_state_media, n_conspiracy, n_unresolved_short,
    share_low_credibility, share_state_media); ``domain_labels`` (labelled domains seen: domain,
    n_links, n_groups, labels, label_sources (``label:list``), low_credibility, state_media,
    state_country); ``evidence`` (links to low-credibility or state-media sites: group, platform,
    post_id, permalink, handle, created_at, url, domain, labels).
    Summary: n_links, n_domains, n_groups, n_low_credibility_links, share_low_credibility,
    n_state_media_links, lists_imported.
    """

    name = "domains"
    title = "Links and domains"

    def __init__(self, group_by: str = "country_type",
                 kinds: tuple[str, ...] = ("original", "quote", "reply", "repost"),
                 include_untracked: bool = True, top_n: int = 30, min_links: int = 5,
                 evidence_n: int = 500):
        self.group_by = group_by
        self.kinds = kinds
        self.include_untracked = include_untracked
        self.top_n = top_n
        self.min_links = min_links
        self.evidence_n = evidence_n

    def run(self, store: Store) -> Result:
        """Compute the tables (see the class docstring) and return a Result."""
        if self.group_by not in GROUP_BY:
            raise AnalysisError(f"domains: group_by must be one of {', '.join(GROUP_BY)}, got {self.group_by!r}")
        kinds = [self.kinds] if isinstance(self.kinds, str) else list(self.kinds)
        if not kinds or any(k not in ("original", "quote", "reply", "repost") for k in kinds):
            raise AnalysisError(f"domains: bad kinds {self.kinds!r}")
        for n in ("top_n", "min_links", "evidence_n"):
            v = getattr(self, n)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise AnalysisError(f"domains: {n} must be an integer >= 1, got {v!r}")
        con = store.con
        lookup(con, "SELECT DISTINCT unnest(urls) FROM posts WHERE collected AND list_contains($k, kind)",
               "_dom_urls", {"k": kinds})
        labelled = has_labels(store)
        try:
            con.execute(_LINKS.format(group=GROUP_BY[self.group_by]),
                        {"kinds": kinds, "include_untracked": bool(self.include_untracked)})
            hosts = [r[0] for r in con.execute(
                "SELECT DISTINCT coalesce(host, domain) FROM _dom_links").fetchall()]
            con.register("_dom_suffix", _suffixes(hosts))
            combined = COMBINED_SQL if labelled else (
                "SELECT NULL::VARCHAR AS host, []::VARCHAR[] AS labels, []::VARCHAR[] AS label_sources, "
                "false AS low_credibility, false AS conspiracy, false AS state_media, "
                "NULL::VARCHAR AS state_country, NULL::DOUBLE AS lin2023_score, false AS from_user WHERE false")
            con.execute(_LABELLED.format(combined=combined))
            tables = {
                "portfolio": store.query(_PORTFOLIO, {"top_n": self.top_n}),
                "overlap": _overlap(store.query(_SETS), self.min_links),
                "share_by_month": store.query(_SHARE),
                "domain_labels": store.query(_LABELS_SEEN),
                "evidence": store.query(_EVIDENCE, {"evidence_n": self.evidence_n}),
            }
            totals = con.execute("SELECT count(*), count(DISTINCT domain), count(DISTINCT grp), "
                                 "count(*) FILTER (WHERE low_credibility), "
                                 "count(*) FILTER (WHERE state_media) FROM _dom_labelled").fetchone()
        finally:
            try:
                con.unregister("_dom_suffix")
            except Exception:  # noqa: BLE001 - unregistering a missing view is harmless
                pass
            con.execute("DROP TABLE IF EXISTS _dom_urls")
            con.execute("DROP TABLE IF EXISTS _dom_links")
            con.execute("DROP TABLE IF EXISTS _dom_labelled")
        ev = tables["evidence"]
        ev.insert(3, "permalink", [permalink(p, i, h if isinstance(h, str) else None)
                                   for p, i, h in zip(ev["platform"], ev["post_id"], ev["handle"], strict=False)])
        for name, cols in (("portfolio", ("labels",)), ("domain_labels", ("labels", "label_sources")),
                           ("evidence", ("labels",)), ("overlap", ("shared_low_credibility",))):
            tables[name].attrs["arrow_types"] = {c: pa.list_(pa.string()) for c in cols}
        tables["evidence"].attrs["arrow_types"]["permalink"] = pa.string()
        n, n_dom, n_grp, n_low, n_state = (int(x) for x in totals)
        summary: dict[str, Any] = {
            "n_links": n, "n_domains": n_dom, "n_groups": n_grp, "n_low_credibility_links": n_low,
            "share_low_credibility": round(n_low / n, 4) if n else None, "n_state_media_links": n_state,
            "lists_imported": int(store.scalar("SELECT count(DISTINCT list_name) FROM domain_labels"))
            if labelled else 0,
        }
        notes = ["A link to a low-credibility site is not proof of intent; ratings are the lists' "
                 "judgement of the site, not of the linked article. Labels name their list."]
        if not summary["lists_imported"]:
            notes.append("No credibility list imported (`ioscope domains import FILE --format "
                         "lin2023|mbfc|iffy|csv`): no link is labelled.")
        return Result(name=self.name, params=self.get_params(), tables=tables, summary=summary, notes=notes)


def _suffixes(hosts: list[str]) -> pa.Table:
    """(host, suffix) for every dot-suffix of each host with at least two labels."""
    h_out, s_out = [], []
    for h in hosts:
        if not h:
            continue
        parts = h.split(".")
        for i in range(len(parts) - 1):
            h_out.append(h)
            s_out.append(".".join(parts[i:]))
    return pa.table({"host": pa.array(h_out, pa.string()), "suffix": pa.array(s_out, pa.string())})


def _overlap(sets: pd.DataFrame, min_links: int) -> pd.DataFrame:
    """Pairwise Jaccard overlap of the groups' domain sets (groups with >= ``min_links`` links)."""
    cols = ["group_a", "group_b", "n_domains_a", "n_domains_b", "n_shared", "jaccard",
            "n_shared_low_credibility", "shared_low_credibility", "n_links_shared_low_a",
            "n_links_shared_low_b"]
    totals = sets.groupby("group")["n_links"].sum()
    groups = sorted(g for g, n in totals.items() if n >= min_links)
    by = {g: sets[sets["group"] == g].set_index("domain") for g in groups}
    rows = []
    for i, a in enumerate(groups):
        for b in groups[i + 1:]:
            da, db = set(by[a].index), set(by[b].index)
            shared = da & db
            low = sorted(d for d in shared if by[a].at[d, "low_credibility"])
            rows.append([a, b, len(da), len(db), len(shared), len(shared) / len(da | db) if da | db else 0.0,
                         len(low), low, int(by[a].loc[low, "n_links"].sum()) if low else 0,
                         int(by[b].loc[low, "n_links"].sum()) if low else 0])
    df = pd.DataFrame(rows, columns=cols)
    return df.sort_values(["n_shared_low_credibility", "jaccard"], ascending=False, kind="stable").reset_index(drop=True)
