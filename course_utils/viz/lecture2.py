"""Figures of Lecture 2: a skewed column before/after preprocessing, the segment profile
heatmap, segment sizes (widget), segment transitions between two cut-offs.

Each function returns a :class:`~course_utils.viz.theme.CourseFigure`; the title states
the message and a note names the population.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from course_utils import domain

from .fmt import money, percent
from .theme import (BAD, DIVERGING, GOOD, INK, NEUTRAL, NOTE, SEQUENTIAL, TEXT_PT, TITLE_PT, new_figure,
                    style_axes, title_and_note)

#: Profile columns shown as numbers only (no colour): counts and shares are sizes, age is
#: neither better nor worse.
UNCOLOURED = ("n", "share", "age")
#: Profile columns shown as percentages.
PERCENT_COLUMNS = ("share", "product_usage_rate", "wealth_share", "mobile_share", "counter_share",
                   "balance_trend")


def before_after_figure(
    raw: pd.Series,
    transformed: pd.Series,
    *,
    title: str = "交易金额：处理前挤在左边、拖着长尾，处理后大致对称",
    population: str | None = None,
    upper_quantile: float = 0.99,
    raw_label: str = "处理前：近一年交易金额（万元，只画到 99% 分位）",
    transformed_label: str = "处理后：截尾 + 对数 + 标准化（标准分）",
    figsize: tuple[float, float] = (10.0, 4.2),
):
    """Two histograms: a money column before (in 万元) and after preprocessing.

    ``raw`` is in CNY; values above its ``upper_quantile`` are left out of the left panel
    so the bulk is visible.

    >>> fig = before_after_figure(pd.Series([1e3, 2e3, 5e5]), pd.Series([-1.0, 0.0, 1.0]))
    >>> len(fig.axes)
    2
    """
    raw = pd.to_numeric(pd.Series(raw), errors="coerce").dropna()
    transformed = pd.to_numeric(pd.Series(transformed), errors="coerce").dropna()
    fig = new_figure(figsize)
    axes = fig.subplots(1, 2)
    cap = raw.quantile(upper_quantile) if len(raw) else 0.0
    axes[0].hist(raw[raw <= cap] / 1e4, bins=60, color=NEUTRAL)
    axes[0].set_xlabel("交易金额（万元）", fontsize=TEXT_PT)
    axes[0].set_ylabel("客户数", fontsize=TEXT_PT)
    axes[1].hist(transformed, bins=60, color=GOOD)
    axes[1].set_xlabel("标准分", fontsize=TEXT_PT)
    for ax, label in zip(axes, (raw_label, transformed_label)):
        style_axes(ax, "y")
        ax.set_title(label, loc="left", fontsize=TEXT_PT, color=INK)
    fig.suptitle(title, x=0.01, ha="left", fontsize=TITLE_PT, color=INK)
    if population:
        fig.supxlabel(population, x=0.01, ha="left", fontsize=TEXT_PT, color=NOTE)
    return fig


def _overall_mean(profile: pd.DataFrame, col: str) -> float:
    v = pd.to_numeric(profile[col], errors="coerce").to_numpy(dtype=float)
    if "n" in profile.columns:
        w = pd.to_numeric(profile["n"], errors="coerce").to_numpy(dtype=float)
        ok = ~np.isnan(v) & ~np.isnan(w)
        return float(np.average(v[ok], weights=w[ok])) if ok.any() and w[ok].sum() > 0 else float("nan")
    return float(np.nanmean(v)) if len(v) else float("nan")


def _cell(col: str, value: float) -> str:
    if pd.isna(value):
        return ""
    if col in PERCENT_COLUMNS:
        return percent(value)
    if col in ("n", "n_top") or str(col).endswith("人数"):
        return f"{value:,.0f}"
    if domain.COLUMN_LABELS_ZH.get(col, "").endswith("(元)"):
        return f"{value / 1e4:,.1f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}"


def _header(col: str) -> str:
    label = domain.COLUMN_LABELS_ZH.get(col, col)
    return label.replace("(元)", "(万元)") if label.endswith("(元)") else label


def profile_ratios(profile: pd.DataFrame, uncoloured: Sequence[str] = UNCOLOURED) -> pd.DataFrame:
    """Each segment mean relative to the population mean, as log2(mean / overall mean).

    0 = average, +1 = twice the average, -1 = half. Columns in ``uncoloured``, and columns
    whose values are not all positive (e.g. a trend that can be negative), are NaN.
    Overall means are weighted by ``n`` when the profile has it.

    >>> p = pd.DataFrame({"n": [1, 1], "monetary": [300.0, 100.0]}, index=["a", "b"])
    >>> profile_ratios(p)["monetary"].round(3).tolist()
    [0.585, -1.0]
    """
    out = pd.DataFrame(np.nan, index=profile.index, columns=profile.columns)
    for col in profile.columns:
        if col in uncoloured:
            continue
        v = pd.to_numeric(profile[col], errors="coerce")
        mean = _overall_mean(profile, col)
        if not (v > 0).all() or not mean > 0:
            continue
        out[col] = np.log2(v.to_numpy(dtype=float) / mean)
    return out


def draw_profile_heatmap(ax, profile: pd.DataFrame, uncoloured: Sequence[str] = UNCOLOURED):
    """Draw the profile heatmap into ``ax``; returns the image (for a colour bar)."""
    data = profile.copy()
    ratios = profile_ratios(data, uncoloured).clip(-1, 1)
    cmap = DIVERGING.with_extremes(bad="#f4f5f7")
    img = ax.imshow(np.ma.masked_invalid(ratios.to_numpy(dtype=float)), cmap=cmap, vmin=-1, vmax=1,
                    aspect="auto")
    for i in range(data.shape[0]):
        for j, col in enumerate(data.columns):
            r = ratios.iat[i, j]
            ax.text(j, i, _cell(col, data.iat[i, j]), ha="center", va="center", fontsize=TEXT_PT,
                    color="white" if pd.notna(r) and abs(r) > 0.7 else INK)
    ax.set_xticks(range(data.shape[1]), [_header(c) for c in data.columns], rotation=30, ha="right",
                  fontsize=TEXT_PT)
    ax.set_yticks(range(data.shape[0]), [str(i) for i in data.index], fontsize=TEXT_PT)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.grid(False)
    return img


def profile_table(profile: pd.DataFrame, uncoloured: Sequence[str] = UNCOLOURED):
    """A segment profile as a colour-graded HTML table (pandas Styler) with Chinese headers.

    The cheap alternative to :func:`profile_heatmap_figure` for widgets, with the same
    numbers (money in 万元, shares in %) and the same colours (blue above / orange below
    the population mean, full colour at twice / half).

    >>> p = pd.DataFrame({"n": [10, 30], "monetary": [9e4, 1e4]}, index=["a", "b"])
    >>> "9.0" in profile_table(p).to_html()
    True
    """
    ratios = profile_ratios(profile, uncoloured).clip(-1, 1)
    coloured = [c for c in profile.columns if ratios[c].notna().any()]
    headers = {c: _header(c) for c in profile.columns}
    shown = profile.rename(columns=headers)
    shown.index = [str(i) for i in shown.index]
    whole = [c for c in profile.columns if pd.api.types.is_integer_dtype(profile[c])]
    styler = shown.style.set_uuid("l2_profile").format(
        {headers[c]: (lambda v, c=c: f"{v:,.0f}" if c in whole else _cell(c, v))
         for c in profile.columns})
    if coloured:
        gmap = ratios[coloured].rename(columns=headers)
        gmap.index = shown.index
        styler = styler.background_gradient(cmap=DIVERGING, gmap=gmap, vmin=-1, vmax=1, axis=None,
                                            subset=list(gmap.columns))
    return styler


def profile_heatmap_figure(
    profile: pd.DataFrame,
    *,
    title: str | None = None,
    population: str | None = None,
    uncoloured: Sequence[str] = UNCOLOURED,
):
    """A segment profile (means per segment) as a heatmap a manager can read.

    Numbers are the real means (money in 万元, shares in %); colour compares each mean
    with the population's mean on a log scale: blue above, orange below, white equal,
    full colour from twice / half the average. Colour means "above/below average", not
    good/bad; counts, shares and age are not coloured.

    >>> p = pd.DataFrame({"n": [10, 30], "monetary": [9e4, 1e4]}, index=["重要价值客户", "一般挽留客户"])
    >>> profile_heatmap_figure(p).axes[0].get_title(loc="left")
    '重要价值客户的交易金额是全体平均的 3.0 倍'
    """
    fig = new_figure((min(1.3 * profile.shape[1] + 3.5, 15), 0.6 * profile.shape[0] + 2.6))
    ax = fig.add_subplot()
    img = draw_profile_heatmap(ax, profile, uncoloured)
    bar = fig.colorbar(img, ax=ax, ticks=[-1, 0, 1], shrink=0.8)
    bar.ax.set_yticklabels(["平均的一半\n或更低", "等于全体平均", "平均的 2 倍\n或更高"], fontsize=TEXT_PT)
    if title is None:
        ratios = profile_ratios(profile, uncoloured)
        if ratios.notna().any().any():
            stacked = ratios.stack()
            seg, col = stacked.idxmax()
            title = (f"{seg}的{_header(col).split('(')[0]}是全体平均的 "
                     f"{2 ** stacked.max():.1f} 倍")
        else:
            title = "各客群画像"
    title_and_note(ax, title, population)
    return fig


def segment_transition_figure(
    moves: pd.DataFrame,
    stayed: float,
    *,
    first: str = "上期",
    second: str = "本期",
    population: str | None = None,
    min_share_shown: float = 0.10,
):
    """Where each segment's customers went between two cut-offs (row shares, 0-1).

    Only cells of at least ``min_share_shown`` carry a number (the colour shows the rest),
    so a trainee reads a handful of numbers, not 64.

    >>> m = pd.DataFrame([[0.8, 0.2], [0.05, 0.95]], index=["a", "b"], columns=["a", "b"])
    >>> segment_transition_figure(m, 0.9).axes[0].get_title(loc="left")
    '90.0% 的客户留在原客群（对角线）'
    """
    fig = new_figure((9.5, 0.55 * moves.shape[0] + 3.0))
    ax = fig.add_subplot()
    img = ax.imshow(moves.to_numpy(dtype=float), cmap=SEQUENTIAL, vmin=0, vmax=1, aspect="auto")
    for i in range(moves.shape[0]):
        for j in range(moves.shape[1]):
            v = float(moves.iat[i, j])
            if v >= min_share_shown:
                ax.text(j, i, percent(v), ha="center", va="center", fontsize=TEXT_PT,
                        color="white" if v > 0.5 else INK)
    ax.grid(False)
    ax.set_xticks(range(moves.shape[1]), [str(c) for c in moves.columns], rotation=30, ha="right",
                  fontsize=TEXT_PT)
    ax.set_yticks(range(moves.shape[0]), [str(i) for i in moves.index], fontsize=TEXT_PT)
    ax.set_xlabel(f"{second}的客群", fontsize=TEXT_PT)
    ax.set_ylabel(f"{first}的客群", fontsize=TEXT_PT)
    bar = fig.colorbar(img, ax=ax, shrink=0.8)
    bar.set_label("占该行客户的比例", fontsize=TEXT_PT)
    bar.ax.yaxis.set_major_formatter(lambda v, _p: f"{v * 100:.0f}%")
    title_and_note(ax, f"{percent(stayed)} 的客户留在原客群（对角线）", population)
    return fig


def segment_sizes_figure(sizes: pd.DataFrame, *, bins: int = 5, weights=(1.0, 1.0, 1.0),
                         top_share: float = 0.2):
    """Customers per segment (grey) and how many of them are on the RFM top list (blue).

    ``sizes``: index = segment, columns ``n``, ``share`` (0-1), ``n_top``, as returned by
    :func:`course_utils.segments.render_segmentation`. Light (one axes, fixed margins) so
    a widget redraw stays fast.

    >>> s = pd.DataFrame({"n": [30, 70], "share": [.3, .7], "n_top": [20, 0]}, index=["a", "b"])
    >>> segment_sizes_figure(s).axes[0].get_title(loc="left")
    'RFM 前 20% 名单里人数最多的客群：a（20 人）'
    """
    fig = new_figure((8.0, 3.9), fixed_margins=True)
    fig.subplots_adjust(left=0.2, right=0.97, top=0.8, bottom=0.15)
    ax = fig.add_subplot()
    y = np.arange(len(sizes))[::-1]
    pct = f"{top_share * 100:.0f}%"
    ax.barh(y, sizes["n"].to_numpy(), color=NEUTRAL, label="客群人数")
    ax.barh(y, sizes["n_top"].to_numpy(), color=GOOD, label=f"其中进入 RFM 前 {pct} 名单")
    for yi, n, share in zip(y, sizes["n"], sizes["share"]):
        ax.text(n, yi, f" {int(n):,}（{percent(share)}）", va="center", fontsize=TEXT_PT, color=INK)
    ax.set_yticks(y, [str(i) for i in sizes.index], fontsize=TEXT_PT)
    ax.set_xlim(0, max(float(sizes["n"].max()) if len(sizes) else 0, 1) * 1.35)
    ax.set_xlabel("客户数", fontsize=TEXT_PT)
    style_axes(ax, "x")
    ax.legend(loc="lower right", fontsize=TEXT_PT, frameon=False)
    if len(sizes) and sizes["n_top"].max() > 0:
        best = sizes["n_top"].idxmax()
        title = f"RFM 前 {pct} 名单里人数最多的客群：{best}（{int(sizes.loc[best, 'n_top']):,} 人）"
    else:
        title = "各客群人数"
    w = "：".join(f"{x:g}" for x in weights)
    title_and_note(ax, title, f"{bins} 档评分；RFM 综合分权重 R：F：M = {w}")
    return fig


#: The campaign simulator's assumptions in one line (the note of its charts).
CAMPAIGN_NOTE = "模拟结果：响应率是课程设定的隐藏假设；总成本 = 启动 + 触达 + 优惠；真实效果要用对照组测"


def _body_and_total(result: pd.DataFrame, total_label):
    labels = (total_label,) if isinstance(total_label, str) else tuple(total_label)
    present = [t for t in labels if t in result.index]
    body = result.drop(index=present)
    return body, (result.loc[present[0]] if present else None)


def _campaign_notes(fig, ax, title: str, note: str | None, population: str | None) -> None:
    """Title + population under it; the simulator's assumption as a caption at the bottom."""
    if population:
        title_and_note(ax, title, population)
        if note:
            fig.supxlabel(note, x=0.01, ha="left", fontsize=TEXT_PT, color=NOTE)
    else:
        title_and_note(ax, title, note)


