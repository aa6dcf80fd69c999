"""Comparing two groups without an experiment: raw difference vs like-for-like (stratified).

Lecture 4's case "智能客服机器人提升客户满意度" asks whether customers served by the chatbot are
more satisfied. Nobody was randomised: customers chose the channel. So we compare

* the **raw difference** of the outcome means (treated - control), and
* the **stratified difference** (exact matching on observed characteristics): the customers
  are cut into cells by ``strata`` (e.g. age band x number of contacts x negative messages);
  inside each cell that holds both groups the difference of means is taken, and the cells are
  averaged with the treated customers' counts as weights (the effect "on the treated", ATT).
  Treated customers in cells without any control are left out and counted
  (``treated_outside``: no comparable customer = no comparison).

Both come with a bootstrap 95 % interval (Poisson weights per customer, seeded; sums by
``np.bincount`` run in a fixed order, so every CPU gives the same bits). :func:`balance_table`
shows how different the groups were before and after the stratification.

What this can show: whether a difference survives comparing like with like *on what we
observed*. What it cannot show: that the channel caused it. Customers who choose the bot may
differ in what we did not observe (patience, digital skills, the urgency of their problem);
only a randomised test (an A/B test: route a random half to the bot) removes that.

>>> d = pd.DataFrame({"y": [1, 2, 3, 4, 10, 11], "t": [1, 0, 1, 0, 1, 0], "s": list("aabbcc")})
>>> r = stratified_difference(d, "y", "t", "s", n_boot=50)
>>> r["raw"], r["adjusted"]
(-1.0, -1.0)
"""
from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
import pandas as pd

from course_utils.errors import CourseArgumentError

__all__ = ["stratified_difference", "balance_table"]


def _error(zh: str, en: str) -> CourseArgumentError:
    return CourseArgumentError(f"{zh}\n{en}")


def _frame(frame, outcome: str, treated: str, strata) -> tuple[pd.DataFrame, list[str]]:
    if not isinstance(frame, pd.DataFrame):
        raise _error(f"frame 应该是表格（DataFrame），收到 {type(frame).__name__}。",
                     f"frame must be a DataFrame, got {type(frame).__name__}.")
    strata = [strata] if isinstance(strata, str) else list(strata or [])
    missing = [c for c in [outcome, treated, *strata] if c not in frame.columns]
    if missing:
        raise _error(f"表格缺少列 {missing}；现有列：{list(frame.columns)}。",
                     f"frame is missing columns {missing}; it has {list(frame.columns)}.")
    t = frame[treated]
    if not t.dropna().isin([0, 1, True, False]).all():
        raise _error(f"{treated} 应是 0/1（或 True/False）：1 = 被服务的一组（处理组），0 = 对照组。",
                     f"{treated} must be 0/1 (or True/False): 1 = the treated group, 0 = control.")
    y = pd.to_numeric(frame[outcome], errors="coerce")
    keep = y.notna() & t.notna()
    return frame.loc[keep.to_numpy()].assign(_y=y[keep].to_numpy(dtype=float),
                                            _t=t[keep].astype(int).to_numpy()), strata


def _cells(d: pd.DataFrame, strata: list[str]) -> pd.Series:
    """One label per row: the values of the ``strata`` columns joined by "｜" (missing -> 缺失)."""
    key = pd.Series(["全部"] * len(d), index=d.index, dtype=object)
    for i, c in enumerate(strata):
        v = d[c].astype(object)
        v = v.where(v.notna(), "缺失").map(str)
        key = v if i == 0 else key + "｜" + v
    return key


def _estimates(y: np.ndarray, t: np.ndarray, cell: np.ndarray, n_cells: int, w: np.ndarray) -> tuple:
    """Raw and stratified differences under row weights ``w`` (rows = replicates)."""
    w = np.atleast_2d(w)
    n_rep = w.shape[0]
    raw = np.empty(n_rep)
    adj = np.empty(n_rep)
    key = cell * 2 + t
    for r in range(n_rep):
        wr = w[r]
        sw = np.bincount(key, weights=wr, minlength=2 * n_cells)
        sy = np.bincount(key, weights=wr * y, minlength=2 * n_cells)
        n0, n1 = sw[0::2], sw[1::2]
        y0, y1 = sy[0::2], sy[1::2]
        raw[r] = y1.sum() / n1.sum() - y0.sum() / n0.sum() if n1.sum() and n0.sum() else np.nan
        both = (n0 > 0) & (n1 > 0)
        if both.any():
            d = y1[both] / n1[both] - y0[both] / n0[both]
            adj[r] = (d * n1[both]).sum() / n1[both].sum()
        else:
            adj[r] = np.nan
    return raw, adj


