"""Customer segmentation for Lecture 2: RFM scores and segments, k-means, profiles.

Public functions
----------------
rfm_scores(rfm_table, bins=5, weights=(1, 1, 1))
    R/F/M scores 1..bins by rank-based quantiles (5 = best) and the classic
    8-segment RFM name (重要价值客户 ... 一般挽留客户).
kmeans_segments(features, k=4, seed=0)
    k-means on log-transformed, standardised features (the data-driven alternative).
compare_segmentations(a, b)
    Crosstab and adjusted Rand index between two segmentations.
segment_profile(table, segment_col, feature_cols)
    Mean of each feature per segment (+ size and share), for a heatmap.
plot_profile_heatmap(profile, ...)
    The profile as a heatmap a manager can read (colour = above / below the population
    mean, numbers = the real means); the figure itself is
    :func:`course_utils.viz.profile_heatmap_figure`.
segment_stability(seg_a, seg_b)
    How many customers keep their segment between two cut-off dates.
merge_small_segments(segments, min_share)
    Fold segments smaller than ``min_share`` into 其他 (or a named segment).
render_segmentation(rfm_table, bins, w_r, w_f, w_m)
    Pure render logic of the "tune the segmentation" widget (tables with English
    columns + figure); :func:`sizes_display` translates the table for display.

Segment names: the ``segment`` column holds the bank's Chinese names
(:data:`course_utils.domain.SEGMENTS`, also the campaign simulator's keys) and
``segment_key`` the English keys (:data:`course_utils.domain.SEGMENT_KEYS`).

The 8-segment rule (documented for trainees as well):
each score is "high" (高) when it is clearly above the middle of the scale, i.e.
``score > (bins + 1) / 2`` (for ``bins=5``: 4 and 5 are high; 1, 2 and the middle
score 3 are low -- an average customer is not "high"). Then

====== ====== ====== ==============
R      F      M      segment
====== ====== ====== ==============
高     高     高     重要价值客户
高     低     高     重要发展客户
低     高     高     重要保持客户
低     低     高     重要挽留客户
高     高     低     一般价值客户
高     低     低     一般发展客户
低     高     低     一般保持客户
低     低     低     一般挽留客户
====== ====== ====== ==============
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

__all__ = [
    "SEGMENTS",
    "SEGMENT_RULES",
    "SEGMENT_STRATEGY",
    "FEATURE_LABELS",
    "score_column",
    "rfm_scores",
    "segment_of",
    "kmeans_segments",
    "compare_segmentations",
    "segment_profile",
    "plot_profile_heatmap",
    "segment_stability",
    "merge_small_segments",
    "render_segmentation",
    "sizes_display",
    "rfm_top_list",
    "HIGH_VALUE_LISTS",
    "high_value_overlap",
    "is_high",
    "profile_table",
    "segment_strategy",
    "STRATEGY_LABELS_ZH",
    "html_bars",
]

from . import domain  # noqa: E402
from .viz.html import html_bars  # noqa: E402,F401  (moved to viz; kept importable here)
from .viz.lecture2 import profile_table  # noqa: E402,F401  (a display: lives in viz)
from .domain import SEGMENTS  # noqa: E402  (one definition)

#: (R high, F high, M high) -> segment name.
SEGMENT_RULES: dict[tuple[bool, bool, bool], str] = {
    (True, True, True): "重要价值客户",
    (True, False, True): "重要发展客户",
    (False, True, True): "重要保持客户",
    (False, False, True): "重要挽留客户",
    (True, True, False): "一般价值客户",
    (True, False, False): "一般发展客户",
    (False, True, False): "一般保持客户",
    (False, False, False): "一般挽留客户",
}

#: Meaning and the usual strategy per segment (trainee-facing, Chinese).
SEGMENT_STRATEGY: dict[str, str] = {
    "重要价值客户": "最近来过、常来、金额高：VIP 维护，专属客户经理，高端理财/私行产品",
    "重要发展客户": "最近来过、金额高但不常来：提升频次，交叉销售（信用卡、基金定投）",
    "重要保持客户": "常来、金额高但最近没来：及时唤回，客户经理电话关怀",
    "重要挽留客户": "金额高但最近没来、也不常来：流失风险高，重点挽留（专属利率、面访）",
    "一般价值客户": "最近来过、常来但金额低：提升客单价，推荐小额理财/定投",
    "一般发展客户": "新近但不活跃、金额低：低成本培育，APP 推送新手礼",
    "一般保持客户": "常来但金额低、最近没来：低成本提醒，短信/APP 活动",
    "一般挽留客户": "久未交易、不活跃、金额低：只用最低成本渠道（APP 推送），不宜投入高成本",
}

#: Chinese labels for feature columns used in profiles and plots (one table, in domain).
FEATURE_LABELS: dict[str, str] = domain.COLUMN_LABELS_ZH


def _fail(zh: str, en: str) -> ValueError:
    return ValueError(f"{zh}\n{en}")


def score_column(values: pd.Series, bins: int = 5, higher_is_better: bool = True) -> pd.Series:
    """Scores 1..``bins`` from rank-based quantiles (``bins`` = best).

    Equal values always get the same score (average rank). A constant column
    (or one single customer) gets the middle score ``(bins + 1) // 2``.

    >>> score_column(pd.Series([10, 20, 30, 40, 50]), bins=5).tolist()
    [1, 2, 3, 4, 5]
    >>> score_column(pd.Series([7, 7, 7]), bins=5).tolist()
    [3, 3, 3]
    """
    s = pd.to_numeric(values, errors="coerce").astype("float64")
    if s.isna().any():
        raise _fail(
            f"列 '{values.name}' 有空值或非数字，无法打分。请先处理缺失值。",
            f"Column '{values.name}' has missing / non-numeric values; clean it before scoring.",
        )
    if s.nunique() <= 1:
        return pd.Series((bins + 1) // 2, index=s.index, dtype="int64")
    ranked = (s if higher_is_better else -s).rank(method="average").to_numpy()
    # ceil(rank * bins / n), with a tiny tolerance so exact boundaries are not bumped up
    scores = np.ceil(ranked * bins / len(s) - 1e-9).clip(1, bins).astype("int64")
    return pd.Series(scores, index=s.index, dtype="int64")


def is_high(score, bins: int = 5):
    """A score is "high" when clearly above the middle of 1..bins: ``score > (bins + 1) / 2``.

    >>> [bool(is_high(s)) for s in (1, 2, 3, 4, 5)]
    [False, False, False, True, True]
    >>> [bool(is_high(s, bins=4)) for s in (1, 2, 3, 4)]
    [False, False, True, True]
    """
    return score > (bins + 1) / 2


def segment_of(r: int, f: int, m: int, bins: int = 5) -> str:
    """The 8-segment name for one customer's scores (high = :func:`is_high`).

    >>> segment_of(5, 1, 4)
    '重要发展客户'
    >>> segment_of(3, 3, 3)
    '一般挽留客户'
    """
    return SEGMENT_RULES[(bool(is_high(r, bins)), bool(is_high(f, bins)), bool(is_high(m, bins)))]


def _check_bins(bins) -> int:
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or not 2 <= bins <= 10:
        raise _fail(
            f"bins 应该是 2 到 10 之间的整数（常用 5，即五分位），现在是 {bins!r}。",
            f"bins must be an integer between 2 and 10 (usually 5), got {bins!r}.",
        )
    return int(bins)


def rfm_scores(
    rfm_table: pd.DataFrame,
    bins: int = 5,
    weights: Sequence[float] = (1.0, 1.0, 1.0),
) -> pd.DataFrame:
    """R/F/M scores and the 8-segment RFM name for each customer.

    Parameters
    ----------
    rfm_table : DataFrame
        Output of :func:`course_utils.features.rfm` (columns ``recency_days``,
        ``frequency``, ``monetary``; extra columns are kept).
    bins : int
        Number of score levels (5 = quintiles). Scores run 1..bins, ``bins`` = best:
        most recent (smallest ``recency_days``), most frequent, highest monetary.
    weights : (w_r, w_f, w_m)
        Weights of the combined ``rfm_score`` (weighted mean of the three scores, on the
        same 1..bins scale). They rank customers inside a segment and define "RFM top
        20%"; they do not change the 8-segment rule.

    Returns
    -------
    Copy of ``rfm_table`` with ``R_score``, ``F_score``, ``M_score`` (int),
    ``rfm_score`` (float), ``segment`` (ordered categorical of the Chinese names, see
    :data:`SEGMENTS`) and ``segment_key`` (the English key).

    Ties get equal scores (rank-based quantiles); a constant column gets the
    middle score instead of failing.

    >>> t = pd.DataFrame({"recency_days": [5, 50, 500], "frequency": [9, 3, 1],
    ...                   "monetary": [900.0, 300.0, 10.0]}, index=["A", "B", "C"])
    >>> rfm_scores(t, bins=3)[["R_score", "F_score", "M_score", "segment", "segment_key"]]
       R_score  F_score  M_score segment      segment_key
    A        3        3        3  重要价值客户  important_value
    B        2        2        2  一般挽留客户   general_retain
    C        1        1        1  一般挽留客户   general_retain
    """
    if not isinstance(rfm_table, pd.DataFrame):
        raise _fail(
            f"rfm_table 应该是 rfm() 返回的 DataFrame，现在是 {type(rfm_table).__name__}。",
            f"rfm_table must be the DataFrame returned by rfm(), got {type(rfm_table).__name__}.",
        )
    missing = [c for c in ("recency_days", "frequency", "monetary") if c not in rfm_table.columns]
    if missing:
        raise _fail(
            f"rfm_table 缺少列 {missing}。请先用 rfm(transactions, as_of) 计算 RFM 表。",
            f"rfm_table is missing {missing}; compute it with rfm(transactions, as_of).",
        )
    bins = _check_bins(bins)
    try:
        w = np.asarray(list(weights), dtype="float64")
    except (TypeError, ValueError):
        w = np.array([])
    if w.shape != (3,) or not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise _fail(
            f"weights 应该是 3 个非负数 (R, F, M 的权重)，且不能全为 0，现在是 {weights!r}。",
            f"weights must be three non-negative numbers, not all zero; got {weights!r}.",
        )
    out = rfm_table.copy()
    out["R_score"] = score_column(out["recency_days"], bins, higher_is_better=False)
    out["F_score"] = score_column(out["frequency"], bins)
    out["M_score"] = score_column(out["monetary"], bins)
    scores = out[["R_score", "F_score", "M_score"]].to_numpy(dtype="float64")
    out["rfm_score"] = scores @ (w / w.sum())
    code = (
        is_high(out["R_score"].to_numpy(), bins).astype(int) * 4
        + is_high(out["F_score"].to_numpy(), bins).astype(int) * 2
        + is_high(out["M_score"].to_numpy(), bins).astype(int)
    )
    by_code = {
        int(r) * 4 + int(f) * 2 + int(m): name for (r, f, m), name in SEGMENT_RULES.items()
    }
    names = np.array([by_code[i] for i in range(8)], dtype=object)[code]
    out["segment"] = pd.Categorical(names, categories=list(SEGMENTS), ordered=True)
    out["segment_key"] = pd.Categorical(
        [domain.segment_key(x) for x in names], categories=list(domain.SEGMENT_KEYS), ordered=True)
    return out


# --------------------------------------------------------------------------
# k-means alternative
# --------------------------------------------------------------------------
def kmeans_segments(
    features: pd.DataFrame,
    k: int = 4,
    seed: int = 0,
    log_cols: Sequence[str] | None = ("frequency", "monetary", "recency_days"),
) -> pd.Series:
    """k-means clusters on log-transformed, standardised features.

    ``log_cols`` (heavy-tailed, non-negative) get ``log1p`` before
    ``StandardScaler``; without scaling, the column with the largest numbers
    (money) would decide the clusters alone. Returns a categorical Series
    ``簇1..簇k`` ordered by mean ``monetary`` (簇1 = highest) when that column
    exists. Example: ``kmeans_segments(rfm_table, k=4, seed=SEED)``.
    """
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import StandardScaler

    if not isinstance(k, (int, np.integer)) or not 2 <= k <= 20:
        raise _fail(f"k 应该是 2 到 20 之间的整数，现在是 {k!r}。", f"k must be an int in 2..20, got {k!r}.")
    X = features.apply(pd.to_numeric, errors="coerce").astype("float64")
    if X.isna().any().any():
        raise _fail(
            "聚类特征里有空值，请先填补缺失值（见数据预处理一节）。",
            "Features contain missing values; impute them before clustering.",
        )
    for c in log_cols or ():
        if c in X.columns:
            X[c] = np.log1p(X[c].clip(lower=0))
    Z = StandardScaler().fit_transform(X.to_numpy())
    try:  # one thread: on a small table, OpenMP start-up and contention cost more than they save
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        labels = KMeans(n_clusters=int(k), n_init=4, random_state=seed).fit_predict(Z)
    else:
        with threadpool_limits(limits=1):
            labels = KMeans(n_clusters=int(k), n_init=4, random_state=seed).fit_predict(Z)
    lab = pd.Series(labels, index=features.index)
    if "monetary" in features.columns:
        order = features["monetary"].groupby(lab).mean().sort_values(ascending=False).index
    else:
        order = lab.value_counts().index
    rename = {old: f"簇{i + 1}" for i, old in enumerate(order)}
    names = [f"簇{i + 1}" for i in range(int(k))]
    return pd.Series(
        pd.Categorical(lab.map(rename), categories=names, ordered=True),
        index=features.index,
        name="cluster",
    )


def compare_segmentations(a: pd.Series, b: pd.Series) -> tuple[pd.DataFrame, float]:
    """Crosstab of two segmentations of the same customers and their adjusted Rand index.

    ARI is 1 for identical groupings (whatever the labels), about 0 for unrelated ones.

    >>> tab, ari = compare_segmentations(pd.Series(list("aabb")), pd.Series(list("xxyy")))
    >>> round(ari, 3)
    1.0
    """
    from sklearn.metrics import adjusted_rand_score

    a, b = a.align(b, join="inner")
    tab = pd.crosstab(a.rename(a.name or "A"), b.rename(b.name or "B"))
    ari = float(adjusted_rand_score(a.astype(str), b.astype(str)))
    return tab, ari


# --------------------------------------------------------------------------
# profiles and heatmap
# --------------------------------------------------------------------------
def segment_profile(
    table: pd.DataFrame,
    segment_col: str = "segment",
    feature_cols: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Mean of each feature per segment, plus ``n`` (customers) and ``share`` (0-1).

    Segments keep their categorical order; empty categories are dropped.
    Example: ``segment_profile(scored, "segment", ["recency_days", "frequency", "monetary"])``.
    """
    if feature_cols is None:
        feature_cols = [
            c for c in table.columns if c != segment_col and pd.api.types.is_numeric_dtype(table[c])
        ]
    feature_cols = list(feature_cols)
    g = table.groupby(segment_col, observed=True)
    prof = g[feature_cols].mean()
    prof.insert(0, "n", g.size())
    prof.insert(1, "share", prof["n"] / max(len(table), 1))
    return prof


