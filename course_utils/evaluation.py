"""Evaluating a churn model the way a bank uses it (Lecture 3, 模型评估).

A retention team never calls "everyone above 0.5"; it calls the ``budget``
highest-scored customers. So the measures here are about a ranking:

- :func:`lift_table` - lift and cumulative gains by decile (提升度 / 累计增益);
- :func:`budget_metrics` - precision, recall and lift when we can call ``budget`` customers;
- :func:`profit_curve` - expected net value of a retention campaign at every budget,
  counting every cost (contacts and offers);
- :func:`calibration_table` - do predicted probabilities match observed churn rates?

Conventions shared by every function (and by :mod:`course_utils.uplift`):

- Truth first: ``y_true`` (1 = churned, 0 = stayed) then the scores. Arrays are
  matched **by position**; two pandas Series with different indexes are refused
  (align them or pass ``.to_numpy()``).
- Ranking: scores sorted from high to low; tied scores keep their original order
  (a stable sort, see :func:`ranking`). The result is the same on every machine -
  numpy's default ``argsort`` is not stable and its order of ties depends on the
  CPU's SIMD instructions.
- Equal bins: ``n`` customers in ``bins`` bins get sizes ``n // bins`` or one more;
  the larger bins come first (10 customers in 3 bins: 4, 3, 3).
- Bad input (length mismatch, NaN or infinite scores, labels other than 0/1, a single
  class, a budget outside ``0..n``) raises :class:`~course_utils.errors.CourseArgumentError`
  (a ``ValueError``) with a Chinese and an English line.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np
import pandas as pd

from course_utils.errors import CourseArgumentError

__all__ = [
    "ranking",
    "bin_sizes",
    "lift_table",
    "budget_metrics",
    "profit_curve",
    "calibration_table",
]


# ---------------------------------------------------------------------------
# input validation (also used by churn_models and uplift)
# ---------------------------------------------------------------------------
def arg_error(zh: str, en: str) -> CourseArgumentError:
    """A bilingual :class:`CourseArgumentError`: Chinese line first, English second."""
    return CourseArgumentError(f"{zh}\n{en}")


def _values(x, name: str) -> np.ndarray:
    """``x`` as a 1-D object-free numpy array (pandas nullable NA becomes NaN / None)."""
    if isinstance(x, pd.DataFrame):
        if x.shape[1] != 1:
            raise arg_error(f"{name} 应是一列数值，而不是 {x.shape[1]} 列的表格",
                            f"{name} must be one column, not a table with {x.shape[1]} columns")
        x = x.iloc[:, 0]
    if isinstance(x, (pd.Series, pd.Index)):
        if isinstance(x.dtype, pd.CategoricalDtype):
            x = x.astype(object)
        if pd.api.types.is_bool_dtype(x.dtype) or pd.api.types.is_numeric_dtype(x.dtype):
            return x.to_numpy(dtype="float64", na_value=np.nan)
        return x.to_numpy(dtype=object)
    if isinstance(x, (str, bytes)) or not isinstance(x, (Iterable, np.ndarray)):
        raise arg_error(f"{name} 应是一列数值（列表、数组或 Series），收到 {type(x).__name__}",
                        f"{name} must be a list, array or Series of numbers, got {type(x).__name__}")
    a = np.asarray(x)
    if a.ndim == 2 and 1 in a.shape:
        a = a.reshape(-1)
    if a.ndim != 1:
        raise arg_error(f"{name} 应是一维的（一行一个客户），收到形状 {a.shape}；"
                        "predict_proba 的结果请取 [:, 1]",
                        f"{name} must be 1-D (one value per customer), got shape {a.shape}; "
                        "for predict_proba output take [:, 1]")
    return a


def _plain(v):
    """A numpy scalar as the Python value (so messages show 2.0, not np.float64(2.0))."""
    return v.item() if isinstance(v, np.generic) else v


def _first_bad(a: np.ndarray):
    """First element of ``a`` that is not a number (for error messages)."""
    for v in a:
        try:
            float(v)
        except (TypeError, ValueError):
            return _plain(v)
    return None


def as_scores(x, name: str = "scores") -> np.ndarray:
    """``x`` as a float64 array of finite numbers, or a bilingual error naming the first bad value.

    >>> as_scores([0.2, 1, True]).tolist()
    [0.2, 1.0, 1.0]
    """
    a = _values(x, name)
    try:
        f = a.astype("float64")
    except (TypeError, ValueError):
        bad = _first_bad(a)
        raise arg_error(f"{name} 必须是数值，但含有 {bad!r}",
                        f"{name} must be numbers but contains {bad!r}") from None
    bad = ~np.isfinite(f)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise arg_error(f"{name} 第 {i} 个值（从 0 数）是 {f[i]}：得分不能是缺失值或无穷大；"
                        "请先处理缺失值再打分",
                        f"{name} value at position {i} is {f[i]}: scores must be finite "
                        "(no NaN / inf); handle missing values before scoring")
    return f


def as_binary(x, name: str = "y_true") -> np.ndarray:
    """``x`` as an int64 array of 0/1 labels (bools and 0.0/1.0 accepted), or a bilingual error.

    >>> as_binary([True, False, 1.0]).tolist()
    [1, 0, 1]
    """
    a = _values(x, name)
    try:
        f = a.astype("float64")
    except (TypeError, ValueError):
        bad = _first_bad(a)
        raise arg_error(f"{name} 应是 0/1（1 = 流失），但含有 {bad!r}；例如用 (df['状态'] == '流失').astype(int)",
                        f"{name} must be 0/1 (1 = churned) but contains {bad!r}; "
                        "e.g. (df['status'] == 'churned').astype(int)") from None
    bad = ~np.isin(f, (0.0, 1.0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise arg_error(f"{name} 只能是 0 或 1，但第 {i} 个值（从 0 数）是 {_plain(a[i])!r}",
                        f"{name} must be 0 or 1, but the value at position {i} is {_plain(a[i])!r}")
    return f.astype(np.int64)


def check_same_length(*pairs) -> int:
    """Common length of ``(name, original, array)`` triples; error when they differ."""
    n = {len(arr) for _, _, arr in pairs}
    if len(n) != 1:
        desc = "、".join(f"{name} {len(arr)}" for name, _, arr in pairs)
        desc_en = ", ".join(f"{name} {len(arr)}" for name, _, arr in pairs)
        raise arg_error(f"长度不一致：{desc}（每个客户一个值）", f"lengths differ: {desc_en} (one value per customer)")
    series = [(name, orig) for name, orig, _ in pairs if isinstance(orig, pd.Series)]
    for (na, a), (nb, b) in zip(series, series[1:]):
        if not a.index.equals(b.index):
            raise arg_error(f"{na} 和 {nb} 的索引 (index) 不同，按位置对齐会配错客户；"
                            "请先对齐，或都用 .to_numpy()",
                            f"{na} and {nb} have different indexes, so matching by position would pair "
                            "the wrong customers; align them first or pass .to_numpy()")
    size = n.pop()
    if size == 0:
        raise arg_error("没有客户（输入为空）", "no customers (empty input)")
    return size


def check_two_classes(y: np.ndarray, name: str = "y_true") -> None:
    """Error unless ``y`` holds both 0 and 1."""
    pos = int(y.sum())
    if pos == 0 or pos == len(y):
        only = "1（全部流失）" if pos else "0（没有流失客户）"
        only_en = "1 (everyone churned)" if pos else "0 (no churners)"
        raise arg_error(f"{name} 只有一类：全是 {only}；提升度、召回率需要流失和未流失两类客户",
                        f"{name} holds a single class, all {only_en}; lift and recall need both classes")


def check_bins(bins, n: int) -> int:
    """``bins`` as an int in ``1..n``, or a bilingual error."""
    if isinstance(bins, bool) or not isinstance(bins, numbers.Integral):
        raise arg_error(f"bins 应是正整数，收到 {bins!r}", f"bins must be a positive integer, got {bins!r}")
    if not 1 <= bins <= n:
        raise arg_error(f"bins 应在 1 到客户数 {n} 之间，收到 {bins}",
                        f"bins must be between 1 and the number of customers ({n}), got {bins}")
    return int(bins)


def check_budget(budget, n: int, name: str = "budget") -> int:
    """``budget`` (customers to contact) as an int in ``0..n``, or a bilingual error."""
    if isinstance(budget, bool) or not isinstance(budget, numbers.Real) or (
            isinstance(budget, float) and not float(budget).is_integer()):
        raise arg_error(f"{name} 是要联系的客户人数，应是整数，收到 {budget!r}",
                        f"{name} is the number of customers to contact and must be a whole number, got {budget!r}")
    b = int(budget)
    if not 0 <= b <= n:
        raise arg_error(f"{name} 应在 0 到客户数 {n} 之间，收到 {b}",
                        f"{name} must be between 0 and the number of customers ({n}), got {b}")
    return b


def check_amount(value, name: str, *, rate: bool = False) -> float:
    """A money amount (CNY, >= 0) or a rate (0..1) as float, or a bilingual error."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    if ok and rate:
        ok = 0.0 <= value <= 1.0
    elif ok:
        ok = value >= 0
    if not ok:
        what_zh, what_en = ("0 到 1 之间的比例（如 0.3 表示 30%）", "a share between 0 and 1 (0.3 = 30%)") if rate \
            else ("不小于 0 的金额（元）", "an amount in CNY, at least 0")
        raise arg_error(f"{name} 应是{what_zh}，收到 {value!r}", f"{name} must be {what_en}, got {value!r}")
    return float(value)


