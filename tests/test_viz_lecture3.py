"""Lecture 3 figures (course_utils.viz.lecture3): they build, state a message and a population,
use readable sizes and the course colours, and render Chinese without missing glyphs."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import png_warnings
from matplotlib.colors import to_hex

from course_utils import churn_models, evaluation, uplift
from course_utils.plotting import setup
from course_utils.viz import lecture3 as L3
from course_utils.viz.theme import BAD, GOOD, TEXT_PT

setup()
NOTE = "统计范围：测试用的 12 位客户"


def _toy():
    rng = np.random.default_rng(0)
    x = pd.DataFrame({"balance_trend": rng.normal(0, 0.3, 400), "satisfaction": rng.integers(40, 100, 400).astype(float),
                      "age": rng.integers(20, 70, 400).astype(float)})
    logit = -2 - 4 * x["balance_trend"] - 0.03 * (x["satisfaction"] - 70)
    y = (rng.random(400) < 1 / (1 + np.exp(-logit))).astype(int)
    return x, y


@pytest.fixture(scope="module")
def figures():
    x, y = _toy()
    tree = churn_models.make_churn_model("tree", list(x.columns), max_depth=3).fit(x, y)
    p = tree.predict_proba(x)[:, 1]
    treated = np.arange(400) % 2
    routed = pd.DataFrame({"intent": ["账单查询", "账单查询", "投诉", "利率协商", "理财收益咨询"],
                           "reason": ["answered", "no_data", "no_script", "rate", "repeat"],
                           "route": ["bot", "human", "human", "human", "human"]})
    bands = pd.DataFrame({"churn_rate": [0.3, 0.05], "n": [100, 900]}, index=["下降", "持平"])
    return {
        "bands": L3.churn_rate_bands_figure({"余额变化率": bands, "满意度": bands}, 0.075, population=NOTE),
        "reasons": L3.reason_mix_figure(pd.DataFrame({"价格/费率": [0.6, 0.2], "其他": [0.4, 0.8]}, index=["新", "老"]),
                                        {"新": 10, "老": 20}, population=NOTE),
        "windows": L3.windows_figure({"训练表": "2022-07-01", "测试表": "2023-07-01"}),
        "tree": L3.tree_figure(tree, population=NOTE),
        "roc": L3.roc_figure({"决策树": (y, p)}, population=NOTE),
        "gains": L3.gains_figure(evaluation.lift_table(y, p), population=NOTE),
        "calibration": L3.calibration_figure(evaluation.calibration_table(y, p, bins=5), population=NOTE),
        "profit": L3.profit_figure(evaluation.profit_curve(y, p, 3000, 25, 100, 0.3), marks=[50], population=NOTE),
        "importance": L3.importance_figure(churn_models.permutation_importance_table(tree, x, y, n_repeats=2),
                                           population=NOTE),
        "pdp": L3.partial_dependence_figure([("balance_trend", np.linspace(-0.5, 0.5, 5), np.linspace(0.4, 0.05, 5))],
                                            population=NOTE),
        "uplift": L3.uplift_decile_figure(uplift.uplift_by_decile(treated, y, p, bins=5), population=NOTE),
        "targeting": L3.targeting_figure(pd.DataFrame({"label": ["按风险", "按增益"], "customers_saved": [3.0, 5.0],
                                                       "net_value": [-4000.0, 5500.0], "total_cost": [2e4, 2e4]}),
                                         population=NOTE),
        "routing": L3.routing_figure(routed, population=NOTE),
        "funnel": L3.funnel_figure(pd.DataFrame({"step_zh": ["沉默客户", "已授权", "可外呼"], "customers": [100, 80, 70]}),
                                   population=NOTE),
        "outbound": L3.outbound_cost_figure({"AI 外呼": 87.0, "人工外呼": 147.0}, note=NOTE),
    }


def _title(fig) -> str:
    sup = fig.get_suptitle()
    return sup or fig.axes[0].get_title(loc="left")


def _all_texts(fig) -> list[str]:
    out = [fig.get_suptitle()] + [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [ax.get_title(loc="left")] + [t.get_text() for t in ax.texts]
    return [t for t in out if t]


def test_every_figure_has_a_message_and_a_population(figures):
    for name, fig in figures.items():
        assert len(_title(fig).replace("\n", "")) >= 8, name
        texts = " ".join(_all_texts(fig))
        if name != "windows":
            assert "统计范围" in texts, name
    assert "跨时间验证" in " ".join(_all_texts(figures["windows"]))


def test_titles_state_the_message_from_the_data(figures):
    assert _title(figures["bands"]).startswith("余额变化率“下降”的客户流失率 30.0%")
    assert "AUC 最高" in _title(figures["roc"])
    assert "按增益比按风险多挽留 2.0 人" in _title(figures["targeting"]).replace("\n", "")
    assert _title(figures["funnel"]).startswith("100 位沉默客户中，70 位")
    assert "80.0%" in _title(figures["routing"]) or "20.0%" in _title(figures["routing"])


def test_text_is_readable_and_money_uses_the_course_format(figures):
    for name, fig in figures.items():
        for ax in fig.axes:
            for t in ax.texts:
                assert t.get_fontsize() >= TEXT_PT - 1e-9, (name, t.get_text())
            for label in ax.get_xticklabels() + ax.get_yticklabels():
                assert label.get_fontsize() >= TEXT_PT - 1e-9, (name, label.get_text())
    texts = _all_texts(figures["targeting"])
    assert "5,500元" in texts and "-4,000元" in texts


def test_good_is_blue_and_risk_is_vermilion(figures):
    bars = [to_hex(p.get_facecolor()) for p in figures["bands"].axes[0].patches]
    assert bars == [BAD.lower(), to_hex("#A7B1BC")]          # above the overall rate vs context grey
    outbound = [to_hex(p.get_facecolor()) for p in figures["outbound"].axes[0].patches]
    assert outbound[0] == GOOD.lower()                        # the cheapest plan is the focus
    leaf_colours = {to_hex(t.get_bbox_patch().get_facecolor()) for t in figures["tree"].axes[0].texts
                    if t.get_text().startswith("流失率")}
    assert leaf_colours <= {BAD.lower(), GOOD.lower()} and len(leaf_colours) == 2


def test_tree_figure_draws_every_leaf(figures):
    leaves = [t for t in figures["tree"].axes[0].texts if t.get_text().startswith("流失率")]
    assert 2 <= len(leaves) <= 8
    assert sum(int(t.get_text().split("\n")[-1].rstrip("人").replace(",", "")) for t in leaves) == 400


def test_long_titles_and_notes_are_wrapped():
    long = "这是一个很长的标题，" * 8
    fig = L3.funnel_figure(pd.DataFrame({"step_zh": ["a"], "customers": [1]}), title=long, population=long)
    title = fig.axes[0].get_title(loc="left")
    assert "\n" in title and title.replace("\n", "") == long
    assert L3.wrap_to_width("短标题", 5, 14) == "短标题"


def test_figures_render_without_missing_glyphs(figures):
    assert png_warnings(figures.values(), layout=True) == []


def test_feature_labels_cover_the_churn_features():
    from course_utils.churn import FEATURES

    assert all(L3.feature_label(f) != f for f in FEATURES)
