"""Tiny invented sample inputs, one per source format, for the conformance suite (test_conformance.py).

Every sample is built from a list of *records* (the format's unit: a JSON line, a CSV row, a feed entry, a
Telegram message) by ``build(records)``, so that the suite can write the whole sample, a sample with a
corrupted record in the middle (``bad``), or a file whose first record is its only record. Each sample
states what its first record must become (``first_id``, ``first_time``, the text fragment written in
decomposed Unicode) and how its format numbers records (``line_of``).

Conventions (so that one set of checks fits every format):

* record 0 holds a 64-bit ID where the format has numeric IDs, and the text ``CAFE_TEXT`` written with
  a combining accent (NFD): it must be stored NFC;
* one record has an empty URL cell or field: it must produce no URL and no domain;
* accounts are ``acct_NNN``, domains ``*.example``; every value is invented.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

UTC = dt.timezone.utc
CAFE_NFD = "Cafe\u0301 invented"
CAFE_NFC = "Caf\u00e9 invented"
BIG = 1242750000000000000  # above 2**53: a double would round it (case 03)


@dataclass
class Sample:
    """One format's sample.

    ``build(records) -> bytes``; ``records``: the good records, in order; ``bad``: a corrupted record
    (None when the format has one record per file); ``line_of(i)``: the ``source_line`` the format gives
    the record at index ``i`` (0-based) of a built file; ``first_id``/``first_time``: what record 0 must
    be stored as; ``suffix``: the file name's suffix; ``n_posts``: collected posts the full sample yields
    (default: one per record); ``needs``: an optional module the source imports; ``empty_url_index``:
    the record with an empty URL cell or field (or, where the format has none, no link at all).
    """

    suffix: str
    records: list[Any]
    build: Callable[[list[Any]], bytes]
    bad: Any
    line_of: Callable[[int], int]
    first_id: str
    first_time: dt.datetime | None
    n_posts: int | None = None
    needs: str | None = None
    empty_url_index: int = 1
    notes: list[str] = field(default_factory=list)


def jsonl(records: list[Any]) -> bytes:
    """JSON lines; a ``bytes`` record is written as it is (a corrupted line)."""
    return b"".join((r if isinstance(r, bytes) else json.dumps(r, ensure_ascii=False).encode()) + b"\n"
                    for r in records)


def csv_builder(header: list[str]) -> Callable[[list[Any]], bytes]:
    """CSV with ``header``; a dict record is a row (missing keys empty), a ``str`` record a raw line."""

    def build(records: list[Any]) -> bytes:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(header)
        for r in records:
            if isinstance(r, str):
                buf.write(r + "\n")
            else:
                w.writerow([r.get(h, "") for h in header])
        return buf.getvalue().encode("utf-8")

    return build


BAD_JSON_LINE = b'{"id_str": "1242750000000000099", "created_at": '  # cut mid-object
BAD_CSV_ROW = "only,three,cells"  # the wrong number of fields
physical_line = lambda i: i + 2  # noqa: E731  CSV: header is line 1, one physical line per row
data_row = lambda i: i + 1  # noqa: E731      records numbered from 1 (JSON lines; CSV data rows)


# -- twitter-v1 -----------------------------------------------------------------------------------

def _user(n: int) -> dict:
    return {"id": 1000000000 + n, "id_str": str(1000000000 + n), "screen_name": f"acct_{n:03d}",
            "name": f"Account {n}", "followers_count": 10, "friends_count": 5,
            "created_at": "Thu Jan 24 03:18:59 +0000 2013", "description": "invented"}


def _v1(n: int, text: str, urls: list[dict] | None = None, **extra: Any) -> dict:
    t = {"created_at": f"Wed Mar 25 10:0{n}:00 +0000 2020", "id": BIG + n, "id_str": str(BIG + n),
         "full_text": text, "truncated": False,
         "entities": {"hashtags": [], "user_mentions": [], "urls": urls or []},
         "user": _user(n), "lang": "en", "favorite_count": 1, "retweet_count": 0}
    t.update(extra)
    return t


V1_RECORDS = [
    _v1(1, f"{CAFE_NFD} #Topic_A https://t.co/AAAAAAAAAA",
        [{"url": "https://t.co/AAAAAAAAAA", "expanded_url": "https://news-site.example/a/1"}]),
    _v1(2, "an empty link field", [{"url": "", "expanded_url": ""}]),
    _v1(3, "RT @acct_001: original", retweeted_status=_v1(1, f"{CAFE_NFD} #Topic_A")),
    _v1(4, "@acct_001 a reply", in_reply_to_status_id_str=str(BIG + 1), in_reply_to_user_id_str="1000000001",
        in_reply_to_screen_name="acct_001"),
]


# -- twitter-v1-csv (pandas to_csv of v1.1 tweets: nested objects as Python literals) -------------

V1CSV_HEADER = ["created_at", "id", "id_str", "full_text", "truncated", "entities", "user", "lang",
                "favorite_count", "retweet_count", "retweeted_status", "in_reply_to_status_id_str"]


def _v1csv(t: dict) -> dict:
    row = {k: (repr(v) if isinstance(v, (dict, list, bool)) else str(v)) for k, v in t.items()}
    return {k: row.get(k, "") for k in V1CSV_HEADER}


# -- twitter-v2 (twarc2 response pages, one per line) ---------------------------------------------

def _v2_page(n: int, text: str, urls: list[dict] | None = None) -> dict:
    return {"data": [{"id": str(BIG + n), "author_id": str(2000 + n), "text": text,
                      "created_at": f"2021-05-0{n}T10:00:00.000Z", "lang": "en",
                      "edit_history_tweet_ids": [str(BIG + n)],
                      "entities": {"urls": urls or []},
                      "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 1,
                                         "quote_count": 0}}],
            "includes": {"users": [{"id": str(2000 + n), "username": f"acct_{n:03d}", "name": f"A {n}"}]},
            "meta": {"result_count": 1}}


# -- twarc-csv ---------------------------------------------------------------------------------------

TWARC_HEADER = ["id", "conversation_id", "referenced_tweets.replied_to.id", "referenced_tweets.retweeted.id",
                "author_id", "created_at", "text", "lang", "public_metrics.like_count", "entities.urls",
                "author.id", "author.username"]


def _twarc(n: int, text: str, urls: str = "[]", **extra: str) -> dict:
    return {"id": str(BIG + n), "conversation_id": str(BIG + n), "author_id": str(2000 + n),
            "created_at": f"2021-05-0{n}T10:00:00.000Z", "text": text, "lang": "en",
            "public_metrics.like_count": "1", "entities.urls": urls, "author.id": str(2000 + n),
            "author.username": f"acct_{n:03d}", **extra}


# -- twitter-io-archive ----------------------------------------------------------------------------

IO_HEADER = ["tweetid", "userid", "user_display_name", "user_screen_name", "user_reported_location",
             "user_profile_description", "user_profile_url", "follower_count", "following_count",
             "account_creation_date", "account_language", "tweet_language", "tweet_text", "tweet_time",
             "tweet_client_name", "in_reply_to_userid", "in_reply_to_tweetid", "quoted_tweet_tweetid",
             "is_retweet", "retweet_userid", "retweet_tweetid", "latitude", "longitude", "quote_count",
             "reply_count", "like_count", "retweet_count", "hashtags", "urls", "user_mentions", "poll_choices"]


def _io(n: int, text: str, urls: str = "[]", **extra: str) -> dict:
    return {"tweetid": str(BIG + n), "userid": str(3000 + n), "user_display_name": f"Account {n}",
            "user_screen_name": f"acct_{n:03d}", "follower_count": "10", "following_count": "5",
            "account_creation_date": "2013-01-24", "account_language": "en", "tweet_language": "en",
            "tweet_text": text, "tweet_time": f"2019-06-0{n} 10:00", "is_retweet": "false",
            "quote_count": "0", "reply_count": "0", "like_count": "1", "retweet_count": "0",
            "hashtags": "[]", "urls": urls, "user_mentions": "[]", **extra}


# -- ira-csv (the original FiveThirtyEight layout, with tweet_id) ----------------------------------

IRA_HEADER = ["external_author_id", "author", "content", "region", "language", "publish_date",
              "harvested_date", "following", "followers", "updates", "post_type", "account_type", "retweet",
              "account_category", "tweet_id", "tco1_step1"]


def _ira(n: int, content: str, tco: str = "") -> dict:
    return {"external_author_id": str(4000 + n), "author": f"ACCT_{n:03d}", "content": content,
            "region": "United States", "language": "English", "publish_date": f"10/{n}/2016 21:04",
            "harvested_date": f"10/{n}/2016 21:05", "following": "5", "followers": "10", "updates": "3",
            "post_type": "", "account_type": "Right", "retweet": "0", "account_category": "RightTroll",
            "tweet_id": str(BIG + n), "tco1_step1": tco}


# -- csv (generic, common column names) ----------------------------------------------------------

GENERIC_HEADER = ["post_id", "created_at", "account_id", "account_handle", "text", "urls"]


def _generic(n: int, text: str, urls: str = "") -> dict:
    return {"post_id": str(BIG + n), "created_at": f"2020-03-2{n}T10:00:00Z", "account_id": str(5000 + n),
            "account_handle": f"acct_{n:03d}", "text": text, "urls": urls}


# -- crowdtangle (dashboard CSV after April 2021) ------------------------------------------------

CT_HEADER = ["Page Name", "User Name", "Facebook Id", "Followers at Posting", "Post Created",
             "Post Created Date", "Post Created Time", "Type", "Likes", "Comments", "Shares", "URL",
             "Message", "Link", "Final Link", "Link Text"]


def _ct(n: int, message: str, link: str = "") -> dict:
    return {"Page Name": f"Page {n}", "User Name": f"page_acct_{n:03d}", "Facebook Id": str(100000000000000 + n),
            "Followers at Posting": "1,500", "Post Created": f"2021-03-0{n} 12:00:00 UTC",
            "Post Created Date": f"2021-03-0{n}", "Post Created Time": "12:00:00", "Type": "Link",
            "Likes": "10", "Comments": "2", "Shares": "5",
            "URL": f"https://www.facebook.com/page_acct_{n:03d}/posts/{9000000000000000 + n}",
            "Message": message, "Link": link, "Final Link": link, "Link Text": "Invented headline"}


# -- crowdtangle-shares (CooRnet get_ctshares) --------------------------------------------------

CTS_HEADER = ["id", "is_orig", "expanded", "date", "account.url", "account.name", "account.handle",
              "account.subscriberCount", "account.id", "account.platform", "account.platformId",
              "account.verified"]


def _cts(n: int, expanded: str) -> dict:
    return {"id": f"{n}|{100000000000000 + n}", "is_orig": "TRUE", "expanded": expanded,
            "date": f"2021-03-0{n} 12:00:00", "account.url": f"https://www.facebook.com/{100000000000000 + n}",
            "account.name": f"Page {n}", "account.handle": f"page_acct_{n:03d}",
            "account.subscriberCount": "1500", "account.id": str(n), "account.platform": "Facebook",
            "account.platformId": str(100000000000000 + n), "account.verified": "FALSE"}


# -- articles-csv (ReCOVery layout) ------------------------------------------------------------------

ART_HEADER = ["news_id", "url", "publisher", "publish_date", "author", "title", "image", "body_text",
              "political_bias", "country", "reliability"]


def _art(n: int, body: str) -> dict:
    return {"news_id": str(n), "url": f"https://state-media.example/news/{n}", "publisher": "State Media",
            "publish_date": f"2020-05-2{n}", "author": "", "title": f"Headline {n}", "image": "",
            "body_text": body, "political_bias": "", "country": "XX", "reliability": "0"}


# -- tehran-times-jsonl ---------------------------------------------------------------------------

def _tt(n: int, text: str) -> dict:
    return {"news_id": 440000 + n, "slug": f"headline-{n}", "title_from_slug": f"Headline {n}",
            "url": f"https://www.tehrantimes.example/news/{440000 + n}/headline-{n}", "text": text,
            "covid_related": False}


# -- rss ----------------------------------------------------------------------------------------------

def _rss(entries: list[str]) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>\n'
            "<title>State Media</title><link>https://state-media.example/</link><language>en</language>\n"
            + "".join(e + "\n" for e in entries) + "</channel></rss>\n").encode("utf-8")


def _item(n: int, title: str, description: str = "Invented summary") -> str:
    return (f"<item><title>{title}</title><link>https://state-media.example/news/{n}</link>"
            f"<guid>https://state-media.example/news/{n}</guid>"
            f"<pubDate>Wed, 0{n} Apr 2020 10:00:00 +0000</pubDate>"
            f"<description>{description}</description></item>")


# -- telegram-json -------------------------------------------------------------------------------

def _telegram(messages: list[dict]) -> bytes:
    doc = {"name": "Invented Channel", "type": "public_channel", "id": 1234567890, "messages": messages}
    return json.dumps(doc, ensure_ascii=False, indent=1).encode()


def _tg(n: int, text: Any) -> dict:
    return {"id": n, "type": "message", "date": f"2022-03-0{n}T10:00:00", "date_unixtime": str(1646128800 + n * 86400),
            "from": "Invented Channel", "from_id": "channel1234567890", "text": text}


# -- mastodon --------------------------------------------------------------------------------------

def _toot(n: int, html: str, card: dict | None = None) -> dict:
    return {"id": str(109000000000000000 + n), "uri": f"https://social.example/users/acct_{n:03d}/statuses/{n}",
            "url": f"https://social.example/@acct_{n:03d}/{n}", "created_at": f"2022-11-0{n}T10:00:00.000Z",
            "content": f"<p>{html}</p>", "language": "en", "spoiler_text": "", "reblog": None,
            "in_reply_to_id": None, "in_reply_to_account_id": None, "mentions": [], "tags": [],
            "favourites_count": 1, "reblogs_count": 0, "replies_count": 0, "card": card,
            "account": {"id": str(n), "acct": f"acct_{n:03d}", "username": f"acct_{n:03d}",
                        "url": f"https://social.example/@acct_{n:03d}", "display_name": f"Account {n}",
                        "created_at": "2022-01-01T00:00:00.000Z", "followers_count": 3,
                        "following_count": 4, "note": "<p>invented</p>"}}


# -- bluesky -------------------------------------------------------------------------------------------

def _sky(n: int, text: str, embed: dict | None = None) -> dict:
    rec = {"$type": "app.bsky.feed.post", "text": text, "createdAt": f"2024-02-0{n}T10:00:00.000Z",
           "langs": ["en"]}
    if embed:
        rec["embed"] = embed
    return {"post": {"uri": f"at://did:plc:acct{n:03d}/app.bsky.feed.post/3k{n:03d}",
                     "cid": f"bafyinvented{n}", "author": {"did": f"did:plc:acct{n:03d}",
                                                          "handle": f"acct-{n:03d}.bsky.example"},
                     "record": rec, "indexedAt": f"2024-02-0{n}T10:00:01.000Z",
                     "likeCount": 1, "repostCount": 0, "replyCount": 0, "quoteCount": 0}}


# -- youtube -----------------------------------------------------------------------------------------

def _video(n: int, description: str) -> dict:
    return {"kind": "youtube#video", "id": f"vid{n:08d}",
            "snippet": {"publishedAt": f"2021-07-0{n}T10:00:00Z", "channelId": f"UCacct{n:03d}",
                        "title": f"Video {n}", "description": description, "channelTitle": f"Channel {n}",
                        "defaultAudioLanguage": "en"},
            "statistics": {"viewCount": "100", "likeCount": "5", "commentCount": "1"}}


# -- html-article -------------------------------------------------------------------------------------

def _html(records: list[str]) -> bytes:
    body = records[0]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Invented headline</title>
<link rel="canonical" href="https://state-media.example/news/77">
<meta property="og:type" content="article">
<meta property="article:published_time" content="2020-03-26T08:30:00+00:00">
<meta property="og:site_name" content="State Media"></head>
<body><article><h1>Invented headline</h1>
<p>{body} See <a href="https://news-site.example/a/1">the source</a> and <a href="">nothing</a>.
This invented paragraph is long enough for an extractor to keep it as the main text of
the page, with several sentences about nothing in particular and no real facts at all.</p>
<p>A second invented paragraph follows, again with enough words to count as article text rather than
boilerplate, and it links nowhere.</p></article></body></html>
""".encode()