def plot_profile_heatmap(
    profile: pd.DataFrame,
    ax=None,
    title: str | None = None,
    population: str | None = None,
):
    """The profile heatmap (see :func:`course_utils.viz.profile_heatmap_figure`).

    With ``ax`` the heatmap is drawn into it and the Axes returned; without, the whole
    figure (title = message, note = population) is returned.
    """
    from course_utils import viz

    if ax is None:
        return viz.profile_heatmap_figure(profile, title=title, population=population)
    viz.draw_profile_heatmap(ax, profile)
    if title:
        ax.set_title(title, loc="left")
    return ax


# --------------------------------------------------------------------------
# common problems: unstable and tiny segments
# --------------------------------------------------------------------------
def segment_stability(seg_a: pd.Series, seg_b: pd.Series) -> tuple[pd.DataFrame, float]:
    """Transition table between the segments at two cut-offs and the share that stayed.

    Only customers present at both dates are compared. Rows = segment at the first
    date, columns = at the second, values = row shares (0-1).
    """
    a, b = seg_a.align(seg_b, join="inner")
    if len(a) == 0:
        return pd.DataFrame(), float("nan")
    tab = pd.crosstab(a.rename("第一次"), b.rename("第二次"), normalize="index")
    stayed = float((a.astype(str) == b.astype(str)).mean())
    return tab, stayed


