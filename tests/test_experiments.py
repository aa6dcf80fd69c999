"""course_utils.experiments: A/B test, sample size, simulated experiments, claim reports.

Figures are checked against formulas written out here (pooled z-test, Newcombe's
interval from Wilson intervals, the arcsine sample-size formula), not against the
module's own output.
"""
import doctest
import math

import numpy as np
import pytest
from scipy.stats import norm

from course_utils import experiments
from course_utils.errors import CourseArgumentError
from course_utils.experiments import ab_test, claim_report, parse_claim, power_of, sample_size, simulate_experiments


def test_doctests():
    assert doctest.testmod(experiments).failed == 0


# ---------------------------------------------------------------------------
# ab_test
# ---------------------------------------------------------------------------
def _wilson(c, n, z):
    p = c / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def _newcombe(ca, na, cb, nb, alpha):
    z = norm.ppf(1 - alpha / 2)
    pa, pb = ca / na, cb / nb
    la, ua = _wilson(ca, na, z)
    lb, ub = _wilson(cb, nb, z)
    d = pb - pa
    return d - math.sqrt((pb - lb) ** 2 + (ua - pa) ** 2), d + math.sqrt((ub - pb) ** 2 + (pa - la) ** 2)


def _pooled_p(ca, na, cb, nb):
    p = (ca + cb) / (na + nb)
    z = (cb / nb - ca / na) / math.sqrt(p * (1 - p) * (1 / na + 1 / nb))
    return 2 * norm.sf(abs(z))


@pytest.mark.parametrize("ca,na,cb,nb,alpha", [(100, 1000, 128, 1000, 0.05), (30, 400, 22, 350, 0.05),
                                               (5, 60, 12, 70, 0.10), (480, 600, 500, 610, 0.01)])
def test_ab_test_matches_formulas(ca, na, cb, nb, alpha):
    r = ab_test(ca, na, cb, nb, alpha=alpha)
    assert r["rate_a"] == ca / na and r["rate_b"] == cb / nb
    assert r["abs_lift"] == pytest.approx(cb / nb - ca / na)
    assert r["rel_lift"] == pytest.approx((cb / nb) / (ca / na) - 1)
    assert r["p_value"] == pytest.approx(_pooled_p(ca, na, cb, nb), rel=1e-9)
    low, high = _newcombe(ca, na, cb, nb, alpha)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((low, high), rel=1e-6)
    assert r["ci_low"] < r["abs_lift"] < r["ci_high"]
    assert r["significant"] == (r["p_value"] < alpha)


def test_ab_test_direction_and_ci_is_for_b_minus_a():
    worse = ab_test(150, 1000, 100, 1000)
    assert worse["abs_lift"] < 0 and worse["ci_high"] < 0 and worse["significant"]
    same = ab_test(100, 1000, 100, 1000)
    assert same["p_value"] == pytest.approx(1.0) and same["ci_low"] < 0 < same["ci_high"]


def test_ab_test_edge_counts():
    r = ab_test(0, 200, 0, 200)
    assert r["p_value"] == 1.0 and not r["significant"] and r["ci_low"] < 0 < r["ci_high"]
    assert math.isnan(r["rel_lift"])
    full = ab_test(50, 50, 50, 50)
    assert full["p_value"] == 1.0
    assert math.isnan(ab_test(0, 100, 5, 100)["rel_lift"])
    assert ab_test(np.int64(10), np.int64(100), 20.0, 100)["rate_b"] == 0.2   # whole floats and numpy ints are fine


def test_ci_coverage_is_close_to_nominal():
    rng = np.random.default_rng(3)
    pa, pb, n = 0.10, 0.13, 800
    hits = 0
    for _ in range(300):
        r = ab_test(int(rng.binomial(n, pa)), n, int(rng.binomial(n, pb)), n)
        hits += r["ci_low"] <= pb - pa <= r["ci_high"]
    assert 0.90 <= hits / 300 <= 0.99


@pytest.mark.parametrize("args,fragment", [
    ((120, 100, 10, 100), "conversions_a = 120 exceeds n_a = 100"),
    ((10, 100, 101, 100), "conversions_b = 101 exceeds n_b = 100"),
    ((-1, 100, 10, 100), "cannot be negative"),
    ((10, 100, 10, -5), "cannot be negative"),
    ((1.5, 100, 10, 100), "whole number"),
    ((True, 100, 10, 100), "count"),
    (("10", 100, 10, 100), "count"),
    ((0, 0, 0, 10), "must be > 0"),
    ((float("nan"), 100, 1, 100), "whole number"),
])
def test_ab_test_bad_counts_are_bilingual(args, fragment):
    with pytest.raises(CourseArgumentError) as e:
        ab_test(*args)
    msg = str(e.value)
    assert fragment in msg
    assert any("\u4e00" <= ch <= "\u9fff" for ch in msg.splitlines()[0])   # Chinese first line