# ---------------------------------------------------------------------------
# ranking and bins
# ---------------------------------------------------------------------------
def ranking(scores) -> np.ndarray:
    """Positions of ``scores`` from the highest score down; ties keep their original order.

    A stable sort, so the order is the same on every machine (numpy's default
    ``argsort`` is not stable and may order ties differently on different CPUs).

    >>> ranking([0.2, 0.9, 0.2, 0.5]).tolist()
    [1, 3, 0, 2]
    """
    s = as_scores(scores)
    return np.argsort(-s, kind="stable")


def bin_sizes(n: int, bins: int) -> np.ndarray:
    """Sizes of ``bins`` consecutive bins over ``n`` customers: as equal as possible, larger first.

    >>> bin_sizes(10, 3).tolist()
    [4, 3, 3]
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
        raise arg_error(f"n 是客户人数，应是不小于 0 的整数，收到 {n!r}",
                        f"n is the number of customers and must be a whole number >= 0, got {n!r}")
    if isinstance(bins, bool) or not isinstance(bins, numbers.Integral) or bins < 1:
        raise arg_error(f"bins 应是正整数，收到 {bins!r}", f"bins must be a positive integer, got {bins!r}")
    q, r = divmod(int(n), int(bins))
    return np.array([q + 1] * r + [q] * (bins - r), dtype=np.int64)


def _bin_sums(values: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Exact per-bin sums of consecutive slices (``math.fsum``: same bits on every CPU)."""
    ends = np.cumsum(sizes)
    starts = ends - sizes
    return np.array([math.fsum(values[s:e]) for s, e in zip(starts, ends)], dtype="float64")


