"""Tests of course_utils.impact: the "AI cut churn by 20%" arithmetic."""
from __future__ import annotations

import pandas as pd
import pytest

from course_utils import impact


def _customers():
    # 2023 base: rows 0-9 (opened before 2023, active on 1 Jan 2023).
    rows = []
    for i in range(10):
        churn = "2023-03-15" if i < 4 else None          # 4 churn in 2023
        rows.append(("2020-01-01", churn, 10_000.0 * (i + 1)))
    rows.append(("2023-02-01", None, 1e6))                # opened during 2023: not in base
    rows.append(("2019-01-01", "2022-12-31", 1e6))       # churned before 2023: not in base
    rows.append(("2023-01-01", "2024-02-01", 5_000.0))    # opened on 1 Jan: joins during 2023, not in base
    rows.append(("2021-01-01", "2023-01-01", 70_000.0))   # churns on 1 Jan 2023: in base, churned
    return pd.DataFrame(rows, columns=["open_date", "churn_date", "clv"])


def test_year_base_definition():
    base = impact.year_base(_customers(), 2023)
    assert len(base) == 11
    assert int(base["churned_in_year"].sum()) == 5


def test_churn_cut_impact_counts_and_clv():
    r = impact.churn_cut_impact(_customers(), 2023, 0.2)
    assert r.active_start == 11 and r.churned == 5
    assert r.churn_rate == pytest.approx(5 / 11)
    assert r.new_churn_rate == pytest.approx(5 / 11 * 0.8)
    assert r.customers_kept == 1
    mean = (10_000 + 20_000 + 30_000 + 40_000 + 70_000) / 5
    assert r.mean_clv_churned == pytest.approx(mean)
    assert r.clv_kept == pytest.approx(mean)
    assert r.total_clv_churned == pytest.approx(5 * mean)


def test_datetime_and_string_dates_agree():
    df = _customers()
    dt = df.assign(open_date=pd.to_datetime(df["open_date"]),
                   churn_date=pd.to_datetime(df["churn_date"]))
    assert impact.churn_cut_impact(df, 2023) == impact.churn_cut_impact(dt, 2023)


def test_bigger_cut_keeps_more_and_validates():
    df = _customers()
    assert impact.churn_cut_impact(df, 2023, 0.6).customers_kept == 3
    assert impact.churn_cut_impact(df, 2023, 0.5).customers_kept == 3   # 2.5 rounds half up
    assert impact.churn_cut_impact(df, 2023, 0.0).clv_kept == 0
    with pytest.raises(ValueError):
        impact.churn_cut_impact(df, 2023, 20)


def test_empty_year_does_not_crash():
    r = impact.churn_cut_impact(_customers(), 2010)
    assert r.active_start == 0 and r.customers_kept == 0


def test_table_has_chinese_labels():
    table = impact.churn_cut_impact(_customers(), 2023).table()
    assert "挽留下来的客户价值 (CLV)" in table.index
    assert table.loc["少流失的客户（挽留下来）", "数值"] == "1 人"
    assert table.loc["实际流失率", "数值"] == "45.5%"                      # one decimal
    assert table.loc["挽留下来的客户价值 (CLV)", "数值"] == "3.4万元"      # one money format


def test_matches_course_kpi_on_generated_data():
    kpis = pytest.importorskip("course_utils.kpis")
    data = pytest.importorskip("course_utils.data")
    customers = data.get_bank(seed=11, n_customers=600).customers
    rates = kpis.yearly_churn_rates(customers)
    for year in (2021, 2022, 2023):
        assert impact.churn_cut_impact(customers, year).churn_rate == pytest.approx(rates[year])
