"""Domain definitions used everywhere: value tiers, RFM segment names, rounding.

One place for each definition; the generator imports only this module and
:mod:`course_utils.config`, and the analytics modules import their
definitions from here.

>>> tier_sizes(5000)
(500, 3000, 1500)
"""
from __future__ import annotations

import math

__all__ = ["round_half_up", "tier_sizes", "SEGMENTS"]


def round_half_up(x: float) -> int:
    """Round to the nearest integer, halves up (``round`` in Python rounds halves to even).

    >>> round_half_up(2.5), round_half_up(3.5), round_half_up(-0.5)
    (3, 4, 0)
    """
    return int(math.floor(x + 0.5))


def tier_sizes(n: int) -> tuple[int, int, int]:
    """Sizes of the Top 10% / Middle 60% / Bottom 30% value tiers for ``n`` customers.

    Top and bottom are rounded half up; the middle takes the rest.

    >>> tier_sizes(5000)
    (500, 3000, 1500)
    >>> tier_sizes(15)
    (2, 8, 5)
    """
    top = round_half_up(0.10 * n)
    bottom = round_half_up(0.30 * n)
    return top, n - top - bottom, bottom


#: The eight RFM segments in display order (most to least valuable).
SEGMENTS: tuple[str, ...] = (
    "重要价值客户",
    "重要发展客户",
    "重要保持客户",
    "重要挽留客户",
    "一般价值客户",
    "一般发展客户",
    "一般保持客户",
    "一般挽留客户",
)