# ---------------------------------------------------------------------------
# metrics
# ---------------------------------------------------------------------------
def lift_table(y_true, scores, bins: int = 10) -> pd.DataFrame:
    """Lift and cumulative gains by score bin (deciles by default), highest scores first.

    Parameters
    ----------
    y_true : array-like of 0/1
        1 = the customer churned in the outcome window.
    scores : array-like of float
        Churn score or probability per customer (higher = riskier); only the order matters.
    bins : int
        Number of equal-sized bins (10 = deciles). Sizes differ by at most one customer,
        the larger bins first; tied scores are split by original position (see module doc).

    Returns
    -------
    DataFrame, one row per bin: ``bin`` (1 = highest scores), ``customers``, ``churners``
    (counts), ``churn_rate`` (fraction), ``lift`` (bin churn rate / overall churn rate;
    1.0 = no better than random), ``cum_share_customers`` and ``cum_share_churners``
    (fractions 0..1: the cumulative gains curve - "calling the top 20% reaches 55% of churners").

    Example
    -------
    Six customers, two churners, three bins of two: the top bin holds both churners.

    >>> t = lift_table([1, 0, 1, 0, 0, 0], [0.9, 0.8, 0.7, 0.1, 0.2, 0.3], bins=3)
    >>> print(t[["bin", "customers", "churners", "lift", "cum_share_churners"]].to_string(index=False))
     bin  customers  churners  lift  cum_share_churners
       1          2         1   1.5                 0.5
       2          2         1   1.5                 1.0
       3          2         0   0.0                 1.0
    """
    y = as_binary(y_true, "y_true")
    s = as_scores(scores, "scores")
    n = check_same_length(("y_true", y_true, y), ("scores", scores, s))
    check_two_classes(y)
    bins = check_bins(bins, n)
    yo = y[np.argsort(-s, kind="stable")]
    sizes = bin_sizes(n, bins)
    ends = np.cumsum(sizes)
    churners = np.array([int(yo[e - k:e].sum()) for e, k in zip(ends, sizes)], dtype=np.int64)
    total = int(y.sum())
    base = total / n
    rate = churners / sizes
    return pd.DataFrame({
        "bin": np.arange(1, bins + 1, dtype=np.int64),
        "customers": sizes,
        "churners": churners,
        "churn_rate": rate,
        "lift": rate / base,
        "cum_share_customers": ends / n,
        "cum_share_churners": np.cumsum(churners) / total,
    })


