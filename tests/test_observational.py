"""Raw vs stratified group comparison (course_utils.observational): by hand, confounding
removed, intervals, determinism on every CPU, clear errors."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils.observational import balance_table, stratified_difference


def test_by_hand_cells_and_common_support():
    d = pd.DataFrame({"y": [5, 1, 5, 1, 9, 3, 3], "t": [1, 0, 1, 0, 1, 0, 0], "s": list("aabbcdd")})
    r = stratified_difference(d, "y", "t", "s", n_boot=50)
    assert r["raw"] == pytest.approx(19 / 3 - 2)                  # treated 5,5,9 vs control 1,1,3,3
    assert r["adjusted"] == 4.0 and r["cells"] == 2 and r["treated_outside"] == 1
    assert r["n_treated"] == 3 and r["n_control"] == 4
    cell = r["by_cell"]
    assert cell.loc["a", ["n_control", "n_treated"]].tolist() == [1, 1]
    assert cell.loc["c", "n_control"] == 0


def test_stratification_removes_a_confounder():
    """Young customers use the bot more and are happier: the raw gap is pure selection."""
    rng = np.random.default_rng(0)
    n = 4000
    young = rng.random(n) < 0.5
    bot = (rng.random(n) < np.where(young, 0.8, 0.2)).astype(int)
    y = 70 + 8 * young + rng.normal(0, 5, n)                     # no bot effect at all
    d = pd.DataFrame({"y": y, "bot": bot, "age": np.where(young, "young", "old")})
    r = stratified_difference(d, "y", "bot", ["age"], n_boot=300)
    assert r["raw"] > 3 and r["raw_low"] > 0                      # looks like a bot effect
    assert r["adjusted_low"] < 0 < r["adjusted_high"]             # gone within strata
    assert abs(r["adjusted"]) < 0.6
    b = balance_table(d.assign(young=young.astype(float)), "bot", ["young"], ["age"])
    assert b.at["young", "std_diff"] > 0.5
    assert b.at["young", "control_adjusted"] == pytest.approx(b.at["young", "treated"])


def test_a_real_effect_survives_and_intervals_cover_it():
    rng = np.random.default_rng(1)
    n = 3000
    s = rng.integers(0, 4, n)
    t = (rng.random(n) < 0.3 + 0.1 * s).astype(int)
    y = 60 + 3 * s + 2.0 * t + rng.normal(0, 4, n)
    r = stratified_difference(pd.DataFrame({"y": y, "t": t, "s": s}), "y", "t", "s", n_boot=400)
    assert r["adjusted_low"] < 2.0 < r["adjusted_high"] and r["adjusted_low"] > 0


def test_deterministic_and_seeded():
    rng = np.random.default_rng(2)
    d = pd.DataFrame({"y": rng.normal(size=300), "t": rng.integers(0, 2, 300), "s": rng.integers(0, 3, 300)})
    a = stratified_difference(d, "y", "t", "s", n_boot=100, seed=5)
    b = stratified_difference(d, "y", "t", "s", n_boot=100, seed=5)
    c = stratified_difference(d, "y", "t", "s", n_boot=100, seed=6)
    def strip(r):
        return {k: v for k, v in r.items() if k != "by_cell"}
    assert strip(a) == strip(b) and strip(a) != strip(c)
    assert a["raw"] == c["raw"] and a["adjusted"] == c["adjusted"]


def test_missing_values_and_bad_input():
    d = pd.DataFrame({"y": [1.0, np.nan, 3.0, 4.0], "t": [1, 0, None, 0], "s": ["a", "a", None, "a"]})
    r = stratified_difference(d, "y", "t", "s", n_boot=20)
    assert r["n_treated"] == 1 and r["n_control"] == 1           # rows with a missing y or t left out
    with pytest.raises(ValueError, match="缺少列"):
        stratified_difference(d, "y", "group", "s")
    with pytest.raises(ValueError, match="0/1"):
        stratified_difference(d.assign(t=["x", "y", "z", "w"]), "y", "t", "s")
    with pytest.raises(ValueError, match="n_boot"):
        stratified_difference(d, "y", "t", "s", n_boot=3)
    with pytest.raises(ValueError, match="DataFrame"):
        stratified_difference([1, 2], "y", "t", "s")
