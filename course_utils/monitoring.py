"""Model monitoring and fairness: population stability (PSI), performance by month, error rates by group.

A churn model trained on last year's customers meets this year's. Three questions
an analyst answers every month (Lecture 5, 模型监控):

- Has the population moved? :func:`psi` compares a feature's (or a score's)
  distribution now with the training period; :func:`psi_by_period` does it month
  by month.
- Is the model still as good? :func:`performance_by_period` — AUC per month
  (performance decays after the training period).
- Is it fair? :func:`error_rates_by_group` — false-positive rate, false-negative
  rate and selection rate per age band or gender.

Monthly monitoring scores the customers on the books at every month start, so it needs
Lecture 3's churn table at many cut-offs: :func:`churn_tables` builds them in one pass
(the same table as :func:`course_utils.churn.build_churn_table`, tested equal, about 20×
faster for a year of month starts).

PSI (population stability index)
--------------------------------
``PSI = Σ_bins (a_i − e_i) · ln(a_i / e_i)``, with ``e_i`` / ``a_i`` the shares of the
expected (baseline) and actual values in bin ``i``. Bins are the deciles (``bins``
quantiles) **of the expected values**; the outer bins are open (values beyond the
baseline's range fall into the first / last bin). Conventions (documented, tested):

- **Ties**: bin edges are the unique quantiles, so a value held by many customers
  (e.g. 0 transactions) does not create empty duplicate bins — there are then fewer
  than ``bins`` bins. A value equal to an edge belongs to the bin above it
  (``[edge_i, edge_{i+1})``).
- **Constant baseline** (one distinct value ``c``): three bins, ``< c``, ``= c``,
  ``> c``, so any movement away from ``c`` shows.
- **Empty bins**: shares are floored at :data:`PSI_FLOOR` (1e-4, i.e. 0.01 %) before the
  logarithm (no renormalisation), so a bin empty on one side adds a large but finite
  amount instead of infinity.
- **Missing values** (NaN) are dropped from both sides; monitor the missing share
  separately.

Reading it (the usual industry rule of thumb, :func:`psi_level`): < 0.1 stable,
0.1–0.25 moderate shift (watch), > 0.25 major shift (investigate / retrain).

>>> round(psi([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], bins=5), 6)
0.0
>>> round(psi([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [6, 7, 8, 9, 10, 6, 7, 8, 9, 10], bins=5), 3)
3.316
"""
from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd

from .errors import CourseArgumentError

__all__ = ["PSI_FLOOR", "PSI_LEVELS", "psi", "psi_bins", "psi_level", "psi_by_period",
           "performance_by_period", "error_rates_by_group", "churn_tables"]

#: Floor for a bin's share before the logarithm (0.01 %).
PSI_FLOOR: float = 1e-4
#: (upper bound, key, Chinese label) of the rule-of-thumb PSI levels.
PSI_LEVELS: tuple[tuple[float, str, str], ...] = (
    (0.10, "stable", "稳定"), (0.25, "moderate", "轻度偏移，需关注"), (math.inf, "shift", "显著偏移，需排查/重训"))


def _err(zh: str, en: str) -> CourseArgumentError:
    return CourseArgumentError(f"{zh}\n{en}")


def _values(x, name: str) -> np.ndarray:
    """Finite float values of ``x`` (NaN dropped); bilingual error if not numeric or empty."""
    if isinstance(x, (str, bytes)) or np.isscalar(x):
        raise _err(f"{name} 必须是一列数值（列表、数组或 Series），现在是 {type(x).__name__}。",
                   f"{name} must be a column of numbers (list, array or Series), got {type(x).__name__}.")
    s = pd.Series(x) if not isinstance(x, pd.Series) else x
    if s.dtype == bool:
        s = s.astype(float)
    num = pd.to_numeric(s, errors="coerce")
    bad = num.isna() & s.notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise _err(f"{name} 里有非数值：第 {i + 1} 个值是 {s.iloc[i]!r}。",
                   f"{name} contains a non-number: value #{i + 1} is {s.iloc[i]!r}.")
    v = num.to_numpy(dtype=float)
    if np.isinf(v).any():
        raise _err(f"{name} 里有无穷大（inf）。", f"{name} contains infinite values.")
    v = v[~np.isnan(v)]
    if v.size == 0:
        raise _err(f"{name} 是空的（去掉缺失值后没有数据）。", f"{name} is empty (no values after dropping NaN).")
    return v


