"""Domain lists (ioscope.domain_lists) and the domains analysis on tiny hand-written inputs."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ioscope.analyses.domains import Domains
from ioscope.domain_lists import (
    combined_labels, import_domain_list, label_of, lists_summary, read_domain_list, read_domain_list_report,
)
from ioscope.errors import AnalysisError, ConfigError, SourceError


@pytest.fixture
def lists(tmp_path):
    lin = tmp_path / "lin.csv"
    lin.write_text("domain,pc1\nglobalresearch.ca,0.176\nreuters.com,1\nrt.com,0.29\n")
    mbfc = tmp_path / "mbfc.csv"
    mbfc.write_text(
        "page,mbfclink,bias_rating,factual_reporting,country,media_type,trafficpopularity,credibility_rating,"
        "source,domain,leaning,press_freedom_rank\n"
        "Global Research,x,CONSPIRACY-PSEUDOSCIENCE,LOW,Canada (16/180 Press Freedom),Website,,LOW CREDIBILITY,,"
        "globalresearch.ca,conspiracy,\n"
        "RT News,x,RIGHT-CENTER,VERY LOW,Russia,TV Station,,LOW CREDIBILITY,,rt.com,fake-news,\n"
        "Reuters,x,LEAST BIASED,VERY HIGH,USA,News Agency,,HIGH CREDIBILITY,,reuters.com,center,\n")
    iffy = tmp_path / "2024-08-01__iffy_list.txt"
    iffy.write_text("https://www.globalresearch.ca/*\nhttps://fr.sputniknews.com/*\n")
    user = tmp_path / "mine.csv"
    user.write_text("site,kind\nrt.com,state_media\nnews.example,reliable|satire\n")
    return lin, mbfc, iffy, user


def test_readers(lists):
    lin, mbfc, iffy, user = lists
    t = read_domain_list(lin, "lin2023")
    # pc1 < 0.4 -> low_credibility (globalresearch 0.176, rt 0.29); reuters 1.0 -> rated
    assert dict(zip(t.host, t.label, strict=True)) == {"globalresearch.ca": "low_credibility",
                                                      "reuters.com": "rated", "rt.com": "low_credibility"}
    m = read_domain_list(mbfc, "mbfc")
    assert set(zip(m.host, m.label)) == {("globalresearch.ca", "low_credibility"),
                                         ("globalresearch.ca", "conspiracy"), ("rt.com", "low_credibility"),
                                         ("rt.com", "state_media"), ("reuters.com", "reliable")}
    assert m[m.label == "state_media"].country.tolist() == ["RU"]     # Russia + TV Station: inferred
    i = read_domain_list(iffy, "iffy")
    assert i.host.tolist() == ["globalresearch.ca", "fr.sputniknews.com"]
    assert i.detail.iloc[0] == "Iffy list snapshot 2024-08-01"
    u = read_domain_list(user, "csv", mapping={"domain": "site", "label": "kind"})
    assert sorted(zip(u.host, u.label)) == [("news.example", "reliable"), ("news.example", "satire"),
                                            ("rt.com", "state_media")]
    with pytest.raises(ConfigError, match="unknown key"):
        read_domain_list(user, "csv", mapping={"site": "domain"})
    with pytest.raises(ConfigError, match="no column"):
        read_domain_list(user, "csv")
    with pytest.raises(SourceError, match="not a mbfc file"):
        read_domain_list(lin, "mbfc")
    with pytest.raises(ConfigError, match="unknown domain list format"):
        read_domain_list(lin, "opensources")


def test_import_combine_and_user_override(lists, make_store):
    lin, mbfc, iffy, user = lists
    store = make_store([])
    for path, fmt in ((lin, "lin2023"), (mbfc, "mbfc"), (iffy, "iffy")):
        import_domain_list(store, path, fmt)
    import_domain_list(store, user, "csv", mapping={"domain": "site", "label": "kind"})
    assert import_domain_list(store, lin, "lin2023").labels_stored == 3  # re-import replaces, not adds
    assert lists_summary(store).set_index("list_name").loc["lin2023", "n_rows"] == 3
    g = label_of(store, "https://www.globalresearch.ca/a")
    assert g["label_sources"] == ["conspiracy:mbfc", "low_credibility:iffy", "low_credibility:lin2023",
                                  "low_credibility:mbfc"]
    # the user list names rt.com: only its label counts there, and for subdomains
    assert label_of(store, "https://de.rt.com/x")["label_sources"] == ["state_media:mine"]
    assert label_of(store, "fr.sputniknews.com")["labels"] == ["low_credibility"]
    assert label_of(store, "sputniknews.com")["labels"] == []        # only the fr. subdomain is listed
    c = combined_labels(store).set_index("host")
    assert bool(c.loc["globalresearch.ca", "low_credibility"]) and c.loc["reuters.com", "lin2023_score"] == 1.0


def test_domains_analysis(lists, make_store, scenario):
    lin, mbfc, iffy, user = lists
    post, actor, T0 = scenario.post, scenario.actor, scenario.T0
    mar = T0
    apr = T0 + dt.timedelta(days=31)
    rows = [
        post("1", "1", created_at=mar, urls=["https://www.globalresearch.ca/a?utm_source=x",
                                             "https://reuters.com/b"]),
        post("2", "2", created_at=mar, urls=["https://m.globalresearch.ca/a"]),
        post("3", "2", created_at=apr, urls=["https://de.rt.com/c", "https://bit.ly/zz"]),
        post("4", "5", created_at=apr, urls=["https://www.rt.com/d"]),
        post("5", "6", created_at=apr, urls=["https://reuters.com/e"]),
        post("6", "6", "repost", apr, ref=("1", "1"), urls=["https://www.globalresearch.ca/a"]),
    ]
    actors = [actor("1", "SpoxCN", "CN", "official"), actor("2", None, "CN", "embassy"),
              actor("5", "RUmedia", "RU", "state_media")]
    store = make_store(rows, actors=actors)
    for path, fmt in ((lin, "lin2023"), (mbfc, "mbfc")):
        import_domain_list(store, path, fmt)
    res = Domains(group_by="country").run(store)
    share = res.tables["share_by_month"].assign(month=lambda d: pd.to_datetime(d["month"])).set_index(["group", "month"])
    # CN March: 3 links (globalresearch x2, reuters) -> 2 low-credibility; April: rt.com (low + state)
    # and bit.ly (an unresolved short link, unlabelled)
    m = pd.Timestamp("2024-03-01")
    a = pd.Timestamp("2024-04-01")
    assert tuple(share.loc[("CN", m), ["n_links", "n_low_credibility", "n_state_media"]]) == (3, 2, 0)
    assert tuple(share.loc[("CN", a), ["n_links", "n_low_credibility", "n_state_media",
                                       "n_unresolved_short"]]) == (2, 1, 1, 1)
    assert share.loc[("CN", m), "share_low_credibility"] == pytest.approx(2 / 3)
    # untracked account 6: reuters + a repost carrying globalresearch
    assert tuple(share.loc[("(untracked)", a), ["n_links", "n_low_credibility"]]) == (2, 1)
    ov = res.tables["overlap"]
    # CN {globalresearch.ca, reuters.com, rt.com, bit.ly}; untracked {reuters.com, globalresearch.ca}:
    # 2 shared of 4 -> Jaccard 0.5, 1 shared low-credibility domain; RU has 1 link (< min_links 5)
    row = ov[(ov.group_a == "(untracked)") & (ov.group_b == "CN")]
    assert row.empty  # both groups have fewer than 5 links
    ov2 = Domains(group_by="country", min_links=1).run(store).tables["overlap"]
    r = ov2[(ov2.group_a == "(untracked)") & (ov2.group_b == "CN")].iloc[0]
    assert (r.n_shared, r.jaccard, list(r.shared_low_credibility)) == (2, 0.5, ["globalresearch.ca"])
    assert (r.n_links_shared_low_a, r.n_links_shared_low_b) == (1, 2)
    labels = res.tables["domain_labels"].set_index("domain")
    assert list(labels.loc["rt.com", "label_sources"]) == ["low_credibility:lin2023", "low_credibility:mbfc",
                                                     "state_media:mbfc"]
    ev = res.tables["evidence"]
    assert set(ev.post_id) == {"1", "2", "3", "4", "6"} and ev.permalink.notna().all()
    assert res.summary["n_links"] == 8 and res.summary["lists_imported"] == 2


def test_domains_without_lists_and_bad_params(make_store, scenario):
    store = make_store([scenario.post("1", "1", urls=["https://a.example/x"])])
    res = Domains().run(store)
    assert res.summary["lists_imported"] == 0 and res.summary["n_links"] == 1
    assert any("No credibility list" in n for n in res.notes)
    with pytest.raises(AnalysisError, match="group_by"):
        Domains(group_by="planet").run(store)


def test_paths_and_host_spellings_are_reported(tmp_path, make_store):
    # Worked out by hand: m.espn.com (line 2) and espn.com (line 4) are one host -> the bare spelling
    # wins, m.'s pc1 goes to detail; facebook.com/news and https://twitter.com/acct/ rate a page and an
    # account -> skipped, so facebook.com keeps only its own row's rating; cbn.com written twice ->
    # merged (first wins); "n/a" is no pc1 -> skipped.
    lin = tmp_path / "lin.csv"
    lin.write_text("domain,pc1\nm.espn.com,0.574\nfacebook.com/news,0.83\nespn.com,0.853\n"
                   "facebook.com,0.407\nhttps://twitter.com/acct/,0.1\ncbn.com,0.366\nCBN.com,0.2\nx.example,n/a\n")
    df, rep = read_domain_list_report(lin, "lin2023")
    # 8 data rows = 3 hosts (espn.com, facebook.com, cbn.com) + 2 merged + 3 skipped
    assert (rep.rows_read, rep.hosts, rep.labels_stored) == (8, 3, 3)
    assert [(m[0], m[1], m[2]) for m in rep.merged] == [(2, "m.espn.com", "espn.com"), (8, "CBN.com", "cbn.com")]
    assert rep.merged[0][3] == "www./m. variant: rating of line 4 (espn.com) kept"
    assert rep.merged[1][3] == "repeated host: rating of line 7 (cbn.com) kept"
    assert [(s[0], s[2].split(":")[0]) for s in rep.skipped] == [(3, "path-specific"), (6, "path-specific"),
                                                                 (9, "pc1 is not a number")]
    got = {r.host: (r.label, round(r.score, 3), r.detail) for r in df.itertuples()}
    assert got == {"espn.com": ("rated", 0.853, "pc1=0.853 (low below 0.4); also m.espn.com: pc1=0.574"),
                   "facebook.com": ("rated", 0.407, "pc1=0.407 (low below 0.4)"),  # not the page's 0.83
                   "cbn.com": ("low_credibility", 0.366, "pc1=0.366 (low below 0.4); also CBN.com: pc1=0.200")}
    assert rep.summary() == ("8 rows read: 3 hosts (3 labels), 2 merged (www./m. variant 1, repeated host 1), "
                             "3 skipped (path-specific 2, pc1 is not a number 1)")
    store = make_store([])
    assert import_domain_list(store, lin, "lin2023").labels_stored == 3
    assert label_of(store, "https://twitter.com/other")["labels"] == []  # one account's rating: no host label
    # csv (a user list): one row per label is a normal layout, so a host's rows unite
    user = tmp_path / "mine.csv"
    user.write_text("domain,label\nrt.com,state_media\nwww.rt.com,low_credibility\nrt.com/en,satire\n")
    df, rep = read_domain_list_report(user, "csv")
    assert sorted(zip(df.host, df.label)) == [("rt.com", "low_credibility"), ("rt.com", "state_media")]
    assert rep.merged == [(3, "www.rt.com", "rt.com", "www./m. variant: labels added to line 2")]
    assert [s[0] for s in rep.skipped] == [4]
    # iffy lists sites by URL: the path of a site's URL is dropped, the host labelled, and said so
    iffy = tmp_path / "iffy.txt"
    iffy.write_text("https://russia-insider.com/en*\nhttps://www.stormfront.org/forum/*\nhttps://www.rt.com/*\n")
    df, rep = read_domain_list_report(iffy, "iffy")
    assert df.host.tolist() == ["russia-insider.com", "stormfront.org", "rt.com"] and rep.skipped == []
    assert rep.path_dropped == [(1, "https://russia-insider.com/en*", "russia-insider.com"),
                                (2, "https://www.stormfront.org/forum/*", "stormfront.org")]
    assert rep.summary().endswith("; 2 site URLs with a path labelled as their host")


@pytest.mark.shared
def test_lin2023_real_file_every_row_accounted_for(shared_data, make_store):
    path = shared_data / "domain-quality-ratings-lin2023" / "data_domain_ratings.csv"
    if not path.exists():
        pytest.skip("data_domain_ratings.csv absent")
    # Worked out independently with pandas: an entry with a "/" rates a path; the others fold
    # www./www1./www2./m./mobile./amp. prefixes (all of this file's prefixed entries keep a registered
    # domain) and lower case; every pc1 is a number.
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    has_path = raw["domain"].str.contains("/")
    hosts = raw.loc[~has_path, "domain"].str.lower().str.replace(r"^(?:www[12]?|m|mobile|amp)\.", "", regex=True)
    assert pd.to_numeric(raw["pc1"], errors="coerce").notna().all()
    n_rows, n_path, n_hosts = len(raw), int(has_path.sum()), hosts.nunique()
    assert (n_rows, n_path, n_hosts) == (11520, 46, 11466)
    store = make_store([])
    rep = import_domain_list(store, path, "lin2023")
    assert (rep.rows_read, rep.hosts, rep.labels_stored) == (n_rows, n_hosts, n_hosts)
    assert len(rep.merged) == n_rows - n_path - n_hosts == 8
    assert rep.reasons() == {"merged: www./m. variant": 8, "skipped: path-specific": n_path}
    assert lists_summary(store).set_index("list_name").loc["lin2023", "n_hosts"] == n_hosts
    # facebook.com's own row (pc1 0.407, "rated") is its label; its 13 pages' ratings (most below 0.4)
    # no longer make every facebook.com link low-credibility
    assert label_of(store, "https://www.facebook.com/x")["labels"] == ["rated"]
