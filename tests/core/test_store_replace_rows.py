"""``Store.replace_rows``: an import that replaces one slice of a table (a domain list by name,
claim matches by model) swaps it in one transaction and leaves the other slices alone."""

from __future__ import annotations

import pandas as pd
import pytest

from ioscope.store import Store


def test_replace_rows_swaps_one_slice_and_rolls_back_on_failure(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    store.con.execute("CREATE TABLE lists (list_name VARCHAR, host VARCHAR)")
    store.con.execute("INSERT INTO lists VALUES ('a', 'x.com'), ('a', 'y.com'), ('b', 'z.com')")
    n = store.replace_rows("lists", pd.DataFrame({"list_name": ["a"], "host": ["w.com"]}),
                           "list_name = ?", ["a"])
    assert n == 1
    assert store.query("SELECT * FROM lists ORDER BY host").values.tolist() == \
        [["a", "w.com"], ["b", "z.com"]]
    # Three columns for a two-column table: the insert fails and the delete is rolled back.
    with pytest.raises(Exception):
        store.replace_rows("lists", pd.DataFrame({"list_name": ["b"], "host": ["v"], "x": [1]}),
                           "list_name = ?", ["b"])
    assert store.query("SELECT * FROM lists ORDER BY host").values.tolist() == \
        [["a", "w.com"], ["b", "z.com"]]
