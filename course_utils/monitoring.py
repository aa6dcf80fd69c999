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
           "performance_by_period", "error_rates_by_group"]

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
