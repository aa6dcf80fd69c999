"""The course's vocabulary, defined once: populations, value tiers, satisfaction bands,
segments, "loyal", "active", "churned", rounding and date parsing.

Every analytics module, chart and exercise takes its definitions from here; the
generator imports only this module and :mod:`course_utils.config`.

Keys are English and stable (``"top"``, ``"high"``, ``"important_value"``); Chinese
appears only when a result is displayed (:data:`LABELS_ZH`, :func:`labels_zh`,
:func:`display`).

Populations (who is counted) have names, and every figure states its population:

- *on the books on D* (在网客户): :func:`on_books` -- opened on or before D and not
  churned by the end of D;
- *on the books when day D begins*: :func:`on_books_at_start` -- the population of every
  table built at a cut-off (features use data strictly before the cut-off) and of a
  year's churn base (:func:`year_start_base`).

>>> tier_sizes(5000)
(500, 3000, 1500)
>>> satisfaction_band([95, 90, 89.5, 70, 12]).tolist()
['high', 'high', 'mid', 'mid', 'low']
>>> labels_zh(["top", "low", "important_value"])
['高价值', '满意度 < 70', '重要价值客户']
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .config import WINDOW_END
from .errors import CourseArgumentError

if TYPE_CHECKING:  # pandas is imported lazily: the generator imports this module first
    import pandas as pd

__all__ = [
    # rounding and dates
    "round_half_up", "as_dates", "as_date",
    # populations
    "on_books", "on_books_at_start", "year_start_base", "churned_during", "has_churned",
    "CURRENT_CUSTOMERS_AS_OF", "population_note",
    # definitions
    "LOYAL_COLUMN", "is_loyal", "DORMANT_AFTER_DAYS", "is_active", "is_dormant",
    "HIGH_VALUE_TIER",
    # tiers
    "TIERS", "TIER_SHARES", "TIER_LABELS_EN", "TIER_LABELS_ZH", "tier_sizes", "tier_key", "clv_tier",
    # bands
    "BANDS", "BAND_LOWER_BOUNDS", "BAND_LABELS", "BAND_LABELS_ZH", "satisfaction_band", "band_key",
    # segments
    "SEGMENTS", "SEGMENT_KEYS", "SEGMENT_LABELS_ZH", "segment_key",
    # consent register
    "CONSENT_SHARES", "DO_NOT_CALL_SHARE", "OPT_OUT_SHARE", "CONSENT_COLUMNS", "CONSENT_CHANNELS",
    "consent_register", "may_contact",
    # display
    "LABELS_ZH", "COLUMN_LABELS_ZH", "labels_zh", "display",
]


# ---------------------------------------------------------------------------
# rounding
# ---------------------------------------------------------------------------
def round_half_up(x: float) -> int:
    """Round to the nearest integer, halves up (``round`` in Python rounds halves to even).

    A tolerance of 1e-9 absorbs binary noise such as ``0.1 * 15 = 1.5000000000000002``
    or ``0.3 * 5 = 1.4999999999999998``, so tier sizes do not depend on it.

    >>> round_half_up(2.5), round_half_up(3.5), round_half_up(-0.5), round_half_up(0.3 * 5)
    (3, 4, 0, 2)
    """
    return int(math.floor(x + 0.5 + 1e-9))


# ---------------------------------------------------------------------------
# dates
# ---------------------------------------------------------------------------
def as_dates(values, column: str | None = None, strict: bool = False) -> "pd.Series":
    """A date column as ``datetime64`` (the one date parser of the package).

    Accepts datetime64 (returned unchanged), ISO text ``"2024-01-31"`` (also with a time),
    and other text pandas can read (``"2024/01/31"``). Empty text, ``None`` and NaN become
    NaT ("no date", e.g. ``churn_date`` of a customer still on the books).

    Parameters
    ----------
    values : Series or list
        The column.
    column : str, optional
        Its name, for the error message.
    strict : bool
        ``False`` (default): text that is not a date becomes NaT. ``True``: raise a
        bilingual :class:`~course_utils.errors.CourseArgumentError` naming the column, how
        many values and examples, and the fix.

    >>> as_dates(["2024-01-31", "", None]).dt.strftime("%Y-%m-%d").tolist()
    ['2024-01-31', nan, nan]
    >>> as_dates(["2024/01/31"]).dt.day.tolist()
    [31]
    """
    import pandas as pd

    s = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    if pd.api.types.is_datetime64_any_dtype(s):
        return s
    try:  # fast path: one vectorised ISO parse ('' and None become NaT)
        parsed = pd.to_datetime(s, errors="coerce", format="ISO8601")
    except (TypeError, ValueError):
        parsed = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    if not pd.api.types.is_datetime64_any_dtype(parsed):  # e.g. mixed objects
        parsed = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    missed = parsed.isna() & s.notna()
    if missed.any():
        text = s[missed].astype(str).str.strip()
        missed_text = text[text != ""]
        if len(missed_text):  # another common layout, e.g. 2024/01/31
            try:
                again = pd.to_datetime(missed_text, errors="coerce", format="mixed")
            except (TypeError, ValueError):
                again = pd.Series(pd.NaT, index=missed_text.index)
            parsed = parsed.copy()
            parsed.loc[again.index] = again
            bad = missed_text[again.isna()]
            if strict and len(bad):
                name = column or getattr(values, "name", None) or "日期"
                examples = ", ".join(repr(v) for v in s[bad.index].drop_duplicates().head(3).tolist())
                raise CourseArgumentError(
                    f"列 '{name}' 中有 {len(bad)} 个值无法识别为日期，例如 {examples}。"
                    f"请先修正或删除这些行（例如 pd.to_datetime(df['{name}'], errors='coerce') 后 dropna）。\n"
                    f"Column '{name}' has {len(bad)} value(s) that are not dates, e.g. {examples}. "
                    f"Fix or drop those rows first.")
    return parsed.rename(s.name)


def as_date(value, name: str = "as_of") -> "pd.Timestamp":
    """One date (a cut-off, ``as_of``) as a Timestamp, with a bilingual error on junk.

    >>> as_date("2024-06-30")
    Timestamp('2024-06-30 00:00:00')
    >>> as_date("next week")
    Traceback (most recent call last):
    ...
    course_utils.errors.CourseArgumentError: 日期 as_of='next week' 无法识别。请写成 '2024-01-01' 这样的格式。
    as_of='next week' is not a date; use e.g. '2024-01-01'.
    """
    import pandas as pd

    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        ts = pd.NaT
    if ts is pd.NaT or pd.isna(ts):
        raise CourseArgumentError(
            f"日期 {name}={value!r} 无法识别。请写成 '2024-01-01' 这样的格式。\n"
            f"{name}={value!r} is not a date; use e.g. '2024-01-01'.")
    return ts


# ---------------------------------------------------------------------------
# populations
# ---------------------------------------------------------------------------
#: Lecture 1's "current customers": on the books at the end of the data window.
CURRENT_CUSTOMERS_AS_OF: str = WINDOW_END


def on_books(customers, date) -> "pd.Series":
    """Boolean mask: customers on the books at the end of day ``date`` (在网客户).

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
    d = as_date(date, "date")
    opened = as_dates(customers["open_date"], "open_date")
    churned = as_dates(customers["churn_date"], "churn_date")
    return (opened <= d) & (churned.isna() | (churned > d))