def budget_metrics(y_true, scores, budget: int) -> dict:
    """Precision, recall and lift of contacting the ``budget`` highest-scored customers.

    Parameters
    ----------
    y_true : array-like of 0/1 (1 = churned)
    scores : array-like of float (higher = riskier); ties split by original position.
    budget : int
        Number of customers the team can contact, ``0..n``.

    Returns
    -------
    dict with ``contacted`` and ``churners_reached`` (customers), ``precision`` (share of
    contacted who churn), ``recall`` (share of all churners reached) and ``lift``
    (precision / overall churn rate). With ``budget == 0`` precision and lift are NaN.

    Example
    -------
    >>> budget_metrics([1, 0, 1, 0, 0, 0], [0.9, 0.8, 0.7, 0.1, 0.2, 0.3], budget=3)
    {'contacted': 3, 'churners_reached': 2, 'precision': 0.6666666666666666, 'recall': 1.0, 'lift': 2.0}
    """
    y = as_binary(y_true, "y_true")
    s = as_scores(scores, "scores")
    n = check_same_length(("y_true", y_true, y), ("scores", scores, s))
    check_two_classes(y)
    k = check_budget(budget, n)
    reached = int(y[np.argsort(-s, kind="stable")[:k]].sum())
    total = int(y.sum())
    precision = reached / k if k else float("nan")
    return {"contacted": k, "churners_reached": reached, "precision": precision,
            "recall": reached / total, "lift": precision / (total / n) if k else float("nan")}


def profit_curve(y_true, scores, value_saved: float, contact_cost: float, offer_cost: float,
                 save_rate: float, accept_rate: float = 1.0, budgets=None) -> pd.DataFrame:
    """Expected net value (CNY) of a retention campaign that contacts the top ``k`` customers.

    Assumptions (state them where the figures appear):

    - every contacted customer costs ``contact_cost`` (a call, an SMS, staff time);
    - a share ``accept_rate`` of the contacted - churners *and* customers who would have
      stayed anyway - takes the offer, each costing ``offer_cost`` (default 1.0: the offer
      goes to everyone contacted, the prudent assumption);
    - a share ``save_rate`` of the contacted churners stays thanks to the campaign; each saved
      customer is worth ``value_saved`` (e.g. the margin of the next 12 months or the CLV);
    - contacting a customer who would have stayed changes nothing but costs money (no
      "sleeping dogs" here - see :mod:`course_utils.uplift` for customers who react badly).

    ``net_value = value_saved * save_rate * churners_reached - contacts * contact_cost
    - contacts * accept_rate * offer_cost``; ``roi = net_value / total_cost``.

    Parameters
    ----------
    y_true, scores : as in :func:`lift_table`.
    value_saved, contact_cost, offer_cost : float, CNY per customer (>= 0).
    save_rate, accept_rate : float, shares 0..1.
    budgets : iterable of int, optional
        Numbers of contacts to evaluate (each ``0..n``); default every ``k`` from 0 to ``n``.

    Returns
    -------
    DataFrame, one row per budget: ``contacted``, ``churners_reached`` (customers),
    ``customers_saved`` (expected, customers), ``saved_value``, ``contact_cost``,
    ``offer_cost``, ``total_cost``, ``net_value`` (CNY) and ``roi`` (net value per yuan
    spent; NaN when nothing is spent). The best budget: ``curve.loc[curve.net_value.idxmax()]``.

    Example
    -------
    Call the top 2 of 4: one churner reached, saved with probability 0.5 (worth 1000);
    two calls at 10 and two offers at 50 -> 0.5 * 1000 - 20 - 100 = 380.

    >>> c = profit_curve([1, 0, 0, 1], [0.9, 0.8, 0.1, 0.2], value_saved=1000, contact_cost=10,
    ...                  offer_cost=50, save_rate=0.5, budgets=[2])
    >>> c[["contacted", "customers_saved", "total_cost", "net_value"]].iloc[0].tolist()
    [2.0, 0.5, 120.0, 380.0]
    """
    y = as_binary(y_true, "y_true")
    s = as_scores(scores, "scores")
    n = check_same_length(("y_true", y_true, y), ("scores", scores, s))
    value_saved = check_amount(value_saved, "value_saved")
    contact_cost = check_amount(contact_cost, "contact_cost")
    offer_cost = check_amount(offer_cost, "offer_cost")
    save_rate = check_amount(save_rate, "save_rate", rate=True)
    accept_rate = check_amount(accept_rate, "accept_rate", rate=True)
    if budgets is None:
        ks = np.arange(n + 1, dtype=np.int64)
    else:
        if isinstance(budgets, numbers.Number):
            budgets = [budgets]
        ks = np.array([check_budget(b, n, "budgets") for b in budgets], dtype=np.int64)
    reached_all = np.concatenate([[0], np.cumsum(y[np.argsort(-s, kind="stable")])])
    reached = reached_all[ks]
    saved = save_rate * reached
    contact = ks * contact_cost
    offer = ks * accept_rate * offer_cost
    total = contact + offer
    net = saved * value_saved - total
    with np.errstate(divide="ignore", invalid="ignore"):
        roi = np.where(total > 0, net / np.where(total > 0, total, 1.0), np.nan)
    return pd.DataFrame({
        "contacted": ks,
        "churners_reached": reached.astype(np.int64),
        "customers_saved": saved,
        "saved_value": saved * value_saved,
        "contact_cost": contact,
        "offer_cost": offer,
        "total_cost": total,
        "net_value": net,
        "roi": roi,
    })


