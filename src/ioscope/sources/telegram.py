"""Telegram Desktop JSON exports, ``result.json`` (format ``telegram-json``).

Shapes read: a single-chat export ``{"name", "type", "id", "messages": [...]}`` and a full-account export
``{"chats": {"list": [chat, ...]}, "left_chats": {"list": [...]}, ...}`` (mnemocron/TelegramChatStats#3).

Field rules (cases 17 and 18; ``docs/sources/telegram-json.md``):

* ``post_id`` = ``<chat id>/<message id>`` (message IDs are per chat); ``platform`` = ``telegram``.
* ``account_id`` = ``from_id`` as exported (``user123``, ``channel456``: the prefix tells the peer type);
  channel posts without ``from_id`` are authored by the channel (``channel<chat id>``). The export has no
  public @username, so ``account_handle`` is NULL and ``from`` becomes the account's ``display_name``.
* ``created_at``: ``date_unixtime`` (epoch seconds, tdesktop 3.7.6+) when present; otherwise ``date``,
  which is the exporting machine's local wall time (tdesktop#24054), read in ``options.tz`` and flagged
  ``assumed_utc`` (``assumed_tz:<zone>`` when ``--tz`` names another zone).
* ``text``: a string, or a list of strings and entity objects whose ``text`` parts are concatenated
  (tdesktop#25000; never ``str(list)``). Entities come from ``text_entities`` when present, else from the
  list: URLs from ``link`` (the text) and ``text_link`` (``href``, hidden from the text), hashtags from
  ``hashtag``, mentions from ``mention``. A plain string with no entities falls back to the shared
  text helpers. ``t.me`` links stay URLs (case 17 counts them).
* forwards: ``forwarded_from`` is only a display name (tdesktop#16890): kind ``repost``,
  ``ref_account_handle`` NULL, flag ``forwarded_from:<name>``; ``forwarded_from_id`` (newer exports)
  becomes ``ref_account_id``. Never joined to an account by name (case 18).
* replies: ``reply_to_message_id`` -> kind ``reply``, ``ref_post_id`` ``<chat id>/<id>`` (a forward that is
  also a reply stays a ``repost``, with flag ``reply_to:<chat id>/<id>``).
* media: flag ``media:<photo|media_type|file>``; a placeholder instead of a path (``(File not included…)``,
  ``(File unavailable…)``) adds ``media_file_unavailable``.
* service messages (``type: service``: pins, joins, title changes) are not posts and are skipped: not
  yielded, so not counted in ``n_read``, not quarantined (case 17: excluded from post counts; there is no
  events table yet). Their number is logged at INFO.

Memory: the whole file is parsed at once with ``orjson`` (about 5-10x the file size in Python objects;
a 1 GB export needs several GB of RAM). ``ijson`` streaming is not used, to avoid a dependency. A file
with invalid UTF-8 is re-decoded with ``surrogateescape`` so that only the messages holding bad bytes
are quarantined.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from ioscope.errors import SourceError
from ioscope.ids import clean_id
from ioscope.sources.base import Bad, Record, Source, SourceOptions, assumed_zone_flag
from ioscope.sources.registry import register
from ioscope.textnorm import extract_hashtags, extract_mentions, nfc
from ioscope.timeparse import parse_time
from ioscope.urls import extract_urls, link_domains

log = logging.getLogger(__name__)

_MEDIA_KEYS = ("photo", "file", "thumbnail")


@register
class TelegramJsonSource(Source):
    """Telegram Desktop ``result.json`` (single chat or full export); see the module docstring."""

    name = "telegram-json"
    platform = "telegram"
    description = "Telegram Desktop JSON export (result.json), single chat or full account"

    def sniff(self, path: Path, head: bytes) -> float:
        """0.95 for a JSON object with ``"messages"`` and Telegram message keys (``date_unixtime``,
        ``from_id``, ``text_entities``); 0.9 for a full export (``"chats"`` with ``"list"`` or
        ``"personal_information"``); else 0."""
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not start.startswith(b"{"):
            return 0.0
        if b'"messages"' in head and any(k in head for k in (b'"date_unixtime"', b'"from_id"',
                                                              b'"text_entities"', b'"forwarded_from"')):
            return 0.95
        if b'"personal_information"' in head or (b'"chats"' in head and b'"list"' in head):
            return 0.9
        return 0.0

    def read(self, path: Path, options: SourceOptions) -> Iterator[Record | Bad]:
        """Yield a Record or Bad per non-service message, numbered 1.. across all chats in file order.
        Raises SourceError when the file is not JSON or holds no chat."""
        with self.open_binary(path) as fh:
            data = fh.read()
        try:
            doc = orjson.loads(data)
        except orjson.JSONDecodeError:
            try:  # invalid UTF-8: keep the bytes as surrogates and quarantine the messages holding them
                doc = json.loads(data.decode("utf-8-sig", errors="surrogateescape"))
            except (json.JSONDecodeError, RecursionError) as exc:
                raise SourceError(path, f"not valid JSON: {exc}") from None
        del data
        chats = _chats(doc)
        if chats is None:
            raise SourceError(path, "not a Telegram export: no 'messages' and no 'chats.list'")
        n = skipped = 0
        for chat in chats:
            messages = chat.get("messages") if isinstance(chat, dict) else None
            for msg in messages if isinstance(messages, list) else []:
                if isinstance(msg, dict) and msg.get("type") == "service":
                    skipped += 1
                    continue
                n += 1
                yield _message(n, chat, msg, options)
        if skipped:
            log.info("%s: skipped %d service messages (not posts)", path, skipped)


def _chats(doc: Any) -> list[Any] | None:
    if not isinstance(doc, dict):
        return None
    if isinstance(doc.get("messages"), list):
        return [doc]
    out: list[Any] = []
    for key in ("chats", "left_chats"):
        part = doc.get(key)
        if isinstance(part, dict) and isinstance(part.get("list"), list):
            out.extend(part["list"])
    return out if out or isinstance(doc.get("chats"), dict) else None


def _raw(msg: Any) -> str:
    try:
        return orjson.dumps(msg).decode()
    except TypeError:
        return json.dumps(msg, ensure_ascii=True, default=str)


def _has_bad_bytes(obj: Any) -> str | None:
    # The key of the first string holding undecodable bytes (surrogates), or None.
    stack = [("message", obj)]
    while stack:
        key, value = stack.pop()
        if isinstance(value, str):
            if any("\udc80" <= ch <= "\udcff" for ch in value):
                return key
        elif isinstance(value, dict):
            stack.extend(value.items())
        elif isinstance(value, list):
            stack.extend((key, v) for v in value)
    return None


def _message(n: int, chat: dict[str, Any], msg: Any, options: SourceOptions) -> Record | Bad:
    if not isinstance(msg, dict):
        return Bad(n, f"message is a {type(msg).__name__}, not an object", _raw(msg))
    bad_key = _has_bad_bytes(msg)
    if bad_key is not None:
        return Bad(n, f"invalid UTF-8 bytes in field {bad_key!r}", _raw(msg))
    chat_id, chat_flags = clean_id(chat.get("id"), field="post_id")  # part of post_id: same flag
    if not chat_id:
        return Bad(n, "chat id: missing, so the message has no unique post_id", _raw(msg))
    msg_id, id_flags = clean_id(msg.get("id"), field="post_id")
    if not msg_id:
        return Bad(n, "id: missing message id", _raw(msg))
    flags = list(dict.fromkeys(chat_flags + id_flags))
    if msg.get("date_unixtime") not in (None, ""):
        try:
            created = parse_time(str(msg["date_unixtime"]), tz="UTC")
        except ValueError as exc:
            return Bad(n, f"date_unixtime: {exc}", _raw(msg))
    else:
        try:  # tdesktop#24054: `date` is the exporting machine's wall time, zone not written
            created = parse_time(msg.get("date") or "", tz=options.tz)
        except ValueError as exc:
            return Bad(n, f"date: {exc}", _raw(msg))
        flags.append(assumed_zone_flag(options.tz))
    text, entities = flatten_text(msg.get("text"))
    if isinstance(msg.get("text_entities"), list):
        entities = [e for e in msg["text_entities"] if isinstance(e, dict)]
    urls, hashtags, mentions = _entities(entities)
    if not entities:  # a plain string: no entity list to trust, read the text itself
        urls, hashtags, mentions = extract_urls(text), extract_hashtags(text), extract_mentions(text)
    account_id, acc_flags = clean_id(msg.get("from_id"), field="account_id")
    flags += acc_flags
    name = msg.get("from") if isinstance(msg.get("from"), str) else None
    if not account_id and "channel" in str(chat.get("type", "")):
        account_id, name = f"channel{chat_id}", name or chat.get("name")
    kind, ref_post, ref_account = "original", None, None
    reply = msg.get("reply_to_message_id")
    reply_ref = f"{chat_id}/{reply}" if isinstance(reply, (int, str)) and str(reply).strip() else None
    accounts = []
    if msg.get("forwarded_from") is not None or msg.get("forwarded_from_id"):
        kind = "repost"
        fwd_name = msg.get("forwarded_from")
        flags.append(f"forwarded_from:{nfc(fwd_name) if isinstance(fwd_name, str) else ''}")
        ref_account, ref_flags = clean_id(msg.get("forwarded_from_id"), field="ref_account_id")
        flags += ref_flags
        if reply_ref:
            flags.append(f"reply_to:{reply_ref}")
        if ref_account:
            accounts.append({"platform": "telegram", "account_id": ref_account,
                             "display_name": nfc(fwd_name) if isinstance(fwd_name, str) else None})
    elif reply_ref:
        kind, ref_post = "reply", reply_ref
    flags += _media_flags(msg)
    if account_id:
        accounts.insert(0, {"platform": "telegram", "account_id": account_id,
                            "display_name": nfc(name) if name else None, "last_seen_at": created})
    post = {
        "platform": "telegram", "post_id": f"{chat_id}/{msg_id}", "account_id": account_id,
        "account_handle": None, "created_at": created, "text": text, "lang": None, "kind": kind,
        "ref_post_id": ref_post, "ref_account_id": ref_account, "ref_account_handle": None,
        "urls": urls, "domains": link_domains(urls), "hashtags": hashtags, "mentions": mentions,
        "collected": True, "flags": flags,
    }
    return Record(n, posts=[post], accounts=accounts)


def flatten_text(value: Any) -> tuple[str, list[dict[str, Any]]]:
    """``(plain text, entity objects)`` of a Telegram ``text`` field: a string is returned as is (NFC)
    with no entities; a list has its strings and the ``text`` of its objects concatenated, and its
    objects returned as entities (tdesktop#25000). None or another type gives ``("", [])``."""
    if isinstance(value, str):
        return nfc(value), []
    if not isinstance(value, list):
        return "", []
    parts: list[str] = []
    entities: list[dict[str, Any]] = []
    for item in value:
        if isinstance(item, str):
            parts.append(item)
        elif isinstance(item, dict):
            entities.append(item)
            if isinstance(item.get("text"), str):
                parts.append(item["text"])
    return nfc("".join(parts)), entities


def _entities(entities: list[dict[str, Any]]) -> tuple[list[str], list[str], list[str]]:
    urls: list[str] = []
    hashtags: list[str] = []
    mentions: list[str] = []
    for e in entities:
        kind, text = e.get("type"), e.get("text") if isinstance(e.get("text"), str) else ""
        if kind == "text_link" and isinstance(e.get("href"), str) and e["href"].strip():
            urls.append(e["href"].strip())
        elif kind == "link" and text.strip():
            urls.append(text.strip())  # as found; a scheme-less link still has a domain
        elif kind == "hashtag" and text.lstrip("#＃"):
            hashtags.append(nfc(text.lstrip("#＃")))
        elif kind == "mention" and text.lstrip("@＠"):
            mentions.append(text.lstrip("@＠"))
    return list(dict.fromkeys(urls)), hashtags, mentions


def _media_flags(msg: dict[str, Any]) -> list[str]:
    flags = []
    for key in _MEDIA_KEYS:
        value = msg.get(key)
        if isinstance(value, str):
            if key == "thumbnail" and ("photo" in msg or "file" in msg):
                continue
            media = "photo" if key == "photo" else msg.get("media_type") or key
            flags.append(f"media:{media}")
            stripped = value.strip()
            if not stripped or (stripped.startswith("(") and stripped.endswith(")")):
                flags.append("media_file_unavailable")
            break
    return flags