# -- coortweet and qut-cnt (modules present, registered only when imported) ------------------------

COORT_HEADER = ["object_id", "account_id", "content_id", "timestamp_share"]
QUT_HEADER = ["message_id", "user_id", "username", "repost_id", "reply_id", "message", "timestamp", "urls"]


def _qut(n: int, message: str, urls: str = "", **extra: str) -> dict:
    return {"message_id": str(BIG + n), "user_id": str(6000 + n), "username": f"acct_{n:03d}",
            "repost_id": "", "reply_id": "", "message": message, "timestamp": str(1585130400 + n * 60),
            "urls": urls, **extra}


# -- dipromats -------------------------------------------------------------------------------------

def _dipromats(records: list[Any]) -> bytes:
    """A JSON array indented as the DIPROMATS files are (``json.dump(..., indent=4)``)."""
    return json.dumps(records, ensure_ascii=False, indent=4).encode()


def _dip(n: int, text: str, tweet_type: str = "Tweet") -> dict:
    return {"test_case": "DIPROMATS2023", "id": str(7000 + n), "country": "European Union",
            "user_name": f"acct_{n:03d}", "tweet_type": tweet_type, "tweet_id": BIG + n,
            "UTC": f"2020-09-2{n} 16:24:03+00:00", "rts&fav": 10 + n, "language": "en", "text": text,
            "value": "false"}