def calibration_table(y_true, proba, bins: int = 10, strategy: str = "quantile") -> pd.DataFrame:
    """Predicted churn probability vs observed churn rate, bin by bin (校准 calibration).

    Parameters
    ----------
    y_true : array-like of 0/1 (1 = churned)
    proba : array-like of float in [0, 1]
        Predicted churn probability (``model.predict_proba(X)[:, 1]``).
    bins : int
        Number of bins.
    strategy : {"quantile", "uniform"}
        ``"quantile"``: equal-sized bins of customers sorted by probability, lowest first
        (sizes as in :func:`bin_sizes`, ties by original position); ``"uniform"``: bins of
        equal width on [0, 1] (bin of p = ``floor(p * bins)``, p = 1 in the last bin);
        empty bins are left out.

    Returns
    -------
    DataFrame, one row per bin from the lowest probabilities up: ``bin`` (1 = lowest),
    ``lower`` and ``upper`` (probability range: observed min/max for "quantile", the bin
    edges for "uniform"), ``customers``, ``mean_predicted`` and ``observed_rate`` (fractions).
    A well-calibrated model has ``observed_rate`` close to ``mean_predicted`` in every bin.

    Example
    -------
    >>> t = calibration_table([0, 0, 1, 0, 1, 1], [0.1, 0.2, 0.3, 0.6, 0.7, 0.8], bins=2)
    >>> t[["bin", "customers", "mean_predicted", "observed_rate"]].round(3).values.tolist()
    [[1.0, 3.0, 0.2, 0.333], [2.0, 3.0, 0.7, 0.667]]
    """
    y = as_binary(y_true, "y_true")
    p = as_scores(proba, "proba")
    n = check_same_length(("y_true", y_true, y), ("proba", proba, p))
    if ((p < 0) | (p > 1)).any():
        i = int(np.flatnonzero((p < 0) | (p > 1))[0])
        raise arg_error(f"proba 应是 0 到 1 之间的概率，第 {i} 个值是 {p[i]}；请用 predict_proba(X)[:, 1]",
                        f"proba must be probabilities in [0, 1]; position {i} holds {p[i]}; "
                        "use predict_proba(X)[:, 1]")
    bins = check_bins(bins, n) if strategy == "quantile" else bins
    if strategy == "quantile":
        order = np.argsort(p, kind="stable")
        sizes = bin_sizes(n, bins)
        po, yo = p[order], y[order].astype("float64")
        ends = np.cumsum(sizes)
        lower, upper = po[ends - sizes], po[ends - 1]
    elif strategy == "uniform":
        if isinstance(bins, bool) or not isinstance(bins, numbers.Integral) or bins < 1:
            raise arg_error(f"bins 应是正整数，收到 {bins!r}", f"bins must be a positive integer, got {bins!r}")
        idx = np.minimum(np.floor(p * bins).astype(np.int64), bins - 1)
        order = np.argsort(idx, kind="stable")
        po, yo = p[order], y[order].astype("float64")
        counts = np.bincount(idx, minlength=bins)
        keep = np.flatnonzero(counts)
        sizes = counts[keep]
        lower, upper = keep / bins, (keep + 1) / bins
    else:
        raise arg_error(f"strategy 只能是 'quantile' 或 'uniform'，收到 {strategy!r}",
                        f"strategy must be 'quantile' or 'uniform', got {strategy!r}")
    return pd.DataFrame({
        "bin": np.arange(1, len(sizes) + 1, dtype=np.int64),
        "lower": np.asarray(lower, dtype="float64"),
        "upper": np.asarray(upper, dtype="float64"),
        "customers": sizes.astype(np.int64),
        "mean_predicted": _bin_sums(po, sizes) / sizes,
        "observed_rate": _bin_sums(yo, sizes) / sizes,
    })