def merge_small_segments(
    segments: pd.Series, min_share: float = 0.02, into: str = "其他"
) -> pd.Series:
    """Fold segments holding less than ``min_share`` of customers into ``into``.

    A campaign needs enough customers per segment to measure a response; tiny
    segments are merged (into 其他, or an existing segment name).
    """
    s = segments.astype(str)
    shares = s.value_counts(normalize=True)
    small = shares.index[shares < min_share]
    return s.where(~s.isin(small), into).rename(segments.name)


# --------------------------------------------------------------------------
# widget render logic (pure; the widget only wires controls to this)
# --------------------------------------------------------------------------
def render_segmentation(
    rfm_table: pd.DataFrame,
    bins: int = 5,
    w_r: float = 1.0,
    w_f: float = 1.0,
    w_m: float = 1.0,
    top_share: float = 0.2,
    draw: bool = True,
):
    """Everything the "tune the segmentation" widget shows, for one set of controls.

    Returns ``(sizes, profile, fig)``: segment sizes with English columns ``n``
    (customers), ``share`` (0-1) and ``n_top`` (how many are in the weighted "RFM top
    ``top_share``" list; ``sizes.attrs["top_share"]``), the mean R/F/M per segment, and a
    light bar chart of the sizes (``None`` when ``draw=False``). Kept cheap (one
    axes, no seaborn, no tight_layout) so a redraw stays well under 150 ms.
    :func:`sizes_display` gives the table with Chinese headers.
    """
    scored = rfm_scores(rfm_table, bins=bins, weights=(w_r, w_f, w_m))
    scored["top"] = rfm_top_list(scored, top_share).to_numpy()
    g = scored.groupby("segment", observed=False)
    sizes = pd.DataFrame(
        {
            "n": g.size().astype("int64"),
            "share": g.size() / max(len(scored), 1),
            "n_top": g["top"].sum().astype("int64"),
        }
    )
    sizes.attrs["top_share"] = float(top_share)
    profile = segment_profile(
        scored, "segment", ["recency_days", "frequency", "monetary", "rfm_score"]
    )
    fig = None
    if draw:
        from course_utils.viz import segment_sizes_figure

        fig = segment_sizes_figure(sizes, bins=bins, weights=(w_r, w_f, w_m), top_share=top_share)
    return sizes, profile, fig


