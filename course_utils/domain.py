"""Domain definitions used everywhere: who is on the books, value tiers, RFM segment names, rounding.

One place for each definition; the generator imports only this module and
:mod:`course_utils.config`, and the analytics modules import their
definitions from here.

>>> tier_sizes(5000)
(500, 3000, 1500)
"""
from __future__ import annotations

import math

__all__ = ["round_half_up", "tier_sizes", "SEGMENTS", "on_books"]


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


def on_books(customers, date) -> "pd.Series":
    """Boolean mask: customers on the books on ``date`` (the one definition of "active").

    A customer is on the books on D when ``open_date <= D`` and they have not
    churned by then (``churn_date`` empty/NaT, or ``churn_date > D``). Accepts
    the customers table as loaded (datetime64) or as raw CSV strings
    (``''``/NaN = no churn).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"open_date": ["2020-01-01", "2022-01-01", "2020-05-01"],
    ...                    "churn_date": ["2021-06-30", "", ""]})
    >>> on_books(df, "2021-06-30").tolist(), on_books(df, "2021-07-01").tolist()
    ([False, False, True], [False, False, True])
    >>> on_books(df, "2020-06-01").tolist()
    [True, False, True]
    """
    import pandas as pd

    d = pd.Timestamp(date)
    opened = _as_dates(customers["open_date"])
    churned = _as_dates(customers["churn_date"])
    return (opened <= d) & (churned.isna() | (churned > d))


def _as_dates(s):
    """A date column as datetime64 (ISO strings; '' or NaN = none)."""
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(s):
        return s
    s = s.mask(s.astype("string") == "") if (s.dtype == object or pd.api.types.is_string_dtype(s)) else s
    return pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
