"""Reference tables written next to the demo tweets: the fact-check table (claims.csv) and the
timeline of events (events.csv). Reviewers and URLs are invented (``factcheck.example``)."""

from __future__ import annotations

from ioscope.demo.texts import CLAIM_ID, CLAIM_TEXT

CLAIM_COLUMNS = ("claim_id", "claim_text", "lang", "rating", "reviewer", "review_date", "review_url")
EVENT_COLUMNS = ("date", "label", "scope")

_REVIEWERS = ("FactCheck Desk (demo)", "VeriCheck (demo)", "Verificado Demo", "ПроверкаФактов (demo)")

_OTHER_CLAIMS = (
    ("Drinking warm water every 15 minutes flushes the coronavirus into the stomach where acid kills it", "en",
     "False"),
    ("5G mobile networks spread the coronavirus", "en", "False"),
    ("Eating garlic prevents infection with the new coronavirus", "en", "False"),
    ("Holding your breath for 10 seconds without coughing proves you do not have COVID-19", "en", "False"),
    ("High doses of vitamin C cure COVID-19", "en", "False"),
    ("Drinking chlorine dioxide (MMS) cures the coronavirus", "en", "False"),
    ("Hand dryers are effective in killing the new coronavirus", "en", "False"),
    ("Mosquito bites can transmit the new coronavirus", "en", "False"),
    ("Drinking alcohol protects against COVID-19", "en", "False"),
    ("Packages shipped from China can infect people with the coronavirus", "en", "False"),
    ("The virus cannot survive in hot and humid climates above 26 degrees", "en", "Misleading"),
    ("Thermal scanners can detect people infected with the coronavirus", "en", "Misleading"),
    ("Pneumonia vaccines protect against the new coronavirus", "en", "False"),
    ("Rinsing your nose with saline prevents infection with the coronavirus", "en", "False"),
    ("Bill Gates owns a patent on the COVID-19 virus", "en", "False"),
    ("Face masks cause carbon dioxide poisoning", "en", "False"),
    ("COVID-19 is no worse than the seasonal flu", "en", "Misleading"),
    ("Hacer gárgaras con agua tibia y sal elimina el coronavirus", "es", "False"),
    ("El té de limón caliente cura la COVID-19", "es", "False"),
    ("Коронавирус погибает при температуре выше 26 градусов", "ru", "Misleading"),
    ("Чеснок и водка защищают от коронавируса", "ru", "False"),
)


def claims_rows() -> list[dict[str, str]]:
    """The fact-check table: the planted claim (``DEMO-C001``, rated False on 2020-03-14) first, then
    21 unrelated debunked COVID-19 claims (ids ``DEMO-C002``…), each with lang, rating, reviewer,
    review date (YYYY-MM-DD) and review URL."""
    rows = [{"claim_id": CLAIM_ID, "claim_text": CLAIM_TEXT, "lang": "en", "rating": "False",
             "reviewer": _REVIEWERS[0], "review_date": "2020-03-14",
             "review_url": "https://factcheck.example/2020/03/14/fort-detrick-military-games-origin"}]
    for i, (text, lang, rating) in enumerate(_OTHER_CLAIMS, start=2):
        month, day = (2 if i < 8 else 3 if i < 16 else 4), 3 + (i * 7) % 25
        slug = "-".join(text.lower().split()[:5]) if lang == "en" else f"claim-{i:03d}"
        slug = "".join(ch for ch in slug if ch.isascii() and (ch.isalnum() or ch == "-"))
        rows.append({"claim_id": f"DEMO-C{i:03d}", "claim_text": text, "lang": lang, "rating": rating,
                     "reviewer": _REVIEWERS[i % len(_REVIEWERS)], "review_date": f"2020-{month:02d}-{day:02d}",
                     "review_url": f"https://factcheck.example/2020/{month:02d}/{day:02d}/{slug}"})
    return rows


EVENTS = (
    ("2020-02-07", "Death of Dr. Li Wenliang", "CN"),
    ("2020-02-11", "WHO names the disease COVID-19", ""),
    ("2020-03-11", "WHO declares a pandemic", ""),
    ("2020-03-12", "Spokesperson post: 'it might be the US army who brought the epidemic to Wuhan'", "CN"),
    ("2020-03-13", "US declares a national emergency", "US"),
    ("2020-03-16", "US president calls it the 'Chinese virus'", "US"),
    ("2020-03-26", "Trump–Xi call: tentative truce", ""),
    ("2020-04-08", "Wuhan lockdown lifted", "CN"),
)
"""``(date, label, scope)`` rows of events.csv; an empty scope means the event concerns all series."""


DOMAIN_RATING_COLUMNS = ("domain", "label", "score", "country", "detail")
"""Columns of the demo's ``domain_ratings.csv`` (import with ``ioscope domains import --format csv``)."""

DOMAIN_RATINGS = (
    ("globalresearch.ca", "low_credibility;conspiracy", "", "", "invented demo rating"),
    ("strategic-culture.org", "low_credibility", "", "", "invented demo rating"),
    ("southfront.org", "low_credibility", "", "", "invented demo rating"),
    ("veteranstoday.com", "low_credibility", "", "", "invented demo rating"),
    ("news-front.info", "low_credibility", "", "", "invented demo rating"),
    ("fort-russ.com", "low_credibility", "", "", "invented demo rating"),
    ("rt.com", "state_media;low_credibility", "", "RU", "invented demo rating"),
    ("sputniknews.com", "state_media;low_credibility", "", "RU", "invented demo rating"),
    ("presstv.ir", "state_media", "", "IR", "invented demo rating"),
    ("irna.ir", "state_media", "", "IR", "invented demo rating"),
    ("cgtn.com", "state_media", "", "CN", "invented demo rating"),
    ("xinhuanet.com", "state_media", "", "CN", "invented demo rating"),
    ("globaltimes.cn", "state_media", "", "CN", "invented demo rating"),
    ("reuters.com", "reliable", "", "", "invented demo rating"),
    ("apnews.com", "reliable", "", "", "invented demo rating"),
)
"""The demo's domain ratings: invented for the scenario, not taken from any published list."""
