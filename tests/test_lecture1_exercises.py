"""Lecture 1 exercises: every check with right, wrong (own message each), not-attempted, junk.

The checks are exercised on a small hand-made bank (seeded numpy, independent of
the data generator) and, when the committed dataset is available, on it too.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils.exercises import ____, assert_check_cases
from course_utils.exercises import lecture1 as L1


def _toy_customers(n: int = 1500, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    open_year = rng.integers(2016, 2024, n)
    open_date = pd.to_datetime({"year": open_year, "month": rng.integers(1, 13, n), "day": 1})
    churn_year = np.where(rng.random(n) < 0.45, rng.integers(2021, 2025, n), 0)
    churn_year = np.where(churn_year < open_year + 1, 0, churn_year)
    churn_date = pd.to_datetime(
        {"year": np.where(churn_year > 0, churn_year, 2000), "month": rng.integers(1, 13, n),
         "day": 15}).where(churn_year > 0)
    satisfaction = np.clip(np.round(77 + 12.5 * rng.standard_normal(n)), 15, 100).astype(int)
    p = np.where(satisfaction >= 90, 0.85, np.where(satisfaction >= 70, 0.6, 0.3))
    p = np.clip(p + (satisfaction - 80) * 0.004, 0, 1)  # the edge scores matter
    loyal = (rng.random(n) < p).astype(int)
    clv = np.round(rng.lognormal(11, 1.1, n), 2)
    return pd.DataFrame({"customer_id": [f"C{i:06d}" for i in range(n)],
                         "open_date": open_date, "churn_date": churn_date,
                         "satisfaction": satisfaction, "loyal": loyal, "clv": clv})


@pytest.fixture(scope="module", autouse=True)
def _chinese_font():
    from course_utils.plotting import setup
    setup()


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return _toy_customers()


@pytest.fixture(scope="module")
def qs(customers):
    return L1.setup(customers)


# ---------------------------------------------------------------------------
# reference computations
# ---------------------------------------------------------------------------
def test_tier_means_by_rank():
    clv = pd.Series(np.arange(1, 101, dtype=float))  # 100 customers, CLV 1..100
    m = L1.tier_means(clv)
    assert m["Top 10%"] == pytest.approx(np.mean(np.arange(91, 101)))
    assert m["Middle 60%"] == pytest.approx(np.mean(np.arange(31, 91)))
    assert m["Bottom 30%"] == pytest.approx(np.mean(np.arange(1, 31)))
    asc = L1.tier_means(clv, ascending=True)
    assert asc["Top 10%"] == pytest.approx(5.5)


def test_band_edges():
    s = pd.Series([100, 90, 89, 70, 69, 15])
    assert L1.band_of(s).tolist() == ["≥90", "≥90", "70–89", "70–89", "<70", "<70"]
    assert L1.band_of(s, right_closed=True).tolist() == ["≥90", "70–89", "70–89", "<70", "<70",
                                                         "<70"]


def test_loyalty_rates_hand_computed():
    df = pd.DataFrame({"satisfaction": [95, 90, 85, 70, 60, 50], "loyal": [1, 1, 0, 1, 0, 1]})
    r = L1.loyalty_rates(df)
    assert r.to_dict() == {"≥90": 1.0, "70–89": 0.5, "<70": 0.5}
    assert L1.loyalty_rates(df, stat="n").tolist() == [2, 2, 2]


# ---------------------------------------------------------------------------
# Q1 churn trend
# ---------------------------------------------------------------------------
EVENTS = [(2022, "产品调整：上调手续费"), (2023, "市场变化：竞品高收益理财")]


def _q1_answer(rates, events=EVENTS):
    return {"rates": {int(y): float(v) for y, v in rates.items()}, "events": list(events)}


def test_q1_checks(qs, customers):
    q1 = qs[0]
    exp = L1.churn_rates(customers)
    pct = {y: round(v * 100, 1) for y, v in exp.items()}
    widget_like = {f"y{y}": v for y, v in pct.items()}
    widget_like.update({"event1_year": 2022, "event1_text": "手续费上调",
                        "event2_year": 2023, "event2_text": "竞品高收益", "event3_year": 0,
                        "event3_text": ""})
    rising = sorted(exp.tolist())
    correct = [_q1_answer(exp), _q1_answer(pct), widget_like,
               {"rates": exp, "events": {2021: "开户优惠结束", 2023: "降息"}}]
    y = list(exp.index)
    wrong = [
        (_q1_answer(dict(zip(y, rising[::-1]))), "没有逐年上升"),
        (_q1_answer({y[0]: exp[y[0]], y[1]: exp[y[1]] + 0.025, y[2]: exp[y[2]] + 0.05}),
         "对不上"),
        (_q1_answer(exp, EVENTS[:1]), "至少要标注 2 个"),
        (_q1_answer(exp, EVENTS + [(2019, "开户")]), "不在图上"),
        (_q1_answer(exp, [(2022, "调费"), (2023, "  ")]), "没有文字说明"),
        (_q1_answer(exp, [(0, "调费"), (2023, "降息")]), "没有选年份"),
        ({"rates": {y[0]: exp[y[0]], y[1]: exp[y[1]]}, "events": EVENTS}, "缺少 2023 年"),
        ({"rates": {y[0]: "15%", y[1]: 0.18, y[2]: 0.2}, "events": EVENTS}, "不是有效数字"),
        ({"rates": [0.15, 0.18, 0.20], "events": EVENTS}, "rates」应该是"),
        ({"values": [1, 2]}, "两个键"),
    ]
    untouched = {f"y{yy}": L1.DEFAULT_RATE_PCT for yy in y}
    untouched.update({"event1_year": 0, "event1_text": ""})
    assert_check_cases(q1, correct=correct, wrong=wrong,
                       half_done=[untouched, {"rates": {2021: ____, 2022: 0.18, 2023: 0.2},
                                              "events": EVENTS}])


def test_q1_wrong_trend_message_does_not_leak_values(qs, customers):
    exp = L1.churn_rates(customers)
    r = qs[0].check({"rates": {2021: 0.15, 2022: 0.19, 2023: 0.30}, "events": EVENTS})
    assert r.status == "incorrect"
    for v in exp:
        assert f"{v:.1%}" not in r.message and f"{v * 100:.1f}" not in r.message


def test_render_churn_trend_is_robust():
    fig = L1.render_churn_trend({"y2021": 15, "y2022": 18, "y2023": 20,
                                 "event1_year": 2022, "event1_text": "调费",
                                 "event2_year": 0, "event2_text": "没选年份"})
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "调费" in texts and "没选年份" not in texts
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), [0.15, 0.18, 0.20])
    # junk slider values still draw
    L1.render_churn_trend({"y2021": None, "y2022": "x", "y2023": 20})
    L1.render_churn_trend({})


def test_widget_values_to_answer_skips_empty_rows():
    ans = L1.widget_values_to_answer({"y2021": 1.0, "event1_year": 0, "event1_text": "",
                                      "event2_year": 2023, "event2_text": "降息",
                                      "event3_year": 0, "event3_text": "只写了字"})
    assert ans == {"rates": {2021: 1.0}, "events": [(2023, "降息"), (0, "只写了字")]}


def test_churn_trend_widget_end_to_end(qs, customers):
    q1 = qs[0]
    app = L1.churn_trend_app(q1)
    assert app.output.outputs and "image/png" in app.output.outputs[0]["data"]
    assert q1.check(app.values).status == "not_attempted"
    assert q1.check(app).status == "not_attempted"
    exp = L1.churn_rates(customers)
    first_png = app.output.outputs[0]["data"]["image/png"]
    app.set_values(**{f"y{y}": round(v * 200) / 2 for y, v in exp.items()})
    assert app.output.outputs[0]["data"]["image/png"] != first_png
    assert q1.check(app.values).message.startswith("至少要标注")
    app.set_values(event1_year=2022, event1_text="产品调整", event2_year=2023,
                   event2_text="市场变化")
    assert q1.check(app.values).status == "correct"
    result = app.check()  # the widget's own check button
    assert result.status == "correct" and "正确" in app.feedback.value
    assert app.errors == []


# ---------------------------------------------------------------------------
# Q2 CLV tiers
# ---------------------------------------------------------------------------
def test_q2_checks(qs, customers):
    q2 = qs[1]
    clv = customers["clv"]
    right = L1.tier_means(clv)
    # what a trainee would type
    s = clv.sort_values(ascending=False)
    n = len(s)
    typed = {"Top 10%": s.iloc[: round(.1 * n)].mean(),
             "Middle 60%": s.iloc[round(.1 * n): n - round(.3 * n)].mean(),
             "Bottom 30%": s.iloc[n - round(.3 * n):].mean()}
    cn = pd.Series({"高价值": right["Top 10%"], "中价值": right["Middle 60%"],
                    "低价值": right["Bottom 30%"]})
    frame = pd.DataFrame({"tier": list(right.index), "n": [1, 2, 3], "mean_clv": right.values})
    a = clv.sort_values()  # ascending by mistake
    asc = {"Top 10%": a.iloc[: round(.1 * n)].mean(),
           "Middle 60%": a.iloc[round(.1 * n): n - round(.3 * n)].mean(),
           "Bottom 30%": a.iloc[n - round(.3 * n):].mean()}
    median = {"Top 10%": s.iloc[: round(.1 * n)].median(),
              "Middle 60%": s.iloc[round(.1 * n): n - round(.3 * n)].median(),
              "Bottom 30%": s.iloc[n - round(.3 * n):].median()}
    cut = {"Top 10%": s.iloc[: round(.1 * n)].mean(),               # middle = ranks 10-60%
           "Middle 60%": s.iloc[round(.1 * n): round(.6 * n)].mean(),
           "Bottom 30%": s.iloc[n - round(.3 * n):].mean()}
    first10 = dict(typed, **{"Top 10%": s.iloc[:10].mean()})
    wrong = [
        (asc, "排序方向反了"),
        (median, "中位数"),
        (cut, "比例不对"),
        ({k: v / 10_000 for k, v in typed.items()}, "万元"),
        (first10, "前 10 位"),
        (dict(typed, **{"Middle 60%": typed["Middle 60%"] * 1.2}), "对不上"),
        ({"Top 10%": typed["Top 10%"], "Middle 60%": typed["Middle 60%"]}, "缺少"),
        (dict(typed, **{"Bottom 30%": float("nan")}), "不是有效数字"),
        (dict(typed, **{"Bottom 30%": s.iloc[-10:]}), "忘了求平均"),
        ({"top": 1.0, "mid": 2.0, "low": 3.0}, "认不出这些键"),
        ([1, 2, 3], "字典 (dict) 或序列"),
        (pd.DataFrame(), "空表格"),
        (pd.DataFrame({"a": [1], "b": [2]}), "找不到答案"),
    ]
    assert_check_cases(q2, correct=[typed, right, cn, frame], wrong=wrong,
                       half_done=[{"Top 10%": ____, "Middle 60%": 1.0, "Bottom 30%": 2.0}])


# ---------------------------------------------------------------------------
# Q3 satisfaction -> loyalty
# ---------------------------------------------------------------------------
def test_q3_checks(qs, customers):
    q3 = qs[2]
    bins, labels = [0, 70, 90, 101], ["<70", "70–89", "≥90"]
    band = pd.cut(customers["satisfaction"], bins=bins, labels=labels, right=False)
    typed = customers.groupby(band, observed=True)["loyal"].mean()
    band_r = pd.cut(customers["satisfaction"], bins=bins, labels=labels)  # right=True mistake
    edge = customers.groupby(band_r, observed=True)["loyal"].mean()
    counts = customers.groupby(band, observed=True)["loyal"].count()
    loyal_n = customers.groupby(band, observed=True)["loyal"].sum()
    hyphen = {"≥90": typed["≥90"], "70-89": typed["70–89"], "<70": typed["<70"]}
    rounded = typed.round(2)
    frame = pd.DataFrame({"band": list(typed.index.astype(str)), "n": 1,
                          "loyal_rate": typed.values})
    wrong = [
        (edge, "分档边界不对"),
        (counts, "每档的客户人数"),
        (loyal_n, "每档忠诚客户的人数"),
        (typed * 100, "百分数"),
        (1 - typed, "不忠诚"),
        (typed + pd.Series({"≥90": 0.0, "70–89": 0.05, "<70": 0.0}), "对不上"),
        (typed.drop("<70"), "缺少"),
        (pd.Series({"≥90": 0.8, "70–89": float("nan"), "<70": 0.3}), "不是有效数字"),
        (typed + 1.5, "0 到 1 之间"),
    ]
    assert_check_cases(q3, correct=[typed, hyphen, rounded, frame], wrong=wrong,
                       half_done=[{"≥90": ____, "70–89": 0.6, "<70": 0.3}])


def test_setup_accepts_bank_like_object(customers):
    class Bank:  # what get_bank returns: an object with .customers
        pass
    b = Bank()
    b.customers = customers
    q1, q2, q3, q4 = L1.setup(b)
    assert q2.check(L1.tier_means(customers["clv"])).status == "correct"
    with pytest.raises(TypeError):
        L1.setup("not a bank")


def test_hints_and_solutions_render(qs):
    for q in qs:
        assert len(q.hints) >= 3
        h = q.hint()
        assert "提示 1/" in str(h) and h._repr_html_()
        assert q.solution().code and q.solution()._repr_html_()


def test_checks_on_committed_data():
    data = pytest.importorskip("course_utils.data")
    kpis = pytest.importorskip("course_utils.kpis")
    try:
        bank = data.get_bank()
    except Exception as exc:  # dataset not committed yet
        pytest.skip(f"default dataset not available: {exc}")
    c = bank.customers
    q1, q2, q3, q4 = L1.setup(bank)
    tiers = kpis.clv_tiers(c).set_index("tier")["mean_clv"]
    loyal = kpis.loyalty_by_satisfaction(c).set_index("band")["loyal_rate"]
    assert q2.check(tiers).status == "correct"
    assert q3.check(loyal).status == "correct"
    rates = kpis.yearly_churn_rates(c)
    assert q1.check({"rates": rates, "events": EVENTS}).status == "correct"
    band_r = pd.cut(c["satisfaction"], bins=[0, 70, 90, 101], labels=["<70", "70–89", "≥90"])
    assert "分档边界" in q3.check(c.groupby(band_r, observed=True)["loyal"].mean()).message
    assert "排序方向" in q2.check(L1.tier_means(c["clv"], ascending=True)).message


# ---------------------------------------------------------------------------
# Q4 churn cut
# ---------------------------------------------------------------------------
def test_q4_checks(qs, customers):
    from course_utils.impact import churn_cut_impact

    q4 = qs[3]
    year = L1.CHURN_CUT_YEAR
    r = churn_cut_impact(customers, year, 0.2)
    start, end = pd.Timestamp(f"{year}-01-01"), pd.Timestamp(f"{year + 1}-01-01")
    active = (customers["open_date"] < start) & (
        customers["churn_date"].isna() | (customers["churn_date"] >= start))
    typed = (active & (customers["churn_date"] < end)).sum() * 0.2
    assert r.churned > 20
    other = churn_cut_impact(customers, year + 1, 0.2).churned * 0.2
    assert abs(other - typed) > 2       # the toy data tells the years apart
    wrong = [
        (r.churned, "20 个百分点"),
        (r.churned * 0.8, "仍然会流失"),
        (r.active_start * 0.2, "年初在网"),
        (r.churn_rate * 0.2, "比例"),
        (other, f"{year + 1} 年的数字"),
        (float("nan"), "NaN"),
        (typed + 15, "偏多"),
        ("100", "文字"),
        ([1, 2], "列表"),
    ]
    assert_check_cases(q4, correct=[typed, round(typed), int(typed), np.float64(typed)],
                       wrong=wrong)


def test_q4_mistakes_differ_on_committed_data():
    """Issue 9: at 20 % churn, "20 % of the base" and "all churners" coincide; the question's
    year must tell them apart (and each gets its own message)."""
    from course_utils.data import get_bank
    from course_utils.impact import churn_cut_impact

    c = get_bank().customers
    q4 = L1.setup(c)[3]
    r = churn_cut_impact(c, L1.CHURN_CUT_YEAR, L1.CHURN_CUT)
    base_share = r.active_start * L1.CHURN_CUT
    assert abs(base_share - r.churned) > 10
    m_all, m_base = q4.check(r.churned).message, q4.check(base_share).message
    assert "百分点" in m_all and "年初在网" in m_base
    lecture_case = churn_cut_impact(c, 2023, L1.CHURN_CUT).customers_kept
    assert "2023 年的数字" in q4.check(lecture_case).message   # copied from the lecture
    assert q4.check(r.churned * L1.CHURN_CUT).status == "correct"


def test_q1_duplicated_event_counts_once(qs, customers):
    exp = L1.churn_rates(customers)
    twice = _q1_answer(exp, [(2022, "调费"), (2022, " 调费 ")])
    r = qs[0].check(twice)
    assert r.status == "incorrect" and "两次" in r.message
    widget_twice = {**{f"y{y}": v * 100 for y, v in exp.items()},
                    "event1_year": 2023, "event1_text": "降息", "event2_year": 2023,
                    "event2_text": "降息", "event3_year": 0, "event3_text": ""}
    assert qs[0].check(widget_twice).status == "incorrect"
    two_in_one_year = _q1_answer(exp, [(2023, "降息"), (2023, "竞品高收益理财")])
    assert qs[0].check(two_in_one_year).status == "correct"


def test_contradictory_keys_are_incorrect(qs, customers):
    right = L1.tier_means(customers["clv"])
    both = {**right.to_dict(), "top": right["Top 10%"] * 3}
    r = qs[1].check(both)
    assert r.status == "incorrect" and "给了两次" in r.message
    same = {**right.to_dict(), "高价值": right["Top 10%"]}   # even when the values agree
    assert qs[1].check(same).status == "incorrect"
    rates = L1.loyalty_rates(customers)
    r3 = qs[2].check({**rates.to_dict(), "90以上": 0.1})
    assert r3.status == "incorrect" and "给了两次" in r3.message


@pytest.mark.parametrize("junk", [None, float("nan"), pd.DataFrame(), pd.Series(dtype=float),
                                  "答案", 42, [1, 2], {"x": 1}, np.array([np.nan])],
                         ids=["None", "NaN", "empty-frame", "empty-series", "text", "int",
                              "list", "dict", "nan-array"])
def test_junk_answers_get_chinese_feedback_not_tracebacks(qs, junk):
    for q in qs:
        r = q.check(junk)
        assert r.status == "incorrect", (q.id, junk, r)
        assert r.message and "Traceback" not in r.message
        assert any("\u4e00" <= ch <= "\u9fff" for ch in r.message)  # Chinese feedback
        assert r._repr_html_()
