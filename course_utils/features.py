"""Customer features for Lecture 2 (客户画像): RFM, behaviour indicators, tags.

Public functions
----------------
rfm(transactions, as_of, ...)
    Recency / Frequency / Monetary per customer from the transactions strictly
    before a cut-off date. Works on any transactions frame, fast (sort-based,
    no ``apply``), fails with a bilingual ``ValueError`` on bad input.
behaviour_indicators(bank, as_of, window_days=90)
    Account activity, product usage rate, channel mix, balance trend and
    interaction counts per customer, all from data before ``as_of``.
customer_view(bank, as_of)
    The four data sources (customer info, transactions, accounts, interactions)
    joined into one row per customer.
add_tags(view, rules=None)
    The tag system (标签体系): readable Chinese tags from rules on the features
    (defined in :mod:`course_utils.tags`, re-exported here).

All money is CNY, all durations are days unless a name says otherwise.
"""
from __future__ import annotations

from typing import Callable, Iterable

import numpy as np
import pandas as pd

from . import domain

__all__ = [
    "rfm",
    "behaviour_indicators",
    "balance_summary",
    "customer_view",
    "TagRule",
    "DEFAULT_TAG_RULES",
    "add_tags",
    "tag_summary",
    "RFM_COLUMNS",
    "top_share_mask",
]

#: Columns returned by :func:`rfm`.
RFM_COLUMNS = ("recency_days", "frequency", "monetary")


# --------------------------------------------------------------------------
# input validation helpers (bilingual messages: trainees read the Chinese)
# --------------------------------------------------------------------------
def _fail(zh: str, en: str) -> ValueError:
    return ValueError(f"{zh}\n{en}")


def _require_frame(df, name: str = "transactions") -> None:
    if not isinstance(df, pd.DataFrame):
        raise _fail(
            f"{name} 应该是一个 pandas DataFrame（数据表），现在收到的是 {type(df).__name__}。"
            f"请传入交易明细表，例如 bank.transactions。",
            f"{name} must be a pandas DataFrame, got {type(df).__name__}.",
        )


