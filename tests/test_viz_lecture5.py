"""Lecture 5 figures (course_utils.viz.lecture5): they build, state a message computed from the data and
a population, use readable sizes and the course colours, and render Chinese without missing glyphs."""
from __future__ import annotations

import pandas as pd
import pytest
from helpers import png_warnings
from matplotlib.colors import to_hex

from course_utils.plotting import setup
from course_utils.viz import lecture5 as L5
from course_utils.viz.theme import BAD, GOOD, NEUTRAL, TEXT_PT

setup()
NOTE = "统计范围：测试用的客户"


@pytest.fixture(scope="module")
def figures():
    psi_long = pd.DataFrame({"label": ["模型评分"] * 3 + ["余额"] * 3, "period": ["2023-01", "2023-02", "2023-03"] * 2,
                             "psi": [0.01, 0.05, 0.12, 0.02, 0.03, 0.04]})
    perf = pd.DataFrame({"period": ["2023-01", "2023-02", "2023-03"], "auc": [0.88, 0.85, 0.79], "n": [100] * 3})
    rates = {"年龄段": pd.DataFrame({"group": ["30岁以下", "30–44岁"], "n": [50, 60], "fpr": [0.3, 0.1],
                                    "fnr": [0.2, 0.45]}),
             "性别": pd.DataFrame({"group": ["女", "男"], "n": [50, 60], "fpr": [0.15, 0.16], "fnr": [0.3, 0.32]})}
    claims = pd.DataFrame({"label": ["转化 +28%", "留存 +12%"], "abs_lift": [0.14, 0.08], "ci_low": [-0.03, 0.01],
                           "ci_high": [0.30, 0.16], "claimed_abs": [0.05, 0.077]})
    plans = pd.DataFrame({"label": ["高价值挽留", "情绪补救"], "total_cost": [2400.0, 6000.0], "value": [1100.0, 8000.0]})
    coupon = pd.DataFrame({"plan": ["tiered", "flat"], "cost": [26_000.0, 26_000.0], "value": [31_000.0, 24_000.0],
                           "net_value": [5_000.0, -2_000.0]})
    work = pd.DataFrame({"agent_messages": [500, 150], "vip_messages": [0, 20], "manager_calls": [0, 30],
                         "hours": [50.0, 29.0], "cost": [4000.0, 2320.0]}, index=["before", "after"])
    return {"psi": L5.psi_figure(psi_long, population=NOTE), "auc": L5.auc_decay_figure(perf, reference=0.86,
                                                                                         population=NOTE),
            "fair": L5.fairness_figure(rates, population=NOTE), "claims": L5.claims_figure(claims, population=NOTE),
            "plans": L5.plan_money_figure(plans, note=NOTE), "coupon": L5.coupon_figure(coupon, note=NOTE),
            "work": L5.workload_figure(work, note=NOTE)}


def _texts(fig) -> list[str]:
    out = [fig.get_suptitle(), fig._supxlabel.get_text() if fig._supxlabel else ""]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts] + [ax.get_title(loc="left"), ax.get_xlabel(), ax.get_ylabel()]
        out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        if ax.get_legend():
            out += [t.get_text() for t in ax.get_legend().get_texts()]
    return out


def test_every_figure_has_a_message_and_a_population(figures):
    for name, fig in figures.items():
        assert len(fig.get_suptitle().replace("\n", "")) >= 8, name
        assert NOTE in " ".join(_texts(fig)), name


def test_titles_state_the_message_from_the_data(figures):
    assert figures["psi"].get_suptitle().startswith("2023-03 有 1 项指标轻度偏移")
    assert "模型评分" in figures["psi"].get_suptitle()
    assert figures["auc"].get_suptitle().replace("\n", "") == "模型区分能力从 2023-01 的 AUC 0.88 变为 2023-03 的 0.79"
    assert "“年龄段”：20.0% 到 45.0%" in figures["fair"].get_suptitle()
    assert figures["claims"].get_suptitle().startswith("2 项宣称中，1 项被数据证实")
    assert "2 个方案中有 1 个入不敷出" in figures["plans"].get_suptitle().replace("\n", "")
    assert figures["coupon"].get_suptitle() == "同样花 2.6万元：分档加息券的净值比统一加息券多 7,000元"
    assert figures["work"].get_suptitle() == "人工工时从 50.0 小时降到 29.0 小时（−42.0%）"
    # a different result gives a different message
    flat_wins = pd.DataFrame({"plan": ["tiered", "flat"], "cost": [100.0, 100.0], "value": [90.0, 150.0],
                              "net_value": [-10.0, 50.0]})
    assert "少 60元" in L5.coupon_figure(flat_wins).get_suptitle()
    stable = pd.DataFrame({"label": ["余额"], "period": ["2023-01"], "psi": [0.02]})
    assert "都低于 0.1" in L5.psi_figure(stable).get_suptitle()


def test_text_is_readable_and_money_uses_the_course_format(figures):
    for name, fig in figures.items():
        for ax in fig.axes:
            for t in ax.texts:
                assert t.get_fontsize() >= TEXT_PT - 1 - 1e-9, (name, t.get_text())
            for label in ax.get_xticklabels() + ax.get_yticklabels():
                assert label.get_fontsize() >= TEXT_PT - 1e-9, (name, label.get_text())
    assert "净值 -1,300元" in _texts(figures["plans"]) and "8,000元" in _texts(figures["plans"])
    assert "2.6万元" in _texts(figures["coupon"])


def test_good_is_blue_and_risk_is_vermilion(figures):
    bars = [to_hex(p.get_facecolor()) for p in figures["plans"].axes[0].patches]
    assert bars[:2] == [BAD.lower(), BAD.lower()] and bars[2:] == [GOOD.lower(), GOOD.lower()]
    coupon = {to_hex(p.get_facecolor()) for p in figures["coupon"].axes[0].patches}
    assert coupon == {GOOD.lower(), to_hex(NEUTRAL)}
    fair = {to_hex(p.get_facecolor()) for p in figures["fair"].axes[0].patches}
    assert fair == {BAD.lower(), to_hex(NEUTRAL)}
    for fig in figures.values():                         # never a green as a carrier of good/bad
        for ax in fig.axes:
            for p in ax.patches:
                assert to_hex(p.get_facecolor()) not in ("#009e73", "#00ff00", "#008000")


def test_figures_render_without_missing_glyphs(figures):
    assert png_warnings(figures.values(), layout=True) == []