def on_books_at_start(customers, day) -> "pd.Series":
    """Boolean mask: customers on the books when day ``day`` begins.

    Equals ``on_books(customers, day - 1 day)``: opened before ``day`` and not churned
    before it. This is the population of a table built at a cut-off (its features use
    data strictly before the cut-off; a churn on the cut-off day itself is an outcome).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"open_date": ["2020-01-01", "2023-01-01", "2020-01-01"],
    ...                    "churn_date": ["2023-01-01", "", "2022-12-31"]})
    >>> on_books_at_start(df, "2023-01-01").tolist()
    [True, False, False]
    """
    import pandas as pd

    return on_books(customers, as_date(day, "day") - pd.Timedelta(days=1))


def year_start_base(customers, year: int) -> "pd.Series":
    """Mask of year ``year``'s churn base: on the books when 1 January ``year`` begins.

    The yearly churn rate of Y is ``churned_during(Y-01-01, (Y+1)-01-01)`` within this
    base; every churner counts in exactly one year.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"open_date": ["2020-01-01", "2021-01-01"], "churn_date": ["2021-01-01", ""]})
    >>> year_start_base(df, 2021).tolist()
    [True, False]
    """
    return on_books_at_start(customers, f"{int(year)}-01-01")


def churned_during(customers, start, end) -> "pd.Series":
    """Mask: ``churn_date`` in ``[start, end)`` (days; ``end`` excluded).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"churn_date": ["2023-01-01", "2023-12-31", "2024-01-01", ""]})
    >>> churned_during(df, "2023-01-01", "2024-01-01").tolist()
    [True, True, False, False]
    """
    c = as_dates(customers["churn_date"], "churn_date")
    return (c >= as_date(start, "start")) & (c < as_date(end, "end"))