def campaign_figure(result: pd.DataFrame, *, total_label=("total", "合计"),
                    note: str | None = CAMPAIGN_NOTE, population: str | None = None):
    """Total cost (orange) vs incremental revenue (blue) per segment of a simulated campaign.

    ``result``: :func:`course_utils.campaign.simulate_campaign` output (index = segment plus
    a total row named ``"total"``; columns ``cost``, ``revenue``, ``profit``, ``roi`` in CNY /
    fraction). The title states the plan's net result; the note names the population
    (``population``, e.g. the customer view's ``attrs["population"]``) and the assumptions.

    >>> r = pd.DataFrame({"cost": [100.0, 50.0, 150.0], "revenue": [300.0, 0.0, 300.0],
    ...                   "profit": [200.0, -50.0, 150.0], "roi": [2.0, -1.0, 1.0]},
    ...                  index=["重要价值客户", "一般挽留客户", "total"])
    >>> campaign_figure(r).axes[0].get_title(loc="left")
    '总成本 150元，净收益 150元，投资回报率 (ROI) 100.0%；亏钱的客群：一般挽留客户'
    """
    body, tot = _body_and_total(result, total_label)
    fig = new_figure((10.0, 4.6))
    ax = fig.add_subplot()
    x = np.arange(len(body))
    ax.bar(x - 0.2, body["cost"].to_numpy(dtype=float), width=0.4, label="总成本", color=BAD)
    ax.bar(x + 0.2, body["revenue"].to_numpy(dtype=float), width=0.4, label="增量收益", color=GOOD)
    ax.set_xticks(x, [str(i) for i in body.index], rotation=20, ha="right", fontsize=TEXT_PT)
    _money_axis(ax, body[["cost", "revenue"]])
    style_axes(ax, "y")
    ax.legend(fontsize=TEXT_PT, frameon=False)
    title = "各客群的活动成本与增量收益"
    if tot is not None:
        losing = [str(i) for i in body.index[body["profit"].to_numpy(dtype=float) < 0]]
        title = (f"总成本 {money(tot['cost'])}，净收益 {money(tot['profit'])}，"
                 f"投资回报率 (ROI) {percent(tot['roi'])}")
        if losing:
            title += "；亏钱的客群：" + "、".join(losing[:3]) + ("等" if len(losing) > 3 else "")
    _campaign_notes(fig, ax, title, note, population)
    return fig


