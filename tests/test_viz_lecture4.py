"""Lecture 4 charts (course_utils.viz.lecture4): the data drawn, the message in the title, the
population in a note, no text below 11 pt, Chinese without missing glyphs, one colour meaning."""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from helpers import drawn_texts, figure_title, outside_figure, png_warnings, small_texts
from matplotlib.colors import to_hex

from course_utils.viz import lecture4 as L4
from course_utils.viz.theme import BAD, GOOD, NEUTRAL

NOTE = "统计范围：测试用的 100 位客户"


def _boot():
    return pd.DataFrame({"value": [0.22, 0.19, 0.09], "low": [0.21, 0.18, 0.08], "high": [0.23, 0.20, 0.10],
                         "diff": [0.13, 0.10, 0.0]}, index=["item_cf", "content", "popularity"])


def _figures() -> dict:
    sim = pd.DataFrame([[0, .4, .1], [.4, 0, .2], [.1, .2, 0]], index=list("ABC"), columns=list("ABC"))
    suit = pd.DataFrame({"precision": [0.22, 0.09], "precision_suitable": [0.217, 0.095],
                         "unsuitable": [2282, 2151], "slots": [14290, 14290]}, index=["item_cf", "popularity"])
    cats = pd.DataFrame({"item_cf": [0.3, 0.2], "popularity": [0.1, 0.15]}, index=["理财", "贷款"])
    expo = pd.DataFrame({"popularity": [0.5, 0.5, 0, 0], "item_cf": [0.3, 0.2, 0.3, 0.2],
                         "head": [True, False, False, False]}, index=list("ABCD"))
    size = pd.DataFrame({"size": [5, 20, 49], "gap": [0.0, 0.1, 0.17], "gap_low": [-0.01, 0.09, 0.16],
                         "gap_high": [0.01, 0.11, 0.18]})
    taste = pd.DataFrame({"size": [8, 8, 30, 30], "strength": [0, 4, 0, 4], "gap": [0, 0.01, -0.01, 0.09],
                          "gap_low": [-0.01, 0, -0.02, 0.07], "gap_high": [0.01, 0.02, 0, 0.1]})
    thr = pd.DataFrame({"threshold": [0.2, 0.5, 0.8], "answer_rate": [0.4, 0.25, 0.1],
                        "handoff_rate": [0.6, 0.75, 0.9], "wrong_share_of_answered": [0.2, 0.04, 0.0]})
    cm = pd.DataFrame([[80, 20], [10, 90]], index=["非负面", "负面"], columns=["非负面", "负面"])
    drivers = pd.DataFrame({"name_zh": ["手续费", "APP体验"], "importance": [0.5, 0.1], "ci_low": [0.45, 0.05],
                            "ci_high": [0.55, 0.15]})
    bot = {"raw": -0.2, "raw_low": -1.3, "raw_high": 0.9, "adjusted": 1.0, "adjusted_low": -0.2, "adjusted_high": 2.3}
    return {
        "similarity": L4.similarity_figure(sim, population=NOTE),
        "methods": L4.method_comparison_figure(_boot(), population=NOTE),
        "suitability": L4.suitability_figure(suit, population=NOTE),
        "category": L4.category_figure(cats, population=NOTE),
        "exposure": L4.exposure_figure(expo, population=NOTE),
        "gap": L4.gap_figure(size, taste, population=NOTE),
        "threshold": L4.threshold_figure(thr, 0.5, population=NOTE),
        "confusion": L4.confusion_figure({"词典法": cm, "模型": cm}, population=NOTE),
        "drivers": L4.drivers_figure(drivers, population=NOTE),
        "bot": L4.bot_comparison_figure(bot, population=NOTE),
    }


def test_every_chart_has_a_message_a_note_and_no_text_below_11pt():
    for name, fig in _figures().items():
        texts = drawn_texts(fig)
        small = small_texts(texts)
        assert small == [], (name, small)
        assert any("统计范围" in t.get_text() for t in texts), name
        assert len(figure_title(fig)) >= 10, (name, figure_title(fig))


def test_charts_render_chinese_without_missing_glyphs():
    from course_utils.plotting import setup
    setup()
    assert png_warnings(_figures().values()) == []