def has_churned(customers, date) -> "pd.Series":
    """Mask: the customer had churned (left the bank) by the end of day ``date``.

    "Churned" (流失) = the relationship ended: ``churn_date`` set and ``<= date``.

    >>> import pandas as pd
    >>> has_churned(pd.DataFrame({"churn_date": ["2022-05-01", ""]}), "2023-01-01").tolist()
    [True, False]
    """
    c = as_dates(customers["churn_date"], "churn_date")
    return c.notna() & (c <= as_date(date, "date"))


def population_note(as_of=None, n: int | None = None, what: str = "在网客户") -> str:
    """The Chinese population note a figure or table shows ("who is counted").

    >>> population_note("2024-06-30", 3061)
    '统计范围：2024-06-30 日终在网客户（3,061 人）'
    >>> population_note(None, 12)
    '统计范围：所给的 12 位客户'
    """
    if as_of is None:
        return f"统计范围：所给的 {n:,} 位客户" if n is not None else "统计范围：所给的客户"
    day = as_date(as_of).strftime("%Y-%m-%d")
    tail = f"（{n:,} 人）" if n is not None else ""
    return f"统计范围：{day} 日终{what}{tail}"


# ---------------------------------------------------------------------------
# loyal, active, high value
# ---------------------------------------------------------------------------
#: Column of the loyalty flag. Loyal (忠诚客户) = 1: in the bank's relationship review the
#: customer said this bank is their *main bank* and they would *recommend* it.
#: A customer who has left is not loyal (loyal = 0 after churn).
LOYAL_COLUMN: str = "loyal"


def is_loyal(customers) -> "pd.Series":
    """Mask of loyal customers (``loyal == 1``; text "1" counts, anything else does not).

    >>> import pandas as pd
    >>> is_loyal(pd.DataFrame({"loyal": [1, 0, "1", None]})).tolist()
    [True, False, True, False]
    """
    import pandas as pd

    return pd.to_numeric(customers[LOYAL_COLUMN], errors="coerce").eq(1)


#: A customer is *active* (活跃) at a cut-off when they made at least one transaction in
#: the 180 days before it, i.e. ``recency_days <= 180``; otherwise *dormant* (沉睡:
#: "no transaction for 6 months", the seed's long-tail activation list).
DORMANT_AFTER_DAYS: int = 180


def is_active(recency_days) -> Any:
    """Active: a transaction in the last :data:`DORMANT_AFTER_DAYS` days before the cut-off.

    ``recency_days`` = days from the last transaction to the cut-off (1 = the day before);
    NaN (never transacted) is not active.

    >>> import pandas as pd
    >>> is_active(pd.Series([1, 180, 181, float("nan")])).tolist()
    [True, True, False, False]
    """
    return recency_days <= DORMANT_AFTER_DAYS


