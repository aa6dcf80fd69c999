"""Satisfaction-survey analysis (Lecture 4, 满意度调查分析): NPS and the drivers of satisfaction.

Net Promoter Score (净推荐值, NPS)
----------------------------------
The classic question "how likely are you to recommend us?" is answered 0-10:
promoters (推荐者) 9-10, passives (中立者) 7-8, detractors (贬损者) 0-6, and

    NPS = % promoters - % detractors          (in points, -100 .. +100)

Our ``survey.csv`` has no 0-10 question: its ``overall`` score is 0-100. With ``scale=100`` a
score is mapped to the 0-10 scale by ``floor(score / 10)`` (100 -> 10), so promoters are
``overall >= 90``, passives 70-89.x and detractors ``< 70`` - the same bands as the course's
satisfaction -> loyalty figure (>= 90 / 70-89 / < 70). On the 0-10 scale only whole numbers
are accepted (a 7.5 is a mean or a typo, not an answer). Missing answers (NaN) are left out and
counted in ``n_missing``.

Drivers (驱动因素)
------------------
:func:`driver_importance` asks which aspect scores (service, waiting time, returns, fees, app)
move the overall score, with one of two documented methods and bootstrap confidence intervals:

- ``"standardized"`` (default): ordinary least squares of the z-scored target on the z-scored
  aspects; the coefficient is "how many standard deviations overall moves when this aspect
  moves one standard deviation, the others held fixed";
- ``"permutation"``: the drop in R-squared of that regression when one aspect's values are
  shuffled (mean of 20 shuffles), i.e. how much of the explained variation needs this aspect.

Intervals: rows are resampled with replacement ``n_boot`` times (seeded); each replicate
refits and the 2.5 % / 97.5 % quantiles (for ``ci=0.95``) are the interval. Results are rounded
to 6 decimals so the last bits of a CPU's arithmetic never show.

Wrong calls raise :class:`~course_utils.errors.CourseArgumentError` (Chinese line, English line).

>>> nps([10, 9, 8, 7, 6, 0])
0.0
>>> nps([95, 80, 40], scale=100)
0.0
"""
from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd
from scipy import stats

from course_utils.errors import CourseArgumentError

__all__ = [
    "ASPECT_NAMES_ZH",
    "NPS_LABELS",
    "nps_category",
    "nps",
    "nps_by",
    "driver_importance",
]

#: Chinese names of the survey's aspect columns.
ASPECT_NAMES_ZH: dict[str, str] = {
    "score_service": "服务态度",
    "score_waiting": "等待时间",
    "score_returns": "产品收益",
    "score_fees": "手续费",
    "score_app": "APP体验",
    "overall": "总体满意度",
}
#: NPS categories: English key -> Chinese label.
NPS_LABELS: dict[str, str] = {"promoter": "推荐者", "passive": "中立者", "detractor": "贬损者"}


def _arg_error(zh: str, en: str) -> CourseArgumentError:
    return CourseArgumentError(f"{zh}\n{en}")


def _scale(scale) -> int:
    if isinstance(scale, bool) or scale not in (10, 100):
        raise _arg_error(f"scale 只能是 10（0~10 分推荐意愿）或 100（0~100 分满意度），收到 {scale!r}",
                         f"scale must be 10 (0-10 recommend score) or 100 (0-100 satisfaction score), got {scale!r}")
    return int(scale)