@pytest.mark.parametrize("alpha", [0, 1, 1.5, -0.1, 5, "0.05", None])
def test_ab_test_bad_alpha(alpha):
    with pytest.raises(CourseArgumentError, match="alpha"):
        ab_test(10, 100, 12, 100, alpha=alpha)


def test_percent_written_as_whole_number_gets_a_hint():
    with pytest.raises(CourseArgumentError, match="0.05"):
        sample_size(5, 0.1)


# ---------------------------------------------------------------------------
# sample_size / power
# ---------------------------------------------------------------------------
def _formula_n(p1, p2, power, alpha):
    h = 2 * math.asin(math.sqrt(p2)) - 2 * math.asin(math.sqrt(p1))
    return 2 * ((norm.ppf(1 - alpha / 2) + norm.ppf(power)) / h) ** 2


@pytest.mark.parametrize("base,lift,power,alpha", [(0.10, 0.28, 0.8, 0.05), (0.20, -0.12, 0.8, 0.05),
                                                   (0.05, 0.12, 0.9, 0.05), (0.60, 0.19, 0.8, 0.01)])
def test_sample_size_is_the_arcsine_formula_rounded_up(base, lift, power, alpha):
    n = sample_size(base, lift, power=power, alpha=alpha)
    exact = _formula_n(base, base * (1 + lift), power, alpha)
    assert n == math.ceil(exact)
    assert power_of(n, base, lift, alpha) >= power - 1e-9
    assert power_of(n - 1, base, lift, alpha) < power