def sizes_display(sizes: pd.DataFrame) -> pd.DataFrame:
    """The sizes table of :func:`render_segmentation` with Chinese headers, for display.

    >>> s = pd.DataFrame({"n": [3], "share": [0.3], "n_top": [1]}, index=["重要价值客户"])
    >>> s.attrs["top_share"] = 0.2
    >>> sizes_display(s).columns.tolist()
    ['客户数', '占比', 'RFM前20%人数']
    """
    top = f"RFM前{sizes.attrs.get('top_share', 0.2) * 100:.0f}%人数"
    return sizes.rename(columns={"n": "客户数", "share": "占比", "n_top": top})


# --------------------------------------------------------------------------
# precision marketing: product / campaign / channel per segment, argued from data
# --------------------------------------------------------------------------
def segment_strategy(scored_view: pd.DataFrame, segment_col: str = "segment") -> pd.DataFrame:
    """Suggested product, campaign and channel per segment, with the data behind them.

    ``scored_view`` is a customer view (see ``features.customer_view``) with a
    segment column. Rules (documented so a manager can challenge them):

    - channel: 重要* segments get a personal channel (电话外呼; 客户经理面访 for
      重要价值客户); others APP推送 when their mean ``mobile_share`` >= 50%, else 短信;
    - product: wealth share >= population mean -> 理财 (upgrade); dormant
      (mean recency > 60 days) -> 存款 with a rate coupon to win them back;
      few product categories (< population mean) -> 信用卡 / 基金 cross-sell;
      otherwise 基金;
    - campaign: from the segment's meaning (:data:`SEGMENT_STRATEGY`).

    Returns one row per segment (index ``segment``) with English columns ``n``, ``product``,
    ``channel``, ``campaign``, ``reason`` (the values are Chinese text); show it with
    ``.rename(columns=STRATEGY_LABELS_ZH)``.
    """
    cols = [c for c in ("recency_days", "frequency", "monetary", "mobile_share", "wealth_share",
                        "n_categories", "study_abroad_visits") if c in scored_view.columns]
    prof = segment_profile(scored_view, segment_col, cols)
    overall = scored_view[cols].mean()
    rows = []
    for seg, r in prof.iterrows():
        seg = str(seg)
        key = domain.segment_key(seg) or ""
        reasons = []
        if key.startswith("important_"):
            channel = "电话外呼（预算充足可加客户经理面访）" if key == "important_value" else "电话外呼"
            reasons.append("单客价值高，值得人工渠道")
        elif r.get("mobile_share", 0) >= 0.5:
            channel = "APP推送"
            reasons.append(f"线上渠道占比 {r['mobile_share']:.0%}")
        else:
            channel = "短信"
            reasons.append(f"线上渠道占比仅 {r.get('mobile_share', 0):.0%}")
        if r.get("recency_days", 0) > 60:
            product = "存款（加息券唤回）"
            reasons.append(f"平均 {r['recency_days']:.0f} 天未交易")
        elif r.get("wealth_share", 0) >= overall.get("wealth_share", 1):
            product = "理财（升级）"
            reasons.append(f"理财基金占比 {r['wealth_share']:.0%} 高于平均")
        elif r.get("n_categories", 9) < overall.get("n_categories", 0):
            product = "信用卡 / 基金定投（交叉销售）"
            reasons.append(f"平均只持有 {r['n_categories']:.1f} 类产品")
        else:
            product = "基金"
            reasons.append("交易活跃，适合基金定投")
        rows.append({
            "segment": seg, "n": int(r["n"]),
            "product": product, "channel": channel,
            "campaign": SEGMENT_STRATEGY.get(seg, ""), "reason": "；".join(reasons),
        })
    return pd.DataFrame(rows).set_index("segment")