def _scores(scores, scale: int, name: str = "scores") -> np.ndarray:
    """Every score as a float array (NaN = missing), validated against the scale."""
    if isinstance(scores, pd.DataFrame):
        if scores.shape[1] != 1:
            raise _arg_error(f"{name} 应是一列分数，收到 {scores.shape[1]} 列的表格",
                             f"{name} must be one column of scores, got a table with {scores.shape[1]} columns")
        scores = scores.iloc[:, 0]
    if isinstance(scores, (str, bytes)) or not hasattr(scores, "__iter__"):
        if isinstance(scores, numbers.Real) and not isinstance(scores, bool):
            scores = [scores]
        else:
            raise _arg_error(f"{name} 应是一列分数（列表或 Series），收到 {type(scores).__name__}",
                             f"{name} must be a list or Series of scores, got {type(scores).__name__}")
    vals = list(scores.astype(object)) if isinstance(scores, (pd.Series, pd.Index)) else list(np.ravel(
        np.asarray(scores, dtype=object)))
    out = np.empty(len(vals))
    for i, v in enumerate(vals):
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            out[i] = np.nan
            continue
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
            raise _arg_error(f"{name} 第 {i} 个（从 0 数）是 {v!r}：分数必须是数字",
                             f"{name} value at position {i} is {v!r}: scores must be numbers")
        out[i] = float(v)
    ok = ~np.isnan(out)
    x = out[ok]
    bad = np.flatnonzero((x < 0) | (x > scale) | ~np.isfinite(x))
    if len(bad):
        v = x[bad[0]]
        hint_zh = "；若问卷是 0~100 分（如 survey.csv 的 overall），请用 scale=100" if scale == 10 and v > 10 else ""
        hint_en = "; if the survey is scored 0-100 (like survey.csv's overall), pass scale=100" \
            if scale == 10 and v > 10 else ""
        raise _arg_error(f"{name} 含有超出 0~{scale} 的分数 {v:g}（共 {len(bad)} 个）{hint_zh}",
                         f"{name} has a score {v:g} outside 0-{scale} ({len(bad)} values){hint_en}")
    if scale == 10:
        frac = np.flatnonzero(x != np.floor(x))
        if len(frac):
            raise _arg_error(f"0~10 分推荐意愿只能是整数，收到 {x[frac[0]]:g}（共 {len(frac)} 个）",
                             f"0-10 recommend scores must be whole numbers, got {x[frac[0]]:g} ({len(frac)} values)")
    return out


def _category_codes(x: np.ndarray, scale: int) -> np.ndarray:
    """2 = promoter, 1 = passive, 0 = detractor."""
    ten = np.minimum(np.floor(x / 10.0), 10) if scale == 100 else x
    return np.where(ten >= 9, 2, np.where(ten >= 7, 1, 0))


def nps_category(scores, scale: int = 10) -> pd.Series:
    """NPS category of each answer: 推荐者 (promoter), 中立者 (passive), 贬损者 (detractor); NaN stays NaN.

    ``scale``: 10 for 0-10 answers (promoter 9-10, detractor 0-6) or 100 for 0-100 scores
    (promoter >= 90, detractor < 70; see the module docstring for the mapping).

    >>> nps_category([10, 7, 3, None]).tolist()
    ['推荐者', '中立者', '贬损者', nan]
    """
    sc = _scale(scale)
    raw = _scores(scores, sc)
    labels = np.array([NPS_LABELS["detractor"], NPS_LABELS["passive"], NPS_LABELS["promoter"]], dtype=object)
    out = np.full(len(raw), np.nan, dtype=object)
    ok = ~np.isnan(raw)
    out[ok] = labels[_category_codes(raw[ok], sc)]
    index = scores.index if isinstance(scores, pd.Series) else None
    return pd.Series(out, index=index, name="nps_category", dtype=object)


def nps(scores, scale: int = 10) -> float:
    """Net Promoter Score in points (-100..100): % promoters - % detractors of the valid answers.

    NaN answers are left out. ``scale``: 10 (0-10 answers) or 100 (0-100 scores, mapped by
    ``floor(score / 10)``: promoters >= 90, detractors < 70).

    >>> nps([10, 10, 9, 8, 3])      # 3 promoters, 1 detractor of 5
    40.0
    >>> nps([77, 91, 65, 88], scale=100)
    0.0
    """
    sc = _scale(scale)
    x = _scores(scores, sc)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        raise _arg_error("没有有效分数（全部为空）：无法计算 NPS", "no valid scores (all missing): NPS is undefined")
    c = _category_codes(x, sc)
    return round(100.0 * (float((c == 2).sum()) - float((c == 0).sum())) / len(x), 10)


def _ci_z(ci) -> float:
    if isinstance(ci, bool) or not isinstance(ci, numbers.Real) or not 0.5 <= float(ci) < 1:
        raise _arg_error(f"ci 应是 0.5 到 1 之间的置信水平（如 0.95），收到 {ci!r}",
                         f"ci must be a confidence level between 0.5 and 1 (e.g. 0.95), got {ci!r}")
    return float(stats.norm.ppf(0.5 + float(ci) / 2))