def _check_bins(bins) -> int:
    if isinstance(bins, bool) or not isinstance(bins, numbers.Integral) or int(bins) < 2:
        raise _err(f"bins（分箱数）必须是不小于 2 的整数，现在是 {bins!r}。",
                   f"bins must be a whole number >= 2, got {bins!r}.")
    return int(bins)


def psi_bins(expected, bins: int = 10) -> np.ndarray:
    """Inner bin edges used by :func:`psi`: unique quantiles of ``expected`` (see module doc).

    Bin ``i`` is ``[edges[i-1], edges[i])``; the first bin is everything below
    ``edges[0]``, the last everything from ``edges[-1]`` on.

    >>> psi_bins([1, 2, 3, 4], bins=2).tolist()
    [2.5]
    >>> psi_bins([0, 0, 0, 0, 5, 6], bins=3).round(3).tolist()   # ties at 0: 2 edges, not 3 bins of 0s
    [0.0, 1.667]
    >>> edges = psi_bins([7, 7, 7]); bool(edges[0] == 7 < edges[1])   # constant: bins < 7, = 7, > 7
    True
    """
    e = _values(expected, "expected")
    b = _check_bins(bins)
    qs = np.quantile(e, np.linspace(0.0, 1.0, b + 1))
    inner = np.unique(qs[1:-1])
    lo, hi = e.min(), e.max()
    if lo == hi:
        return np.array([lo, np.nextafter(lo, np.inf)])
    return inner