def _money_axis(ax, values: pd.DataFrame) -> None:
    top = float(np.nanmax(np.abs(values.to_numpy(dtype=float)))) if values.size else 0.0
    if top >= 1e4:
        from .fmt import wan_axis

        wan_axis(ax.yaxis)
        ax.set_ylabel("金额（万元）", fontsize=TEXT_PT)
    else:
        from matplotlib.ticker import FuncFormatter

        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
        ax.set_ylabel("金额（元）", fontsize=TEXT_PT)


def plan_comparison_figure(totals: pd.DataFrame, *, note: str | None = CAMPAIGN_NOTE,
                           population: str | None = None):
    """Plans side by side at (about) the same spend: total cost (orange), incremental revenue
    (blue) and net profit written on top.

    ``totals``: :func:`course_utils.campaign.compare_plans` output (index = plan name,
    columns ``cost``, ``revenue``, ``profit``, ``roi``).

    >>> t = pd.DataFrame({"cost": [6e4, 6e4], "revenue": [3e4, 2e5], "profit": [-3e4, 1.4e5],
    ...                   "roi": [-0.5, 2.33]}, index=["A", "B"])
    >>> plan_comparison_figure(t).axes[0].get_title(loc="left")
    '花同样的钱（约 6.0万元），净收益最高的是 B：14.0万元'
    """
    fig = new_figure((9.0, 4.6))
    ax = fig.add_subplot()
    x = np.arange(len(totals))
    cost = totals["cost"].to_numpy(dtype=float)
    revenue = totals["revenue"].to_numpy(dtype=float)
    ax.bar(x - 0.2, cost, width=0.4, label="总成本", color=BAD)
    ax.bar(x + 0.2, revenue, width=0.4, label="增量收益", color=GOOD)
    for xi, (c, r, p, roi) in enumerate(zip(cost, revenue, totals["profit"], totals["roi"])):
        ax.text(xi, max(c, r), f"净收益 {money(p)}\nROI {percent(roi)}", ha="center", va="bottom",
                fontsize=TEXT_PT, color=INK)
    ax.set_xticks(x, [str(i) for i in totals.index], fontsize=TEXT_PT)
    _money_axis(ax, totals[["cost", "revenue"]])
    ax.set_ylim(0, max(float(np.nanmax(np.r_[cost, revenue, 1.0])) * 1.3, 1.0))
    style_axes(ax, "y")
    ax.legend(fontsize=TEXT_PT, frameon=False, loc="upper left")
    best = totals["profit"].astype(float).idxmax() if len(totals) else ""
    title = (f"花同样的钱（约 {money(float(np.mean(cost)))}），净收益最高的是 {best}："
             f"{money(totals.loc[best, 'profit'])}") if len(totals) else "方案比较"
    _campaign_notes(fig, ax, title, note, population)
    return fig


