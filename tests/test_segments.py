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
    assert segment_of(3, 2, 3) == "重要发展客户"  # bins=5: 3 is high, 2 is low


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
    assert s.loc["C0", "segment"] == "重要价值客户"
    assert s.loc["C1", "segment"] == "一般价值客户"
    assert s.loc["C8", "segment"] == "重要挽留客户"
    assert s.loc["C7", "segment"] == "一般挽留客户"  # 2, 2, 2
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
    ax = plot_profile_heatmap(prof)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert "交易金额(元)" in labels and "客户数" in labels
    plt.close("all")


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
    assert sizes["客户数"].sum() == 10 and list(sizes.index) == list(SEGMENTS)
    ax = fig.axes[0]
    widths = sorted(round(p.get_width()) for p in ax.patches)
    drawn = sorted(sizes["客户数"].tolist() + sizes.iloc[:, 2].tolist())
    assert widths == drawn                       # bars = segment sizes + top-20% counts
    assert sizes.iloc[:, 2].sum() == 2           # exactly round(20% of 10) customers
    plt.close(fig)
    sizes5, _, none = render_segmentation(table, bins=5, draw=False)
    assert none is None
    # bins=4: half = 2, so score 2 is low; bins=5: score 3 is high -> different segment sizes
    assert not sizes5["客户数"].equals(sizes["客户数"])
