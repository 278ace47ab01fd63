"""Articles join the narratives of posts: Tehran Times (Iranian state-affiliated media) and the Chinese
and Russian diplomats of DIPROMATS push "lift the US sanctions on Iran during the pandemic".

Input (~70 s on two idle cores, most of it embedding): every English and Spanish DIPROMATS tweet of
March 2020 (1,608) and 51 Tehran Times articles of March 2020 (estimated dates), chosen by reading:

* SANCTIONS_TT, 17 articles whose title and lead say that the US sanctions hamper Iran's fight
  against COVID-19 and must be lifted (Zarif, Larijani, Iran's UN envoy, MPs; reports of the same
  call by China's MFA, 446201, and Russia's MFA and presidency, 446224 and 446273; the G77 and
  China, 446451; the UN chief, 446362; Human Rights Watch, 446531);
* CONTROLS_TT, 30 articles about other things, picked by rule (news_id ending in 0): 14 the crawl
  marks not COVID-related (sport, culture, the economy), 16 COVID-related without the word
  "sanction" (case counts, masks, medicine);
* four more COVID articles (446045, 446062, 446471, 446428) that carry Khamenei's "biological
  attack" suspicion or reject the "China virus" label (kept so that the origin quarrel is present).

SANCTIONS_DIP: 13 tweets read one by one: Chinese (mfa_china, ambchanghua, li_baorong) and Russian
(amb_ulyanov, mfa_russia, russianembassy, embsergio) diplomats calling on the US to lift its
sanctions on Iran (and Venezuela) during the pandemic, in English and Spanish.

Observed with whole articles embedded (``long_text_chars=0``, the former behaviour), the same data:
see docs/analyses/narratives.md ("Long documents"). Asserted here with the defaults (articles split
into passages): the narrative holding most SANCTIONS_DIP tweets carries most SANCTIONS_TT articles,
few controls, and counts China, Russia and Iran among its first movers.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from ioscope.analyses.narratives import Narratives
from ioscope.store import Store

sys.path.insert(0, str(Path(__file__).parent))
from nar_real import load_dipromats, load_tehran_times

os.environ.setdefault("OMP_NUM_THREADS", "1")

SANCTIONS_DIP = {
    "1235533470694133761", "1239544099083972608", "1239567494408437762", "1240259642808303617",
    "1241894766700302338", "1242110562869354502", "1243176230473601024", "1244320725391073292",
    "1245117088013959168", "1238128415502487552", "1243755706966253569", "1239221474193551361",
    "1238673765061533696"}
SANCTIONS_TT = {445884, 445961, 446005, 446042, 446110, 446120, 446139, 446176, 446201, 446224,
                446229, 446273, 446451, 446649, 446741, 446531, 446362}
CONTROLS_TT = {445700, 445720, 445730, 445740, 445820, 445850, 446080, 446090, 446150, 446320,
               446450, 446490, 446620, 446700,  # not COVID-related
               445750, 445760, 445790, 445810, 445890, 445900, 445910, 445970, 445990, 446000,
               446020, 446200, 446290, 446540, 446610, 446660}  # COVID, no sanctions
ORIGIN_TT = {446045, 446062, 446471, 446428}


def _news_id(post_id: str) -> int:
    return int(post_id.split("/news/")[1].split("/")[0])


@pytest.fixture(scope="module")
def articles_run(shared_data, tmp_path_factory):
    work = tmp_path_factory.mktemp("tt")
    s = Store(work / "s.duckdb")
    n = load_dipromats(s, shared_data / "dipromats-2023-diplomat-propaganda-tweets",
                       keep=lambda r: "2020-03-01" <= r["UTC"] < "2020-04-01")
    assert n == 1608
    m = load_tehran_times(s, shared_data / "tehran-times-articles-2020h1", work,
                          SANCTIONS_TT | CONTROLS_TT | ORIGIN_TT)
    assert m == 51
    return s, Narratives().run(s)


@pytest.mark.shared
@pytest.mark.slow
def test_tehran_times_joins_the_diplomats_sanctions_narrative(articles_run):
    _, r = articles_run
    pn = r.tables["post_narratives"]
    pn = pn[pn["source"] == "discovered"]
    dip = pn[pn["post_id"].isin(SANCTIONS_DIP)]["narrative_id"].value_counts()
    nid = dip.index[0]
    # observed 2026-11-30: 10 of the 13 tweets (the three others in three other narratives);
    # with whole articles embedded: 6
    assert dip.iloc[0] >= 9
    web = pn[(pn["platform"] == "web") & (pn["narrative_id"] == nid)]
    carried = {_news_id(p) for p in web["post_id"]}
    # observed: 16 of the 17 sanctions articles and 4 of the 30 controls (445810 Zarif and
    # al-Hakim's talks, 445850 IAEA report, 445910 medical staff, 445970 ban on exports of medical
    # products: none names the sanctions; a false join through a passage on Iran's hardship or the
    # outbreak). With whole articles 50 of the 51 articles formed one Tehran Times narrative (17 of
    # 17, but also 29 of the 30 controls): the outlet, not the claim
    assert len(carried & SANCTIONS_TT) >= 15
    assert len(carried & CONTROLS_TT) <= 5
    fm = r.tables["first_movers"]
    fm = fm[(fm["source"] == "discovered") & (fm["narrative_id"] == nid)]
    assert {"CN", "RU", "IR"} <= set(fm["actor_group"])
