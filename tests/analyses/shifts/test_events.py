"""The events file reader: CSV and YAML, errors naming file and line; scopes."""

from __future__ import annotations

import pandas as pd
import pytest

from ioscope.analyses.shifts.events import (
    event_local_time, events_frame, read_events, scope_matches,
)
from ioscope.errors import ConfigError


def test_csv(tmp_path):
    p = tmp_path / "events.csv"
    p.write_text("date,label,scope\n2020-03-26,Trump–Xi call: tentative truce,\n"
                 "2020-03-12,Spokesperson post,CN\n\n", encoding="utf-8")
    df = read_events(p)
    assert list(df["event_date"]) == ["2020-03-26", "2020-03-12"]
    assert list(df["scope"]) == ["", "CN"]
    assert list(df["source_line"]) == [2, 3]


def test_csv_unknown_column_names_file_and_line(tmp_path):
    p = tmp_path / "events.csv"
    p.write_text("date,label,where\n2020-03-26,x,y\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"events\.csv:1: unknown column 'where'"):
        read_events(p)


def test_csv_bad_date_names_line(tmp_path):
    p = tmp_path / "events.csv"
    p.write_text("date,label\n2020-03-26,ok\nMarch 27,bad\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"events\.csv:3: date 'March 27'"):
        read_events(p)


def test_yaml_list_and_mapping(tmp_path):
    p = tmp_path / "events.yaml"
    p.write_text("events:\n  - date: 2020-03-26\n    label: truce\n  - date: '2020-03-12T14:37:05+00:00'\n"
                 "    label: spokesperson\n    scope: country=CN\n", encoding="utf-8")
    df = read_events(p)
    assert list(df["label"]) == ["truce", "spokesperson"]
    assert list(df["source_line"]) == [2, 4]
    q = tmp_path / "e.yml"
    q.write_text("- {date: 2020-03-26, label: truce}\n", encoding="utf-8")
    assert list(read_events(q)["event_date"]) == ["2020-03-26"]


def test_yaml_unknown_key_names_its_line(tmp_path):
    p = tmp_path / "events.yaml"
    p.write_text("- date: 2020-03-26\n  label: truce\n- date: 2020-04-08\n  lable: typo\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"events\.yaml:4: unknown key 'lable'"):
        read_events(p)


def test_list_of_dicts_and_errors():
    df = events_frame([{"date": "2020-03-26", "label": "truce"}])
    assert df.loc[0, "scope"] == ""
    with pytest.raises(ConfigError, match=r"events\[0\]: unknown key"):
        events_frame([{"date": "2020-03-26", "label": "x", "colour": "red"}])
    with pytest.raises(ConfigError, match="label is missing"):
        events_frame([{"date": "2020-03-26"}])


def test_local_time_of_an_event():
    # A date is local midnight in the analysis zone; a time with an offset is converted:
    # 2020-03-12 14:37:05 UTC is 22:37:05 in Shanghai (UTC+8).
    assert event_local_time("2020-03-26", "Asia/Shanghai") == pd.Timestamp("2020-03-26")
    assert event_local_time("2020-03-12T14:37:05+00:00", "Asia/Shanghai") == pd.Timestamp(
        "2020-03-12 22:37:05")


def test_scope():
    dims = ("country", "overt")
    assert scope_matches("", {"country": "CN", "overt": "overt"}, dims)
    assert scope_matches("CN", {"country": "CN", "overt": "overt"}, dims)
    assert not scope_matches("US", {"country": "CN", "overt": "overt"}, dims)
    assert scope_matches("country=CN;overt=covert", {"country": "CN", "overt": "covert"}, dims)
    assert not scope_matches("country=CN;overt=covert", {"country": "CN", "overt": "overt"}, dims)
    with pytest.raises(ConfigError, match="unknown dimension"):
        scope_matches("colour=red", {"country": "CN"}, dims)