SAMPLES: dict[str, Sample] = {
    "twitter-v1": Sample(
        ".jsonl", V1_RECORDS, jsonl, BAD_JSON_LINE, data_row, str(BIG + 1),
        dt.datetime(2020, 3, 25, 10, 1, tzinfo=UTC)),
    "twitter-v1-csv": Sample(
        ".csv", [_v1csv(t) for t in V1_RECORDS], csv_builder(V1CSV_HEADER), BAD_CSV_ROW, physical_line,
        str(BIG + 1), dt.datetime(2020, 3, 25, 10, 1, tzinfo=UTC)),
    "twitter-v2": Sample(
        ".jsonl",
        [_v2_page(1, f"{CAFE_NFD} https://t.co/A1",
                  [{"url": "https://t.co/A1", "expanded_url": "https://news-site.example/a/1", "start": 17, "end": 32}]),
         _v2_page(2, "an empty link field", [{"url": "", "expanded_url": "", "start": 0, "end": 0}]),
         _v2_page(3, "third post")],
        jsonl, BAD_JSON_LINE, data_row, str(BIG + 1), dt.datetime(2021, 5, 1, 10, tzinfo=UTC)),
    "twarc-csv": Sample(
        ".csv",
        [_twarc(1, CAFE_NFD, '["https://news-site.example/a/1"]'), _twarc(2, "an empty link cell", ""),
         _twarc(3, "a reply", "[]", **{"referenced_tweets.replied_to.id": str(BIG + 1)})],
        csv_builder(TWARC_HEADER), BAD_CSV_ROW, physical_line, str(BIG + 1), dt.datetime(2021, 5, 1, 10, tzinfo=UTC)),
    "twitter-io-archive": Sample(
        ".csv",
        [_io(1, f"{CAFE_NFD} https://t.co/x", "[https://news-site.example/a/1]"),
         _io(2, "an empty link cell", ""),
         _io(3, "RT @acct_001: retweet", "[]", is_retweet="true", retweet_userid="3001",
             retweet_tweetid=str(BIG + 1))],
        csv_builder(IO_HEADER), BAD_CSV_ROW, physical_line, str(BIG + 1), dt.datetime(2019, 6, 1, 10, tzinfo=UTC)),
    "ira-csv": Sample(
        ".csv",
        [_ira(1, f"{CAFE_NFD} https://t.co/abc", "https://news-site.example/a/1"),
         _ira(2, "an empty link cell", ""), _ira(3, "third post #Topic")],
        csv_builder(IRA_HEADER), BAD_CSV_ROW, physical_line, str(BIG + 1),
        dt.datetime(2016, 10, 1, 21, 4, tzinfo=UTC)),
    "csv": Sample(
        ".csv",
        [_generic(1, CAFE_NFD, "https://news-site.example/a/1"), _generic(2, "an empty link cell", ""),
         _generic(3, "third post")],
        csv_builder(GENERIC_HEADER), BAD_CSV_ROW, physical_line, str(BIG + 1),
        dt.datetime(2020, 3, 21, 10, tzinfo=UTC)),
    "crowdtangle": Sample(
        ".csv",
        [_ct(1, CAFE_NFD, "https://news-site.example/a/1"), _ct(2, "an empty link cell", ""),
         _ct(3, "third post", "https://blog.example/p")],
        csv_builder(CT_HEADER), BAD_CSV_ROW, physical_line, str(9000000000000001),
        dt.datetime(2021, 3, 1, 12, tzinfo=UTC)),
    "crowdtangle-shares": Sample(
        ".csv",
        [_cts(1, "https://news-site.example/a/1"), _cts(2, ""), _cts(3, "https://blog.example/p")],
        csv_builder(CTS_HEADER), BAD_CSV_ROW, physical_line, f"ct:1|{100000000000001}",
        dt.datetime(2021, 3, 1, 12, tzinfo=UTC), notes=["no text column: the NFC check has nothing to read"]),
    "articles-csv": Sample(
        ".csv", [_art(1, CAFE_NFD), _art(2, "second body"), _art(3, "third body")],
        csv_builder(ART_HEADER), BAD_CSV_ROW, physical_line, "https://state-media.example/news/1",
        dt.datetime(2020, 5, 21, tzinfo=UTC)),
    "tehran-times-jsonl": Sample(
        ".jsonl", [_tt(1, CAFE_NFD), _tt(2, "second text"), _tt(3, "third text")], jsonl, BAD_JSON_LINE,
        data_row, "https://www.tehrantimes.example/news/440001/headline-1", None,
        notes=["the files hold no dates: created_at is NULL, flagged created_at_missing"]),
    "rss": Sample(
        ".xml",
        [_item(1, CAFE_NFD, 'See <a href="https://news-site.example/a/1">this</a>'),
         _item(2, "An empty link", 'See <a href="">nothing</a>'), _item(3, "Third entry")],
        _rss, "<item><title>No link, no guid</title><description>x</description></item>", data_row,
        "https://state-media.example/news/1", dt.datetime(2020, 4, 1, 10, tzinfo=UTC)),
    "telegram-json": Sample(
        ".json",
        [_tg(1, [CAFE_NFD + " ", {"type": "link", "text": "https://news-site.example/a/1"}]),
         _tg(2, [{"type": "text_link", "text": "an empty link", "href": ""}]), _tg(3, "third message")],
        _telegram, {"id": 99, "type": "message", "date": "not a date", "text": "broken"}, data_row,
        "1234567890/1", dt.datetime(2022, 3, 2, 10, tzinfo=UTC)),
    "mastodon": Sample(
        ".jsonl",
        [_toot(1, f'{CAFE_NFD} <a href="https://news-site.example/a/1">link</a>'),
         _toot(2, 'an empty <a href="">link</a>', card={"url": ""}), _toot(3, "third toot")],
        jsonl, BAD_JSON_LINE, data_row, "https://social.example/users/acct_001/statuses/1",
        dt.datetime(2022, 11, 1, 10, tzinfo=UTC)),
    "bluesky": Sample(
        ".jsonl",
        [_sky(1, CAFE_NFD, {"$type": "app.bsky.embed.external",
                            "external": {"uri": "https://news-site.example/a/1", "title": "t", "description": ""}}),
         _sky(2, "an empty link", {"$type": "app.bsky.embed.external",
                                   "external": {"uri": "", "title": "", "description": ""}}),
         _sky(3, "third post")],
        jsonl, BAD_JSON_LINE, data_row, "at://did:plc:acct001/app.bsky.feed.post/3k001",
        dt.datetime(2024, 2, 1, 10, tzinfo=UTC)),
    "youtube": Sample(
        ".jsonl",
        [_video(1, f"{CAFE_NFD} https://news-site.example/a/1"), _video(2, "no link here"),
         _video(3, "third video")],
        jsonl, BAD_JSON_LINE, data_row, "vid00000001", dt.datetime(2021, 7, 1, 10, tzinfo=UTC)),
    "html-article": Sample(
        ".html", [CAFE_NFD], _html, None, data_row, "https://state-media.example/news/77",
        dt.datetime(2020, 3, 26, 8, 30, tzinfo=UTC), needs="trafilatura", empty_url_index=0,
        notes=["one article per file: no middle record to corrupt"]),
    # Not imported by ioscope.sources (unregistered) at the time of writing; ready for when they are.
    "coortweet": Sample(
        ".csv",
        [{"object_id": str(BIG + 100), "account_id": "acct_001", "content_id": str(BIG + 1),
          "timestamp_share": "1585130400"},
         {"object_id": str(BIG + 100), "account_id": "acct_002", "content_id": str(BIG + 2),
          "timestamp_share": "1585130460"}],
        csv_builder(COORT_HEADER), BAD_CSV_ROW, physical_line, str(BIG + 1),
        dt.datetime(2020, 3, 25, 10, tzinfo=UTC)),
    "qut-cnt": Sample(
        ".csv",
        [_qut(1, CAFE_NFD, "https://news-site.example/a/1"), _qut(2, "an empty link cell", ""),
         _qut(3, "a repost", "", repost_id=str(BIG + 1))],
        csv_builder(QUT_HEADER), BAD_CSV_ROW, physical_line, str(BIG + 1),
        dt.datetime(2020, 3, 25, 10, 1, tzinfo=UTC)),
    "dipromats": Sample(
        ".json",
        [_dip(1, f"{CAFE_NFD} https://news-site.example/a/1"), _dip(2, "no link in this reply", "Reply"),
         _dip(3, " a retweeted text", "Retweet")],
        _dipromats, {**_dip(9, "broken"), "UTC": "not a time"}, data_row, str(BIG + 1),
        dt.datetime(2020, 9, 21, 16, 24, 3, tzinfo=UTC),
        notes=["a JSON array: the corrupted record is an element with an unreadable UTC"]),
}
