"""twitter-v1-csv: v1.1 tweets flattened by pandas, nested objects as Python literals."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ioscope.sources import Bad, Record, SourceOptions, detect, get


def flatten(tweets: list[dict], path: Path) -> Path:
    """Write tweets the way the CGTN/Xinhua set was made: ``pd.DataFrame(tweets).to_csv(index=False)``."""
    pd.DataFrame(tweets).to_csv(path, index=False)
    return path


def read(path: Path) -> list:
    return list(get("twitter-v1-csv").read(path, SourceOptions()))


def test_flattened_retweet_quote_and_reply(tmp_path, tweet):
    original = tweet(1, user={"id": 620136960, "id_str": "620136960", "screen_name": "cgtnamerica"},
                     extended_tweet={"full_text": "Full original text\nwith a newline #Tag",
                                     "entities": {"hashtags": [{"text": "Tag"}], "urls": [], "user_mentions": []}})
    rows = [
        tweet(2, full_text=None, text="RT @cgtnamerica: Full original…", retweeted_status=original),
        tweet(3, is_quote_status=True, quoted_status_id_str="1242750000000000001", quoted_status=original),
        tweet(4, in_reply_to_status_id_str="1242750000000000001", in_reply_to_status_id=1242750000000000001.0),
    ]
    items = read(flatten(rows, tmp_path / "t.csv"))
    assert all(isinstance(i, Record) for i in items)
    assert [i.line for i in items] == [2, 3, 4]
    rt, quote, reply = (i.posts for i in items)
    assert rt[0]["kind"] == "repost" and rt[0]["ref_account_handle"] == "cgtnamerica"
    assert rt[0]["text"] == "Full original text\nwith a newline #Tag" and rt[0]["hashtags"] == ["Tag"]
    assert rt[1]["collected"] is False and rt[1]["post_id"] == "1242750000000000001"
    assert quote[0]["kind"] == "quote" and quote[0]["ref_post_id"] == "1242750000000000001"
    assert reply[0]["kind"] == "reply" and reply[0]["ref_post_id"] == "1242750000000000001"
    assert reply[0]["flags"] == []  # the *_str twin wins over the float id pandas wrote


def test_bad_rows_are_quarantined_alone(tmp_path, tweet):
    path = flatten([tweet(1), tweet(2), tweet(3)], tmp_path / "t.csv")
    lines = path.read_bytes().split(b"\n")
    header = lines[0]
    lines[2] = lines[2].replace(b"{'id': 1000000001", b"{'id': 1000000001 oops", 1)  # unparseable literal
    lines.insert(3, b"only,three,fields")
    lines.insert(4, lines[1].replace(b"Invented", b"Inv\xe9nted", 1))  # invalid UTF-8 in one record
    path.write_bytes(b"\xef\xbb\xbf" + b"\n".join(lines))
    items = read(path)
    kinds = [(type(i).__name__, i.line) for i in items]
    assert kinds == [("Record", 2), ("Bad", 3), ("Bad", 4), ("Bad", 5), ("Record", 6)]
    assert items[1].reason.startswith("unparseable Python literal in column 'user'")
    assert items[2].reason.startswith("3 fields, ") and items[2].reason.endswith("expected (columns shifted or a quote missing)")
    assert items[3].reason.startswith("invalid UTF-8 bytes in column ")
    assert header.startswith(b"created_at")


def test_nul_is_removed_and_flagged(tmp_path, tweet):
    path = flatten([tweet(1, full_text="Before NUL\x00after")], tmp_path / "t.csv")
    [item] = read(path)
    assert item.posts[0]["text"] == "Before NULafter" and "had_nul" in item.posts[0]["flags"]


def test_sniff_prefers_this_over_generic_csv(tmp_path, tweet):
    path = flatten([tweet(1)], tmp_path / "t.csv")
    assert detect(path).name == "twitter-v1-csv"
    assert get("twitter-v1-csv").sniff(Path("a.csv"), b"id,text\n1,x\n") == 0.0


def test_missing_id_row_is_bad(tmp_path, tweet):
    path = flatten([tweet(1), tweet(2, created_at=None)], tmp_path / "t.csv")
    items = read(path)
    assert isinstance(items[1], Bad) and items[1].reason == "missing created_at" and items[1].line == 3