def _require_columns(df: pd.DataFrame, cols: Iterable[str], name: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        have = ", ".join(map(str, list(df.columns)[:12]))
        raise _fail(
            f"{name} 中缺少列 {missing}。现有列：{have}。"
            f"请检查列名，或用参数指定列名，例如 rfm(df, as_of, customer_col='客户号', "
            f"date_col='交易日期', amount_col='金额')。",
            f"{name} is missing column(s) {missing} (available: {have}). Fix the column "
            f"names or pass customer_col= / date_col= / amount_col=.",
        )


def _parse_as_of(as_of) -> pd.Timestamp:
    return domain.as_date(as_of, "as_of")


def _as_datetime(values: pd.Series, col: str) -> pd.Series:
    """``values`` as datetime64; a clear bilingual error on text that is not a date."""
    return domain.as_dates(values, col, strict=True)


def _as_number(values: pd.Series, col: str) -> np.ndarray:
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        converted = pd.to_numeric(values, errors="coerce")
        bad = converted.isna() & values.notna()
        if bad.any() or pd.api.types.is_bool_dtype(values):
            examples = ", ".join(repr(v) for v in values[bad].head(3).tolist())
            raise _fail(
                f"列 '{col}' 应该是金额（数字），但有无法转换为数字的值，例如 {examples}。",
                f"Column '{col}' must be numeric (amounts); found non-numbers, e.g. {examples}.",
            )
        values = converted
    return values.to_numpy(dtype="float64", na_value=np.nan)


def _group_keys(values: np.ndarray) -> tuple[np.ndarray, Callable[[np.ndarray], np.ndarray]]:
    """Integer sort keys for customer ids plus a function mapping rows back to labels.

    Short ASCII ids (``C000001``) are packed into one big-endian uint64 each, which
    sorts in the same order as the strings and avoids hashing millions of Python
    strings. Anything else falls back to ``pd.factorize`` (sorted).
    """
    if values.dtype.kind in "iu":
        return values, lambda rows: values[rows]
    if values.dtype == object or values.dtype.kind in "US":
        if all(isinstance(v, str) for v in values[:1000]):
            try:
                # 9 bytes: a non-zero 9th byte means "longer than 8", i.e. cannot pack
                packed = values.astype("S9")  # raises for non-ASCII text
            except (UnicodeEncodeError, TypeError, ValueError):
                packed = None
            if packed is not None:
                raw = packed.view("u1").reshape(-1, 9)
                if not raw[:, 8].any():
                    keys = np.ascontiguousarray(raw[:, :8]).view(">u8").ravel().astype("u8")
                    return keys, lambda rows: values[rows]
    codes, uniques = pd.factorize(values, sort=True)
    if (codes < 0).any():
        raise _fail(
            "客户编号列中有空值（缺失的客户号）。请先删除这些行：df.dropna(subset=['customer_id'])。",
            "The customer id column has missing values; drop those rows first.",
        )
    uniques = np.asarray(uniques, dtype=object)
    return codes.astype("i8"), lambda rows: uniques[codes[rows]]


def _arrow_codes(col: pd.Series) -> tuple[np.ndarray, pd.api.extensions.ExtensionArray] | None:
    """(codes, sorted labels) of a pyarrow-backed ``str`` column, hashed and sorted by Arrow;
    code -1 = missing. None for any other column. (pandas 3 stores text this way when pyarrow
    is installed; turning 40 M ids into Python strings first would cost more than all of rfm.)"""
    if not (pd.api.types.is_string_dtype(col.dtype) and getattr(col.dtype, "storage", None) == "pyarrow"):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc
    codes, uniq = pd.factorize(col.array, use_na_sentinel=True)
    order = np.asarray(pc.array_sort_indices(pa.array(uniq)))        # byte order = str order
    rank = np.empty(len(order), dtype="i8")
    rank[order] = np.arange(len(order))
    codes = np.asarray(codes, dtype="i8")
    return np.where(codes < 0, -1, rank[np.maximum(codes, 0)]), uniq.take(order)


# --------------------------------------------------------------------------
# RFM
# --------------------------------------------------------------------------
def rfm(
    transactions: pd.DataFrame,
    as_of,
    customer_col: str = "customer_id",
    date_col: str = "txn_date",
    amount_col: str = "amount",
    window_days: int | None = None,
) -> pd.DataFrame:
    """Recency, Frequency and Monetary per customer as of a cut-off date.

    Only rows with a date **strictly before** ``as_of`` are used, so nothing
    after the cut-off can leak into the features.

    Parameters
    ----------
    transactions : DataFrame
        One row per transaction. Dates may be ``datetime64`` or text such as
        ``"2024-01-31"``; amounts are numbers (CNY).
    as_of : str or Timestamp
        Cut-off date (观察截止日).
    customer_col, date_col, amount_col : str
        Column names, for frames that use other names.
    window_days : int, optional
        Only use the last ``window_days`` days before ``as_of`` (e.g. 365 for
        "交易频率/金额 in the last year"); default: all history before ``as_of``.

    Returns
    -------
    DataFrame indexed by customer id (index name = ``customer_col``), sorted,
    one row per customer with at least one transaction before ``as_of``:

    - ``recency_days`` (int): days from the customer's last transaction to ``as_of``
      (1 = the day before the cut-off; smaller is more recent),
    - ``frequency`` (int): number of transactions (rows), not their amount,
    - ``monetary`` (float, CNY): sum of ``amount_col`` (missing amounts count as 0).

    Raises
    ------
    ValueError
        Missing column, unparsable date, non-numeric amount or bad ``as_of``;
        the message (Chinese, then English) names the column and the fix.

    Example
    -------
    >>> tx = pd.DataFrame({"customer_id": ["A", "A", "B", "B"],
    ...                    "txn_date": ["2024-01-01", "2024-01-05", "2024-01-03", "2024-02-01"],
    ...                    "amount": [100.0, 50.0, 20.0, 999.0]})
    >>> rfm(tx, "2024-01-10")  # doctest: +NORMALIZE_WHITESPACE
                 recency_days  frequency  monetary
    customer_id
    A                       5          2     150.0
    B                       7          1      20.0
    """
    _require_frame(transactions)
    _require_columns(transactions, [customer_col, date_col, amount_col], "交易表 transactions")
    cutoff = _parse_as_of(as_of)
    dates = _as_datetime(transactions[date_col], date_col)
    if isinstance(dates.dtype, pd.DatetimeTZDtype) and cutoff.tzinfo is None:
        cutoff = cutoff.tz_localize(dates.dtype.tz)
    elif not isinstance(dates.dtype, pd.DatetimeTZDtype) and cutoff.tzinfo is not None:
        cutoff = cutoff.tz_localize(None)
    amounts = _as_number(transactions[amount_col], amount_col)

    keep = (dates < cutoff).to_numpy(dtype=bool, na_value=False)
    if window_days is not None:
        if isinstance(window_days, bool) or not isinstance(window_days, (int, np.integer)) or window_days <= 0:
            raise _fail(
                f"window_days 应该是正整数（天数），现在是 {window_days!r}。",
                f"window_days must be a positive int (days), got {window_days!r}.",
            )
        keep = keep & (dates >= cutoff - pd.Timedelta(days=int(window_days))).to_numpy(
            dtype=bool, na_value=False
        )
    cust_col = transactions[customer_col]
    arrow = None if isinstance(cust_col.dtype, pd.CategoricalDtype) else _arrow_codes(cust_col)
    if isinstance(cust_col.dtype, pd.CategoricalDtype):
        # fast path: integer codes are ready-made group keys (no string handling)
        codes = cust_col.cat.codes.to_numpy()[keep].astype("i8")
        if (codes < 0).any():
            raise _fail(
                f"客户编号列 '{customer_col}' 中有空值。请先删除这些行：df.dropna(subset=['{customer_col}'])。",
                f"Column '{customer_col}' has missing customer ids; drop those rows first.",
            )
        cats = np.asarray(cust_col.cat.categories, dtype=object)
        cust = codes
    elif arrow is not None:
        # pyarrow strings: sort keys = each id's rank among the sorted ids, which order (and tie)
        # exactly like the packed ids of the path below, so the sums add up in the same order
        cats = None
        cust = arrow[0][keep]
        if (cust < 0).any():
            raise _fail(
                f"客户编号列 '{customer_col}' 中有空值。请先删除这些行：df.dropna(subset=['{customer_col}'])。",
                f"Column '{customer_col}' has missing customer ids; drop those rows first.",
            )
    else:
        cats = None
        cust = cust_col.to_numpy()[keep]
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_convert("UTC").dt.tz_localize(None)
        cutoff = cutoff.tz_convert("UTC").tz_localize(None)
    day_ns = dates.to_numpy(dtype="datetime64[ns]")[keep].view("i8")
    amt = np.nan_to_num(amounts[keep], nan=0.0)

    name = customer_col
    if len(cust) == 0:
        out = pd.DataFrame(
            {
                "recency_days": pd.Series([], dtype="int64"),
                "frequency": pd.Series([], dtype="int64"),
                "monetary": pd.Series([], dtype="float64"),
            }
        )
        out.index.name = name
        return out

    cutoff_ns = np.datetime64(cutoff.to_datetime64(), "ns").view("i8")
    if cats is not None:
        # dense category codes: count / sum / max with bincount, no sort needed
        frequency_all = np.bincount(cust, minlength=len(cats))
        present = np.flatnonzero(frequency_all)
        frequency = frequency_all[present]
        monetary = np.bincount(cust, weights=amt, minlength=len(cats))[present]
        last_all = np.full(len(cats), np.iinfo("i8").min, dtype="i8")
        np.maximum.at(last_all, cust, day_ns)
        last_ns = last_all[present]
        labels = cats[present]
        if not cust_col.cat.categories.is_monotonic_increasing:
            srt = np.argsort(labels.astype(str), kind="stable")
            frequency, monetary, last_ns, labels = frequency[srt], monetary[srt], last_ns[srt], labels[srt]
    else:
        if arrow is not None:
            keys, label_of = cust, lambda rows, c=cust, u=arrow[1]: u.take(c[rows])
        else:
            keys, label_of = _group_keys(cust)
        order = np.argsort(keys, kind="stable")  # stable: the same summing order on every CPU (SIMD sorts differ)
        sorted_keys = keys[order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        frequency = np.diff(np.r_[starts, len(sorted_keys)])
        monetary = np.add.reduceat(amt[order], starts)
        last_ns = np.maximum.reduceat(day_ns[order], starts)
        labels = label_of(order[starts])
    recency = (cutoff_ns - last_ns) // (86_400 * 10**9)

    if pd.isna(labels).any():
        raise _fail(
            f"客户编号列 '{customer_col}' 中有空值。请先删除这些行：df.dropna(subset=['{customer_col}'])。",
            f"Column '{customer_col}' has missing customer ids; drop those rows first.",
        )
    index = pd.Index(labels, name=name)
    return pd.DataFrame(
        {
            "recency_days": recency.astype("int64"),
            "frequency": frequency.astype("int64"),
            "monetary": monetary.astype("float64"),
        },
        index=index,
    )


# --------------------------------------------------------------------------
# behaviour indicators and the one-customer view
# --------------------------------------------------------------------------
def _before(df: pd.DataFrame, col: str, cutoff: pd.Timestamp, start: pd.Timestamp | None = None):
    d = domain.as_dates(df[col], col)
    mask = d < cutoff
    if start is not None:
        mask &= d >= start
    return df.loc[mask]


def behaviour_indicators(bank, as_of, window_days: int = 90) -> pd.DataFrame:
    """Behaviour indicators per customer from accounts, holdings, balances and interactions.

    Everything uses data strictly before ``as_of``; "recent" means the last
    ``window_days`` days (default 90) before it.

    Columns (one row per customer of ``bank.customers``, index ``customer_id``):

    - ``active_months`` (0-6): months with at least one transaction among the 6 before ``as_of``
      (账户活跃度 account activity),
    - ``txn_recent``: transactions in the window; ``amount_recent`` (CNY) their sum,
    - ``n_accounts``: accounts open at ``as_of``,
    - ``n_products``, ``n_categories``: products / product categories held at ``as_of``,
      ``product_usage_rate`` (0-1): categories held / categories the bank offers (产品使用率),
    - ``wealth_share`` (0-1): share of held amount in 理财/基金 products,
    - ``mobile_share``, ``counter_share`` (0-1): share of transactions (window) by channel
      containing "手机"/"APP"/"网银" vs "柜台"/"网点" (渠道偏好 channel mix),
    - ``balance_last`` (CNY): last month-end balance before ``as_of``,
      ``balance_trend``: mean balance of the last 3 months / the 3 before, minus 1
      (0 = flat, -0.3 = down 30 %; clipped to -1..5, 0 without history; see :func:`balance_summary`),
    - ``app_minutes_recent``, ``web_visits_recent``, ``messages_recent``,
      ``negative_messages_recent``: interaction counts in the window,
    - ``study_abroad_visits``: visits to pages containing "留学" in the window.

    Missing tables give zeros for their columns, so the function also works on a
    partial bank. Example: ``behaviour_indicators(get_bank(), "2024-01-01")``.
    """
    cutoff = _parse_as_of(as_of)
    start = cutoff - pd.Timedelta(days=window_days)
    customers = bank.customers
    ids = pd.Index(customers["customer_id"].astype(str), name="customer_id")
    out = pd.DataFrame(index=ids)

    # --- transactions: activity and channel mix
    tx = getattr(bank, "transactions", None)
    if tx is not None and len(tx):
        six = cutoff - pd.DateOffset(months=6)
        t6 = _before(tx, "txn_date", cutoff, six)
        months = domain.as_dates(t6["txn_date"], "txn_date").dt.to_period("M")
        out["active_months"] = (
            pd.DataFrame({"c": t6["customer_id"].to_numpy(), "m": months.to_numpy()})
            .drop_duplicates()
            .groupby("c")
            .size()
            .reindex(ids, fill_value=0)
            .to_numpy()
        )
        tw = _before(tx, "txn_date", cutoff, start)
        g = tw.groupby("customer_id")
        out["txn_recent"] = g.size().reindex(ids, fill_value=0).to_numpy()
        out["amount_recent"] = g["amount"].sum().reindex(ids, fill_value=0.0).to_numpy()
        if "channel" in tw.columns:
            ch = tw["channel"].astype(str)
            mobile = ch.str.contains("手机|APP|App|app|网银|线上|微信", regex=True)
            counter = ch.str.contains("柜台|网点|柜面", regex=True)
            n = out["txn_recent"].replace(0, np.nan)
            for col, m in (("mobile_share", mobile), ("counter_share", counter)):
                cnt = m.groupby(tw["customer_id"]).sum().reindex(ids, fill_value=0)
                out[col] = (cnt.to_numpy() / n).fillna(0.0).to_numpy()
    for col in ("active_months", "txn_recent", "amount_recent", "mobile_share", "counter_share"):
        if col not in out:
            out[col] = 0

    # --- accounts open at the cut-off
    acc = getattr(bank, "accounts", None)
    if acc is not None and len(acc):
        opened = domain.as_dates(acc["open_date"], "open_date") < cutoff
        closed = domain.as_dates(acc.get("close_date", pd.Series(pd.NaT, index=acc.index)), "close_date")
        still = closed.isna() | (closed >= cutoff)
        out["n_accounts"] = (
            acc.loc[opened & still].groupby("customer_id").size().reindex(ids, fill_value=0).to_numpy()
        )
    else:
        out["n_accounts"] = 0

    # --- product holdings
    hold = getattr(bank, "holdings", None)
    prods = getattr(bank, "products", None)
    if hold is not None and prods is not None and len(hold):
        h = _before(hold, "start_date", cutoff)
        if "end_date" in h.columns:
            end = domain.as_dates(h["end_date"], "end_date")
            h = h.loc[end.isna() | (end >= cutoff)]
        h = h.merge(prods[["product_id", "category"]], on="product_id", how="left")
        n_cat_total = max(prods["category"].nunique(), 1)
        g = h.groupby("customer_id")
        out["n_products"] = g["product_id"].nunique().reindex(ids, fill_value=0).to_numpy()
        out["n_categories"] = g["category"].nunique().reindex(ids, fill_value=0).to_numpy()
        out["product_usage_rate"] = out["n_categories"] / n_cat_total
        amount = h["amount"] if "amount" in h.columns else pd.Series(1.0, index=h.index)
        wealth = amount.where(h["category"].isin(["理财", "基金"]), 0.0)
        tot = amount.groupby(h["customer_id"]).sum().reindex(ids, fill_value=0.0)
        wl = wealth.groupby(h["customer_id"]).sum().reindex(ids, fill_value=0.0)
        out["wealth_share"] = (wl / tot.replace(0, np.nan)).fillna(0.0).to_numpy()
    else:
        for col in ("n_products", "n_categories", "product_usage_rate", "wealth_share"):
            out[col] = 0

    # --- balances: last value and trend (ratio - 1: 0 = flat)
    bal = getattr(bank, "balances", None)
    if bal is not None and len(bal):
        summary = balance_summary(bal, cutoff).reindex(ids)
        out["balance_last"] = summary["balance_last"].fillna(0.0).to_numpy()
        out["balance_trend"] = summary["balance_trend"].fillna(0.0).clip(-1, 5).to_numpy()
    else:
        out["balance_last"] = 0.0
        out["balance_trend"] = 0.0

    # --- interactions
    app = getattr(bank, "app_usage", None)
    if app is not None and len(app):
        a = _before(app, "week_start", cutoff, start)
        out["app_minutes_recent"] = (
            a.groupby("customer_id")["minutes"].sum().reindex(ids, fill_value=0).to_numpy()
        )
    else:
        out["app_minutes_recent"] = 0
    web = getattr(bank, "web_visits", None)
    if web is not None and len(web):
        w = _before(web, "visit_date", cutoff, start)
        out["web_visits_recent"] = w.groupby("customer_id").size().reindex(ids, fill_value=0).to_numpy()
        abroad = w["page"].astype(str).str.contains("留学")
        out["study_abroad_visits"] = (
            abroad.groupby(w["customer_id"]).sum().reindex(ids, fill_value=0).astype("int64").to_numpy()
        )
    else:
        out["web_visits_recent"] = 0
        out["study_abroad_visits"] = 0
    msg = getattr(bank, "messages", None)
    if msg is not None and len(msg):
        m = _before(msg, "msg_date", cutoff, start)
        out["messages_recent"] = m.groupby("customer_id").size().reindex(ids, fill_value=0).to_numpy()
        if "sentiment" in m.columns:
            sent = m["sentiment"]
            neg = (
                sent.astype(str).isin(["负面", "negative", "neg", "-1"])
                if not pd.api.types.is_numeric_dtype(sent)
                else sent < 0
            )
            out["negative_messages_recent"] = (
                neg.groupby(m["customer_id"]).sum().reindex(ids, fill_value=0).astype("int64").to_numpy()
            )
        else:
            out["negative_messages_recent"] = 0
    else:
        out["messages_recent"] = 0
        out["negative_messages_recent"] = 0
    return out


def balance_summary(
    balances: pd.DataFrame,
    as_of,
    recent: tuple[int, int] = (1, 3),
    reference: tuple[int, int] = (4, 6),
    smoothing: float = 0.0,
) -> pd.DataFrame:
    """Last month-end balance and its trend per customer, from months before ``as_of``.

    Months are counted back from the cut-off's month: age 1 = the month before it
    (its month-end balance is known at the cut-off), age 3 = three months before.

    - ``balance_last`` (CNY): the latest month-end balance before the cut-off;
    - ``balance_trend``: ``(mean over ages recent + smoothing) / (mean over ages reference
      + smoothing) - 1``. **0 = flat**, -0.3 = down 30 %, +0.5 = up 50 %; NaN when the
      reference mean is missing or not positive. This one meaning is used by the customer
      view (Lecture 2) and the churn table (Lecture 3), which only choose the windows.

    Returns a DataFrame indexed by ``customer_id`` (customers with any balance before
    the cut-off).

    >>> b = pd.DataFrame({"customer_id": ["A"] * 6, "balance": [100.0] * 3 + [50.0] * 3,
    ...                   "month": ["2023-07", "2023-08", "2023-09", "2023-10", "2023-11", "2023-12"]})
    >>> balance_summary(b, "2024-01-01").loc["A"].tolist()
    [50.0, -0.5]
    """
    cutoff = _parse_as_of(as_of)
    month = pd.PeriodIndex(domain.as_dates(balances["month"].astype(str), "month"), freq="M")
    age = pd.Period(cutoff, freq="M").ordinal - month.asi8
    keep = age >= 1
    b = balances.loc[keep]
    age = age[keep]
    cid = b["customer_id"].astype(str)
    value = pd.to_numeric(b["balance"], errors="coerce")

    def window_mean(lo: int, hi: int) -> pd.Series:
        m = (age >= lo) & (age <= hi)
        return value[m].groupby(cid[m]).mean()

    last = value.iloc[np.argsort(-age, kind="stable")].groupby(cid.iloc[np.argsort(-age, kind="stable")]).last()
    ref = window_mean(*reference) + smoothing
    trend = (window_mean(*recent) + smoothing) / ref.where(ref > 0) - 1
    out = pd.DataFrame({"balance_last": last})
    out["balance_trend"] = trend.reindex(out.index)
    out.index.name = "customer_id"
    return out


#: Customer-info columns carried into the customer view (those present are kept).
INFO_COLUMNS = (
    "gender",
    "age",
    "city",
    "occupation",
    "monthly_income",
    "risk_appetite",
    "open_date",
)


def customer_view(
    bank, as_of, window_days: int = 90, active_only: bool = True, rfm_window_days: int = 365
) -> pd.DataFrame:
    """One row per customer joining the four data sources as of ``as_of``.

    - customer info (客户信息): age, gender, occupation, income, risk appetite, tenure;
    - transactions (交易数据): ``recency_days`` (whole history), ``frequency`` and ``monetary``
      (last ``rfm_window_days`` = 365 days) from :func:`rfm`; customers without a
      transaction get frequency 0, monetary 0 and recency = tenure;
    - accounts (账户数据) and holdings: accounts, balance and its trend, product usage;
    - interactions (互动数据): app minutes, web visits, call-centre messages.

    ``active_only`` (default) keeps the customers on the books when the cut-off day
    begins (:func:`course_utils.domain.on_books_at_start`; their later churn is *not*
    used: no leakage); otherwise every customer who opened before ``as_of``.
    ``view.attrs["population"]`` names the population for figures.
    Example: ``customer_view(get_bank(), "2024-01-01")``.
    """
    cutoff = _parse_as_of(as_of)
    cust = bank.customers.copy()
    cust["customer_id"] = cust["customer_id"].astype(str)
    if active_only and "churn_date" in cust.columns:
        keep = domain.on_books_at_start(cust, cutoff)
    else:
        keep = domain.as_dates(cust["open_date"], "open_date") < cutoff
    cust = cust.loc[keep]
    info = [c for c in INFO_COLUMNS if c in cust.columns]
    view = cust.set_index("customer_id")[info].copy()
    view["tenure_days"] = (cutoff - domain.as_dates(view["open_date"], "open_date")).dt.days
    view = view.drop(columns=["open_date"])

    # recency from the whole history, frequency and monetary from the last year
    r_all = rfm(bank.transactions, cutoff)
    r_year = rfm(bank.transactions, cutoff, window_days=rfm_window_days)
    view = view.join(r_all[["recency_days"]], how="left")
    view = view.join(r_year[["frequency", "monetary"]], how="left")
    view["frequency"] = view["frequency"].fillna(0).astype("int64")
    view["monetary"] = view["monetary"].fillna(0.0)
    view["recency_days"] = view["recency_days"].fillna(view["tenure_days"]).astype("int64")

    beh = behaviour_indicators(bank, cutoff, window_days=window_days)
    view = view.join(beh, how="left")
    day_before = (cutoff - pd.Timedelta(days=1)) if active_only else None
    view.attrs["population"] = (domain.population_note(day_before, len(view)) if active_only
                                else f"统计范围：{cutoff:%Y-%m-%d} 之前开户的客户（{len(view):,} 人）")
    view.attrs["as_of"] = f"{cutoff:%Y-%m-%d}"
    return view


from .tags import DEFAULT_TAG_RULES, TagRule, add_tags, tag_summary, top_share_mask  # noqa: E402,F401

_top_share = top_share_mask
