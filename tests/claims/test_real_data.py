"""The built-in layouts on the real fact-check files in ../shared/data (skipped when absent)."""

from __future__ import annotations

import pytest

from ioscope.claims import import_claims
from ioscope.store import Store

pytestmark = pytest.mark.shared


def test_real_claim_files_import(shared_data, tmp_path):
    files = [shared_data / "poynter-coronavirusfacts-scrape" / "data.csv",
             shared_data / "euvsdisinfo-cases-2021-02" / "posts.csv",
             shared_data / "covid19-rumor-dataset" / "news.csv"]
    with Store(tmp_path / "s.duckdb") as s:
        rep = import_claims(s, files)
        # data.csv: 7,968 fact-checks (data README), 11 of them repeat the same (URL, claim text) pair;
        # EUvsDisinfo: 10,892 cases, one per case URL; rumour news.csv: 4,129 rumours, one per number
        assert [(f.reader, f.n_read, f.n_stored, f.n_quarantined) for f in rep.files] == [
            ("poynter", 7968, 7957, 0), ("euvsdisinfo", 10892, 10892, 0), ("rumor-news", 4129, 4129, 0)]
        # the README's first EUvsDisinfo sample row
        row = s.query("SELECT text, review_date, claimant FROM claims "
                      "WHERE claim_id = 'euvsdisinfo:german-special-services-helped-navalny'").iloc[0]
        assert row["text"] == "German special services helped Navalny"
        assert str(row["review_date"].date()) == "2021-02-18" and row["claimant"] == "TASS - Russian"
        # the README's Poynter sample: AFP, 1/21/2020, rated False
        afp = s.query("SELECT rating_normalized, reviewer, claim_date FROM claims "
                      "WHERE text = 'The coronavirus was created in a lab and patented.' "
                      "AND reviewer = 'AFP'")
        assert len(afp) >= 1 and set(afp["rating_normalized"]) == {"false"}