#: Chinese headers of :func:`segment_strategy` (display only).
STRATEGY_LABELS_ZH: dict[str, str] = {"segment": "客群", "n": "客户数", "product": "建议产品",
                                      "channel": "建议渠道", "campaign": "活动思路", "reason": "依据"}



# --------------------------------------------------------------------------
# four lists that are all called "high value": how much do they overlap?
# --------------------------------------------------------------------------
def rfm_top_list(scored: pd.DataFrame, top_share: float = 0.2) -> pd.Series:
    """The "RFM top ``top_share``" list: exactly ``round(top_share × n)`` (at least 1)
    customers with the best weighted ``rfm_score``; ties broken by higher monetary, then
    by row order (stable on every machine).

    >>> t = pd.DataFrame({"rfm_score": [3.0, 5.0, 5.0, 1.0, 2.0], "monetary": [1.0, 2.0, 9.0, 0.0, 0.0]})
    >>> rfm_top_list(t, 0.4).tolist()
    [False, True, True, False, False]
    """
    n_top = max(domain.round_half_up(top_share * len(scored)), 1)
    order = np.lexsort((-scored["monetary"].to_numpy(dtype=float), -scored["rfm_score"].to_numpy(dtype=float)))
    top = np.zeros(len(scored), dtype=bool)
    top[order[:n_top]] = True
    return pd.Series(top, index=scored.index, name="rfm_top")


