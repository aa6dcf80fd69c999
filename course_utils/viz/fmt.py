"""One way to write numbers for trainees: money in 元 / 万元, percentages with one decimal.

Money: amounts of 10,000 CNY or more are written in 万元 with one decimal
(``50.3万元``); smaller ones in 元 without decimals (``8,532元``); halves are rounded
up (away from zero) as a banker expects, not to even. Percentages: one decimal (``18.3%``). Tables, chart labels and axis ticks all use these functions.

>>> money(503_210), money(8_532.4), percent(0.1834)
('50.3万元', '8,532元', '18.3%')
"""
from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

from matplotlib.ticker import FuncFormatter

__all__ = ["money", "format_wan", "percent", "wan_axis", "percent_axis", "wrap_label", "wrap_to_width"]


def _finite(value) -> float | None:
    """``value`` as a finite float, or None (missing, NaN, inf, not a number)."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _half_up(x: float, digits: int) -> str:
    """``x`` with ``digits`` decimals and thousands separators, halves away from zero."""
    q = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return f"{q:,.{digits}f}"


def money(amount_cny: float, unit: str = "auto") -> str:
    """An amount in CNY as a banker reads it.

    Parameters
    ----------
    amount_cny : float
        Amount in 元 (CNY).
    unit : {"auto", "万元", "元", "亿元"}
        ``auto``: 万元 (one decimal) from 10,000 元 on, else 元 (no decimals).

    >>> money(500_000), money(-12_345), money(999), money(2.5e8, "亿元"), money(1234.5, "元")
    ('50.0万元', '-1.2万元', '999元', '2.50亿元', '1,235元')
    >>> money(float("nan"))
    '—'
    """
    x = _finite(amount_cny)
    if x is None:
        return "—"
    if unit == "auto":
        unit = "万元" if abs(x) >= 10_000 else "元"
    if unit == "万元":
        return f"{_half_up(x / 1e4, 1)}万元"
    if unit == "元":
        return f"{_half_up(x, 0)}元"
    if unit == "亿元":
        return f"{_half_up(x / 1e8, 2)}亿元"
    raise ValueError(f"unit 只能是 auto、万元、元 或 亿元，现在是 {unit!r}。\n"
                     f"unit must be auto, 万元, 元 or 亿元, not {unit!r}.")


def format_wan(amount_cny: float, digits: int = 1) -> str:
    """An amount in CNY as 万元 (units of 10,000 CNY); the course uses ``digits=1``.

    >>> format_wan(500000)
    '50.0万元'
    >>> format_wan(123_456, digits=2)
    '12.35万元'
    """
    return f"{_half_up(amount_cny / 10_000, digits)}万元"


def percent(fraction: float, digits: int = 1) -> str:
    """A fraction as a percentage with one decimal (``0.1834`` -> ``'18.3%'``).

    >>> percent(0.2), percent(float("nan"))
    ('20.0%', '—')
    """
    x = _finite(fraction)
    return "—" if x is None else f"{_half_up(x * 100, digits)}%"


def wan_axis(axis) -> None:
    """Tick labels of ``axis`` (ax.yaxis / ax.xaxis) in 万 (values are CNY)."""
    axis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v / 1e4:,.0f}万"))


def percent_axis(axis, digits: int = 0) -> None:
    """Tick labels of ``axis`` as percentages (values are fractions); ticks may be whole %."""
    axis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v * 100:.{digits}f}%"))


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


def _visual_len(text: str) -> float:
    """Width of ``text`` in CJK characters (Latin letters, digits and spaces count a bit over half)."""
    return sum(1.0 if ord(ch) > 0x2E7F else 0.55 for ch in text)


def text_width_in(texts, size_pt: float) -> float:
    """Estimated width in inches of the widest line of ``texts`` at ``size_pt`` points (CJK = 1 em).

    Used to leave room for long tick labels, e.g. a title that starts at the axes' left edge.

    >>> round(text_width_in(["理财", "大额存单·三年期", "直接比较\\n（全部客户）"], 11), 2)
    1.15
    """
    return max((_visual_len(line) for t in texts for line in str(t).split("\n")), default=0.0) * size_pt / 72


def wrap_to_width(text: str, width_in: float, size_pt: float) -> str:
    """Break ``text`` into lines that fit ``width_in`` inches at ``size_pt`` points.

    Breaks after "；", "，", "：" or "（" where possible (the last one that fits), else mid-line.

    >>> wrap_to_width("余额变化率“下降超过25%”的客户流失率很高，是整体的 4.0 倍", 4.5, 14)
    '余额变化率“下降超过25%”的客户流失率很高，\\n是整体的 4.0 倍'
    """
    limit = max(int(width_in * 72 / size_pt), 8)
    lines: list[str] = []
    for para in str(text).split("\n"):
        while _visual_len(para) > limit:
            cut, acc = 0, 0.0
            for i, ch in enumerate(para):
                acc += _visual_len(ch)
                if acc > limit:
                    break
                if ch in "；，：、" or (ch == "（" and i > 0):
                    cut = i + 1 if ch != "（" else i
            if cut == 0:
                cut = max(i, 1)
            lines.append(para[:cut])
            para = para[cut:]
        lines.append(para)
    return "\n".join(lines)