def is_dormant(recency_days) -> Any:
    """Dormant (沉睡): no transaction in the last :data:`DORMANT_AFTER_DAYS` days (NaN = dormant).

    >>> import pandas as pd
    >>> is_dormant(pd.Series([1, 181, float("nan")])).tolist()
    [False, True, True]
    """
    return ~is_active(recency_days)


# ---------------------------------------------------------------------------
# value tiers
# ---------------------------------------------------------------------------
#: Value tiers by CLV rank, highest first.
TIERS: tuple[str, ...] = ("top", "middle", "bottom")
#: Share of customers in each tier.
TIER_SHARES: dict[str, float] = {"top": 0.10, "middle": 0.60, "bottom": 0.30}
TIER_LABELS_EN: dict[str, str] = {"top": "Top 10%", "middle": "Middle 60%", "bottom": "Bottom 30%"}
TIER_LABELS_ZH: dict[str, str] = {"top": "高价值", "middle": "中价值", "bottom": "低价值"}
#: "High value" (高价值客户) = the top CLV tier: the 10 % of a named population with the
#: highest customer lifetime value. Other "top" lists (monetary top 20 %, the RFM top 20 %
#: list) have their own names.
HIGH_VALUE_TIER: str = "top"

_TIER_ALIASES = {
    **{k: k for k in TIERS},
    **{v.lower().replace(" ", ""): k for k, v in TIER_LABELS_EN.items()},
    **{v: k for k, v in TIER_LABELS_ZH.items()},
    **{v + "客户": k for k, v in TIER_LABELS_ZH.items()},
    "top10": "top", "middle60": "middle", "bottom30": "bottom", "mid": "middle",
}


def tier_sizes(n: int) -> tuple[int, int, int]:
    """Sizes of the top 10% / middle 60% / bottom 30% value tiers for ``n`` customers.

    Top and bottom are rounded half up; the middle takes the rest.

    >>> tier_sizes(5000)
    (500, 3000, 1500)
    >>> tier_sizes(15)
    (2, 8, 5)
    """
    top = round_half_up(TIER_SHARES["top"] * n)
    bottom = round_half_up(TIER_SHARES["bottom"] * n)
    return top, n - top - bottom, bottom


def tier_key(label: Any) -> str | None:
    """The tier key for a label a person may type: "Top 10%", "高价值", "top" -> "top".

    >>> tier_key("Top 10%"), tier_key(" 低价值客户 "), tier_key("x")
    ('top', 'bottom', None)
    """
    text = str(label).strip().lower().replace(" ", "").replace("　", "")
    return _TIER_ALIASES.get(text)


def clv_tier(values) -> "pd.Series":
    """Tier key of every customer by rank of ``values`` (highest first).

    Ties are ordered by position (stable sort), so the result is the same on every
    machine; missing values get no tier (None).

    >>> clv_tier([5.0, 100.0, 1.0] + [10.0] * 7).tolist()   # the 7th tie goes to the bottom tier
    ['bottom', 'top', 'bottom', 'middle', 'middle', 'middle', 'middle', 'middle', 'middle', 'bottom']
    """
    import numpy as np
    import pandas as pd

    s = values if isinstance(values, pd.Series) else pd.Series(values)
    v = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
    ok = np.flatnonzero(~np.isnan(v))
    order = ok[np.argsort(-v[ok], kind="stable")]
    top, mid, _ = tier_sizes(order.shape[0])
    out = np.full(v.shape[0], None, dtype=object)
    out[order[:top]] = "top"
    out[order[top:top + mid]] = "middle"
    out[order[top + mid:]] = "bottom"
    return pd.Series(out, index=s.index, name="tier", dtype=object)


# ---------------------------------------------------------------------------
# satisfaction bands
# ---------------------------------------------------------------------------
#: Satisfaction bands, highest first: high = 90-100, mid = 70 to below 90, low = below 70.
BANDS: tuple[str, ...] = ("high", "mid", "low")
#: Lowest score of each band (a score of exactly 90 is "high", exactly 70 is "mid").
BAND_LOWER_BOUNDS: dict[str, float] = {"high": 90.0, "mid": 70.0, "low": float("-inf")}
BAND_LABELS: dict[str, str] = {"high": "≥90", "mid": "70–89", "low": "<70"}
BAND_LABELS_ZH: dict[str, str] = {"high": "满意度 ≥ 90", "mid": "满意度 70–89", "low": "满意度 < 70"}