def nps_by(survey: pd.DataFrame, group, score: str = "overall", scale: int = 100,
           ci: float = 0.95, min_n: int = 30) -> pd.DataFrame:
    """NPS per group, with a confidence interval and a small-group warning.

    ``survey``: a table with the ``score`` column (default ``overall``, 0-100 so ``scale=100``);
    ``group``: a column name, a list of column names, or a Series aligned with ``survey``
    (e.g. a segment from the customers table after a merge).

    Columns per group (sorted): ``n`` (valid answers), ``n_missing``, ``promoters``, ``passives``,
    ``detractors`` (shares 0..1), ``nps`` (points), ``ci_low`` / ``ci_high`` (normal
    approximation: NPS is the mean of +100 / 0 / -100 per answer, so its standard error is
    ``100 * sqrt((p + d - (p - d)^2) / n)``), ``small`` (True when ``n < min_n``: read with care).
    Groups with no valid answer, and rows whose group value is missing, are left out.

    >>> s = pd.DataFrame({"overall": [95, 92, 60, 75, 40, 99], "seg": list("AABBBB")})
    >>> nps_by(s, "seg")[["n", "nps"]]
         n    nps
    seg          
    A    2  100.0
    B    4  -25.0
    """
    sc = _scale(scale)
    z = _ci_z(ci)
    if not isinstance(survey, pd.DataFrame):
        raise _arg_error(f"survey 应是问卷表（DataFrame），收到 {type(survey).__name__}",
                         f"survey must be a DataFrame, got {type(survey).__name__}")
    if score not in survey.columns:
        raise _arg_error(f"survey 中没有列 {score!r}；可用的列：{list(survey.columns)}",
                         f"survey has no column {score!r}; columns: {list(survey.columns)}")
    if isinstance(min_n, bool) or not isinstance(min_n, numbers.Integral) or min_n < 1:
        raise _arg_error(f"min_n 应是 ≥ 1 的整数，收到 {min_n!r}", f"min_n must be a whole number >= 1, got {min_n!r}")
    if isinstance(group, pd.Series):
        if len(group) != len(survey) or not group.index.equals(survey.index):
            raise _arg_error("group 这一列与 survey 的行对不上（长度或索引不同）：请先合并到 survey 表中再按列名分组",
                             "group does not line up with survey's rows (length or index differ): merge it into "
                             "survey and group by the column name")
        keys = [group.rename(group.name or "group")]
        names = [group.name or "group"]
    else:
        names = [group] if isinstance(group, str) else list(group) if isinstance(group, (list, tuple)) else None
        if not names:
            raise _arg_error(f"group 应是列名、列名列表或一列 Series，收到 {group!r}",
                             f"group must be a column name, a list of names or a Series, got {group!r}")
        missing = [g for g in names if g not in survey.columns]
        if missing:
            raise _arg_error(f"survey 中没有分组列 {missing}；可用的列：{list(survey.columns)}",
                             f"survey has no group column {missing}; columns: {list(survey.columns)}")
        keys = [survey[g] for g in names]
    vals = _scores(survey[score], sc, name=score)
    ok = ~np.isnan(vals)
    codes = np.full(len(vals), -1)
    codes[ok] = _category_codes(vals[ok], sc)
    frame = pd.DataFrame({"_p": codes == 2, "_a": codes == 1, "_d": codes == 0, "_ok": ok, "_miss": ~ok},
                         index=survey.index)
    g = frame.groupby(keys, sort=True, observed=True, dropna=True)
    agg = g[["_p", "_a", "_d", "_ok", "_miss"]].sum()
    agg = agg[agg["_ok"] > 0]
    n = agg["_ok"].astype(np.int64)
    p, a, d = agg["_p"] / n, agg["_a"] / n, agg["_d"] / n
    score_ = 100.0 * (p - d)
    se = 100.0 * np.sqrt(np.maximum(p + d - (p - d) ** 2, 0.0) / n)
    out = pd.DataFrame({"n": n, "n_missing": agg["_miss"].astype(np.int64), "promoters": p, "passives": a,
                        "detractors": d, "nps": score_.round(10), "ci_low": (score_ - z * se).clip(-100, 100),
                        "ci_high": (score_ + z * se).clip(-100, 100), "small": n < int(min_n)})
    out.index.names = names
    return out