def stratified_difference(frame: pd.DataFrame, outcome: str, treated: str, strata: Sequence[str] | str,
                          n_boot: int = 1000, seed: int = 0, level: float = 0.95) -> dict:
    """Raw and stratified (like-for-like) difference of ``outcome`` between two groups.

    ``frame``: one row per customer; ``outcome``: numeric column (e.g. satisfaction 0-100);
    ``treated``: 0/1 column (1 = served by the bot); ``strata``: the columns that define
    comparable customers (categorical, e.g. bands). Rows with a missing outcome or group are
    left out.

    Returns a dict: ``raw`` and ``adjusted`` differences (outcome units, treated - control),
    ``raw_low``/``raw_high`` and ``adjusted_low``/``adjusted_high`` (bootstrap interval at
    ``level``), ``n_treated``, ``n_control``, ``cells`` (cells with both groups),
    ``treated_outside`` (treated customers without a comparable control, left out of the
    adjusted difference) and ``by_cell`` (DataFrame: per cell n and mean of each group).

    >>> d = pd.DataFrame({"y": [5, 1, 5, 1, 9], "t": [1, 0, 1, 0, 1], "s": ["a", "a", "b", "b", "c"]})
    >>> r = stratified_difference(d, "y", "t", ["s"], n_boot=50)
    >>> r["adjusted"], r["treated_outside"], r["cells"]
    (4.0, 1, 2)
    """
    if isinstance(n_boot, bool) or not isinstance(n_boot, numbers.Integral) or n_boot < 10:
        raise _error(f"n_boot 应是 ≥ 10 的整数（自助法重抽样次数），收到 {n_boot!r}。",
                     f"n_boot must be a whole number >= 10, got {n_boot!r}.")
    d, strata = _frame(frame, outcome, treated, strata)
    cells = _cells(d, strata)
    cell, labels = pd.factorize(cells, sort=True)
    y, t = d["_y"].to_numpy(), d["_t"].to_numpy()
    raw, adj = _estimates(y, t, cell, len(labels), np.ones(len(y)))
    rng = np.random.default_rng(seed)
    boot_raw, boot_adj = _estimates(y, t, cell, len(labels), rng.poisson(1.0, size=(int(n_boot), len(y))))
    q = (100 * (1 - level) / 2, 100 * (1 + level) / 2)
    lo_r, hi_r = np.nanpercentile(boot_raw, q)
    lo_a, hi_a = np.nanpercentile(boot_adj, q)
    g = d.assign(_cell=cells.to_numpy()).groupby(["_cell", "_t"])["_y"].agg(["size", "mean"]).unstack("_t")
    by_cell = pd.DataFrame({
        "n_control": g[("size", 0)] if ("size", 0) in g else 0,
        "n_treated": g[("size", 1)] if ("size", 1) in g else 0,
        "mean_control": g[("mean", 0)] if ("mean", 0) in g else np.nan,
        "mean_treated": g[("mean", 1)] if ("mean", 1) in g else np.nan,
    }).fillna({"n_control": 0, "n_treated": 0}).astype({"n_control": int, "n_treated": int})
    by_cell.index.name = "stratum"
    both = (by_cell["n_control"] > 0) & (by_cell["n_treated"] > 0)
    def r6(v):
        return round(float(v), 6)

    return {"raw": r6(raw[0]), "raw_low": r6(lo_r), "raw_high": r6(hi_r),
            "adjusted": r6(adj[0]), "adjusted_low": r6(lo_a), "adjusted_high": r6(hi_a),
            "n_treated": int((t == 1).sum()), "n_control": int((t == 0).sum()), "cells": int(both.sum()),
            "treated_outside": int(by_cell.loc[~both, "n_treated"].sum()), "by_cell": by_cell}


def balance_table(frame: pd.DataFrame, treated: str, covariates: Sequence[str],
                  strata: Sequence[str] | str | None = None) -> pd.DataFrame:
    """Mean of each covariate in both groups, raw and after stratification (reweighting).

    After stratification the control group is reweighted so that each cell has the treated
    group's share (cells without treated or without control are left out): if ``strata``
    capture the differences, the columns ``control_adjusted`` and ``treated`` agree.
    Columns: ``treated``, ``control``, ``control_adjusted`` (NaN without ``strata``),
    ``std_diff`` (raw standardised difference: (treated - control) / pooled SD).

    >>> d = pd.DataFrame({"t": [1, 1, 0, 0, 0, 0], "age": [20, 30, 20, 20, 60, 60], "s": list("ababbb")})
    >>> balance_table(d, "t", ["age"], "s").round(1).loc["age"].tolist()
    [25.0, 40.0, 33.3, -0.9]
    """
    d, strata = _frame(frame, covariates[0] if covariates else treated, treated, strata)
    rows = {}
    t = d["_t"].to_numpy()
    cells = _cells(d, strata).to_numpy() if strata else None
    for c in covariates:
        x = pd.to_numeric(d[c], errors="coerce").astype(float)
        x1, x0 = x[t == 1], x[t == 0]
        sd = np.sqrt((x1.var() + x0.var()) / 2)
        adj = np.nan
        if cells is not None:
            df = pd.DataFrame({"x": x.to_numpy(), "t": t, "c": cells})
            m0 = df[df.t == 0].groupby("c")["x"].mean()
            n1 = df[df.t == 1].groupby("c").size()
            common = n1.index.intersection(m0.index)
            if len(common):
                adj = float((m0[common] * n1[common]).sum() / n1[common].sum())
        rows[c] = {"treated": float(x1.mean()), "control": float(x0.mean()), "control_adjusted": adj,
                   "std_diff": float((x1.mean() - x0.mean()) / sd) if sd > 0 else 0.0}
    return pd.DataFrame.from_dict(rows, orient="index")