def test_sample_size_moves_the_right_way():
    assert sample_size(0.1, 0.28, power=0.9) > sample_size(0.1, 0.28) > sample_size(0.1, 0.5)
    assert sample_size(0.1, 0.28, alpha=0.01) > sample_size(0.1, 0.28)
    # the classic normal-approximation formula for two proportions agrees within ~1 %
    p1, p2 = 0.10, 0.128
    pbar = (p1 + p2) / 2
    classic = (1.959964 * math.sqrt(2 * pbar * (1 - pbar)) + 0.841621 * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 \
        / (p2 - p1) ** 2
    assert sample_size(p1, 0.28) == pytest.approx(classic, rel=0.01)


@pytest.mark.parametrize("kwargs,fragment", [
    ({"base_rate": 0, "rel_lift": 0.1}, "base_rate"),
    ({"base_rate": 1, "rel_lift": 0.1}, "base_rate"),
    ({"base_rate": 0.1, "rel_lift": 0}, "cannot be 0"),
    ({"base_rate": 0.1, "rel_lift": -1}, "greater than -1"),
    ({"base_rate": 0.8, "rel_lift": 0.5}, "outside 0..1"),
    ({"base_rate": 0.1, "rel_lift": 0.2, "power": 1}, "power"),
    ({"base_rate": 0.1, "rel_lift": 0.2, "power": 80}, "power"),
    ({"base_rate": 0.1, "rel_lift": "28%"}, "relative lift"),
])
def test_sample_size_errors(kwargs, fragment):
    with pytest.raises(CourseArgumentError, match=fragment):
        sample_size(**kwargs)


# ---------------------------------------------------------------------------
# simulate_experiments
# ---------------------------------------------------------------------------
def test_simulated_power_matches_the_normal_approximation():
    n = sample_size(0.10, 0.28)
    r = simulate_experiments(n, 0.10, 0.28, n_sims=20_000, seed=11)
    se = math.sqrt(0.8 * 0.2 / 20_000)
    assert abs(r["power"] - r["expected_power"]) < 4 * se + 0.01
    assert r["false_alarm_rate"] == pytest.approx(0.05, abs=0.008)
    assert r["false_confirm_rate"] == pytest.approx(0.025, abs=0.006)
    assert r["lift_draws"].shape == (20_000,) and r["null_lift_draws"].shape == (20_000,)
    assert r["lift_draws"].mean() == pytest.approx(0.028, abs=0.001)


def test_small_experiments_rarely_confirm_a_real_effect():
    small = simulate_experiments(300, 0.10, 0.28, n_sims=5000, seed=2)
    big = simulate_experiments(4000, 0.10, 0.28, n_sims=5000, seed=2)
    assert small["power"] < 0.3 < 0.95 < big["power"]


def test_negative_claims_count_in_their_direction():
    r = simulate_experiments(5000, 0.20, -0.12, n_sims=5000, seed=4)
    assert r["power"] > 0.8
    assert r["power"] == pytest.approx(power_of(5000, 0.20, -0.12), abs=0.03)
    up = simulate_experiments(5000, 0.20, -0.12, n_sims=5000, seed=4, claimed_sign=1)
    assert up["power"] < 0.01           # a "lift" claim is not confirmed by a real cut


def test_simulation_is_deterministic_and_seeded():
    a = simulate_experiments(1000, 0.1, 0.2, n_sims=500, seed=5)
    b = simulate_experiments(1000, 0.1, 0.2, n_sims=500, seed=5)
    c = simulate_experiments(1000, 0.1, 0.2, n_sims=500, seed=6)
    assert a["power"] == b["power"] and np.array_equal(a["lift_draws"], b["lift_draws"])
    assert not np.array_equal(a["lift_draws"], c["lift_draws"])


def test_vectorised_pvalues_equal_statsmodels():
    from statsmodels.stats.proportion import proportions_ztest

    rng = np.random.default_rng(0)
    ca, cb = rng.binomial(500, 0.1, 50), rng.binomial(500, 0.13, 50)
    z, p = experiments._pooled_z_pvalues(ca, cb, 500)
    for i in range(50):
        zz, pp = proportions_ztest([cb[i], ca[i]], [500, 500])
        assert z[i] == pytest.approx(zz, rel=1e-9) and p[i] == pytest.approx(pp, rel=1e-9)
    z0, p0 = experiments._pooled_z_pvalues(np.array([0]), np.array([0]), 100)
    assert z0[0] == 0 and p0[0] == 1.0


@pytest.mark.parametrize("kwargs,fragment", [
    ({"n_per_group": 0}, "at least 1"), ({"n_per_group": -3}, "negative"),
    ({"true_rel_lift": -1}, "greater than -1"), ({"n_sims": 0}, "n_sims"),
    ({"n_sims": 10**7}, "n_sims"), ({"base_rate": 1.2}, "base_rate"), ({"alpha": 0}, "alpha"),
    ({"claimed_sign": 0}, "claimed_sign"),
])
def test_simulation_errors(kwargs, fragment):
    args = {"n_per_group": 100, "base_rate": 0.1, "true_rel_lift": 0.1, "n_sims": 10, "seed": 0}
    args.update(kwargs)
    with pytest.raises(CourseArgumentError, match=fragment):
        simulate_experiments(**args)


def test_zero_true_effect_has_no_expected_power():
    r = simulate_experiments(1000, 0.1, 0.0, n_sims=2000, seed=1)
    assert math.isnan(r["expected_power"]) and r["power"] < 0.05


# ---------------------------------------------------------------------------
# claims
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("text,value", [("+28%", 0.28), ("转化率 +28 %", 0.28), ("满意度+19%", 0.19),
                                        ("成本 −70 %", -0.70), ("人工成本-60%", -0.60), ("流失率降低12％", -0.12),
                                        ("3个月流失 −12%", -0.12), ("留存 +12.5%", 0.125)])
def test_parse_claim(text, value):
    assert parse_claim(text) == pytest.approx(value)


@pytest.mark.parametrize("bad", ["很多", "", None, 28])
def test_parse_claim_errors(bad):
    with pytest.raises(CourseArgumentError):
        parse_claim(bad)


def test_claim_report_confirmed_with_money():
    r = claim_report("转化率 +28%", 0.10, control=(1000, 10_000), treatment=(1290, 10_000),
                     population=20_000, value_per_customer=300)
    assert r.verdict_key == "confirmed"
    assert r.n_needed_per_group == sample_size(0.10, 0.28)
    assert r.customers_if_true == pytest.approx(20_000 * 0.10 * 0.28)
    assert r.value_if_true == pytest.approx(20_000 * 0.10 * 0.28 * 300)
    assert r.customers_observed == pytest.approx(20_000 * 0.029)
    table = r.to_frame()
    assert list(table.columns) == ["项目", "内容"] and len(table) >= 7
    text = str(r)
    assert "2,016" in text and "万元" in text and "置信区间" in text


def test_claim_report_verdicts():
    under = claim_report("+28%", 0.10, control=(10, 100), treatment=(13, 100))
    assert under.verdict_key == "underpowered" and "2,016" in under.verdict
    flat = claim_report("+28%", 0.10, control=(500, 5000), treatment=(505, 5000))
    assert flat.verdict_key == "not_confirmed"
    opposite = claim_report("+28%", 0.10, control=(600, 5000), treatment=(450, 5000))
    assert opposite.verdict_key == "opposite"
    smaller = claim_report("+28%", 0.10, control=(5000, 50_000), treatment=(5500, 50_000))
    assert smaller.verdict_key == "confirmed_other_size" and "更小" in smaller.verdict
    design = claim_report("留存 +12%", 0.70)
    assert design.verdict_key == "design_only" and design.test is None
    churn = claim_report("流失 −12%", 0.20, control=(2000, 10_000), treatment=(1760, 10_000))
    assert churn.claimed_rel_lift == pytest.approx(-0.12) and churn.verdict_key == "confirmed"
    assert "降低" in churn.experiment


def test_claim_report_errors():
    with pytest.raises(CourseArgumentError, match="both"):
        claim_report("+28%", 0.1, control=(10, 100))
    with pytest.raises(CourseArgumentError, match="pair"):
        claim_report("+28%", 0.1, control=10, treatment=12)
    with pytest.raises(CourseArgumentError, match="value_per_customer"):
        claim_report("+28%", 0.1, population=100, value_per_customer="300元")
    with pytest.raises(CourseArgumentError, match="exceeds"):
        claim_report("+28%", 0.1, control=(200, 100), treatment=(10, 100))