def _design(survey: pd.DataFrame, target: str, aspects) -> tuple[np.ndarray, np.ndarray, list[str], int]:
    if not isinstance(survey, pd.DataFrame):
        raise _arg_error(f"survey 应是问卷表（DataFrame），收到 {type(survey).__name__}",
                         f"survey must be a DataFrame, got {type(survey).__name__}")
    if aspects is None:
        aspects = [c for c in survey.columns if str(c).startswith("score_")]
    elif isinstance(aspects, str):
        aspects = [aspects]
    aspects = list(aspects)
    if not aspects:
        raise _arg_error("没有找到分项得分列：请用 aspects=[...] 指定（如 ['score_service', 'score_fees']）",
                         "no aspect columns found: pass aspects=[...] (e.g. ['score_service', 'score_fees'])")
    missing = [c for c in [target] + aspects if c not in survey.columns]
    if missing:
        raise _arg_error(f"survey 中没有列 {missing}；可用的列：{list(survey.columns)}",
                         f"survey has no column {missing}; columns: {list(survey.columns)}")
    if target in aspects:
        raise _arg_error(f"目标 {target!r} 不能同时是驱动因素", f"the target {target!r} cannot also be an aspect")
    if len(set(aspects)) != len(aspects):
        raise _arg_error("aspects 中有重复的列", "aspects lists a column twice")
    cols = [target] + aspects
    for c in cols:
        if not pd.api.types.is_numeric_dtype(survey[c].dtype) or pd.api.types.is_bool_dtype(survey[c].dtype):
            bad = survey[c].dropna()
            ex = bad.iloc[0] if len(bad) else None
            raise _arg_error(f"列 {c!r} 应是数值分数，但类型是 {survey[c].dtype}（例如 {ex!r}）",
                             f"column {c!r} must hold numeric scores, but its type is {survey[c].dtype} (e.g. {ex!r})")
    data = survey[cols].astype(float)
    keep = data.notna().all(axis=1).to_numpy() & np.isfinite(data.to_numpy()).all(axis=1)
    dropped = int((~keep).sum())
    arr = data.to_numpy()[keep]
    if len(arr) < max(10, len(aspects) + 3):
        raise _arg_error(f"完整答卷只有 {len(arr)} 份，太少：至少需要 {max(10, len(aspects) + 3)} 份",
                         f"only {len(arr)} complete answers: at least {max(10, len(aspects) + 3)} are needed")
    sd = arr.std(axis=0, ddof=1)
    flat = [c for c, s in zip(cols, sd) if not s > 0]
    if flat:
        raise _arg_error(f"列 {flat} 的所有分数都相同，无法估计它的影响", f"column {flat} has one value only: no effect can be estimated")
    return arr[:, 1:], arr[:, 0], aspects, dropped


def _zscore(a: np.ndarray) -> np.ndarray:
    sd = a.std(axis=0, ddof=1)
    sd = np.where(sd > 0, sd, 1.0)
    return (a - a.mean(axis=0)) / sd


