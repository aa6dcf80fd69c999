"""course_utils.coupons: tiered "余额达标送加息券" plans vs a flat coupon at the same cost."""
import doctest

import numpy as np
import pandas as pd
import pytest

from course_utils import coupons
from course_utils.coupons import CouponAssumptions, check_tiers, coupon_plan_value
from course_utils.errors import CourseArgumentError


def test_doctests():
    assert doctest.testmod(coupons).failed == 0


def _by_hand(balance, rate, risk, a):
    cost = rate * balance * a.term_days / 365
    kept = balance * risk * a.max_save * (1 - 2 ** (-cost / a.half_value))
    return cost, kept


def test_tier_assignment_cost_and_kept_balance_by_hand():
    a = CouponAssumptions()
    bal = pd.Series([10_000, 50_000, 199_999.99, 200_000, 1_000_000], index=list("abcde"))
    r = coupon_plan_value(bal, [(50_000, 0.003), (200_000, 0.005)], a)
    per = r.per_customer
    assert per["tier"].tolist() == [0, 1, 1, 2, 2]                   # balance == threshold reaches the tier
    assert per["rate"].tolist() == [0, 0.003, 0.003, 0.005, 0.005]
    for cid, b, rt in zip(per.index, per["balance"], per["rate"]):
        cost, kept = _by_hand(b, rt, a.base_risk, a)
        assert per.loc[cid, "cost"] == pytest.approx(cost) and per.loc[cid, "kept_balance"] == pytest.approx(kept)
    tiered = r.summary.set_index("plan").loc["tiered"]
    assert tiered["customers"] == 4
    assert tiered["cost"] == pytest.approx(per["cost"].sum())
    value = per["kept_balance"].sum() * a.margin * a.horizon_years
    assert tiered["value"] == pytest.approx(value) and tiered["net_value"] == pytest.approx(value - tiered["cost"])
    assert tiered["roi"] == pytest.approx((value - tiered["cost"]) / tiered["cost"])


def test_flat_plan_has_the_same_cost_and_everyone():
    bal = np.array([3_000, 20_000, 80_000, 400_000, 2_000_000.0])
    r = coupon_plan_value(bal, [(100_000, 0.006)])
    s = r.summary.set_index("plan")
    assert s.loc["flat", "cost"] == pytest.approx(s.loc["tiered", "cost"])
    assert s.loc["flat", "customers"] == 5
    assert r.flat_rate == pytest.approx(s.loc["tiered", "cost"] / (bal.sum() * 90 / 365))


def test_targeting_big_balances_beats_flat_and_a_bad_plan_does_not():
    rng = np.random.default_rng(0)
    bal = rng.lognormal(np.log(40_000), 1.0, 3000)
    good = coupon_plan_value(bal, [(50_000, 0.003), (200_000, 0.005)])
    assert good.beats_flat
    # a coupon only for the very top with a huge rate wastes money on saturated customers
    bad = coupon_plan_value(bal, [(500_000, 0.02)])
    assert not bad.beats_flat
    # everyone the same rate: tiered == flat, neither beats the other
    same = coupon_plan_value(bal, [(0, 0.003)])
    assert not same.beats_flat and same.flat_rate == pytest.approx(0.003)


def test_by_tier_adds_up_and_includes_empty_tiers():
    r = coupon_plan_value([1_000, 2_000, 60_000], [(50_000, 0.003), (5_000_000, 0.01)])
    t = r.by_tier
    assert t["tier"].tolist() == [0, 1, 2] and t["threshold"].tolist() == [0, 50_000, 5_000_000]
    assert t["customers"].tolist() == [2, 1, 0]
    assert t["cost"].sum() == pytest.approx(r.summary.loc[0, "cost"])
    assert t["net_value"].sum() == pytest.approx(r.summary.loc[0, "net_value"])


def test_per_customer_risk_is_used():
    df = pd.DataFrame({"customer_id": ["A", "B"], "balance": [100_000, 100_000], "risk": [0.0, 0.5]})
    r = coupon_plan_value(df, [(0, 0.004)])
    assert r.per_customer.loc["A", "kept_balance"] == 0 and r.per_customer.loc["B", "kept_balance"] > 0
    r2 = coupon_plan_value(df["balance"], [(0, 0.004)], risk=[0.5, 0.5])
    assert r2.summary.loc[0, "kept_balance"] == pytest.approx(2 * r.summary.loc[0, "kept_balance"])


@pytest.mark.parametrize("tiers,fragment", [
    ([], "At least one"), (None, "list of"), ([(50_000,)], "list of"),
    ([(50_000, 0.5)], "0.005"), ([(50_000, -0.001)], "between 0"), ([(-1, 0.003)], "negative"),
    ([(100_000, 0.003), (50_000, 0.005)], "increase strictly"), ([(100_000, 0.003), (100_000, 0.005)], "increase"),
    ([("5万", 0.003)], "must be a number"), ([(50_000, float("nan"))], "must be a number"),
])
def test_tier_errors(tiers, fragment):
    with pytest.raises(CourseArgumentError, match=fragment):
        check_tiers(tiers)


@pytest.mark.parametrize("balances,fragment", [([], "empty"), ([1, -5], "negative"), ([1, None], "missing"),
                                               (pd.DataFrame({"amount": [1]}), "balance")])
def test_balance_errors(balances, fragment):
    with pytest.raises(CourseArgumentError, match=fragment):
        coupon_plan_value(balances, [(0, 0.003)])


def test_risk_errors():
    with pytest.raises(CourseArgumentError, match="risk"):
        coupon_plan_value([1, 2], [(0, 0.003)], risk=[0.1])
    with pytest.raises(CourseArgumentError, match="risk"):
        coupon_plan_value([1, 2], [(0, 0.003)], risk=[0.1, 2])
    with pytest.raises(CourseArgumentError, match="CouponAssumptions"):
        coupon_plan_value([1, 2], [(0, 0.003)], assumptions={"margin": 0.02})