#: The lists a bank may call "high value", English key -> Chinese label. In this course
#: 高价值客户 means only the first one (:data:`course_utils.domain.HIGH_VALUE_TIER`).
HIGH_VALUE_LISTS: dict[str, str] = {
    "clv_top10": "高价值客户（CLV 前 10%）",
    "monetary_top20": "高交易额（近一年交易金额前 20%）",
    "balance_top20": "高余额（月末余额前 20%）",
    "important_value": "重要价值客户（RFM 客群）",
    "rfm_top20": "RFM 综合分前 20% 名单",
}


def high_value_overlap(scored_view: pd.DataFrame, clv: pd.Series) -> pd.DataFrame:
    """Cross-table of the "high value" lists: customers on both list i and list j.

    ``scored_view``: a customer view scored with :func:`rfm_scores` (index = customer id;
    columns monetary, rfm_score, segment and, if present, balance_last). ``clv``: CLV per
    customer (CNY, indexed by customer id); the CLV top 10 % is ranked among the customers
    of ``scored_view`` (:func:`course_utils.domain.clv_tier`).

    Returns a square DataFrame indexed and columned by the keys of
    :data:`HIGH_VALUE_LISTS` present (the diagonal = list sizes); ``attrs["n"]`` = customers.

    >>> v = pd.DataFrame({"monetary": [9.0, 8, 1, 1, 1, 1, 1, 1, 1, 1],
    ...                   "rfm_score": [5.0, 4, 1, 1, 1, 1, 1, 1, 1, 1],
    ...                   "segment": ["重要价值客户"] + ["一般挽留客户"] * 9}, index=list("abcdefghij"))
    >>> clv = pd.Series([1.0, 50, 1, 1, 1, 1, 1, 1, 1, 1], index=list("abcdefghij"))
    >>> high_value_overlap(v, clv).loc["clv_top10", ["clv_top10", "monetary_top20", "important_value"]].tolist()
    [1, 1, 0]
    """
    from .features import top_share_mask as _top_share

    idx = scored_view.index
    values = pd.to_numeric(pd.Series(clv), errors="coerce")
    values.index = values.index.astype(str)
    lists = {
        "clv_top10": domain.clv_tier(values.reindex(idx.astype(str)).reset_index(drop=True))
        .eq(domain.HIGH_VALUE_TIER).to_numpy(),
        "monetary_top20": _top_share(pd.to_numeric(scored_view["monetary"]), 0.20).to_numpy(),
    }
    if "balance_last" in scored_view.columns:
        lists["balance_top20"] = _top_share(pd.to_numeric(scored_view["balance_last"]), 0.20).to_numpy()
    lists["important_value"] = (scored_view["segment"].astype(str) == domain.SEGMENT_LABELS_ZH[
        "important_value"]).to_numpy()
    lists["rfm_top20"] = rfm_top_list(scored_view, 0.20).to_numpy()
    m = np.column_stack([lists[k] for k in lists]).astype(np.int64)
    out = pd.DataFrame(m.T @ m, index=list(lists), columns=list(lists))
    out.attrs["n"] = int(len(scored_view))
    return out