def _shares(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    idx = np.searchsorted(edges, values, side="right")
    return np.bincount(idx, minlength=edges.size + 1) / values.size


def psi(expected, actual, bins: int = 10) -> float:
    """Population stability index of ``actual`` against ``expected`` (raw values, any unit).

    Parameters
    ----------
    expected : baseline values (training period), list / array / Series of numbers.
    actual : values to compare (a later month), same unit.
    bins : number of quantile bins taken from ``expected`` (fewer when values tie).

    Returns a float ≥ 0 (0 = same distribution over these bins). Missing values are
    dropped; empty-bin shares are floored at :data:`PSI_FLOOR`. See the module
    docstring for ties and a constant baseline.

    >>> round(psi([0, 0, 0, 1, 2, 3], [0, 1, 2, 3, 3, 3], bins=4), 3)
    0.597
    >>> psi([5, 5, 5], [5, 5]), round(psi([5, 5, 5], [5, 6]), 3)
    (0.0, 4.604)
    """
    e = _values(expected, "expected")
    a = _values(actual, "actual")
    edges = psi_bins(e, bins)
    pe = np.maximum(_shares(e, edges), PSI_FLOOR)
    pa = np.maximum(_shares(a, edges), PSI_FLOOR)
    from .datagen.detmath import log   # IEEE-exact log: the same PSI on every CPU (numpy's SIMD log may differ)

    value = float(np.sum((pa - pe) * log(pa / pe)))
    return 0.0 if abs(value) < 1e-15 else value


def psi_level(value: float, zh: bool = False) -> str:
    """Rule-of-thumb level of a PSI value: ``stable`` (< 0.1), ``moderate`` (0.1–0.25), ``shift``.

    >>> psi_level(0.05), psi_level(0.1), psi_level(0.3, zh=True)
    ('stable', 'moderate', '显著偏移，需排查/重训')
    """
    x = float(value)
    if math.isnan(x):
        return "—" if zh else "n/a"
    for upper, key, label in PSI_LEVELS:
        if x < upper:
            return label if zh else key
    return PSI_LEVELS[-1][2] if zh else PSI_LEVELS[-1][1]


def _require(frame, cols, name="frame") -> None:
    if not isinstance(frame, pd.DataFrame):
        raise _err(f"{name} 必须是 DataFrame，现在是 {type(frame).__name__}。",
                   f"{name} must be a DataFrame, got {type(frame).__name__}.")
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise _err(f"{name} 缺少列 {missing}；现有列：{list(frame.columns)}。",
                   f"{name} lacks column(s) {missing}; it has {list(frame.columns)}.")


def psi_by_period(frame: pd.DataFrame, value: str, period: str, baseline, bins: int = 10) -> pd.DataFrame:
    """PSI of column ``value`` in every period against the ``baseline`` period(s).

    Parameters
    ----------
    frame : one row per customer and period (e.g. a monthly score table).
    value : numeric column to monitor (a feature or the model's score).
    period : column with the period label (e.g. ``"2024-03"`` or a month start date).
    baseline : a period label, or a list of labels pooled as the expected distribution.
    bins : quantile bins of the baseline.

    Returns a DataFrame, one row per period in sorted order: ``period``, ``n`` (non-missing
    values), ``psi``, ``level`` (:func:`psi_level`), ``is_baseline``.

    >>> df = pd.DataFrame({"m": ["01"] * 4 + ["02"] * 4, "x": [1, 2, 3, 4, 3, 4, 4, 4]})
    >>> psi_by_period(df, "x", "m", baseline="01", bins=2)[["period", "psi", "level"]].round(3).values.tolist()
    [['01', 0.0, 'stable'], ['02', 4.604, 'shift']]
    """
    _require(frame, [value, period])
    base_labels = list(baseline) if isinstance(baseline, (list, tuple, set, pd.Index, np.ndarray)) else [baseline]
    in_base = frame[period].isin(base_labels)
    if not in_base.any():
        shown = sorted(map(str, frame[period].dropna().unique()))[:6]
        raise _err(f"基准期 {base_labels} 不在列 {period!r} 里；其中的取值例如 {shown}。",
                   f"Baseline period {base_labels} not found in column {period!r}; it holds e.g. {shown}.")
    expected = _values(frame.loc[in_base, value], f"{value} (baseline)")
    rows = []
    for label, part in frame.groupby(period, sort=True, observed=True):
        vals = pd.to_numeric(part[value], errors="coerce").dropna()
        p = psi(expected, vals, bins) if len(vals) else float("nan")
        rows.append({"period": label, "n": int(len(vals)), "psi": p, "level": psi_level(p),
                     "is_baseline": bool(label in base_labels)})
    return pd.DataFrame(rows)


def _labels(y, name: str) -> np.ndarray:
    s = pd.Series(np.asarray(y)) if not isinstance(y, pd.Series) else y.reset_index(drop=True)
    num = pd.to_numeric(s, errors="coerce")
    if num.isna().any() or not num.isin([0, 1]).all():
        bad = s[num.isna() | ~num.isin([0, 1])]
        raise _err(f"{name} 只能是 0/1（或 True/False），发现 {bad.iloc[0]!r}。",
                   f"{name} must be 0/1 (or True/False); found {bad.iloc[0]!r}.")
    return num.to_numpy(dtype=int)


def _same_length(*pairs) -> None:
    lengths = {name: len(v) for name, v in pairs}
    if len(set(lengths.values())) > 1:
        raise _err(f"各列长度必须相同，现在是 {lengths}。", f"All inputs must have the same length, got {lengths}.")


def performance_by_period(y_true, scores, period) -> pd.DataFrame:
    """AUC of ``scores`` for ``y_true`` in every period (performance decay over time).

    Parameters
    ----------
    y_true : 0/1 outcome (1 = churned) per customer-period.
    scores : the model's score (higher = more likely 1).
    period : period label per row (e.g. month of the cut-off).

    Returns one row per period (sorted): ``period``, ``n``, ``positives``, ``positive_rate``,
    ``auc`` (NaN when a period has only one class — AUC is undefined there).

    >>> performance_by_period([0, 1, 0, 1, 0, 1], [.1, .9, .2, .3, .8, .7], ["a", "a", "a", "b", "b", "b"])
      period  n  positives  positive_rate  auc
    0      a  3          1       0.333333  1.0
    1      b  3          2       0.666667  0.0
    """
    from sklearn.metrics import roc_auc_score

    y = _labels(y_true, "y_true")
    sc = pd.to_numeric(pd.Series(np.asarray(scores)), errors="coerce").to_numpy(dtype=float)
    per = pd.Series(np.asarray(period))
    _same_length(("y_true", y), ("scores", sc), ("period", per))
    if np.isnan(sc).any():
        raise _err("scores 里有缺失或非数值。", "scores contains missing or non-numeric values.")
    df = pd.DataFrame({"period": per, "y": y, "s": sc})
    rows = []
    for label, part in df.groupby("period", sort=True):
        n, pos = len(part), int(part["y"].sum())
        auc = float(roc_auc_score(part["y"], part["s"])) if 0 < pos < n else float("nan")
        rows.append({"period": label, "n": n, "positives": pos, "positive_rate": pos / n, "auc": auc})
    return pd.DataFrame(rows)


def error_rates_by_group(y_true, y_pred, group) -> pd.DataFrame:
    """Fairness check: error rates of 0/1 decisions per group (e.g. age band, gender).

    Parameters
    ----------
    y_true : actual outcome 0/1 (1 = churned).
    y_pred : the model's decision 0/1 (1 = flagged, e.g. score above the contact threshold).
    group : group label per row.

    Returns one row per group (sorted): ``group``, ``n``, ``positives`` (actual 1s),
    ``selection_rate`` (share flagged), ``fpr`` (false-positive rate = flagged among actual
    0s), ``fnr`` (false-negative rate = missed among actual 1s), ``precision``; NaN where a
    denominator is 0. Large gaps between groups are what to explain.

    >>> error_rates_by_group([1, 0, 0, 1, 1, 0], [1, 1, 0, 0, 1, 0], ["女", "女", "女", "男", "男", "男"])
      group  n  positives  selection_rate  fpr  fnr  precision
    0     女  3          1        0.666667  0.5  0.0        0.5
    1     男  3          2        0.333333  0.0  0.5        1.0
    """
    y = _labels(y_true, "y_true")
    p = _labels(y_pred, "y_pred")
    g = pd.Series(np.asarray(group))
    _same_length(("y_true", y), ("y_pred", p), ("group", g))
    df = pd.DataFrame({"group": g, "y": y, "p": p})
    rows = []
    for label, part in df.groupby("group", sort=True):
        yy, pp = part["y"].to_numpy(), part["p"].to_numpy()
        tp = int(((yy == 1) & (pp == 1)).sum())
        fp = int(((yy == 0) & (pp == 1)).sum())
        fn = int(((yy == 1) & (pp == 0)).sum())
        tn = int(((yy == 0) & (pp == 0)).sum())
        rows.append({"group": label, "n": len(part), "positives": tp + fn,
                     "selection_rate": (tp + fp) / len(part),
                     "fpr": fp / (fp + tn) if fp + tn else float("nan"),
                     "fnr": fn / (fn + tp) if fn + tp else float("nan"),
                     "precision": tp / (tp + fp) if tp + fp else float("nan")})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------
# churn tables at many cut-offs (the monitoring months)
# ---------------------------------------------------------------------------
_DAY_NS = 86_400 * 10**9
_NAT = np.iinfo("i8").min


def _bank_tables(bank):
    from collections.abc import Mapping

    if isinstance(bank, Mapping):
        return bank
    if hasattr(bank, "tables"):
        return bank.tables
    raise _err("churn_tables 需要 Bank 对象或表格字典（get_bank() 的结果）。",
               "churn_tables expects a Bank (from get_bank()) or a dict of tables.")


def _ns(values, column: str) -> np.ndarray:
    """A date column as int64 nanoseconds (NaT = the int64 minimum)."""
    from . import domain

    d = domain.as_dates(values, column)
    return d.to_numpy(dtype="datetime64[ns]").view("i8")


def _stamp_ns(ts) -> int:
    return int(np.datetime64(pd.Timestamp(ts).to_datetime64(), "ns").view("i8"))


class _Rows:
    """Rows of one behaviour table mapped to customer positions, sorted by date once."""

    def __init__(self, code: np.ndarray, ns: np.ndarray, keep: np.ndarray, **cols):
        keep = keep & (code >= 0) & (ns != _NAT)
        order = np.argsort(ns[keep], kind="stable")
        self.code = code[keep][order]
        self.ns = ns[keep][order]
        self.cols = {k: np.asarray(v)[keep][order] for k, v in cols.items()}

    def span(self, lo_ns: int | None, hi_ns: int) -> slice:
        """Rows dated in ``[lo_ns, hi_ns)`` (all earlier rows when ``lo_ns`` is None)."""
        hi = int(np.searchsorted(self.ns, hi_ns, side="left"))
        lo = 0 if lo_ns is None else int(np.searchsorted(self.ns, lo_ns, side="left"))
        return slice(lo, max(lo, hi))


def _mean_by(code: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Mean of ``values`` per customer position ``0..n-1`` (NaN where a customer has none)."""
    k = np.bincount(code, minlength=n)
    total = np.bincount(code, weights=values, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(k > 0, total / np.maximum(k, 1), np.nan)


def churn_tables(bank_or_tables, cutoffs, outcome_months: int = 6,
                 lookback_months: int = 12) -> dict:
    """Lecture 3's churn table at every cut-off in ``cutoffs``, in one pass over the data.

    Each table equals ``churn.build_churn_table(bank, cutoff, outcome_months, lookback_months)``
    (same rows in the same order, same columns and dtypes, same definitions; floating-point
    sums may differ in the last bit because they are added in another order); the tests
    compare the two at several cut-offs. The behaviour tables are converted and sorted once,
    so a year of month starts costs about as much as one ``build_churn_table`` call
    (monthly monitoring, Lecture 5).

    Parameters
    ----------
    bank_or_tables : Bank (``get_bank()``) or dict of DataFrames, as for ``build_churn_table``.
    cutoffs : list of dates (str or Timestamp), e.g. the first day of every month.
    outcome_months, lookback_months : int, as for ``build_churn_table``.

    Returns a dict ``{pd.Timestamp(cutoff): DataFrame}`` in the order given; columns
    ``customer_id``, :data:`course_utils.churn.FEATURES`, ``churned`` (0/1). Units: days, CNY,
    counts; see :func:`course_utils.churn.build_churn_table` for every definition.

    >>> cust = pd.DataFrame({"customer_id": ["A", "B"], "age": [30, 40], "monthly_income": [8e3, None],
    ...     "satisfaction": [80, 60], "open_date": pd.to_datetime(["2020-01-01", "2023-01-15"]),
    ...     "churn_date": pd.to_datetime(["2023-03-10", None])})
    >>> txn = pd.DataFrame({"customer_id": ["A", "A", "B"], "amount": [100.0, 50.0, 20.0],
    ...     "txn_date": pd.to_datetime(["2022-12-01", "2023-01-20", "2023-01-25"])})
    >>> t = churn_tables({"customers": cust, "transactions": txn}, ["2023-01-01", "2023-02-01"])
    >>> [len(v) for v in t.values()]                      # B opened on 2023-01-15
    [1, 2]
    >>> feb = t[pd.Timestamp("2023-02-01")]
    >>> feb["recency_days"].tolist(), feb["monetary"].tolist(), feb["churned"].tolist()
    ([12.0, 7.0], [150.0, 20.0], [1, 0])
    """
    from . import domain
    from .churn import BALANCE_SMOOTHING_CNY, FEATURES

    tb = _bank_tables(bank_or_tables)
    if isinstance(cutoffs, (str, pd.Timestamp)):
        cutoffs = [cutoffs]
    cuts = [domain.as_date(c, "cutoff") for c in cutoffs]
    for name, v in (("outcome_months", outcome_months), ("lookback_months", lookback_months)):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or int(v) < 1:
            raise _err(f"{name} 必须是正整数（月数），现在是 {v!r}。", f"{name} must be a whole number >= 1, got {v!r}.")
    for name in ("customers", "transactions"):
        if name not in tb:
            raise _err(f"缺少表 {name}。", f"Table {name} is missing.")

    c = tb["customers"]
    cid = c["customer_id"].astype(str).to_numpy(dtype=object)
    index = pd.Index(cid)
    if not index.is_unique:       # the one definition handles duplicate ids; use it
        from .churn import build_churn_table

        return {cut: build_churn_table(tb, cut, outcome_months, lookback_months) for cut in cuts}
    n = len(cid)

    try:                          # Arrow strings (pandas 3 + pyarrow): look the ids up in Arrow
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:
        pa = pc = None
    value_set = None
    if pa is not None:
        try:
            value_set = pa.array(c["customer_id"].astype(str))
        except (TypeError, ValueError, pa.ArrowException):
            value_set = None

    def codes(frame) -> np.ndarray:
        """Row position in ``customers`` of each row's customer_id (-1 = not a known customer)."""
        ids = frame["customer_id"].astype(str)
        if value_set is not None:
            try:
                found = pc.index_in(pa.array(ids), value_set=value_set)
                return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
            except (TypeError, ValueError, pa.ArrowException):
                pass
        return index.get_indexer(ids)

    open_ns, churn_ns = _ns(c["open_date"], "open_date"), _ns(c["churn_date"], "churn_date")
    age = pd.to_numeric(c["age"], errors="coerce").to_numpy()
    income = pd.to_numeric(c["monthly_income"], errors="coerce").to_numpy()
    satisfaction = pd.to_numeric(c["satisfaction"], errors="coerce").to_numpy()

    t = tb["transactions"]
    amount = pd.to_numeric(t["amount"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    txn = _Rows(codes(t), _ns(t["txn_date"], "txn_date"), np.ones(len(t), bool),
                amount=np.nan_to_num(amount, nan=0.0))

    bal = None
    if "balances" in tb:
        b = tb["balances"]
        month = b["month"]
        if not pd.api.types.is_datetime64_any_dtype(month):
            month = month.astype(str)
        mp = pd.PeriodIndex(domain.as_dates(month, "month"), freq="M").asi8
        bcode = codes(b)
        value = pd.to_numeric(b["balance"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        ok = (bcode >= 0) & (mp != _NAT)
        order = np.lexsort((np.arange(len(b))[ok], mp[ok], bcode[ok]))   # by customer, month, row
        bal = {"code": bcode[ok][order], "month": mp[ok][order], "value": value[ok][order]}

    hold = None
    if "holdings" in tb:
        h = tb["holdings"]
        hold = _Rows(codes(h), _ns(h["start_date"], "start_date"), np.ones(len(h), bool))
    acc = None
    if "accounts" in tb:
        a = tb["accounts"]
        acc = (codes(a), _ns(a["open_date"], "open_date"), _ns(a["close_date"], "close_date"))
    msg = None
    if "messages" in tb:
        m = tb["messages"]
        neg = ((m["intent"].astype(str) == "投诉") | (m["sentiment"].astype(str) == "负面")).to_numpy(dtype=bool)
        msg = _Rows(codes(m), _ns(m["msg_date"], "msg_date"), neg)
    app = None
    if "app_usage" in tb:
        u = tb["app_usage"]
        wk = _ns(u["week_start"], "week_start")
        minutes = pd.to_numeric(u["minutes"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        known = wk[wk != _NAT]
        app = (_Rows(codes(u), wk, ~np.isnan(minutes), minutes=minutes), int(known.min()) if known.size else None)

    def count(rows: _Rows, sl: slice, weights=None) -> np.ndarray:
        return np.bincount(rows.code[sl], weights=None if weights is None else weights[sl],
                           minlength=n).astype(float)

    out_tables = {}
    for cut in cuts:
        cut_ns = _stamp_ns(cut)
        look_ns = _stamp_ns(cut - pd.DateOffset(months=lookback_months))
        last3_ns = _stamp_ns(cut - pd.DateOffset(months=3))
        end_ns = _stamp_ns(cut + pd.DateOffset(months=outcome_months))
        day_before = cut_ns - _DAY_NS
        active = (open_ns != _NAT) & (open_ns <= day_before) & ((churn_ns == _NAT) | (churn_ns > day_before))
        pos = np.flatnonzero(active)

        out = pd.DataFrame({"customer_id": cid[pos]})
        tenure = (cut_ns - open_ns[pos]) // _DAY_NS
        out["tenure_days"] = tenure
        out["age"] = age[pos]
        out["monthly_income"] = income[pos]
        out["satisfaction"] = satisfaction[pos]

        before = txn.span(None, cut_ns)
        last = np.full(n, _NAT, dtype="i8")
        np.maximum.at(last, txn.code[before], txn.ns[before])
        last = last[pos]
        never = last == _NAT                                   # no transaction before the cut-off
        recency = np.empty(len(pos))
        recency[~never] = (cut_ns - last[~never]) // _DAY_NS
        recency[never] = np.minimum(tenure[never], 3650)
        out["recency_days"] = recency
        window = txn.span(look_ns, cut_ns)
        frequency = count(txn, window)[pos]
        out["frequency"] = frequency
        out["monetary"] = count(txn, window, txn.cols["amount"])[pos]
        n_last3 = count(txn, txn.span(last3_ns, cut_ns))[pos]
        n_prev3 = (frequency - n_last3) * 3.0 / max(lookback_months - 3, 1)
        out["txn_trend"] = (n_last3 + 1.0) / (n_prev3 + 1.0) - 1.0

        if bal is not None:
            cut_p = pd.Period(cut, freq="M").ordinal
            seen = (bal["month"] <= cut_p - 1) & (bal["month"] >= cut_p - 6)   # the 6 month-ends read
            val = bal["value"]
            have = seen & ~np.isnan(val)
            codes_k = bal["code"][have]
            last_row = np.flatnonzero(np.r_[codes_k[1:] != codes_k[:-1], True]) if codes_k.size else codes_k
            latest = np.full(n, np.nan)
            latest[codes_k[last_row]] = val[have][last_row]
            has_last = np.bincount(bal["code"][bal["month"] == cut_p - 1], minlength=n) > 0
            latest[~has_last] = np.nan

            recent = have & (bal["month"] == cut_p - 1)                       # age 1
            reference = have & (bal["month"] >= cut_p - 6) & (bal["month"] <= cut_p - 4)   # ages 4-6
            ref = _mean_by(bal["code"][reference], val[reference], n) + BALANCE_SMOOTHING_CNY
            with np.errstate(invalid="ignore", divide="ignore"):
                trend = ((_mean_by(bal["code"][recent], val[recent], n) + BALANCE_SMOOTHING_CNY)
                         / np.where(ref > 0, ref, np.nan) - 1)
            out["balance_last"] = latest[pos]
            out["balance_trend"] = trend[pos]
        else:
            out["balance_last"] = np.nan
            out["balance_trend"] = np.nan

        pc = np.zeros(len(pos))
        if hold is not None:
            pc += count(hold, hold.span(None, cut_ns))[pos]
        if acc is not None:
            a_code, a_open, a_close = acc
            m_open = (a_code >= 0) & (a_open != _NAT) & (a_open < cut_ns) & ((a_close == _NAT) | (a_close >= cut_ns))
            pc += np.bincount(a_code[m_open], minlength=n)[pos].astype(float)
        out["product_count"] = pc
        out["complaints"] = count(msg, msg.span(look_ns, cut_ns))[pos] if msg is not None else 0.0

        out["app_minutes_trend"] = np.nan
        if app is not None and app[1] is not None and app[1] <= cut_ns - 8 * 7 * _DAY_NS:
            rows = app[0]
            a4 = rows.span(cut_ns - (4 * 7 + 6) * _DAY_NS, cut_ns - 6 * _DAY_NS)             # last 4 weeks
            p4 = rows.span(cut_ns - (8 * 7 + 6) * _DAY_NS, cut_ns - (4 * 7 + 6) * _DAY_NS)    # the 4 before
            m_a = _mean_by(rows.code[a4], rows.cols["minutes"][a4], n)[pos]
            m_p = _mean_by(rows.code[p4], rows.cols["minutes"][p4], n)[pos]
            out["app_minutes_trend"] = (m_a + 1.0) / (m_p + 1.0) - 1.0

        ch = churn_ns[pos]
        out["churned"] = ((ch != _NAT) & (ch >= cut_ns) & (ch < end_ns)).astype(np.int64)
        out_tables[cut] = out[["customer_id", *FEATURES, "churned"]]
    return out_tables
