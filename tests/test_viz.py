"""Tests of the course charts (course_utils.viz via the charts facade): data drawn,
labels, one colour meaning, number formats, population notes, robustness."""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from helpers import drawn_texts, figure_title, png_warnings, small_texts
from matplotlib.figure import Figure

from course_utils import charts


def _texts(fig: Figure) -> list[str]:
    ax = fig.axes[0]
    return [t.get_text() for t in ax.texts]


def test_format_wan():
    assert charts.format_wan(500_000) == "50.0万元"
    assert charts.format_wan(123_456, digits=2) == "12.35万元"
    assert charts.format_wan(20_000, digits=0) == "2万元"


def test_one_money_and_percent_format_halves_up():
    from course_utils.viz import money, percent

    assert money(12_345) == "1.2万元" and money(12_500) == "1.3万元"   # 1.25 -> 1.3, not to even
    assert money(15_000) == "1.5万元" and money(9_999.5) == "10,000元"
    assert money(2_500.5) == "2,501元" and money(-2_500.5) == "-2,501元"
    assert percent(0.1835) == "18.4%" and percent(0.0005) == "0.1%"
    assert money(float("nan")) == "—" and percent(None) == "—" and money("abc") == "—"
    with pytest.raises(ValueError, match="unit"):
        money(1, "USD")


def test_colours_have_one_meaning_and_no_red_green_pair():
    from course_utils import plotting, viz
    from course_utils.viz import theme

    assert plotting.GOOD == viz.GOOD == theme.GOOD and plotting.BAD == viz.BAD
    assert not hasattr(plotting, "ACCENT")
    # good is blue, bad is orange/vermilion: hue far apart and not a red/green pair
    import colorsys

    from matplotlib.colors import to_rgb

    h_good = colorsys.rgb_to_hsv(*to_rgb(theme.GOOD))[0] * 360
    h_bad = colorsys.rgb_to_hsv(*to_rgb(theme.BAD))[0] * 360
    assert 190 <= h_good <= 230 and 10 <= h_bad <= 40


def _all_figures():
    from course_utils import viz

    prof = pd.DataFrame({"n": [10, 30], "monetary": [9e4, 1e4], "age": [40.0, 50.0]},
                        index=["重要价值客户", "一般挽留客户"])
    moves = pd.DataFrame([[0.8, 0.2], [0.05, 0.95]], index=["a", "b"], columns=["a", "b"])
    sizes = pd.DataFrame({"n": [30, 70], "share": [.3, .7], "n_top": [20, 0]}, index=["a", "b"])
    return {
        "trend": charts.churn_trend_figure({2021: .15, 2022: .18, 2023: .2}, [(2022, "产品调整")]),
        "tiers": charts.clv_tier_figure(_tiers(), population="统计范围：测试"),
        "loyalty": charts.loyalty_figure({"≥90": .85, "70–89": .6, "<70": .3}, population="统计范围：测试"),
        "causes": viz.root_cause_figure({"a": 1, "b": 2}, {"a": "服务同质化", "b": "其他"},
                                        population="统计范围：测试"),
        "before_after": viz.before_after_figure(pd.Series([1.0, 2, 3]), pd.Series([0.0, 1, 2]),
                                                population="统计范围：测试"),
        "heatmap": viz.profile_heatmap_figure(prof, population="统计范围：测试"),
        "moves": viz.segment_transition_figure(moves, 0.9, population="统计范围：测试"),
        "sizes": viz.segment_sizes_figure(sizes),
        "campaign": viz.campaign_figure(pd.DataFrame(
            {"cost": [2e4, 5e3, 2.5e4], "revenue": [6e4, 0.0, 6e4], "profit": [4e4, -5e3, 3.5e4],
             "roi": [2.0, -1.0, 1.4]}, index=["重要价值客户", "一般挽留客户", "合计"])),
    }


def test_every_chart_has_a_message_a_note_and_no_text_below_11pt():
    for name, fig in _all_figures().items():
        texts = drawn_texts(fig)
        small = small_texts(texts)
        assert small == [], (name, small)
        joined = " ".join(t.get_text() for t in texts)
        assert any(w in joined for w in ("统计范围", "口径", "权重", "模拟结果")), name   # population note
        title = figure_title(fig)
        assert len(title) >= 6, (name, title)


