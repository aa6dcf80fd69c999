"""KPI functions on tiny hand-computed frames."""
import numpy as np
import pandas as pd
import pytest

from course_utils import kpis


def test_yearly_churn_rates_hand_computed():
    df = pd.DataFrame({
        # A, B, C on the books as 2021 begins; D opens mid-2021; E opens ON 1 Jan 2022
        # (joins during 2022: not in the 2022 base); F leaves ON 1 Jan 2023 (a 2023 churner)
        "open_date": ["2019-05-01", "2020-01-01", "2020-12-31", "2021-06-01", "2022-01-01",
                      "2020-01-01"],
        "churn_date": ["2021-03-01", "", "2022-12-31", "2022-02-01", None, "2023-01-01"],
    })
    r = kpis.yearly_churn_rates(df, years=(2021, 2022, 2023))
    assert r.index.tolist() == [2021, 2022, 2023]
    assert r[2021] == pytest.approx(1 / 4)          # A of {A, B, C, F}
    assert r[2022] == pytest.approx(2 / 4)          # C and D of {B, C, D, F}
    assert r[2023] == pytest.approx(1 / 3)          # F of {B, E, F}


def test_every_churner_counts_in_exactly_one_year():
    rng = np.random.default_rng(5)
    days = pd.date_range("2020-12-25", "2024-01-05", freq="D")
    n = 400
    # opened before the first year: every churner of 2021-2023 was in that year's base
    df = pd.DataFrame({"open_date": rng.choice(pd.date_range("2018-01-01", "2020-12-24"), n),
                       "churn_date": rng.choice(days, n)})
    df.loc[df.churn_date <= df.open_date, "churn_date"] = pd.NaT
    from course_utils import domain

    counted = sum(int((domain.year_start_base(df, y)
                       & domain.churned_during(df, f"{y}-01-01", f"{y + 1}-01-01")).sum())
                  for y in (2021, 2022, 2023))
    in_years = int(df.churn_date.between("2021-01-01", "2023-12-31").sum())
    assert counted == in_years


def test_yearly_churn_rates_accepts_datetimes_and_matches_strings():
    df = pd.DataFrame({"open_date": ["2020-01-01", "2020-06-01", "2021-02-01"],
                       "churn_date": ["2021-05-05", "", "2022-01-10"]})
    typed = df.assign(open_date=pd.to_datetime(df.open_date),
                      churn_date=pd.to_datetime(df.churn_date.replace("", np.nan)))
    pd.testing.assert_series_equal(kpis.yearly_churn_rates(df, (2021, 2022)),
                                   kpis.yearly_churn_rates(typed, (2021, 2022)))
    assert kpis.yearly_churn_rates(df, (2021, 2022)).tolist() == [0.5, 0.5]


def test_tier_sizes():
    assert kpis.tier_sizes(5000) == (500, 3000, 1500)
    assert kpis.tier_sizes(15) == (2, 8, 5)        # 1.5 -> 2 and 4.5 -> 5 (half up)
    assert sum(kpis.tier_sizes(1501)) == 1501


def test_clv_tiers_hand_computed():
    clv = [1000.0, 900, 50, 60, 70, 40, 30, 80, 5, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12]  # n = 20
    t = kpis.clv_tiers(pd.DataFrame({"clv": clv}))
    assert t["tier"].tolist() == ["top", "middle", "bottom"]
    assert t["label"].tolist() == ["Top 10%", "Middle 60%", "Bottom 30%"]
    assert t["label_zh"].tolist() == ["高价值", "中价值", "低价值"]
    assert t["n"].tolist() == [2, 12, 6]
    v = sorted(clv, reverse=True)
    assert t["mean_clv"].tolist() == pytest.approx([np.mean(v[:2]), np.mean(v[2:14]), np.mean(v[14:])])
    assert t["mean_clv"].iloc[0] == pytest.approx(950.0)
    assert t["share_of_clv"].sum() == pytest.approx(1.0)
    assert t["share_of_clv"].iloc[0] == pytest.approx(1900 / sum(clv))
    assert t.attrs["population"] == "统计范围：所给的 20 位客户" and t.attrs["n_population"] == 20


def _books():
    # on the books at the end of 2024-06-30: rows 0-3; row 4 left that day, row 5 earlier,
    # row 6 opened after it
    return pd.DataFrame({
        "open_date": ["2020-01-01"] * 6 + ["2024-07-01"],
        "churn_date": ["", "", "", "2024-07-01", "2024-06-30", "2022-01-01", ""],
        "clv": [400.0, 300.0, 200.0, 100.0, 9e9, 9e9, 9e9],
        "satisfaction": [95, 80, 60, 92, 95, 95, 95],
        "loyal": [1, 1, 0, 0, 1, 1, 1],
    })


def test_clv_tiers_as_of_counts_only_customers_on_the_books():
    df = _books()
    t = kpis.clv_tiers(df, as_of="2024-06-30")
    assert t["n"].tolist() == [0, 3, 1] and t.attrs["n_population"] == 4   # tier_sizes(4)
    assert t["mean_clv"].iloc[1] == pytest.approx(300.0)          # the 9e9 rows left or not yet in
    assert t.attrs["population"] == "统计范围：2024-06-30 日终在网客户（4 人）"
    # the rows-given default equals filtering yourself (what the generator's tests do)
    from course_utils import domain

    mine = kpis.clv_tiers(df[domain.on_books(df, "2024-06-30")])
    pd.testing.assert_series_equal(mine["mean_clv"], t["mean_clv"])


def test_loyalty_as_of_counts_only_customers_on_the_books():
    t = kpis.loyalty_by_satisfaction(_books(), as_of="2024-06-30").set_index("band")
    assert t["n"].tolist() == [2, 1, 1]
    assert t.loc["high", "loyal_rate"] == pytest.approx(0.5)     # rows 0 and 3
    assert t.attrs["n_population"] == 4


def test_tier_means_variants_for_exercise_feedback():
    clv = pd.Series([100.0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    assert kpis.tier_means(clv).to_dict() == pytest.approx({"top": 100.0, "middle": 6.5, "bottom": 2.0})
    assert kpis.tier_means(clv, ascending=True)["top"] == pytest.approx(1.0)
    assert kpis.tier_means(clv, stat="median")["middle"] == pytest.approx(6.5)
    assert kpis.tier_means(clv, top_count=2)["top"] == pytest.approx(54.5)
    assert kpis.tier_means(clv, shares=(0.2, 0.5, 0.3))["top"] == pytest.approx(54.5)


def test_loyalty_by_satisfaction_bands_and_boundaries():
    df = pd.DataFrame({"satisfaction": [100, 90, 89, 70, 69, 0, 75],
                       "loyal": [1, 0, 1, 1, 0, 1, 0]})
    t = kpis.loyalty_by_satisfaction(df)
    assert t["band"].tolist() == ["high", "mid", "low"]
    assert t["label"].tolist() == ["≥90", "70–89", "<70"]
    assert t["n"].tolist() == [2, 3, 2]
    assert t["loyal_rate"].tolist() == pytest.approx([0.5, 2 / 3, 0.5])
