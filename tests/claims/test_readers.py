"""Claim readers and the claim store on tiny hand-written files (answers worked out by hand)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ioscope.claims import import_claims, normalize_rating, read_claim_file
from ioscope.claims.records import stable_id
from ioscope.errors import ConfigError, SourceError
from ioscope.sources.base import Bad
from ioscope.store import Store

UTC = dt.timezone.utc

REVIEW = {
    "@context": "https://schema.org", "@type": "ClaimReview",
    "url": "https://check.example/5g", "claimReviewed": "5G  networks spread\nthe coronavirus",
    "datePublished": "2020-04-02T10:00:00+02:00", "inLanguage": "en",
    "author": {"@type": "Organization", "name": "Check Desk"},
    "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5, "worstRating": 1,
                     "alternateName": "Pants on Fire"},
    "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "A blogger"},
                     "datePublished": "2020-03-30"},
}


def rows(path, **kw):
    _, it = read_claim_file(path, **kw)
    return list(it)


def test_claimreview_single_object(tmp_path):
    p = tmp_path / "one.json"
    p.write_text(json.dumps(REVIEW))
    [r] = rows(p)
    # whitespace collapsed; 10:00 at +02:00 is 08:00 UTC; "Pants on Fire" is a false verdict
    assert r["text"] == "5G networks spread the coronavirus"
    assert r["review_date"] == dt.datetime(2020, 4, 2, 8, 0, tzinfo=UTC)
    assert r["claim_date"] == dt.datetime(2020, 3, 30, tzinfo=UTC)
    assert (r["rating"], r["rating_normalized"]) == ("Pants on Fire", "false")
    assert (r["reviewer"], r["claimant"], r["lang"]) == ("Check Desk", "A blogger", "en")
    assert r["claim_id"] == stable_id("claimreview", "https://check.example/5g", REVIEW["claimReviewed"])
    assert r["source_line"] == 1


def test_claimreview_array_and_graph(tmp_path):
    second = dict(REVIEW, url="https://check.example/garlic", claimReviewed="Garlic cures COVID-19",
                  reviewRating={"ratingValue": 2, "bestRating": 5, "worstRating": 1})
    p = tmp_path / "many.json"
    p.write_text(json.dumps({"@graph": [{"@type": "WebPage"}, REVIEW, second]}))
    got = rows(p)
    # two ClaimReview objects, numbered in document order; no alternateName -> "2 (1..5)" -> other
    assert [r["source_line"] for r in got] == [1, 2]
    assert got[1]["rating"] == "2 (1..5)" and got[1]["rating_normalized"] == "other"


def test_html_page_ld_json_is_parsed_not_executed(tmp_path):
    page = ("<html><head>\n<script>alert('x')</script>\n"
            '<script type="application/ld+json">' + json.dumps(REVIEW) + "</script>\n"
            '<script type="application/ld+json">{not json</script>\n</head></html>')
    p = tmp_path / "page.html"
    p.write_text(page)
    got = rows(p)
    # the plain <script> is ignored; the JSON-LD block on line 3 is read; the broken one (line 4) is Bad
    assert got[0]["text"] == "5G networks spread the coronavirus" and got[0]["source_line"] == 3
    assert isinstance(got[1], Bad) and got[1].line == 4 and "invalid JSON" in got[1].reason


def test_google_fact_check_api_response(tmp_path):
    resp = {"claims": [
        {"text": "Vitamin C cures COVID-19", "claimant": "Facebook posts", "claimDate": "2020-03-01T00:00:00Z",
         "claimReview": [
             {"publisher": {"name": "AFP Fact Check", "site": "factcheck.afp.com"},
              "url": "https://factcheck.afp.com/x", "reviewDate": "2020-03-05T00:00:00Z",
              "textualRating": "False", "languageCode": "en"},
             {"publisher": {"site": "maldita.es"}, "url": "https://maldita.es/y",
              "reviewDate": "2020-03-06T00:00:00Z", "textualRating": "Falso", "languageCode": "es"}]},
        {"text": "no reviews here"}]}
    p = tmp_path / "api.json"
    p.write_text(json.dumps(resp))
    got = rows(p)
    # one row per claimReview; a claim without claimReview is Bad (record 3)
    assert [g["reviewer"] for g in got[:2]] == ["AFP Fact Check", "maldita.es"]
    assert [g["rating_normalized"] for g in got[:2]] == ["false", "false"]
    assert got[1]["lang"] == "es" and got[0]["claimant"] == "Facebook posts"
    assert isinstance(got[2], Bad) and got[2].line == 3


@pytest.mark.parametrize("rating,expected", [
    ("False", "false"), ("FALSE ", "false"), ("Fake", "false"), ("Falso", "false"),
    ("Mostly false", "misleading"), ("Partly false", "misleading"), ("Half True", "misleading"),
    ("Missing context", "misleading"), ("Engañoso", "misleading"), ("No evidence", "unproven"),
    ("Unverified", "unproven"), ("True", "true"), ("Mostly true", "misleading"),
    ("Explanatory", "other"), ("(Org. doesn't apply rating)", "other"), ("", "other"),
    ("Disinformation", "false"), ("Unlikely", "misleading"),
])
def test_rating_normalisation(rating, expected):
    assert normalize_rating(rating) == expected


def test_csv_layouts_and_import_is_idempotent(tmp_path):
    demo = tmp_path / "claims.csv"
    demo.write_text("claim_id,claim_text,lang,rating,reviewer,review_date,review_url\n"
                    "C1,Garlic prevents infection,en,False,Desk,2020-03-14,https://x.example/1\n"
                    "C2,,en,False,Desk,2020-03-14,https://x.example/2\n"
                    "C3,Bad date,en,False,Desk,14th of March,https://x.example/3\n")
    euvs = tmp_path / "posts.csv"
    euvs.write_text("date,id,title,countries,keywords,languages,outlets\n"
                    "2020-03-10,https://euvsdisinfo.eu/report/virus-made-in-us/,Virus made in US,"
                    "US,coronavirus,Russian,RT+Sputnik\n")
    rumor = tmp_path / "news.csv"
    rumor.write_text("3,F,The virus came from a lab,3\n10,U,Heat kills the virus,2\n")
    with Store(tmp_path / "s.duckdb") as s:
        rep = import_claims(s, [demo, euvs, rumor])
        # demo: 3 read, 1 stored, 2 quarantined (empty text, unreadable date); EUvsDisinfo 1; rumour 2
        assert [(f.reader, f.n_read, f.n_stored, f.n_quarantined) for f in rep.files] == [
            ("ioscope", 3, 1, 2), ("euvsdisinfo", 1, 1, 0), ("rumor-news", 2, 2, 0)]
        got = s.query("SELECT claim_id, rating_normalized, claimant FROM claims ORDER BY claim_id")
        assert got["claim_id"].tolist() == ["C1", "euvsdisinfo:virus-made-in-us", "rumor-news:10",
                                            "rumor-news:3"]
        assert got["claimant"].tolist()[1] == "RT; Sputnik"
        assert got["rating_normalized"].tolist() == ["false", "false", "unproven", "false"]
        q = s.query("SELECT source_format, source_line, reason FROM quarantine ORDER BY source_line")
        assert q["source_format"].tolist() == ["claims-ioscope"] * 2 and q["source_line"].tolist() == [2, 3]
        again = import_claims(s, [demo, euvs, rumor])
        # the same files again: nothing new stored, nothing new quarantined
        assert again.total("n_stored") == 0 and s.scalar("SELECT count(*) FROM quarantine") == 2


def test_generic_mapping_and_errors(tmp_path):
    p = tmp_path / "mine.csv"
    p.write_text("id,claim,verdict,when\n7,Masks cause CO2 poisoning,Falso,2020-05-01\n")
    [r] = rows(p, mapping={"claim_id": "id", "text": "claim", "rating": "verdict", "review_date": "when"})
    assert (r["claim_id"], r["rating_normalized"]) == ("7", "false")
    with pytest.raises(ConfigError):
        rows(p, mapping={"text": "claim", "colour": "verdict"})
    with pytest.raises(SourceError):
        rows(p, mapping={"text": "nope"})
    with pytest.raises(SourceError):
        rows(p)  # no built-in layout fits this header


def test_claimreview_non_objects_and_empty_documents_are_quarantined(tmp_path):
    # A user trial imported `{"foo": 1}` and `[]` as "read 0" and lost `"just a string"`, null and 42
    # from an array without a word. Each now comes back as a Bad with its reason: 3 for the array's
    # non-objects (the ClaimReview beside them is read), 1 for each document without any ClaimReview.
    from ioscope.claims.claimreview import read
    from ioscope.sources.base import Bad

    review = {"@type": "ClaimReview", "claimReviewed": "The virus was made in a lab",
              "reviewRating": {"alternateName": "False"}, "author": {"name": "Desk"},
              "url": "https://fc.example/1"}
    arr = tmp_path / "arr.json"
    arr.write_text(json.dumps(["just a string", None, review, 42]), encoding="utf-8")
    out = list(read(arr))
    bad = [b for b in out if isinstance(b, Bad)]
    assert [b.line for b in bad] == [1, 2, 4]
    assert [b.reason.split(" but ")[1] for b in bad] == ["str", "NoneType", "int"]
    assert [r["text"] for r in out if not isinstance(r, Bad)] == ["The virus was made in a lab"]
    for doc in ({"foo": 1}, []):
        f = tmp_path / "empty.json"
        f.write_text(json.dumps(doc), encoding="utf-8")
        (only,) = list(read(f))
        assert isinstance(only, Bad) and only.reason.startswith("no ClaimReview object")


def test_layout_names_the_json_reader_too(tmp_path):
    # The import table names the JSON reader `claimreview`; --layout claimreview must select it
    # (a user trial got "unknown claim CSV layout"): one claim read from a one-object file.
    from ioscope.claims.store import read_claim_file

    f = tmp_path / "one.json"
    f.write_text(json.dumps({"@type": "ClaimReview", "claimReviewed": "5G spreads the virus",
                             "reviewRating": {"alternateName": "False"}}), encoding="utf-8")
    name, records = read_claim_file(f, layout="claimreview")
    assert name == "claimreview" and [r["text"] for r in records] == ["5G spreads the virus"]