def test_churn_trend_draws_the_given_rates_sorted_by_year():
    fig = charts.churn_trend_figure({2023: 0.21, 2021: 0.14, 2022: 0.17})
    assert isinstance(fig, Figure)
    line = fig.axes[0].lines[0]
    assert list(line.get_xdata()) == [2021, 2022, 2023]
    np.testing.assert_allclose(line.get_ydata(), [0.14, 0.17, 0.21])
    labels = _texts(fig)
    for label in ("14.0%", "17.0%", "21.0%"):
        assert label in labels
    title = fig.axes[0].get_title(loc="left")
    assert "14.0%" in title and "21.0%" in title
    assert any("1 月 1 日" in t for t in labels)          # the definition / population note


def test_churn_trend_accepts_series_and_annotates_valid_events_only():
    rates = pd.Series([0.15, 0.18, 0.20], index=[2021, 2022, 2023])
    events = [(2022, "产品调整：手续费上调"), {"year": 2023, "text": "市场变化"},
              (2019, "不在图上的年份"), (2021, "   "), ("abc", "坏年份"), "junk"]
    fig = charts.churn_trend_figure(rates, events)
    labels = _texts(fig)
    assert "产品调整：手续费上调" in labels
    assert "市场变化" in labels
    assert "不在图上的年份" not in labels
    assert "坏年份" not in labels
    # 3 value labels + 2 event boxes + the note
    assert len(labels) == 6


def test_churn_trend_tolerates_nan_and_single_year():
    fig = charts.churn_trend_figure({2021: 0.15, 2022: float("nan"), 2023: 0.2},
                                    [(2022, "事件在缺失年份")])
    assert "事件在缺失年份" not in _texts(fig)
    fig2 = charts.churn_trend_figure({2021: 0.15})
    assert fig2.axes[0].get_title(loc="left") == "客户流失率 (churn rate)"
    fig3 = charts.churn_trend_figure({})
    assert fig3.axes[0].lines[0].get_xdata().size == 0


def test_normalize_events():
    assert charts.normalize_events([(2022, "a\x00b\tc"), (2023, "\x00")]) == [(2022, "abc")]
    assert charts.normalize_events(None) == []
    assert charts.normalize_events([(2022.0, " a "), ("2023", "b"), (None, "c"), (2021, None)]) == [
        (2022, "a"), (2023, "b")]


def _tiers():
    return pd.DataFrame({"tier": ["bottom", "top", "middle"],
                         "n": [30, 10, 60], "mean_clv": [20_000.0, 500_000.0, 100_000.0]})


def test_clv_tier_figure_orders_tiers_and_shows_shares():
    fig = charts.clv_tier_figure(_tiers())
    ax = fig.axes[0]
    heights = [p.get_height() for p in ax.patches]
    assert heights == [500_000.0, 100_000.0, 20_000.0]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[0].startswith("高价值") and ticks[2].startswith("低价值")
    labels = " ".join(_texts(fig))
    # total = 5e6 + 6e6 + 0.6e6 = 11.6e6 -> shares 43% / 52% / 5%
    total = 10 * 5e5 + 60 * 1e5 + 30 * 2e4
    for n, mean in [(10, 5e5), (60, 1e5), (30, 2e4)]:
        assert f"{n * mean / total:.1%}" in labels
    assert "人均 50.0万元" in labels and "人均 2.0万元" in labels
    assert "25 倍" in ax.get_title(loc="left")


def test_clv_tier_figure_takes_the_population_from_the_kpi_frame():
    from course_utils import kpis

    df = pd.DataFrame({"open_date": ["2020-01-01"] * 12, "churn_date": [""] * 11 + ["2021-01-01"],
                       "clv": [float(i) for i in range(1, 13)]})
    fig = charts.clv_tier_figure(kpis.clv_tiers(df, as_of="2024-06-30"))
    assert "统计范围：2024-06-30 日终在网客户（11 人）" in _texts(fig)
    legacy = charts.clv_tier_figure({"Top 10%": 4e5, "Bottom 30%": 2e4})   # old labels still work
    assert [p.get_height() for p in legacy.axes[0].patches] == [4e5, 2e4]


def test_clv_tier_figure_from_mapping_without_counts():
    fig = charts.clv_tier_figure({"Top 10%": 4e5, "Middle 60%": 8e4})
    assert [p.get_height() for p in fig.axes[0].patches] == [4e5, 8e4]
    assert "占全行" not in " ".join(_texts(fig))