_BAND_ALIASES = {
    **{k: k for k in BANDS}, "medium": "mid", "middle": "mid",
    "≥90": "high", ">=90": "high", "90+": "high", "90以上": "high", "90及以上": "high",
    "[90,100]": "high", "[90,101)": "high", "满意度≥90": "high",
    "70–89": "mid", "70-89": "mid", "70~89": "mid", "70—89": "mid", "70至89": "mid",
    "[70,90)": "mid", "满意度70–89": "mid",
    "<70": "low", "70以下": "low", "[0,70)": "low", "满意度<70": "low",
}


def satisfaction_band(scores) -> "pd.Series":
    """Band key per satisfaction score (0-100): "high" (>= 90), "mid" (70 to < 90), "low" (< 70).

    Missing or non-numeric scores get no band (None).

    >>> satisfaction_band([100, 90, 89.9, 70, 69.5, None]).tolist()
    ['high', 'high', 'mid', 'mid', 'low', None]
    """
    import numpy as np
    import pandas as pd

    s = scores if isinstance(scores, pd.Series) else pd.Series(scores, dtype=object)
    v = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
    out = np.where(v >= BAND_LOWER_BOUNDS["high"], "high",
                   np.where(v >= BAND_LOWER_BOUNDS["mid"], "mid", "low")).astype(object)
    out[np.isnan(v)] = None
    return pd.Series(out, index=s.index, name="band", dtype=object)


def band_key(label: Any) -> str | None:
    """The band key for a label a person may type: "≥90", ">=90", "70-89", "high" -> key.

    >>> band_key("≥90"), band_key("70-89"), band_key("<70"), band_key("?")
    ('high', 'mid', 'low', None)
    """
    text = str(label).strip().lower().replace(" ", "").replace("　", "")
    return _BAND_ALIASES.get(text)


# ---------------------------------------------------------------------------
# RFM segments
# ---------------------------------------------------------------------------
#: The eight RFM segments in display order (most to least valuable), as the bank names
#: them. These Chinese names are also the keys of the campaign simulator's tables.
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
#: English keys of the eight segments, same order as :data:`SEGMENTS`.
SEGMENT_KEYS: tuple[str, ...] = (
    "important_value",
    "important_develop",
    "important_keep",
    "important_retain",
    "general_value",
    "general_develop",
    "general_keep",
    "general_retain",
)
SEGMENT_LABELS_ZH: dict[str, str] = dict(zip(SEGMENT_KEYS, SEGMENTS))
_SEGMENT_KEY_OF = {**{v: k for k, v in SEGMENT_LABELS_ZH.items()}, **{k: k for k in SEGMENT_KEYS}}


def segment_key(name: Any) -> str | None:
    """English key of a segment given its Chinese name (or its key).

    >>> segment_key("重要挽留客户"), segment_key("general_keep"), segment_key("簇1")
    ('important_retain', 'general_keep', None)
    """
    return _SEGMENT_KEY_OF.get(str(name).strip())


# ---------------------------------------------------------------------------
# display
# ---------------------------------------------------------------------------
#: Every key -> its Chinese display label (keys are unique across the vocabularies).
LABELS_ZH: dict[str, str] = {**TIER_LABELS_ZH, **BAND_LABELS_ZH, **SEGMENT_LABELS_ZH}

