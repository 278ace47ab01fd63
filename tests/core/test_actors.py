"""The actors CSV: columns, normalisation, and errors that name file and line."""

from __future__ import annotations

import pytest

from ioscope.actors import normalize_country, read_actors_csv
from ioscope.errors import ConfigError


def write(tmp_path, text):
    p = tmp_path / "actors.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_reads_and_normalises(tmp_path):
    p = write(tmp_path, "\ufeffHandle,country,actor_type,overt,name\n"
                        "@SpokespersonCHN,China,diplomat,,Spokesperson\n"
                        "covert1,cn,suspected_covert,,\n")
    rows = read_actors_csv(p)
    assert rows[0]["handle"] == "SpokespersonCHN" and rows[0]["country"] == "CN"
    assert rows[0]["overt"] is True          # default for an overt type
    assert rows[1]["overt"] is False         # default for suspected_covert
    assert rows[1]["platform"] is None       # empty platform matches any


def test_unknown_column_is_an_error(tmp_path):
    p = write(tmp_path, "handle,contry\nx,CN\n")
    with pytest.raises(ConfigError, match="unknown actors column.*contry"):
        read_actors_csv(p)


def test_bad_values_name_the_line(tmp_path):
    p = write(tmp_path, "handle,actor_type\nok,embassy\nbad,spy\n")
    with pytest.raises(ConfigError, match=r"actors.csv:3: unknown actor_type 'spy'"):
        read_actors_csv(p)
    p = write(tmp_path, "handle,country\nx,Narnia\n")
    with pytest.raises(ConfigError, match=r":2: country 'Narnia'"):
        read_actors_csv(p)
    p = write(tmp_path, "handle,account_id\n,\n")
    with pytest.raises(ConfigError, match=r":2: actor needs an account_id or a handle"):
        read_actors_csv(p)


def test_normalize_country():
    assert normalize_country("Russia") == "RU"
    assert normalize_country("irn") == "IR"
    assert normalize_country(None) is None