def test_loyalty_figure_orders_bands_low_to_high():
    frame = pd.DataFrame({"band": ["≥90", "70–89", "<70"], "n": [5, 20, 10],
                          "loyal_rate": [0.8, 0.55, 0.25]})
    fig = charts.loyalty_figure(frame)
    ax = fig.axes[0]
    assert [p.get_height() for p in ax.patches] == [0.25, 0.55, 0.8]
    labels = _texts(fig)
    assert labels[0].startswith("25.0%") and "(10 人)" in labels[0]
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "满意度 ≥ 90"
    colours = [p.get_facecolor() for p in ax.patches]
    from matplotlib.colors import to_rgba

    from course_utils.viz import BAD, GOOD

    assert colours[0] == to_rgba(BAD) and colours[-1] == to_rgba(GOOD)   # low orange, high blue
    assert "85" not in ax.get_title(loc="left") and "80.0%" in ax.get_title(loc="left") and "忠诚客户" in ax.get_title(loc="left")


def test_root_cause_figure_legend_shows_the_split():
    from course_utils import viz

    reasons = {"竞争对手优惠": 25, "收益率低": 16, "手续费高": 20, "服务体验差": 16, "其他": 23}
    groups = {"竞争对手优惠": "服务同质化", "收益率低": "服务同质化", "手续费高": "成本效率低",
              "服务体验差": "成本效率低", "其他": "其他"}
    fig = viz.root_cause_figure(reasons, groups, population="统计范围：测试")
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["服务同质化（合计 41.0%）", "成本效率低（合计 36.0%）", "其他（合计 23.0%）"]
    assert ax.get_title(loc="left") == "流失原因：服务同质化占 41.0%，成本效率低占 36.0%"
    # bars of one root cause share one colour, different causes differ
    colour = {t.get_text(): p.get_facecolor() for t, p in zip(ax.get_yticklabels(), ax.patches)}
    assert colour["收益率低"] == colour["竞争对手优惠"] != colour["手续费高"]


def test_churn_reason_figure_largest_on_top():
    fig = charts.churn_reason_figure(pd.Series({"a": 1, "b": 3, "c": 6}), highlight=["c"])
    ax = fig.axes[0]
    widths = [p.get_width() for p in ax.patches]
    assert widths == pytest.approx([0.1, 0.3, 0.6])
    assert _texts(fig)[:3] == ["10.0%", "30.0%", "60.0%"]
    assert ax.patches[-1].get_facecolor() != ax.patches[0].get_facecolor()


def test_charts_render_chinese_without_missing_glyphs():
    from course_utils.plotting import setup

    setup()
    figs = [
        charts.churn_trend_figure({2021: .15, 2022: .18, 2023: .2},
                                  [(2022, "产品调整：手续费上调"), (2023, "市场变化：竞品高收益理财")]),
        charts.clv_tier_figure(_tiers()),
        charts.loyalty_figure({"≥90": .85, "70–89": .6, "<70": .3}),
        charts.churn_reason_figure({"收益率低于他行": 3, "服务体验一般": 2}),
    ]
    figs += list(_all_figures().values())
    assert png_warnings(figs) == []


def test_churn_trend_title_follows_direction_and_fixed_scale():
    down = charts.churn_trend_figure({2021: .2, 2022: .18, 2023: .15})
    assert "降至" in down.axes[0].get_title(loc="left")
    flat = charts.churn_trend_figure({2021: .1, 2022: .1, 2023: .1})
    assert flat.axes[0].get_title(loc="left") == "客户流失率 (churn rate) 三年持平于 10.0%"
    fixed = charts.churn_trend_figure({2021: .1, 2022: .1, 2023: .1}, ymax=0.45)
    assert fixed.axes[0].get_ylim() == pytest.approx((0, 0.45))


def test_course_figure_displays_as_png_in_jupyter():
    fig = charts.loyalty_figure({"≥90": .85})
    png = fig._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_churn_trend_keeps_its_size_when_saved_tight():
    # fixed margins: a "tight" request (what the widget helper asks for) is skipped,
    # saving a whole extra draw per redraw; the PNG keeps the figure's pixel size
    from PIL import Image

    fig = charts.churn_trend_figure({2021: .15, 2022: .18, 2023: .2}, figsize=(6, 3))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=50, bbox_inches="tight")
    assert Image.open(io.BytesIO(buf.getvalue())).size == (300, 150)
    other = charts.loyalty_figure({"≥90": .85})  # layout engine: tight still honoured
    buf2 = io.BytesIO()
    other.savefig(buf2, format="png", dpi=50, bbox_inches="tight")
    assert Image.open(io.BytesIO(buf2.getvalue())).size != (375, 210)


@pytest.mark.parametrize("module", ["course_utils.charts", "course_utils.impact",
                                    "course_utils.viz.fmt", "course_utils.viz.lecture1",
                                    "course_utils.viz.lecture2", "course_utils.viz.theme"])
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), verbose=False)
    assert result.failed == 0
    assert result.attempted > 0 or module.endswith("theme")