#: Column name -> Chinese header, for tables shown to trainees.
COLUMN_LABELS_ZH: dict[str, str] = {
    "customer_id": "客户号",
    "tier": "价值层",
    "band": "满意度档",
    "segment": "客群",
    "segment_key": "客群",
    "label": "名称",
    "n": "客户数",
    "share": "占比",
    "n_top": "其中进入 RFM 前 20% 名单",
    "mean_clv": "平均 CLV",
    "share_of_clv": "占总 CLV",
    "loyal_rate": "忠诚客户占比",
    "recency_days": "最近交易距今(天)",
    "frequency": "交易笔数",
    "monetary": "交易金额(元)",
    "R_score": "R分",
    "F_score": "F分",
    "M_score": "M分",
    "rfm_score": "RFM综合分",
    "age": "年龄",
    "monthly_income": "月收入(元)",
    "tenure_days": "开户天数",
    "active_months": "近6月活跃月数",
    "txn_recent": "近90天交易笔数",
    "amount_recent": "近90天交易金额(元)",
    "n_accounts": "账户数",
    "n_products": "持有产品数",
    "n_categories": "持有产品类别数",
    "product_usage_rate": "产品使用率",
    "wealth_share": "理财基金占比",
    "mobile_share": "线上渠道占比",
    "counter_share": "柜台渠道占比",
    "balance_last": "月末余额(元)",
    "balance_trend": "余额变化率",
    "app_minutes_recent": "近90天APP分钟",
    "web_visits_recent": "近90天网站访问",
    "messages_recent": "近90天客服留言",
    "negative_messages_recent": "近90天负面留言",
    "study_abroad_visits": "留学页面访问",
}


def labels_zh(keys: Iterable[Any], mapping: Mapping[str, str] | None = None) -> list[str]:
    """Chinese display labels for keys; unknown keys are shown as they are.

    >>> labels_zh(["middle", "mid", "簇1"])
    ['中价值', '满意度 70–89', '簇1']
    """
    table = LABELS_ZH if mapping is None else mapping
    return [table.get(k, str(k)) if isinstance(k, str) else str(k) for k in keys]


def display(frame: "pd.DataFrame", columns: Iterable[str] = (), index: bool = True) -> "pd.DataFrame":
    """A copy of ``frame`` ready to show: key columns/index translated, headers in Chinese.

    ``columns`` lists the columns whose *values* are keys (e.g. ``["tier"]``); the index is
    translated too when ``index`` is true. Headers use :data:`COLUMN_LABELS_ZH`.

    >>> import pandas as pd
    >>> display(pd.DataFrame({"tier": ["top"], "n": [3]}), columns=["tier"]).columns.tolist()
    ['价值层', '客户数']
    """
    import pandas as pd

    out = frame.copy()
    for c in columns:
        if c in out.columns:
            out[c] = labels_zh(out[c])
    if index and (out.index.dtype == object or pd.api.types.is_string_dtype(out.index.dtype)):
        out.index = pd.Index(labels_zh(out.index), name=COLUMN_LABELS_ZH.get(out.index.name, out.index.name))
    return out.rename(columns=COLUMN_LABELS_ZH)


# ---------------------------------------------------------------------------
# consent register (营销授权 / 免打扰 / 退订)
# ---------------------------------------------------------------------------
#: The course's ONE consent register: shares of customers, all synthetic (see
#: :func:`consent_register`). Marketing consent per channel (短信 SMS, 电话外呼 calls,
#: APP推送 pushes); the do-not-call list (免打扰, blocks calls only); an earlier opt-out
#: (replied 回复TD退订, blocks every marketing contact). Drawn independently of each other.
CONSENT_SHARES = {"sms": 0.85, "call": 0.70, "push": 0.90}
DO_NOT_CALL_SHARE = 0.05
OPT_OUT_SHARE = 0.03
#: Columns of :func:`consent_register`, in order.
CONSENT_COLUMNS = ["customer_id", "consent_sms", "consent_call", "consent_push", "do_not_call", "opted_out"]
#: Channel keys of the register and the column that allows each (after opt-out / do-not-call).
CONSENT_CHANNELS = ("sms", "call", "push")
_CONSENT_SALT = "consent-register-v1"


def _register_words(ids) -> Any:
    """Eight uint32 words per id from SHA-256 of ``salt:id`` (big-endian), shape (n, 8)."""
    import hashlib

    import numpy as np

    blob = b"".join(hashlib.sha256(f"{_CONSENT_SALT}:{i}".encode("utf-8")).digest() for i in ids)
    return np.frombuffer(blob, dtype=">u4").reshape(-1, 8).astype(np.uint64)