def campaign_bars_html(result: pd.DataFrame, *, total_label=("total", "合计")) -> str:
    """The widget's fast version of :func:`campaign_figure`: HTML bars (cost orange, revenue
    blue, amounts in 元) with the same title.

    >>> r = pd.DataFrame({"cost": [100.0, 100.0], "revenue": [300.0, 300.0], "profit": [200.0, 200.0],
    ...                   "roi": [2.0, 2.0]}, index=["重要价值客户", "total"])
    >>> "投资回报率" in campaign_bars_html(r)
    True
    """
    from .html import html_bars

    body, tot = _body_and_total(result, total_label)
    title = "各客群的活动成本与增量收益"
    if tot is not None:
        title = (f"总成本 {money(tot['cost'])}，净收益 {money(tot['profit'])}，"
                 f"投资回报率 (ROI) {percent(tot['roi'])}")
    return html_bars([str(i) for i in body.index],
                     {"总成本": body["cost"].tolist(), "增量收益": body["revenue"].tolist()},
                     {"总成本": BAD, "增量收益": GOOD}, title=title, unit=" 元")


def money_table(values: pd.Series) -> pd.Series:
    """Money values (CNY) as the course writes them, for a table column.

    >>> money_table(pd.Series([500_000.0, 850.0])).tolist()
    ['50.0万元', '850元']
    """
    return values.map(money)