def test_method_comparison_draws_values_intervals_and_greys_the_baseline():
    fig = L4.method_comparison_figure(_boot(), labels={"item_cf": "协同过滤", "popularity": "热门"})
    ax = fig.axes[0]
    widths = sorted(round(p.get_width(), 3) for p in ax.patches)
    assert widths == [0.09, 0.19, 0.22]
    colours = {round(p.get_width(), 3): to_hex(p.get_facecolor()).lower() for p in ax.patches}
    assert colours[0.09] == NEUTRAL.lower() and colours[0.22] == GOOD.lower()
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "协同过滤"     # best on top
    assert "2.4 倍" in figure_title(fig) and "不重叠" in figure_title(fig)
    # overlapping intervals are called what they are
    t = _boot().assign(low=[0.05, 0.05, 0.05], high=[0.3, 0.3, 0.3])
    assert "重叠" in figure_title(L4.method_comparison_figure(t)) and "不重叠" not in figure_title(L4.method_comparison_figure(t))
    # a method below the baseline is not called a win
    worse = _boot().assign(value=[0.05, 0.04, 0.09], low=[0.04, 0.03, 0.08], high=[0.06, 0.05, 0.10])
    assert "没有超过" in figure_title(L4.method_comparison_figure(worse))


def test_suitability_and_bot_titles_follow_the_numbers():
    suit = pd.DataFrame({"precision": [0.22], "precision_suitable": [0.22], "unsuitable": [100], "slots": [1000]},
                        index=["item_cf"])
    assert "没有下降" in L4.suitability_figure(suit).get_suptitle()
    red = L4.suitability_figure(suit).axes[1].patches[0]
    assert to_hex(red.get_facecolor()).lower() == BAD.lower()
    pos = {"raw": 2.0, "raw_low": 1.0, "raw_high": 3.0, "adjusted": 1.5, "adjusted_low": 0.5, "adjusted_high": 2.5}
    assert "不是因果" in figure_title(L4.bot_comparison_figure(pos))
    neg = {k: -v for k, v in pos.items()} | {"adjusted_low": -2.5, "adjusted_high": -0.5}
    assert "更不满意" in figure_title(L4.bot_comparison_figure(neg))


def test_gap_figure_draws_one_line_per_catalogue_size_and_a_zero_line():
    figs = _figures()
    fig = figs["gap"]
    left, right = fig.axes[0], fig.axes[1]
    assert list(left.lines[0].get_xdata()) == [5, 20, 49]
    assert len([ln for ln in right.lines if len(ln.get_xdata()) == 2 and ln.get_label().endswith("只产品")]) == 2
    assert any(np.allclose(ln.get_ydata(), 0) for ln in left.lines)


def test_threshold_and_exposure_and_confusion_show_the_given_data():
    figs = _figures()
    thr = figs["threshold"].axes[0]
    assert list(thr.lines[0].get_ydata()) == [0.4, 0.25, 0.1]
    assert "0.50" in figure_title(figs["threshold"])
    conf = figs["confusion"]
    assert "90.0%" in conf.get_suptitle() and "20.0%" in conf.get_suptitle()
    cells = [t.get_text() for t in conf.axes[0].texts]
    assert "80\n80.0%" in cells and "90\n90.0%" in cells
    assert "50.0%" in figure_title(figs["exposure"])


@pytest.mark.parametrize("bad", [pd.DataFrame({"value": [np.nan], "low": [np.nan], "high": [np.nan], "diff": [0.0]},
                                              index=["popularity"])])
def test_degenerate_input_still_draws(bad):
    fig = L4.method_comparison_figure(bad.fillna(0.0))
    fig.savefig(io.BytesIO(), format="png", dpi=30)


def test_long_titles_wrap_to_the_room_left_by_long_product_names():
    # the title starts at the axes' left edge, pushed right by the y tick labels: measured on
    # the real bank, "最常被同一批客户持有的是…" ran 1.2 in past an 8.4 in figure before the fix
    from course_utils.plotting import setup
    setup()
    names = ["安享稳盈一百八十天期增强型理财", "大额存单·三年期（个人专享）", "恒睿固收增强一年定开", "鑫益现金宝"]
    v = np.full((4, 4), 0.2)
    np.fill_diagonal(v, 0)
    v[0, 1] = v[1, 0] = 0.37
    sim = pd.DataFrame(v, index=names, columns=names)
    boot = pd.DataFrame({"value": [0.22, 0.09], "low": [0.21, 0.08], "high": [0.23, 0.10], "diff": [0.13, 0.0]},
                        index=["按年龄段 × 收入段推荐（冷启动）", "热门推荐（基线）"])
    for fig in (L4.similarity_figure(sim, population=NOTE), L4.method_comparison_figure(boot, population=NOTE)):
        assert outside_figure(fig) == []
        assert "\n" in fig.axes[0].get_title(loc="left")
