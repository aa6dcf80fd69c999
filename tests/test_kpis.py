"""KPI functions on tiny hand-computed frames."""
import numpy as np
import pandas as pd
import pytest

from course_utils import kpis


def test_yearly_churn_rates_hand_computed():
    df = pd.DataFrame({
        # A, B, C active on 1 Jan 2021; D opens mid-2021; E opens exactly on 1 Jan 2022
        "open_date": ["2019-05-01", "2020-01-01", "2020-12-31", "2021-06-01", "2022-01-01"],
        "churn_date": ["2021-03-01", "", "2022-12-31", "2022-02-01", None],
    })
    r = kpis.yearly_churn_rates(df, years=(2021, 2022, 2023))
    assert r.index.tolist() == [2021, 2022, 2023]
    assert r[2021] == pytest.approx(1 / 3)          # A of {A, B, C}
    assert r[2022] == pytest.approx(2 / 4)          # C and D of {B, C, D, E}
    assert r[2023] == pytest.approx(0 / 2)          # {B, E}, nobody churns


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
    assert t["tier"].tolist() == ["Top 10%", "Middle 60%", "Bottom 30%"]
    assert t["tier_cn"].tolist() == ["高价值", "中价值", "低价值"]
    assert t["n"].tolist() == [2, 12, 6]
    v = sorted(clv, reverse=True)
    assert t["mean_clv"].tolist() == pytest.approx([np.mean(v[:2]), np.mean(v[2:14]), np.mean(v[14:])])
    assert t["mean_clv"].iloc[0] == pytest.approx(950.0)


def test_loyalty_by_satisfaction_bands_and_boundaries():
    df = pd.DataFrame({"satisfaction": [100, 90, 89, 70, 69, 0, 75],
                       "loyal": [1, 0, 1, 1, 0, 1, 0]})
    t = kpis.loyalty_by_satisfaction(df)
    assert t["band"].tolist() == ["≥90", "70–89", "<70"]
    assert t["n"].tolist() == [2, 3, 2]
    assert t["loyal_rate"].tolist() == pytest.approx([0.5, 2 / 3, 0.5])
