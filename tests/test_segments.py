"""Unit tests of course_utils.segments (RFM scores, segment rule, k-means, profiles)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

try:  # course theme with the bundled CJK font (no missing-glyph warnings)
    from course_utils.plotting import setup as _setup

    _setup()
except Exception:  # pragma: no cover - plotting module absent
    pass
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from course_utils.segments import (  # noqa: E402
    SEGMENTS,
    compare_segmentations,
    kmeans_segments,
    merge_small_segments,
    plot_profile_heatmap,
    render_segmentation,
    rfm_scores,
    score_column,
    segment_of,
    segment_profile,
    segment_stability,
)


def test_score_column_quintiles_and_direction():
    s = pd.Series([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
    assert score_column(s, 5).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert score_column(s, 5, higher_is_better=False).tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]


def test_score_column_ties_get_equal_scores():
    s = pd.Series([1, 1, 1, 1, 1, 1, 2, 3, 4, 5])
    sc = score_column(s, 5)
    assert sc.iloc[:6].nunique() == 1           # all tied customers share one score
    assert sc.iloc[-1] == 5 and sc.is_monotonic_increasing


def test_score_column_constant_gets_middle():
    assert score_column(pd.Series([7.0] * 4), 5).tolist() == [3] * 4
    assert score_column(pd.Series([7.0]), 4).tolist() == [2]


def test_segment_rule_all_eight():
    assert segment_of(5, 5, 5) == "重要价值客户"
    assert segment_of(5, 1, 5) == "重要发展客户"
    assert segment_of(1, 5, 5) == "重要保持客户"
    assert segment_of(1, 1, 5) == "重要挽留客户"
    assert segment_of(5, 5, 1) == "一般价值客户"
    assert segment_of(5, 1, 1) == "一般发展客户"
    assert segment_of(1, 5, 1) == "一般保持客户"
    assert segment_of(1, 1, 1) == "一般挽留客户"
    # bins=5: the middle score 3 is NOT high (an average customer is not "重要"), 4 is
    assert segment_of(3, 3, 3) == "一般挽留客户"
    assert segment_of(4, 3, 4) == "重要发展客户"
    assert segment_of(3, 3, 3, bins=4) == "重要价值客户"  # bins=4: 3 > 2.5


def test_is_high_boundaries():
    from course_utils.segments import is_high

    assert [bool(is_high(s, 5)) for s in range(1, 6)] == [False, False, False, True, True]
    assert [bool(is_high(s, 3)) for s in range(1, 4)] == [False, False, True]
    assert [bool(is_high(s, 2)) for s in range(1, 3)] == [False, True]


@pytest.fixture
def table():
    # hand-made: 10 customers, distinct values
    return pd.DataFrame(
        {
            "recency_days": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
            "frequency": [10, 9, 8, 7, 6, 5, 4, 3, 2, 1],
            "monetary": [100.0, 1.0, 90.0, 2.0, 80.0, 3.0, 70.0, 4.0, 60.0, 5.0],
        },
        index=[f"C{i}" for i in range(10)],
    )


def test_rfm_scores_hand_computed(table):
    s = rfm_scores(table, bins=5)
    assert s["R_score"].tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert s["F_score"].tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert s["M_score"].tolist() == [5, 1, 5, 1, 4, 2, 4, 2, 3, 3]
    assert s.loc["C0", "segment"] == "重要价值客户"   # 5, 5, 5
    assert s.loc["C1", "segment"] == "一般价值客户"   # 5, 5, 1
    assert s.loc["C2", "segment"] == "重要价值客户"   # 4, 4, 5
    assert s.loc["C4", "segment"] == "重要挽留客户"   # 3, 3, 4: only M is high
    assert s.loc["C8", "segment"] == "一般挽留客户"   # 1, 1, 3: the middle M is not high
    assert s.loc["C7", "segment"] == "一般挽留客户"   # 2, 2, 2
    assert s.loc["C4", "segment_key"] == "important_retain"
    assert list(s["segment_key"].cat.categories)[0] == "important_value"
    assert list(s["segment"].cat.categories) == list(SEGMENTS)
    assert s.loc["C0", "rfm_score"] == pytest.approx(5.0)


def test_rfm_scores_weights(table):
    s = rfm_scores(table, bins=5, weights=(0, 0, 1))
    assert (s["rfm_score"] == s["M_score"]).all()
    s2 = rfm_scores(table, bins=5, weights=(2, 1, 1))
    assert s2.loc["C1", "rfm_score"] == pytest.approx((2 * 5 + 5 + 1) / 4)


def test_rfm_scores_constant_column_no_crash(table):
    t = table.assign(frequency=1)
    s = rfm_scores(t)
    assert (s["F_score"] == 3).all()


@pytest.mark.parametrize("bins", [0, 1, 11, 2.5, "5", True])
def test_rfm_scores_bad_bins(table, bins):
    with pytest.raises(ValueError, match="bins"):
        rfm_scores(table, bins=bins)


def test_rfm_scores_bad_input(table):
    with pytest.raises(ValueError, match="缺少列"):
        rfm_scores(table.drop(columns=["monetary"]))
    with pytest.raises(ValueError, match="weights"):
        rfm_scores(table, weights=(0, 0, 0))
    with pytest.raises(ValueError, match="weights"):
        rfm_scores(table, weights=(1, 2))
    with pytest.raises(ValueError, match="空值"):
        rfm_scores(table.assign(monetary=[np.nan] + [1.0] * 9))


def test_kmeans_and_comparison(table):
    rng = np.random.default_rng(0)
    big = pd.DataFrame({
        "recency_days": np.r_[rng.integers(1, 20, 50), rng.integers(300, 400, 50)],
        "frequency": np.r_[rng.integers(50, 80, 50), rng.integers(1, 5, 50)],
        "monetary": np.r_[rng.uniform(1e5, 2e5, 50), rng.uniform(10, 100, 50)],
    })
    km = kmeans_segments(big, k=2, seed=1)
    assert list(km.cat.categories) == ["簇1", "簇2"]
    assert (km.iloc[:50] == "簇1").all() and (km.iloc[50:] == "簇2").all()  # 簇1 = higher monetary
    assert kmeans_segments(big, k=2, seed=1).equals(km)
    tab, ari = compare_segmentations(km, pd.Series(["x"] * 50 + ["y"] * 50))
    assert ari == pytest.approx(1.0) and tab.shape == (2, 2)
    _, ari2 = compare_segmentations(km, pd.Series(["x", "y"] * 50))
    assert ari2 < 0.1
    with pytest.raises(ValueError):
        kmeans_segments(big.assign(monetary=np.nan), k=2)


def test_profile_and_heatmap(table):
    s = rfm_scores(table)
    prof = segment_profile(s, "segment", ["recency_days", "monetary"])
    assert prof["n"].sum() == 10 and prof["share"].sum() == pytest.approx(1.0)
    assert prof.loc["重要价值客户", "monetary"] == pytest.approx(s.loc[s.segment == "重要价值客户", "monetary"].mean())
    fig = plot_profile_heatmap(prof)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert "交易金额(万元)" in labels and "客户数" in labels
    cells = [t.get_text() for t in ax.texts]
    assert f"{prof.loc['重要价值客户', 'monetary'] / 1e4:.1f}" in cells   # money in 万元
    assert "重要价值客户" in ax.get_title(loc="left") or "倍" in ax.get_title(loc="left")
    _, ax2 = plt.subplots()
    assert plot_profile_heatmap(prof, ax=ax2) is ax2
    plt.close("all")


def test_heatmap_colour_is_relative_to_the_mean_not_stretched():
    from course_utils.viz.lecture2 import profile_ratios

    # a 2 % gap must stay pale; counts and age are never coloured
    prof = pd.DataFrame({"n": [100, 100], "age": [30.0, 60.0], "monetary": [101.0, 99.0],
                         "frequency": [40.0, 10.0]}, index=["a", "b"])
    r = profile_ratios(prof)
    assert r["n"].isna().all() and r["age"].isna().all()
    assert r["monetary"].abs().max() < 0.03
    assert r.loc["a", "frequency"] == pytest.approx(np.log2(40 / 25))
    neg = prof.assign(balance_trend=[-0.1, 0.2])
    assert profile_ratios(neg)["balance_trend"].isna().all()   # signs differ: no ratio


def test_stability_and_small_segments():
    a = pd.Series(["x", "x", "y", "y"], index=list("ABCD"))
    b = pd.Series(["x", "y", "y", "y", "z"], index=list("ABCDE"))
    tab, stayed = segment_stability(a, b)
    assert stayed == pytest.approx(0.75)
    assert tab.loc["x", "y"] == pytest.approx(0.5)
    s = pd.Series(["a"] * 97 + ["b"] * 2 + ["c"])
    merged = merge_small_segments(s, min_share=0.05)
    assert set(merged) == {"a", "其他"} and (merged == "其他").sum() == 3


def test_render_segmentation_pure(table):
    sizes, prof, fig = render_segmentation(table, bins=4, w_r=1, w_f=2, w_m=1, draw=True)
    assert list(sizes.columns) == ["n", "share", "n_top"] and sizes.attrs["top_share"] == 0.2
    assert sizes["n"].sum() == 10 and list(sizes.index) == list(SEGMENTS)
    ax = fig.axes[0]
    widths = sorted(round(p.get_width()) for p in ax.patches)
    drawn = sorted(sizes["n"].tolist() + sizes["n_top"].tolist())
    assert widths == drawn                       # bars = segment sizes + top-20% counts
    assert sizes["n_top"].sum() == 2             # exactly round(20% of 10) customers
    plt.close(fig)
    sizes5, _, none = render_segmentation(table, bins=5, draw=False)
    assert none is None
    # bins=4: 3 and 4 are high; bins=5: 4 and 5 -> different segment sizes
    assert not sizes5["n"].equals(sizes["n"])
    from course_utils.segments import sizes_display

    assert list(sizes_display(sizes).columns) == ["客户数", "占比", "RFM前20%人数"]


def test_high_value_overlap_is_a_symmetric_cross_table():
    from course_utils.segments import HIGH_VALUE_LISTS, high_value_overlap

    rng = np.random.default_rng(2)
    n = 200
    view = pd.DataFrame({"recency_days": rng.integers(1, 400, n), "frequency": rng.integers(0, 50, n),
                         "monetary": rng.gamma(2, 1e4, n), "balance_last": rng.gamma(2, 5e4, n)},
                        index=[f"C{i:03d}" for i in range(n)])
    scored = rfm_scores(view)
    clv = pd.Series(view["balance_last"].to_numpy() * 2, index=view.index)   # CLV follows balances
    o = high_value_overlap(scored, clv)
    assert list(o.index) == list(HIGH_VALUE_LISTS) and (o.to_numpy() == o.to_numpy().T).all()
    assert o.loc["clv_top10", "clv_top10"] == 20 and o.loc["rfm_top20", "rfm_top20"] == 40
    assert o.loc["clv_top10", "balance_top20"] == 20          # same ranking: fully inside
    assert o.loc["important_value", "important_value"] == (scored["segment"] == "重要价值客户").sum()
    assert (o.to_numpy() <= np.diag(o.to_numpy())[:, None]).all()
    assert o.attrs["n"] == n


def test_html_bars_default_colours_follow_the_theme():
    from course_utils.segments import html_bars
    from course_utils.viz import GOOD, NEUTRAL

    out = html_bars(["a"], {"人数": [10], "其中": [4]}, overlay=True)
    assert NEUTRAL in out and GOOD in out


def test_profile_table_uses_the_heatmap_numbers_and_colours():
    from course_utils.segments import profile_table

    prof = pd.DataFrame({"n": [10, 30], "RFM前20%人数": [4, 0], "monetary": [9e4, 1e4],
                         "mobile_share": [0.5, 0.25]}, index=["重要价值客户", "一般挽留客户"])
    html = profile_table(prof).to_html()
    assert "交易金额(万元)" in html and ">9.0<" in html and ">50.0%<" in html and ">4<" in html
    assert "background-color" in html
