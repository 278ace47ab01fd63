"""The 2020 virus-origin narrative in real diplomats' tweets (DIPROMATS 2023, Moral et al. 2023).

Input: every English and Spanish tweet of March 2020 in the DIPROMATS t1 files (1,608 tweets of
Chinese, Russian, US and EU diplomats and ministries; ~30 s of embedding on two cores), loaded by
``nar_real.load_dipromats``. Discovery runs with its defaults, knowing nothing of the topic.

Hand-checked posts (read one by one in the files): ten tweets that deny a Chinese origin of the virus
or point at the US, in English and Spanish:

* 1235160704677642240 mfa_china 2020-03-04 11:10 UTC "its origin is not necessarily in China"
  (the earliest of the ten);
* 1235534660819513345 zlj517 03-05, the same text; 1236322524281044993 ambchenxiaodong 03-07 "did
  not necessarily mean that the virus is originated from China";
* 1238111898828066823 zlj517 03-12 "It might be US army who brought the epidemic to Wuhan";
* 1239453193689587712 ambchenxiaodong 03-16 "not originated at the seafood market";
  1240204070247444482 ambchenxiaodong 03-18 "neither originated from China";
* 1240855492437716997 li_baorong (es) 03-20 "¡EL VIRUS ES GRINGO! Paciente cero ... surgió de
  Estados Unidos"; 1241135572552482819 luisxu9 (es) 03-20 "no significa que el origen del virus
  está allí";
* 1241723635964039168 zlj517 03-22 "US should find out when patient zero appeared";
  1242468282814226437 zlj517 03-24 "It was U.S. that started the argument about the origin".

Observed (and asserted): nine of the ten fall in one discovered narrative (labelled "virus, us, china,
covid, chinese"), English and Spanish together; li_baorong's short all-caps tweet lands in a
Spanish COVID-information narrative instead. The narrative is broader than the origin claim: it is the
US-China quarrel over the virus, of which the origin claim is the core.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from ioscope.analyses.narratives import Narratives
from ioscope.store import Store

sys.path.insert(0, str(Path(__file__).parent))
from nar_real import load_dipromats

os.environ.setdefault("OMP_NUM_THREADS", "1")

ORIGIN = {
    "1235160704677642240": "mfa_china", "1235534660819513345": "zlj517",
    "1236322524281044993": "ambchenxiaodong", "1238111898828066823": "zlj517",
    "1239453193689587712": "ambchenxiaodong", "1240204070247444482": "ambchenxiaodong",
    "1240855492437716997": "li_baorong", "1241135572552482819": "luisxu9",
    "1241723635964039168": "zlj517", "1242468282814226437": "zlj517",
}


@pytest.fixture(scope="module")
def dipromats_run(shared_data, tmp_path_factory):
    folder = shared_data / "dipromats-2023-diplomat-propaganda-tweets"
    s = Store(tmp_path_factory.mktemp("dip") / "s.duckdb")
    n = load_dipromats(s, folder, keep=lambda r: "2020-03-01" <= r["UTC"] < "2020-04-01")
    assert n == 1608
    return s, Narratives().run(s)


@pytest.mark.shared
@pytest.mark.slow
def test_origin_narrative_is_one_narrative_in_both_languages(dipromats_run):
    _, r = dipromats_run
    pn = r.tables["post_narratives"]
    d = pn[(pn["source"] == "discovered") & pn["post_id"].isin(ORIGIN)]
    assert dict(zip(d["post_id"], d["handle"], strict=True)).items() <= ORIGIN.items()
    counts = d["narrative_id"].value_counts()
    nid = counts.index[0]
    assert counts.iloc[0] >= 9  # nine of the ten hand-checked posts, see the module docstring
    mine = d[d["narrative_id"] == nid]
    assert set(mine["lang"]) == {"en", "es"}
    # the first mover of the claim among them: the MFA on 2020-03-04, then the accounts repeating it
    first = mine.sort_values("created_at").iloc[0]
    assert (first["post_id"], first["handle"]) == ("1235160704677642240", "mfa_china")
    acc = r.tables["narrative_accounts"]
    acc = acc[(acc["source"] == "discovered") & (acc["narrative_id"] == nid)]
    assert {"mfa_china", "zlj517", "ambchenxiaodong", "luisxu9"} <= set(acc["handle"])
    # China is among the narrative's first movers, and every account is labelled with its country
    fm = r.tables["first_movers"]
    fm = fm[(fm["source"] == "discovered") & (fm["narrative_id"] == nid)]
    assert "CN" in set(fm["actor_group"])
    assert acc["country"].notna().all()