def _ols(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    return coef


def _r2(X: np.ndarray, y: np.ndarray, coef: np.ndarray) -> float:
    resid = y - X @ coef
    tot = float(((y - y.mean()) ** 2).sum())
    return 1.0 - float((resid ** 2).sum()) / tot if tot > 0 else 0.0


def _importance(X: np.ndarray, y: np.ndarray, method: str, rng: np.random.Generator, repeats: int) -> np.ndarray:
    Xz, yz = _zscore(X), _zscore(y[:, None])[:, 0]
    coef = _ols(Xz, yz)
    if method == "standardized":
        return coef
    base = _r2(Xz, yz, coef)
    out = np.empty(X.shape[1])
    for j in range(X.shape[1]):
        drops = []
        for _ in range(repeats):
            Xp = Xz.copy()
            Xp[:, j] = Xp[rng.permutation(len(Xp)), j]
            drops.append(base - _r2(Xp, yz, coef))
        out[j] = float(np.mean(drops))
    return out


def _standardized_from_counts(X: np.ndarray, y: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Standardised regression coefficients of the resample that takes row ``i`` ``counts[i]`` times.

    The coefficients of z-scored data solve ``R_xx b = r_xy`` (the correlation matrices), and a
    resample's correlations are count-weighted sums over the original rows: about 4 times
    faster than copying the resample (agrees with the least-squares fit to ~1e-13). NaN when
    an aspect or the target is constant in the resample.
    """
    w = counts.astype(np.float64)
    z = np.column_stack([X, y])
    d = z - (w @ z) / w.sum()
    cov = d.T @ (w[:, None] * d)
    sd = np.sqrt(np.diag(cov))
    if not (sd > 0).all():
        return np.full(X.shape[1], np.nan)
    r = cov / np.outer(sd, sd)
    return np.linalg.solve(r[:-1, :-1], r[:-1, -1])


def driver_importance(survey: pd.DataFrame, target: str = "overall", aspects=None,
                      method: str = "standardized", n_boot: int = 1000, ci: float = 0.95,
                      random_state: int = 0) -> pd.DataFrame:
    """Which aspects drive the overall score? Importance with bootstrap confidence intervals.

    ``aspects``: the aspect columns (default: every column whose name starts with ``score_``);
    ``method``: ``"standardized"`` (standardised regression coefficients) or ``"permutation"``
    (drop in R-squared when the aspect is shuffled); see the module docstring. Rows with a
    missing value in the target or an aspect are left out (counted in ``attrs['dropped']``).

    Returns one row per aspect, strongest (largest ``|importance|``) first: ``aspect``,
    ``name_zh``, ``importance`` (a negative coefficient: higher aspect score, lower overall,
    others held fixed), ``ci_low``, ``ci_high`` (bootstrap percentile interval, ``n_boot``
    resamples seeded by ``random_state``), ``share`` (|importance| / sum of |importance|, 0..1),
    ``rank`` (1 = strongest). ``attrs``: ``r2`` (R-squared of the regression), ``n``, ``dropped``,
    ``method``.

    >>> rng = np.random.default_rng(1)
    >>> s = pd.DataFrame({"score_fees": rng.normal(70, 10, 300), "score_app": rng.normal(70, 10, 300)})
    >>> s["overall"] = 0.8 * s.score_fees + 0.1 * s.score_app + rng.normal(0, 3, 300)
    >>> driver_importance(s, n_boot=200).aspect.tolist()
    ['score_fees', 'score_app']
    """
    if method not in ("standardized", "permutation"):
        raise _arg_error(f"method 只能是 'standardized'（标准化回归系数）或 'permutation'（置换重要性），收到 {method!r}",
                         f"method must be 'standardized' or 'permutation', got {method!r}")
    if isinstance(n_boot, bool) or not isinstance(n_boot, numbers.Integral) or not 50 <= n_boot <= 100_000:
        raise _arg_error(f"n_boot 应是 50 到 100000 之间的整数（自助法重抽样次数），收到 {n_boot!r}",
                         f"n_boot must be a whole number between 50 and 100000 (bootstrap resamples), got {n_boot!r}")
    _ci_z(ci)
    if isinstance(random_state, bool) or not isinstance(random_state, numbers.Integral) or random_state < 0:
        raise _arg_error(f"random_state 应是 ≥ 0 的整数，收到 {random_state!r}",
                         f"random_state must be a whole number >= 0, got {random_state!r}")
    X, y, names, dropped = _design(survey, target, aspects)
    rng = np.random.default_rng(int(random_state))
    repeats_full, repeats_boot = 20, 1
    point = _importance(X, y, method, rng, repeats_full)
    n = len(y)
    boots = np.empty((int(n_boot), X.shape[1]))
    for b in range(int(n_boot)):
        idx = rng.integers(0, n, n)
        if method == "standardized":   # the same coefficients from resample counts: no copies
            boots[b] = _standardized_from_counts(X, y, np.bincount(idx, minlength=n))
            continue
        Xb, yb = X[idx], y[idx]
        if (Xb.std(axis=0) == 0).any() or yb.std() == 0:
            boots[b] = np.nan
            continue
        boots[b] = _importance(Xb, yb, method, rng, repeats_boot)
    alpha = (1.0 - float(ci)) / 2
    lo = np.nanquantile(boots, alpha, axis=0)
    hi = np.nanquantile(boots, 1 - alpha, axis=0)
    Xz, yz = _zscore(X), _zscore(y[:, None])[:, 0]
    r2 = _r2(Xz, yz, _ols(Xz, yz))
    absimp = np.abs(point)
    share = absimp / absimp.sum() if absimp.sum() > 0 else np.full(len(point), np.nan)
    out = pd.DataFrame({"aspect": names, "name_zh": [ASPECT_NAMES_ZH.get(a, a) for a in names],
                        "importance": np.round(point, 6), "ci_low": np.round(lo, 6), "ci_high": np.round(hi, 6),
                        "share": np.round(share, 6)})
    order = np.argsort(-np.abs(out["importance"].to_numpy()), kind="stable")
    out = out.iloc[order].reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    out.attrs.update({"r2": round(r2, 6), "n": n, "dropped": dropped, "method": method})
    return out
