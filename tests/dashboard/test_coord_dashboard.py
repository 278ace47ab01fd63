"""The dashboard's coordination page says which null model and correction produced the p-values and
prints them in scientific notation; the Overview's period form stays valid (its date values inside
their min/max) on a store that spans fewer than 7 days, in the ASGI client and in Chromium.

The scenario store spans 2024-03-01 .. 2024-03-02 (UTC). The coordination tables are built by hand:
four edges with p-values 2e-115, 3.4e-06, 0.013 and 1; layers co_repost and co_link Bonferroni,
co_text and near_text uncorrected."""

from __future__ import annotations

import re
import warnings

import duckdb
import pandas as pd
import pytest

from ioscope.analyses.base import Result
from ioscope.outputs.dashboard import create_app
from ioscope.outputs.exports import write_tables

T = pd.Timestamp("2024-03-01 10:00", tz="UTC")
MIXED_WORDS = ("Bonferroni-adjusted over all account pairs for co_repost, co_link; uncorrected for "
               "co_text, near_text")
FUSED = ("A pair linked in several behaviours or windows shows the smallest of their p-values; "
         "blank: not tested.")


def _tables() -> dict[str, pd.DataFrame]:
    accounts = ["1", "2", "3", "4", "5"]
    edges = pd.DataFrame({
        "account_a": ["1", "1", "2", "4"], "account_b": ["2", "3", "3", "5"],
        "handle_a": ["SpoxCN", "SpoxCN", "h2", "h4"], "handle_b": ["h2", "h3", "h3", "h5"],
        "behaviours": [["co_repost"], ["co_repost"], ["co_link"], ["near_text"]],
        "n_coactions": [4, 3, 2, 2], "n_objects": [4, 3, 2, 2], "weight": [0.9, 0.8, 0.7, 0.6],
        "p_value": [2e-115, 3.4e-06, 0.013, 1.0], "leader": ["1", "1", "2", ""],
        "leader_share": [0.75, 1.0, 0.5, 0.5], "first_at": [T] * 4, "last_at": [T] * 4,
        "cluster_id": [1, 1, 1, 2]})
    members = pd.DataFrame({"cluster_id": [1, 1, 1, 2, 2], "platform": ["twitter"] * 5,
                            "account_id": accounts, "handle": ["SpoxCN", "h2", "h3", "h4", "h5"],
                            "country": [None] * 5, "actor_type": [None] * 5, "degree": [2, 2, 2, 1, 1]})
    clusters = pd.DataFrame({"cluster_id": [1, 2], "n_accounts": [3, 2]})
    layers = pd.DataFrame({"behaviour": ["co_repost", "co_link", "co_text", "near_text"],
                           "window_s": [60.0, 60.0, 600.0, 600.0], "n_kept": [2, 1, 0, 1],
                           "correction": ["bonferroni", "bonferroni", "none", "none"]})
    return {"edges": edges, "cluster_members": members, "clusters": clusters, "layers": layers}


def _client_get(db, path, **app_options) -> str:
    from starlette.testclient import TestClient

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with TestClient(create_app(db, run_on_demand=(), **app_options),
                        base_url="http://127.0.0.1") as c:
            r = c.get(path)
    assert r.status_code == 200, r.text[:500]
    return r.text


def _edge_p_values(html: str) -> list[str]:
    table = html.split('id="table-coordination_edges"')[1].split("</table>")[0]
    header = re.findall(r"<th>([^<]*)</th>", table)
    i = header.index("p value")
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], flags=re.S)
    return [re.findall(r"<td[^>]*>(.*?)</td>", r)[i] for r in rows]


def test_exported_tables_name_null_and_correction_and_p_values_are_short(tmp_path, scenario_db):
    # `ioscope analyze --out` exports: the run's parameters (null) travel in the Parquet metadata
    result = Result(name="coordination", params={"null": "shuffle", "correction": None},
                    tables=_tables())
    write_tables([result], tmp_path / "report" / "tables")
    html = _client_get(scenario_db, "/coordination", results_dir=tmp_path / "report")
    assert _edge_p_values(html) == ["2e-115", "3.4e-06", "0.013", "1"]
    assert (f"The p-values come from the time-shuffle null model and are {MIXED_WORDS}. {FUSED}"
            in html)


def test_stored_tables_without_parameters_say_the_null_is_not_recorded(tmp_path, dash_tools):
    db = dash_tools.build_store(tmp_path / "c.duckdb", *dash_tools.scenario.scenario_rows())
    con = duckdb.connect(str(db))
    for name, df in _tables().items():
        con.register("frame", df)
        con.execute(f"CREATE TABLE coordination_{name} AS SELECT * FROM frame")
        con.unregister("frame")
    con.close()
    html = _client_get(db, "/coordination")
    assert _edge_p_values(html) == ["2e-115", "3.4e-06", "0.013", "1"]
    assert ("The null model behind the p-values is not recorded with these tables; they are "
            f"{MIXED_WORDS}. {FUSED}") in html


def test_overview_form_bounds_include_a_period_chosen_outside_the_data(client):
    html = client.get("/?start=2024-02-20&end=2024-03-05").text
    assert '<input type="date" name="start" value="2024-02-20" min="2024-02-20" max="2024-03-05">' in html
    assert '<input type="date" name="end" value="2024-03-05" min="2024-02-20" max="2024-03-05">' in html


@pytest.mark.browser
def test_chromium_submits_the_default_overview_period(chromium, scenario_db, dash_tools):
    with dash_tools.serve(scenario_db, run_on_demand=()) as base:
        context = chromium.new_context(base_url=base)
        pg = context.new_page()
        try:
            pg.goto("/")
            pg.wait_for_selector("body[data-charts-ready]", timeout=30_000)
            assert pg.input_value("input[name=start]") == "2024-03-01"
            assert pg.eval_on_selector("form.filters", "f => f.checkValidity()") is True
            pg.select_option("select[name=country]", "CN")
            pg.click("form.filters button[type=submit]")
            pg.wait_for_url(re.compile(r"country=CN"), timeout=30_000)
            assert "start=2024-03-01" in pg.url and "end=2024-03-02" in pg.url
        finally:
            context.close()
