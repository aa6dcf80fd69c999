"""Lecture 2 exercises: every check with right, wrong (own message each), not-attempted, junk.

Checks run on the committed default bank (seed 2024) and, for the campaign, on a
small generated bank too; right answers are computed in the test, never typed.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils.cleaning import RangeToNaN, preprocess
from course_utils.exercises import assert_check_cases
from course_utils.exercises import lecture2 as L2
from course_utils.features import rfm
from course_utils.segments import render_segmentation


@pytest.fixture(scope="module", autouse=True)
def _chinese_font():
    from course_utils.plotting import setup
    setup()


@pytest.fixture(scope="module")
def bank():
    from course_utils.data import get_bank
    return get_bank()


@pytest.fixture(scope="module")
def qs(bank):
    return L2.setup(bank, seed=2024)


# ---------------------------------------------------------------- Q1 RFM
def test_rfm_check(bank, qs):
    q1 = qs[0]
    tx = bank.transactions
    cut = pd.Timestamp(L2.CUTOFF)
    right = rfm(tx, cut)
    before = tx[tx["txn_date"] < cut]
    g = before.groupby("customer_id")
    by_hand = pd.DataFrame({"recency_days": (cut - g["txn_date"].max()).dt.days,
                            "frequency": g.size(), "monetary": g["amount"].sum()})
    as_column = right.reset_index()
    as_timedelta = right.assign(recency_days=pd.to_timedelta(right["recency_days"], unit="D"))

    leak = rfm(tx, tx["txn_date"].max() + pd.Timedelta(days=1))       # all rows
    leak = leak.loc[right.index]                                         # same customers
    inclusive = rfm(tx, cut + pd.Timedelta(days=1)).loc[right.index]    # <= cut-off
    amounts_as_freq = right.assign(frequency=right["monetary"])
    mean_money = right.assign(monetary=right["monetary"] / right["frequency"])
    wrong_sign = right.assign(recency_days=-right["recency_days"])
    first = before.groupby("customer_id")["txn_date"].min()
    from_first = right.assign(recency_days=(cut - first).dt.days.loc[right.index])
    extra_customers = rfm(tx, tx["txn_date"].max() + pd.Timedelta(days=1))
    missing_customers = right.iloc[10:]
    assert_check_cases(
        q1,
        correct=[right, by_hand, as_column, as_timedelta],
        wrong=[(leak, "泄漏"), (inclusive, "截止日当天"), (amounts_as_freq, "金额之和"),
               (mean_money, "平均"), (wrong_sign, "方向算反"), (from_first, "第一次交易"),
               (extra_customers, "截止日之前没有任何交易"), (missing_customers, "少了"),
               (right.drop(columns=["monetary"]), "缺少列"), (pd.concat([right, right.head(2)]), "多行")],
        half_done=[],
    )


# ---------------------------------------------------------------- Q2 segmentation widget
def test_segment_tuning_check(qs):
    q2 = qs[1]
    table = q2.ctx["table"]
    want = L2.top_count(table)
    whole = int(render_segmentation(table, 5, 1, 1, 2, draw=False)[0].loc[L2.Q2_SEGMENT, "客户数"])
    right = {"bins": 5, "w_r": 1.0, "w_f": 1.0, "w_m": 2.0, "count": want}
    assert_check_cases(
        q2,
        correct=[right, {**right, "w_r": 0.5, "w_f": 0.5, "w_m": 1.0}],
        wrong=[({**right, "bins": 4}, "五分位"), ({**right, "w_m": 1.0}, "权重比例"),
               ({**right, "count": whole}, "整个"), ({**right, "count": want + 7}, "对不上"),
               ({"bins": 5}, "五项")],
        half_done=[dict(L2.Q2_DEFAULTS)],
    )


def test_segment_tuning_widget_redraws(qs):
    app = L2.segmentation_app(qs[1])
    first = app.output.outputs
    app.set_values(bins=5, w_m=2.0)
    assert app.output.outputs != first and app.last_error is None
    app.set_values(count=L2.top_count(qs[1].ctx["table"]))
    assert app.check().status == "correct"
    app.set_values(w_r=0.0, w_f=0.0, w_m=0.0)               # all-zero weights: message, no crash
    assert "不能都为 0" in app.output.outputs[0]["data"]["text/html"]


def test_render_segment_tuning_pure(qs):
    table = qs[1].ctx["table"]
    bars, styled = L2.render_segment_tuning({"bins": 3, "w_r": 1, "w_f": 1, "w_m": 1}, table)
    assert isinstance(bars, str) and all(seg in bars for seg in L2.SEGMENTS)
    assert "RFM前20%人数" in styled.to_html()
    bars5, _ = L2.render_segment_tuning({"bins": 5, "w_r": 1, "w_f": 1, "w_m": 2}, table)
    assert bars5 != bars and "1:1:2" in bars5
    fig, _ = L2.render_segment_tuning({"bins": 5, "w_r": 1, "w_f": 1, "w_m": 2}, table, draw=True)
    assert fig.axes
    import matplotlib.pyplot as plt
    plt.close(fig)


def test_html_bars_widths():
    from course_utils.segments import html_bars
    out = html_bars(["a", "b"], {"x": [50, 100]}, {"x": "#000"}, width_px=200)
    assert "width:100.0px" in out and "width:200.0px" in out
    over = html_bars(["a"], {"x": [100], "y": [25]}, {"x": "#000", "y": "#f00"}, overlay=True, width_px=200)
    assert "width:50.0px" in over


# ---------------------------------------------------------------- Q3 campaign widget
def test_campaign_check(qs):
    q3 = qs[2]
    sizes, seed, targets = q3.ctx["sizes"], q3.ctx["seed"], q3.ctx["targets"]
    right = L2.suggested_plan(sizes, seed, targets["max_budget"])
    as_widget = {}
    for seg, (p, c, o, b) in right.items():
        as_widget.update({f"{seg}|product": p, f"{seg}|channel": c, f"{seg}|offer": o, f"{seg}|budget": b})
    too_much = {s: (p, c, o, b * 3) for s, (p, c, o, b) in right.items()}
    visit_everyone = {s: ("理财", "客户经理面访", "加息券", targets["max_budget"] / 8) for s in sizes}
    wrong_target = dict(right, 一般挽留客户=("贷款", "电话外呼", "无优惠", 3000 + 6 * 50))
    only_app = {s: ("理财", "APP推送", "无优惠", 600) for s in ("一般发展客户",)}
    assert_check_cases(
        q3,
        correct=[right, as_widget],
        wrong=[(too_much, "超过上限"), (wrong_target, "一般挽留客户 用了电话外呼"),
               (only_app, "净收益"), (visit_everyone, "ROI"),
               ({"重要价值客户": ("黄金", "短信", "无优惠", 1000)}, "未知产品")],
        half_done=[{}],
        distinct=True,
    )


def test_campaign_solution_passes_on_other_sizes():
    from course_utils.data import get_bank
    for seed, n in ((7, 800), (99, 1500)):
        q3 = L2.setup(get_bank(seed=seed, n_customers=n), seed=seed)[2]
        plan = L2.suggested_plan(q3.ctx["sizes"], seed, q3.ctx["targets"]["max_budget"])
        assert q3.check(plan).status == "correct", (seed, n)


def test_campaign_widget_and_render(qs):
    q3 = qs[2]
    app = L2.campaign_app(q3)
    assert "还没有任何客群" in app.output.outputs[1]["data"]["text/html"]
    first = app.output.outputs
    app.set_values(**{"一般挽留客户|channel": "电话外呼"})    # every control change is visible
    assert app.output.outputs != first
    assert q3.check(app.values).status == "not_attempted"
    plan = L2.suggested_plan(q3.ctx["sizes"], q3.ctx["seed"], q3.ctx["targets"]["max_budget"])
    vals = {}
    for seg, (p, c, o, b) in plan.items():
        vals.update({f"{seg}|product": p, f"{seg}|channel": c, f"{seg}|offer": o,
                     f"{seg}|budget": int(np.ceil(b / 500) * 500)})
    app.set_values(**vals)
    assert app.last_error is None and len(app.output.outputs) == 4
    assert app.check().status in ("correct", "incorrect")   # budgets rounded to the slider step
    assert L2.widget_values_to_plan({"重要价值客户|product": L2.NO_CAMPAIGN, "重要价值客户|budget": 900}) == {}


def test_reference_profit_knapsack_small():
    sizes = {"重要价值客户": 100}
    ref = L2.reference_profit(sizes, 10_000)
    assert ref > 0
    assert L2.reference_profit(sizes, 400) == 0      # below every set-up cost


# ---------------------------------------------------------------- Q4 cleaning
def test_cleaning_check(qs):
    q4 = qs[3]
    data = q4.ctx["data"]
    num, cat = list(L2.Q4_NUMERIC), list(L2.Q4_CATEGORICAL)
    right, _ = preprocess(data, num, cat, clip=None)
    right_clip, _ = preprocess(data, num, cat, log_cols=["monetary", "monthly_income"])

    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler

    def make(num_steps, cols=num, cats=cat, with_cat=True):
        parts = [("num", Pipeline(num_steps), cols)]
        if with_cat:
            parts.append(("cat", Pipeline([("i", SimpleImputer(strategy="most_frequent")),
                                           ("o", OneHotEncoder(handle_unknown="ignore", sparse_output=False))]), cats))
        ct = ColumnTransformer(parts, verbose_feature_names_out=False).set_output(transform="pandas")
        return ct.fit_transform(data.assign(**{c: data[c].astype(object) for c in cat}))

    no_impute = make([("r", RangeToNaN({"age": (18, 100)})), ("s", StandardScaler())])
    no_range = make([("i", SimpleImputer(strategy="median")), ("s", StandardScaler())])
    minmax = make([("r", RangeToNaN({"age": (18, 100)})), ("i", SimpleImputer(strategy="median")), ("s", MinMaxScaler())])
    with_label = make([("r", RangeToNaN({"age": (18, 100)})), ("i", SimpleImputer(strategy="median")),
                       ("s", StandardScaler())], cols=num + ["loyal"])
    no_cat = make([("r", RangeToNaN({"age": (18, 100)})), ("i", SimpleImputer(strategy="median")),
                   ("s", StandardScaler())], with_cat=False)
    raw_cat = right.assign(gender=data["gender"].to_numpy())
    dropped = data.dropna()
    assert_check_cases(
        q4,
        correct=[right, right_clip],
        wrong=[(no_impute, "缺失值"), (no_range, "不可能的值"), (minmax, "标准化"),
               (with_label, "泄漏"), (no_cat, "独热编码"), (raw_cat, "非数值"),
               (right.iloc[: len(dropped)], "行数"), (right.to_numpy(), "numpy")],
        half_done=[],
    )


def test_cleaning_data_has_the_lessons(qs):
    data = qs[3].ctx["data"]
    assert data["monthly_income"].isna().any()                  # missing values to impute
    assert ((data["age"] < 18) | (data["age"] > 100)).any()       # impossible ages
    assert "loyal" in data.columns                                # the label to keep out


# ---------------------------------------------------------------- issue 8 §5 / issue 9 fixes
@pytest.mark.parametrize("junk", [pd.Series([1, 2]), np.array([1.0, 2.0]), pd.NA, "5", 5.7, None])
@pytest.mark.parametrize("key", ["bins", "w_r", "count"])
def test_segment_tuning_junk_values_get_feedback(qs, key, junk):
    """A Series / array / pd.NA / text as a value: feedback, never a traceback or a pass."""
    q2 = qs[1]
    right = {"bins": 5, "w_r": 1.0, "w_f": 1.0, "w_m": 2.0, "count": L2.top_count(q2.ctx["table"])}
    r = q2.check({**right, key: junk})
    assert r.status == "incorrect", (key, junk, r)
    assert not r.detail, r.detail          # judged by the check, not by the engine's guard
    untouched = {**L2.Q2_DEFAULTS, key: junk}
    assert q2.check(untouched).status == "incorrect"


def test_segment_tuning_bins_must_be_the_integer_five(qs):
    q2 = qs[1]
    right = {"bins": 5, "w_r": 1.0, "w_f": 1.0, "w_m": 2.0, "count": L2.top_count(q2.ctx["table"])}
    assert q2.check({**right, "bins": 5.0}).status == "correct"
    for bad in (5.7, "5", True):
        r = q2.check({**right, "bins": bad})
        assert r.status == "incorrect" and "整数" in r.message, bad
    assert "整数" in q2.check({**right, "count": right["count"] + 0.4}).message


@pytest.mark.parametrize("junk", [pd.Series([1, 2]), np.array([1.0, 2.0]), pd.NA, "800"])
def test_campaign_junk_values_get_feedback(qs, junk):
    q3 = qs[2]
    for key in ("product", "budget", "channel"):
        vals = {"重要价值客户|product": "理财", "重要价值客户|channel": "短信",
                "重要价值客户|offer": "无优惠", "重要价值客户|budget": 800, f"重要价值客户|{key}": junk}
        r = q3.check(vals)
        assert r.status == "incorrect", (key, junk, r)
        assert not r.detail, r.detail
    r = q3.check({"重要价值客户": ("理财", "短信", "无优惠", junk)})
    assert r.status == "incorrect" and not r.detail


def test_campaign_wrong_target_message_matches_the_segment(qs):
    """一般发展客户 trade recently (the heatmap's recency is small): never call them "久未活跃"."""
    q3 = qs[2]
    plan = {"一般发展客户": ("信用卡", "客户经理面访", "无优惠", 20_000)}
    msg = q3.check(plan).message
    assert "一般发展客户 用了客户经理面访" in msg and "最近有交易" in msg and "久未" not in msg
    view = q3.ctx["sizes"]
    assert view["一般发展客户"] > 0
    msg2 = q3.check({"一般挽留客户": ("贷款", "电话外呼", "无优惠", 8000)}).message
    assert "很久没有交易" in msg2


def test_campaign_segment_descriptions_agree_with_the_data(bank):
    """The words used for each segment agree with its median recency in the lecture's view."""
    from course_utils import campaign
    from course_utils.segments import rfm_scores

    scored = rfm_scores(L2.rfm_table(bank), bins=5)
    med = scored.groupby("segment", observed=True)["recency_days"].median()
    overall = scored["recency_days"].median()
    for seg, days in med.items():
        words = campaign.segment_description(seg)
        if words.startswith("最近"):
            assert days <= overall, (seg, days)
        else:
            assert days > overall, (seg, days)


def test_campaign_success_text_true_of_the_solution(qs):
    from course_utils import campaign
    from course_utils.datagen import response_rates as rr

    q3 = qs[2]
    plan = L2.suggested_plan(q3.ctx["sizes"], q3.ctx["seed"], q3.ctx["targets"]["max_budget"])
    r = q3.check(plan)
    assert r.status == "correct"
    res = campaign.simulate_campaign(plan, q3.ctx["sizes"], q3.ctx["seed"])
    assert (res.drop(index="合计")["profit"] >= 0).all()          # "做了活动的客群都不亏钱"
    assert not any((s, c[1]) in rr.WRONG_TARGETS for s, c in plan.items())
    assert res.loc["合计", "budget"] <= q3.ctx["targets"]["max_budget"]   # "预算上限内"


def test_rfm_numbers_as_text_are_incorrect(bank, qs):
    right = rfm(bank.transactions, pd.Timestamp(L2.CUTOFF))
    for col in ("frequency", "monetary", "recency_days"):
        r = qs[0].check(right.assign(**{col: right[col].astype(str)}))
        assert r.status == "incorrect" and "文字" in r.message, col


def test_rfm_lost_ids_are_not_called_leakage(bank, qs):
    right = rfm(bank.transactions, pd.Timestamp(L2.CUTOFF))
    r = qs[0].check(right.reset_index(drop=True))
    assert r.status == "incorrect" and "客户号" in r.message and "泄漏" not in r.message
    renamed = right.set_axis([f"X{i}" for i in range(len(right))])
    assert "认不出" in qs[0].check(renamed).message


def test_rfm_window_message_points_to_the_window(bank, qs):
    """The lecture's one-year window is not this question's definition: say so."""
    year = rfm(bank.transactions, pd.Timestamp(L2.CUTOFF), window_days=365)
    r = qs[0].check(year)
    assert r.status == "incorrect" and "365 天" in r.message and "全部交易" in r.message


def _clean_variants(data):
    num, cat = list(L2.Q4_NUMERIC), list(L2.Q4_CATEGORICAL)
    right, _ = preprocess(data, num, cat, clip=None)
    return right, num, cat


def test_cleaning_compares_with_the_data(qs):
    data = qs[3].ctx["data"]
    right, num, cat = _clean_variants(data)
    rng = np.random.default_rng(0)
    random_numbers = pd.DataFrame(rng.standard_normal(right.shape), index=right.index,
                                  columns=right.columns)
    onehot = [c for c in right.columns if c not in num]
    random_numbers[onehot] = right[onehot].to_numpy()        # only the numbers are fake
    r = qs[3].check(random_numbers)
    assert r.status == "incorrect" and "对不上" in r.message
    fake_onehot = right.copy()
    fake_onehot[onehot] = rng.integers(0, 2, (len(right), len(onehot)))
    assert "独热编码列" in qs[3].check(fake_onehot).message
    no_city = right.drop(columns=[c for c in right.columns if str(c).startswith("city_")])
    r2 = qs[3].check(no_city)
    assert r2.status == "incorrect" and "city" in r2.message
    shuffled = right.sample(frac=1.0, random_state=1).reset_index(drop=True)
    assert qs[3].check(shuffled).status == "incorrect"