def _below(words: Any, share: float) -> Any:
    """True where a uint32 word is below ``share`` of 2**32 (integer compare, no floats)."""
    return words < int(round(float(share) * 2 ** 32))


def consent_register(customer_ids) -> "pd.DataFrame":
    """The consent register (营销授权登记): who agreed to which channel, who may not be called.

    **Synthetic**: the course's bank has no consent table, so every flag is derived from
    SHA-256 of ``"consent-register-v1:<customer_id>"`` -- one digest per id, one 32-bit
    word per flag compared as an integer with the share in :data:`CONSENT_SHARES`,
    :data:`DO_NOT_CALL_SHARE`, :data:`OPT_OUT_SHARE` (no RNG, no floating-point maths:
    the same id gets the same flags on every machine and CPU, whatever the dataset seed).
    A real bank reads these from its consent-management system (授权管理), its
    do-not-call list (免打扰名单) and its unsubscribe log (退订记录), as PIPL requires.

    Every user of consent in the course calls this function (campaign simulator,
    journey triggers, activation SMS, retention campaign, outbound calls).

    Parameters
    ----------
    customer_ids : iterable of ids (converted to ``str``); order and duplicates kept.

    Returns
    -------
    DataFrame with :data:`CONSENT_COLUMNS`: ``customer_id`` (str) and five bool columns.
    The raw flags: a contact on channel ``c`` is allowed only when ``consent_<c>`` and not
    ``opted_out`` (and, for calls, not ``do_not_call``) -- see :func:`may_contact`.

    >>> r = consent_register(["C000001", "C000002", "C000003"])
    >>> r.columns.tolist() == CONSENT_COLUMNS, len(r)
    (True, 3)
    >>> big = consent_register([f"C{i:06d}" for i in range(20000)])
    >>> round(float(big["consent_call"].mean()), 2), round(float(big["opted_out"].mean()), 2)
    (0.7, 0.03)
    """
    import numpy as np
    import pandas as pd

    ids = np.array([str(i) for i in customer_ids], dtype=object)
    w = _register_words(ids) if len(ids) else np.zeros((0, 8), dtype=np.uint64)
    return pd.DataFrame({
        "customer_id": pd.array(ids, dtype="str") if len(ids) else pd.array([], dtype="str"),
        "consent_sms": _below(w[:, 0], CONSENT_SHARES["sms"]),
        "consent_call": _below(w[:, 1], CONSENT_SHARES["call"]),
        "consent_push": _below(w[:, 2], CONSENT_SHARES["push"]),
        "do_not_call": _below(w[:, 3], DO_NOT_CALL_SHARE),
        "opted_out": _below(w[:, 4], OPT_OUT_SHARE),
    })


def may_contact(register: "pd.DataFrame", channel: str) -> Any:
    """Bool array: the customer may receive marketing on ``channel`` ("sms", "call", "push").

    Consent on that channel, no earlier opt-out, and for calls not on the do-not-call list.

    >>> import pandas as pd
    >>> r = pd.DataFrame({"consent_sms": [True, True, False], "consent_call": [True, True, True],
    ...                   "consent_push": [True] * 3, "do_not_call": [False, True, False],
    ...                   "opted_out": [False, False, True]})
    >>> may_contact(r, "sms").tolist(), may_contact(r, "call").tolist()
    ([True, True, False], [True, False, False])
    """
    if channel not in CONSENT_CHANNELS:
        raise CourseArgumentError(f"渠道 (channel) 只能是 {list(CONSENT_CHANNELS)}，收到 {channel!r}。"
                                  f" / channel must be one of {list(CONSENT_CHANNELS)}, got {channel!r}.")
    ok = register[f"consent_{channel}"].to_numpy(dtype=bool) & ~register["opted_out"].to_numpy(dtype=bool)
    if channel == "call":
        ok = ok & ~register["do_not_call"].to_numpy(dtype=bool)
    return ok
