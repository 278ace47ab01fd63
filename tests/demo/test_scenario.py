"""The demo scenario generator: determinism, v1.1 format, and that what is planted is in the files."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ioscope.demo import DemoFiles, generate

SCALE = 0.2
PERIOD_START = datetime(2020, 2, 1, tzinfo=timezone.utc)
PERIOD_END = datetime(2020, 4, 30, 23, 59, 59, tzinfo=timezone.utc)
SHIFT = datetime(2020, 3, 26, tzinfo=timezone.utc)


def parse_time(s: str) -> datetime:
    return datetime.strptime(s, "%a %b %d %H:%M:%S %z %Y")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    return generate(tmp_path_factory.mktemp("demo"), scale=SCALE)


@pytest.fixture(scope="module")
def tweets(demo: DemoFiles) -> list[dict]:
    out = []
    for path in demo.tweet_files:
        with open(path, encoding="utf-8") as fh:
            out.extend(json.loads(line) for line in fh)
    return out


@pytest.fixture(scope="module")
def truth(demo: DemoFiles) -> dict:
    return json.loads(demo.ground_truth.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def actors(demo: DemoFiles) -> list[dict]:
    with open(demo.actors_csv, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_same_seed_same_bytes_other_seed_other_bytes(demo: DemoFiles, tmp_path: Path) -> None:
    again = generate(tmp_path / "again", scale=SCALE)
    names = sorted(p.name for p in demo.out_dir.iterdir())
    assert names == sorted(p.name for p in again.out_dir.iterdir())
    for name in names:
        assert (demo.out_dir / name).read_bytes() == (again.out_dir / name).read_bytes(), name
    other = generate(tmp_path / "other", seed=7, scale=SCALE)
    assert other.tweet_files[1].read_bytes() != demo.tweet_files[1].read_bytes()


def test_files_and_paths(demo: DemoFiles, truth: dict) -> None:
    assert [p.name for p in demo.tweet_files] == ["tweets_2020-02.jsonl", "tweets_2020-03.jsonl",
                                                  "tweets_2020-04.jsonl"]
    for p in (demo.actors_csv, demo.ground_truth, demo.events, demo.claims, *demo.tweet_files):
        assert p.is_file() and p.parent == demo.out_dir
    for p in demo.tweet_files:
        n = sum(1 for _ in open(p, encoding="utf-8"))
        assert truth["counts"]["files"][p.name] == n
    assert sum(truth["counts"]["files"].values()) == truth["counts"]["tweets"]


def test_ids_times_and_order(demo: DemoFiles, tweets: list[dict]) -> None:
    seen = set()
    for obj in tweets:
        assert obj["id_str"] == str(obj["id"])
        assert obj["id"] > 2**53
        assert obj["user"]["id_str"] == str(obj["user"]["id"])
        assert obj["id"] not in seen
        seen.add(obj["id"])
        t = parse_time(obj["created_at"])
        assert PERIOD_START <= t <= PERIOD_END
        # snowflake: the ID encodes the creation time
        assert ((obj["id"] >> 22) + 1288834974657) // 1000 == int(t.timestamp())
        assert obj["lang"] in ("en", "zh", "ru", "fa", "es", "und")
        assert obj["truncated"] is False
    for path in demo.tweet_files:
        with open(path, encoding="utf-8") as fh:
            ids = [json.loads(line)["id"] for line in fh]
        assert ids == sorted(ids)
        month = path.stem.removeprefix("tweets_")
        with open(path, encoding="utf-8") as fh:
            assert all(parse_time(json.loads(line)["created_at"]).strftime("%Y-%m") == month for line in fh)


def test_retweets_look_like_v11(tweets: list[dict]) -> None:
    ids = {t["id_str"] for t in tweets}
    n = 0
    for obj in tweets:
        rs = obj.get("retweeted_status")
        if rs is None:
            assert not obj["full_text"].startswith("RT @")
            continue
        n += 1
        prefix = f"RT @{rs['user']['screen_name']}: "
        text = obj["full_text"]
        assert text.startswith(prefix)
        full = prefix + rs["full_text"]
        if len(full) > 140:  # cut to 139 + "…", a few less rather than split an &amp; escape
            assert text.endswith("…") and 135 <= len(text) <= 140 and full.startswith(text[:-1])
        else:
            assert text == full
        assert rs["id_str"] in ids
        assert obj["retweet_count"] == rs["retweet_count"] and obj["favorite_count"] == 0
        assert obj["entities"]["user_mentions"][0]["indices"] == \
            [3, 4 + len(rs["user"]["screen_name"])]
    assert n > 1000


def _check_entities(obj: dict) -> int:
    text = obj["full_text"]
    checked = 0
    for h in obj["entities"]["hashtags"]:
        s, e = h["indices"]
        assert text[s:e] == "#" + h["text"], (text, h)
        checked += 1
    for u in obj["entities"]["urls"]:
        s, e = u["indices"]
        assert text[s:e] == u["url"] and re.fullmatch(r"https://t\.co/[A-Za-z0-9]{10}", u["url"])
        checked += 1
    for m in obj["entities"]["user_mentions"]:
        s, e = m["indices"]
        assert text[s:e] == "@" + m["screen_name"]
        assert m["id_str"] == str(m["id"])
        checked += 1
    lo, hi = obj["display_text_range"]
    assert 0 <= lo <= hi <= len(text)
    return checked


def test_entity_indices_are_code_points(tweets: list[dict]) -> None:
    checked = 0
    for obj in tweets:
        checked += _check_entities(obj)
        for key in ("retweeted_status", "quoted_status"):
            if key in obj:
                checked += _check_entities(obj[key])
    assert checked > 10_000
    # non-BMP characters (emoji) before an entity must count as one code point each
    assert any(re.search(r"[\U00010000-\U0010FFFF].*#", t["full_text"]) and t["entities"]["hashtags"]
               for t in tweets)


def test_text_is_html_escaped_like_twitter(tweets: list[dict], truth: dict) -> None:
    for obj in tweets:
        assert "<" not in obj["full_text"] and ">" not in obj["full_text"]
        assert not re.search(r"&(?!amp;|lt;|gt;)", obj["full_text"])
    by_id = {t["id_str"]: t for t in tweets}
    texts = [by_id[i]["full_text"] for i in truth["adversarial_post_ids"]]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in texts
    assert "&lt;img src=x onerror=alert(2)&gt;" in texts
    names = {by_id[i]["user"]["name"] for i in truth["adversarial_post_ids"]}
    assert any("<img" in n for n in names)  # display names are not escaped in v1.1


def test_spokesperson_cascade(tweets: list[dict], truth: dict, actors: list[dict]) -> None:
    sc = truth["spokesperson_cascade"]
    by_id = {t["id_str"]: t for t in tweets}
    post = by_id[sc["post_id"]]
    assert post["user"]["screen_name"] == "SpoxCN_demo" and post["lang"] == "en"
    assert post["created_at"] == "Thu Mar 12 14:37:05 +0000 2020"
    url = post["entities"]["urls"][0]["expanded_url"]
    assert urlsplit(url).hostname == "www.globalresearch.ca" and url == sc["url"]
    rts = [t for t in tweets if t.get("retweeted_status", {}).get("id_str") == sc["post_id"]]
    assert len(rts) == sc["n_reposts_total"] == post["retweet_count"]
    assert sc["n_reposts_total"] == (sc["n_embassy_reposts"] + sc["n_covert_reposts"]
                                     + len(sc["cn_other_amplifier_ids"]) + sc["n_cross_country_reposts"]
                                     + sc["n_ordinary_reposts"])
    assert sc["n_ordinary_reposts"] == round(2400 * SCALE)
    t0 = parse_time(post["created_at"])
    embassies = {a["account_id"] for a in actors if a["country"] == "CN" and a["actor_type"] == "embassy"}
    assert len(embassies) == 12 and set(sc["embassy_amplifier_ids"]) == embassies
    emb_rts = {t["user"]["id_str"]: parse_time(t["created_at"]) for t in rts if t["user"]["id_str"] in embassies}
    assert len(emb_rts) == 12
    assert all(0 < (t - t0).total_seconds() <= 2 * 3600 for t in emb_rts.values())
    covert = [parse_time(t["created_at"]) for t in rts if t["user"]["id_str"] in set(sc["covert_amplifier_ids"])]
    assert len(covert) == 25 and all((t - t0).total_seconds() <= 120 for t in covert)
    country = {a["account_id"]: a["country"] for a in actors}
    assert {country[i] for i in sc["cross_country_amplifier_ids"]} == {"RU", "IR"}
    quotes = [t for t in tweets if t.get("quoted_status_id_str") == sc["post_id"]]
    replies = [t for t in tweets if t["in_reply_to_status_id_str"] == sc["post_id"]]
    assert len(quotes) == sc["n_quotes"] == post["quote_count"] and len(replies) == sc["n_replies"]
    assert all(r["full_text"].startswith("@SpoxCN_demo ") and r["display_text_range"][0] == 13 for r in replies)
    assert all(q["quoted_status"]["id_str"] == sc["post_id"] and q["is_quote_status"] for q in quotes)


def test_organic_cascade(tweets: list[dict], truth: dict) -> None:
    oc = truth["organic_cascade"]
    rts = [t for t in tweets if t.get("retweeted_status", {}).get("id_str") == oc["post_id"]]
    assert len(rts) == oc["n_reposts"] == round(600 * SCALE)
    assert len({t["user"]["id"] for t in rts}) == len(rts)
    times = sorted(parse_time(t["created_at"]) for t in rts)
    assert (times[-1] - times[0]).total_seconds() > 6 * 3600  # spread over hours, not a burst


def test_actors_csv(demo: DemoFiles, actors: list[dict], truth: dict) -> None:
    header = demo.actors_csv.read_text(encoding="utf-8").splitlines()[0]
    assert header == "platform,account_id,handle,name,country,actor_type,overt,source"
    rows = {a["handle"]: a for a in actors}
    assert rows["MFA_CN_demo"]["actor_type"] == "ministry" and rows["MFA_CN_demo"]["overt"] == "true"
    assert rows["SpoxCN_demo"]["actor_type"] == "diplomat" and rows["SpoxCN_demo"]["country"] == "CN"
    assert rows["ChinaEmbDemo_FR"]["actor_type"] == "embassy"
    assert rows["RT_demo"]["actor_type"] == "state_media" and rows["RT_demo"]["country"] == "RU"
    assert rows["PressTV_demo"]["country"] == "IR"
    counts = Counter((a["country"], a["actor_type"]) for a in actors)
    assert counts[("CN", "embassy")] == 12 and counts[("RU", "embassy")] == 4 and counts[("IR", "embassy")] == 3
    assert counts[("CN", "state_media")] == 3 and counts[("RU", "state_media")] == 2
    assert counts[("CN", "suspected_covert")] == 25
    assert all(a["platform"] == "twitter" and a["source"] and a["account_id"].isdigit() for a in actors)
    groups = {g["behaviour"]: g for g in truth["coordinated_groups"]}
    ids = {a["account_id"] for a in actors}
    assert set(groups["co_repost"]["account_ids"]) <= ids
    assert all(rows[h]["overt"] == "false" for h in groups["co_repost"]["handles"])
    assert not ids & set(groups["co_link"]["account_ids"]) and not ids & set(groups["co_text"]["account_ids"])


def _burst_spread(by_id: dict, burst: dict) -> float:
    times = [parse_time(by_id[i]["created_at"]) for i in burst["post_ids"]]
    assert burst["start"] == min(times).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (max(times) - min(times)).total_seconds()


def test_coordinated_groups(tweets: list[dict], truth: dict) -> None:
    by_id = {t["id_str"]: t for t in tweets}
    groups = {g["behaviour"]: g for g in truth["coordinated_groups"]}
    assert [len(groups[b]["account_ids"]) for b in ("co_repost", "co_link", "co_text")] == [25, 15, 12]
    assert {g["country"] for g in groups.values()} == {"CN", "RU", "IR"}
    for b in groups["co_repost"]["bursts"]:
        assert _burst_spread(by_id, b) <= 60
        assert {by_id[i]["retweeted_status"]["id_str"] for i in b["post_ids"]} == {b["item"]}
        assert {by_id[i]["user"]["id_str"] for i in b["post_ids"]} <= set(groups["co_repost"]["account_ids"])
    assert len(groups["co_repost"]["bursts"]) >= 30
    for b in groups["co_link"]["bursts"]:
        assert _burst_spread(by_id, b) <= 30
        urls = [by_id[i]["entities"]["urls"][0] for i in b["post_ids"]]
        assert len({u["expanded_url"] for u in urls}) == len(urls)  # naive matching fails
        assert {u["expanded_url"].split("?")[0] for u in urls} == {b["item"]}
        assert all("retweeted_status" not in by_id[i] for i in b["post_ids"])
    assert any(u["display_url"].startswith("bit.ly/") for b in groups["co_link"]["bursts"]
               for u in (by_id[i]["entities"]["urls"][0] for i in b["post_ids"]))
    per_account = Counter()
    for b in groups["co_text"]["bursts"]:
        assert _burst_spread(by_id, b) <= 600
        texts = {by_id[i]["full_text"] for i in b["post_ids"]}
        assert len(texts) >= 2
        per_account.update(by_id[i]["user"]["id_str"] for i in b["post_ids"])
        assert parse_time(by_id[b["post_ids"][0]]["created_at"]) >= SHIFT
    assert all(2 <= n <= 4 for n in per_account.values())


def _daily(tweets: list[dict], ids: set[str], authors: set[str], after: bool) -> float:
    n = sum(1 for t in tweets if t["id_str"] in ids and t["user"]["id_str"] in authors
            and (parse_time(t["created_at"]) >= SHIFT) == after)
    return n / (36 if after else 54)


def test_overt_to_covert_shift(tweets: list[dict], truth: dict, actors: list[dict]) -> None:
    assert truth["shift_date"] == "2020-03-26"
    overt = {a["account_id"] for a in actors if a["overt"] == "true"}
    covert = {i for g in truth["coordinated_groups"] for i in g["account_ids"]}
    n1 = set(truth["narratives"]["N1"]["post_ids"])
    n2 = set(truth["narratives"]["N2"]["post_ids"])
    before, after = _daily(tweets, n1, overt, False), _daily(tweets, n1, overt, True)
    assert before >= 3 and after <= 0.2 * before
    assert _daily(tweets, n1, covert, True) > 5 * max(_daily(tweets, n1, covert, False), 0.1)
    n2_before, n2_after = _daily(tweets, n2, overt, False), _daily(tweets, n2, overt, True)
    assert 0.7 <= n2_after / n2_before <= 1.4
    means = truth["shift"]["daily_means"]
    assert means["N1_overt"]["after"] <= 0.2 * means["N1_overt"]["before"]


def test_narratives_and_claim(tweets: list[dict], truth: dict) -> None:
    by_id = {t["id_str"]: t for t in tweets}
    for nid in ("N1", "N2"):
        nar = truth["narratives"][nid]
        assert set(nar["languages"]) >= {"en", "zh", "ru", "fa", "es"}
        assert nar["n_posts"] == len(nar["post_ids"]) > 100
        assert all(i in by_id and "retweeted_status" not in by_id[i] for i in nar["post_ids"])
    claim = truth["claim"]
    assert claim["claim_id"] == "DEMO-C001" and len(claim["post_ids"]) >= 20
    assert set(claim["post_ids"]) <= set(truth["narratives"]["N1"]["post_ids"])
    assert set(claim["languages"]) >= {"en", "zh", "ru", "fa"}
    assert any("Fort Detrick" in by_id[i]["full_text"] for i in claim["post_ids"])


def test_cross_country_amplification(tweets: list[dict], actors: list[dict], truth: dict) -> None:
    country = {a["account_id"]: a["country"] for a in actors}
    pairs: Counter = Counter()
    for t in tweets:
        ref = t.get("retweeted_status") or t.get("quoted_status")
        if ref is None:
            continue
        a, b = country.get(t["user"]["id_str"]), country.get(ref["user"]["id_str"])
        if a and b and a != b:
            pairs[(a, b)] += 1
    assert pairs[("CN", "IR")] == 0 and pairs[("CN", "RU")] == 0
    assert pairs[("RU", "CN")] > 3 * pairs[("RU", "IR")] > 0
    assert pairs[("IR", "CN")] > 3 * pairs[("IR", "RU")] > 0
    observed = {(o["amplifier_country"], o["amplified_country"]): o["retweets"] + o["quotes"]
                for o in truth["cross_country"]["observed"]}
    assert observed == dict(pairs)
    assert ["CN", "IR"] in truth["cross_country"]["not_planted"]
    assert ["RU", "CN"] in truth["cross_country"]["planted"]


def test_state_media_link_their_own_domains(tweets: list[dict]) -> None:
    domains = defaultdict(set)
    for t in tweets:
        if "retweeted_status" in t:
            continue
        for u in t["entities"]["urls"]:
            domains[t["user"]["screen_name"]].add(urlsplit(u["expanded_url"]).hostname)
    assert "news.cgtn.com" in domains["CGTN_demo"]
    assert "www.rt.com" in domains["RT_demo"] and "www.presstv.ir" in domains["PressTV_demo"]
    assert "www.reuters.com" in set().union(*domains.values())


def test_reference_tables(demo: DemoFiles) -> None:
    lines = demo.events.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "date,label,scope"
    assert "2020-03-26,Trump–Xi call: tentative truce," in lines
    with open(demo.claims, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["claim_id", "claim_text", "lang", "rating", "reviewer", "review_date", "review_url"]
    planted = rows[0]
    assert planted["claim_id"] == "DEMO-C001" and planted["rating"] == "False"
    assert planted["review_date"] == "2020-03-14" and urlsplit(planted["review_url"]).hostname == "factcheck.example"
    assert "Fort Detrick" in planted["claim_text"] and "Military World Games" in planted["claim_text"]
    assert len(rows) >= 21 and len({r["claim_id"] for r in rows}) == len(rows)


@pytest.mark.slow
def test_full_scale_size(tmp_path: Path) -> None:
    files = generate(tmp_path, scale=1.0)
    truth = json.loads(files.ground_truth.read_text(encoding="utf-8"))
    assert 20_000 <= truth["counts"]["tweets"] <= 40_000
    assert truth["counts"]["ordinary_accounts"] == 3000
    assert truth["spokesperson_cascade"]["n_ordinary_reposts"] == 2400
    assert truth["organic_cascade"]["n_reposts"] == 600


@pytest.mark.parametrize("scale", [0, -1.0, float("nan"), float("inf")])
def test_bad_scale_is_rejected(tmp_path: Path, scale: float) -> None:
    with pytest.raises(ValueError):
        generate(tmp_path, scale=scale)


def test_readme_cascade_example_names_the_spokesperson_post(truth: dict) -> None:
    # The README tells a new user to run `ioscope cascade <id>` on the demo store: that id must be
    # the default demo's spokesperson post (the same at every scale for the default seed).
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"ioscope cascade {truth['spokesperson_cascade']['post_id']} --db demo-out/" in readme
