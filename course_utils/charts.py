"""Course charts for Lecture 1: churn trend, CLV tiers, satisfaction vs loyalty.

Every function takes plain data (a mapping, a Series or a small DataFrame as
returned by :mod:`course_utils.kpis`) and returns a :class:`matplotlib.figure.Figure`.
Figures are built with the object API (``Figure()``, not ``pyplot``), so a
widget can redraw many times without piling up open pyplot figures, and tests
can inspect the returned figure directly. In Jupyter a returned ``Figure``
displays as a PNG.

Call :func:`course_utils.plotting.setup` once per notebook for the course
theme and the Chinese font; the charts themselves do not depend on it.
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from course_utils import plotting

#: Course colours (shared with plotting): one accent for "the thing to look at",
#: a muted grey for context, dark blue for labels.
ACCENT = plotting.BAD
MUTED = plotting.NEUTRAL
GOOD = plotting.GOOD
MAIN = "#1d3557"

#: Display order and Chinese labels of the CLV tiers (same names as kpis.clv_tiers).
TIER_ORDER = ("Top 10%", "Middle 60%", "Bottom 30%")
TIER_CN = {"Top 10%": "高价值", "Middle 60%": "中价值", "Bottom 30%": "低价值"}
#: Display order of the satisfaction bands (low to high, so the bars rise).
BAND_ORDER = ("<70", "70–89", "≥90")


class CourseFigure(Figure):
    """A matplotlib Figure that displays itself as PNG in Jupyter.

    Figures made with the object API are not known to pyplot, so Jupyter's
    inline backend would only print ``<Figure ...>`` unless pyplot happened to
    be imported; ``_repr_png_`` makes the display independent of that.
    """

    #: True when the chart sets its own margins (no layout engine): then a
    #: ``bbox_inches="tight"`` request is skipped, which saves a whole extra
    #: draw per PNG (the widget redraw budget is 150 ms).
    fixed_margins: bool = False

    def savefig(self, *args, **kwargs):  # noqa: D102 - see fixed_margins
        if self.fixed_margins:
            if kwargs.get("bbox_inches") in ("tight", None):  # None -> rcParams may say tight
                kwargs["bbox_inches"] = self.bbox_inches       # the whole figure, no extra draw
            if kwargs.get("format") == "png" and "pil_kwargs" not in kwargs:
                kwargs["pil_kwargs"] = {"compress_level": 1}  # ~10% faster, ~10% larger
        return super().savefig(*args, **kwargs)

    def _repr_png_(self) -> bytes:
        buf = io.BytesIO()
        self.savefig(buf, format="png", dpi=100, bbox_inches="tight")
        return buf.getvalue()


def format_wan(amount_cny: float, digits: int = 1) -> str:
    """Format an amount in CNY as 万元 (units of 10,000 CNY).

    >>> format_wan(500000)
    '50.0万元'
    >>> format_wan(20000, digits=0)
    '2万元'
    """
    return f"{amount_cny / 10_000:.{digits}f}万元"


def wrap_label(text: str, width: int = 11) -> str:
    """Break a Chinese annotation into short lines.

    Breaks after "：" first, then packs the pieces between "、" / "，" / "；"
    into lines of at most ``width`` characters (longer pieces are cut).

    >>> wrap_label("产品调整：部分免费服务改为收费")
    '产品调整：\\n部分免费服务改为收费'
    >>> wrap_label("市场变化：竞品推出高收益理财、存款降息")
    '市场变化：\\n竞品推出高收益理财、\\n存款降息'
    """
    if len(text) <= width:
        return text
    lines: list[str] = []
    head, sep, tail = text.partition("：")
    if sep:
        lines.append(head + sep)
        text = tail
    pieces = re.findall(r"[^、，；,]*[、，；,]?", text)
    line = ""
    for piece in (p for p in pieces if p):
        while len(piece) > width:
            if line:
                lines.append(line)
                line = ""
            lines.append(piece[:width])
            piece = piece[width:]
        if len(line) + len(piece) > width:
            lines.append(line)
            line = piece
        else:
            line += piece
    if line:
        lines.append(line)
    return "\n".join(x for x in lines if x)


def _percent_axis(ax, digits: int = 0) -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v * 100:.{digits}f}%"))


def normalize_events(events: Iterable[Any] | None) -> list[tuple[int, str]]:
    """Turn event annotations into a clean list of ``(year, text)``.

    Accepts ``(year, text)`` pairs or dicts with ``year`` and ``text`` keys.
    Entries with a missing/unparsable year or blank text are dropped (a chart
    must still draw while a trainee is half-way through typing).

    >>> normalize_events([(2022, " 费率调整 "), {"year": "2023", "text": "竞品高收益"}, (2021, "")])
    [(2022, '费率调整'), (2023, '竞品高收益')]
    """
    clean: list[tuple[int, str]] = []
    for item in events or ():
        if isinstance(item, Mapping):
            year, text = item.get("year"), item.get("text")
        elif isinstance(item, (tuple, list)) and len(item) == 2:
            year, text = item
        else:
            continue
        try:
            year = int(year)
        except (TypeError, ValueError):
            continue
        if not isinstance(text, str) or not text.strip():
            continue
        clean.append((year, text.strip()))
    return clean


def churn_trend_figure(
    rates: Mapping[int, float] | pd.Series,
    events: Iterable[Any] | None = None,
    *,
    title: str | None = None,
    figsize: tuple[float, float] = (7.5, 4.2),
    ymax: float | None = None,
) -> Figure:
    """Annotated line chart of yearly churn rates.

    Parameters
    ----------
    rates:
        Year -> churn rate as a fraction (0.15 = 15%), e.g. the Series from
        ``kpis.yearly_churn_rates``. NaN values are left as gaps.
    events:
        Key events to annotate, ``[(2022, "产品调整：…"), (2023, "市场变化：…")]``.
        Events on a year that is not plotted, or with blank text, are skipped.
    title:
        Chart title; by default it states the change from first to last year.
    ymax:
        Fixed top of the y axis (fraction); default: fits the data. A widget
        passes a fixed value so moving a slider visibly moves the line.

    Returns
    -------
    matplotlib.figure.Figure

    Example
    -------
    >>> fig = churn_trend_figure({2021: .15, 2022: .18, 2023: .20}, [(2022, "费率调整")])
    >>> fig.axes[0].get_title(loc="left")
    '客户流失率 (churn rate) 三年从 15.0% 升至 20.0%'
    """
    series = pd.Series(dict(rates) if not isinstance(rates, pd.Series) else rates, dtype=float)
    series.index = [int(y) for y in series.index]
    series = series.sort_index()
    years = list(series.index)
    values = series.to_numpy(dtype=float)

    # Fixed margins and explicit ticks instead of constrained layout / auto
    # locators: this chart is redrawn by a widget, and both halve the draw time.
    fig = CourseFigure(figsize=figsize)
    fig.fixed_margins = True
    fig.subplots_adjust(left=0.11, right=0.97, top=0.9, bottom=0.1)
    ax = fig.add_subplot()
    ax.plot(years, values, color=ACCENT, linewidth=2.5, marker="o", markersize=8, zorder=3)
    for year, value in zip(years, values):
        if np.isfinite(value):
            ax.annotate(f"{value:.1%}", (year, value), textcoords="offset points",
                        xytext=(0, -18), ha="center", va="top", fontsize=11,
                        color=ACCENT)

    finite = values[np.isfinite(values)]
    top = float(finite.max()) if finite.size else 0.25
    y_top = ymax if ymax is not None else max(top * 1.55, 0.05)
    ax.set_ylim(0, y_top)
    step = 0.05 if y_top <= 0.36 else (0.1 if y_top <= 0.8 else 0.2)
    ax.set_yticks(np.arange(0, y_top + 1e-9, step))
    ax.set_xticks(years)
    ax.set_xticklabels([f"{y}年" for y in years])
    if years:
        ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    _percent_axis(ax)
    ax.set_ylabel("年流失率")
    ax.grid(axis="x", visible=False)

    # Annotations: alternate heights so two neighbouring events never overlap.
    for i, (year, text) in enumerate(e for e in normalize_events(events) if e[0] in years):
        value = series.get(year)
        if value is None or not np.isfinite(value):
            continue
        lift = 0.22 if i % 2 == 0 else 0.12
        text_y = min(value + y_top * lift, y_top * 0.8)
        # keep boxes inside the axes: first year left-aligned, last right-aligned
        ha = "left" if year == years[0] and len(years) > 1 else (
            "right" if year == years[-1] and len(years) > 1 else "center")
        dx = {"left": -0.15, "right": 0.15, "center": 0.0}[ha]
        # a plain leader line (cheaper to draw than an arrow clipped to the box)
        ax.plot([year, year], [value + y_top * 0.02, text_y], color=MAIN, lw=1.2, zorder=2)
        ax.text(year + dx, text_y, wrap_label(text), ha=ha, va="bottom", fontsize=10,
                color=MAIN, zorder=4, multialignment="center",
                bbox=dict(boxstyle="round,pad=0.3", fc="white", ec=MAIN, lw=1))

    if title is None:
        if finite.size >= 2:
            first, last = finite[0], finite[-1]
            span = f"{len(years)} 年" if len(years) != 3 else "三年"
            verb = "升至" if last > first else ("降至" if last < first else "持平于")
            title = f"客户流失率 (churn rate) {span}从 {first:.1%} {verb} {last:.1%}"
        else:
            title = "客户流失率 (churn rate)"
    ax.set_title(title, fontsize=13, loc="left")
    return fig


def _ordered_frame(
    data: pd.DataFrame | Mapping[str, float] | pd.Series,
    key: str,
    value_col: str,
    order: Sequence[str],
) -> pd.DataFrame:
    """A KPI frame (or a mapping label -> value) indexed by ``key`` in ``order``."""
    if isinstance(data, pd.DataFrame):
        frame = data.copy()
        if key in frame.columns:
            frame = frame.set_index(key)
    else:
        frame = pd.DataFrame({value_col: pd.Series(dict(data), dtype=float)})
    return frame.loc[[label for label in order if label in frame.index]]


def clv_tier_figure(
    tiers: pd.DataFrame | Mapping[str, float] | pd.Series,
    *,
    title: str | None = None,
    figsize: tuple[float, float] = (7.5, 4.2),
) -> Figure:
    """Bar chart of mean customer lifetime value (CLV) per value tier.

    Parameters
    ----------
    tiers:
        ``kpis.clv_tiers(customers)`` (columns tier, n, mean_clv in CNY), or a
        mapping tier -> mean CLV in CNY. With ``n`` present each bar also shows
        the tier's share of the bank's total CLV.

    Example
    -------
    >>> fig = clv_tier_figure({"Top 10%": 5e5, "Middle 60%": 1e5, "Bottom 30%": 2e4})
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()][0]
    '高价值客户\\nTop 10%'
    """
    frame = _ordered_frame(tiers, "tier", "mean_clv", TIER_ORDER)
    means = frame["mean_clv"].astype(float)
    labels = [f"{TIER_CN.get(t, t)}客户\n{t}" for t in frame.index]
    colors = [ACCENT if t == "Top 10%" else MUTED for t in frame.index]

    fig = CourseFigure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot()
    x = np.arange(len(frame))
    ax.bar(x, means.to_numpy(), color=colors, width=0.6)
    share = None
    if "n" in frame.columns:
        totals = means * frame["n"].astype(float)
        if totals.sum() > 0:
            share = totals / totals.sum()
    for i, (tier, mean) in enumerate(means.items()):
        text = f"人均 {format_wan(mean)}"
        if share is not None:
            text += f"\n占全行总价值 {share[tier]:.0%}"
        ax.annotate(text, (i, mean), textcoords="offset points", xytext=(0, 4),
                    ha="center", va="bottom", fontsize=10.5,
                    color=ACCENT if tier == "Top 10%" else MAIN)
    ax.set_xticks(x)
    ax.set_xticklabels(labels)
    ax.set_ylim(0, float(means.max()) * 1.35 if len(means) else 1)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v / 10_000:.0f}万"))
    ax.set_ylabel("平均客户生命周期价值 (CLV)")
    ax.grid(axis="x", visible=False)
    if title is None:
        if {"Top 10%", "Bottom 30%"} <= set(means.index) and means["Bottom 30%"] > 0:
            ratio = means["Top 10%"] / means["Bottom 30%"]
            title = f"高价值客户的人均价值是低价值客户的 {ratio:.0f} 倍"
        else:
            title = "各价值层客户的平均 CLV"
    ax.set_title(title, fontsize=13, loc="left")
    return fig




def loyalty_figure(
    bands: pd.DataFrame | Mapping[str, float] | pd.Series,
    *,
    title: str | None = None,
    figsize: tuple[float, float] = (7.5, 4.2),
) -> Figure:
    """Bar chart of the loyal-customer rate per satisfaction band.

    Parameters
    ----------
    bands:
        ``kpis.loyalty_by_satisfaction(customers)`` (columns band '≥90' /
        '70–89' / '<70', n, loyal_rate as a fraction) or a mapping band -> rate.

    Example
    -------
    >>> fig = loyalty_figure({"≥90": .85, "70–89": .60, "<70": .30})
    >>> len(fig.axes[0].patches)
    3
    """
    frame = _ordered_frame(bands, "band", "loyal_rate", BAND_ORDER)
    rates = frame["loyal_rate"].astype(float)
    fig = CourseFigure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot()
    x = np.arange(len(frame))
    colors = [GOOD if b == "≥90" else (ACCENT if b == "<70" else MUTED) for b in frame.index]
    ax.bar(x, rates.to_numpy(), color=colors, width=0.6)
    for i, (band, rate) in enumerate(rates.items()):
        text = f"{rate:.0%}"
        if "n" in frame.columns:
            text += f"\n({int(frame.loc[band, 'n'])} 人)"
        ax.annotate(text, (i, rate), textcoords="offset points", xytext=(0, 4),
                    ha="center", va="bottom", fontsize=11, color=MAIN)
    names = {"<70": "满意度 < 70", "70–89": "满意度 70–89", "≥90": "满意度 ≥ 90"}
    ax.set_xticks(x)
    ax.set_xticklabels([names.get(b, b) for b in frame.index])
    ax.set_ylim(0, 1.12)
    _percent_axis(ax)
    ax.set_ylabel("忠诚客户占比 (loyalty rate)")
    ax.grid(axis="x", visible=False)
    if title is None:
        title = "满意度 (satisfaction) 越高，忠诚客户占比越高"
    ax.set_title(title, fontsize=13, loc="left")
    return fig


def churn_reason_figure(
    reasons: pd.Series | Mapping[str, float],
    *,
    title: str = "流失客户自述的流失原因 (churn reason)",
    figsize: tuple[float, float] = (7.5, 4.0),
    highlight: Iterable[str] = (),
) -> Figure:
    """Horizontal bar chart of churn-reason shares (largest on top).

    Parameters
    ----------
    reasons:
        Reason -> count (or share); shares are computed from the total.
    highlight:
        Reasons drawn in the accent colour (e.g. those that point to
        homogeneous service or cost).

    Example
    -------
    >>> fig = churn_reason_figure({"收益率低": 30, "服务体验差": 20}, highlight=["收益率低"])
    >>> len(fig.axes[0].patches)
    2
    """
    counts = pd.Series(dict(reasons) if not isinstance(reasons, pd.Series) else reasons,
                       dtype=float).sort_values()
    shares = counts / counts.sum() if counts.sum() > 0 else counts
    hl = set(highlight)
    fig = CourseFigure(figsize=figsize, layout="constrained")
    ax = fig.add_subplot()
    y = np.arange(len(shares))
    ax.barh(y, shares.to_numpy(), color=[ACCENT if r in hl else MUTED for r in shares.index])
    for i, share in enumerate(shares.to_numpy()):
        ax.annotate(f"{share:.0%}", (share, i), textcoords="offset points", xytext=(4, 0),
                    va="center", fontsize=10, color=MAIN)
    ax.set_yticks(y)
    ax.set_yticklabels([str(r) for r in shares.index])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v * 100:.0f}%"))
    ax.set_xlim(0, float(shares.max()) * 1.2 if len(shares) else 1)
    ax.set_xlabel("占流失客户的比例")
    ax.grid(axis="y", visible=False)
    ax.set_title(title, fontsize=13, loc="left")
    return fig
