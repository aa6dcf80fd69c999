"""Unit tests of course_utils.cleaning (preprocessing pipeline pieces)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils.cleaning import (
    Log1p,
    QuantileClipper,
    RangeToNaN,
    before_after,
    build_preprocessor,
    check_preprocessed,
    preprocess,
)


@pytest.fixture
def raw():
    return pd.DataFrame(
        {
            "age": [25, 40, -1, 999, 60, 35],
            "monthly_income": [8000.0, np.nan, 12000.0, 9000.0, 1e6, 7000.0],
            "monetary": [100.0, 2000.0, 50.0, 1e7, 300.0, 0.0],
            "gender": ["男", "女", None, "女", "男", "男"],
            "city": ["北京", "上海", "北京", "深圳", None, "北京"],
            "loyal": [1, 0, 1, 0, 1, 1],
        }
    )


def test_range_to_nan_marks_impossible_values(raw):
    out = RangeToNaN({"age": (18, 100)}).fit_transform(raw[["age", "monetary"]])
    assert out["age"].isna().tolist() == [False, False, True, True, False, False]
    assert out["monetary"].notna().all()


def test_quantile_clipper_learns_on_fit(raw):
    clip = QuantileClipper(0.0, 0.8).fit(raw[["monetary"]])
    high = clip.high_[0]
    out = clip.transform(pd.DataFrame({"monetary": [1e9, 10.0]}))
    assert out["monetary"].tolist() == [high, 10.0]


def test_log1p_only_listed_columns():
    df = pd.DataFrame({"a": [0.0, np.e - 1], "b": [5.0, 6.0]})
    out = Log1p(["a"]).fit_transform(df)
    assert out["a"].tolist() == pytest.approx([0.0, 1.0]) and out["b"].tolist() == [5.0, 6.0]


@pytest.mark.parametrize("scaler", ["standard", "minmax"])
def test_preprocessor_output(raw, scaler):
    num = ["age", "monthly_income", "monetary"]
    X, pre = preprocess(raw, num, ["gender", "city"], scaler=scaler, log_cols=["monetary"])
    assert X.isna().sum().sum() == 0
    assert "loyal" not in X.columns                       # unlisted columns are dropped
    assert {"gender_男", "gender_女", "city_北京"} <= set(X.columns)
    assert check_preprocessed(X, label="loyal", scaled=num, scaler=scaler) == []
    # impossible ages became the median of the valid ones before scaling
    ages = pre.named_transformers_["num"].named_steps["impute"].statistics_[0]
    assert ages == pytest.approx(np.median([25, 40, 60, 35]))
    # new data with an unseen city works (all-zero one-hot)
    new = raw.head(2).assign(city=["拉萨", "上海"])
    assert pre.transform(new).shape[1] == X.shape[1]


def test_bad_scaler_name():
    with pytest.raises(ValueError, match="scaler"):
        build_preprocessor(["age"], scaler="zscore")


def test_check_preprocessed_finds_each_problem(raw):
    X, _ = preprocess(raw, ["age", "monetary"], ["gender"])
    assert check_preprocessed(X, label="loyal", scaled=["age"]) == []
    with_nan = X.copy()
    with_nan.iloc[0, 0] = np.nan
    assert any("缺失值" in p for p in check_preprocessed(with_nan))
    leaked = X.assign(loyal=raw["loyal"].to_numpy())
    assert any("泄漏" in p for p in check_preprocessed(leaked, label="loyal"))
    unscaled = X.assign(age=raw["age"].to_numpy())
    assert any("标准化" in p for p in check_preprocessed(unscaled, scaled=["age"]))
    assert any("归一化" in p for p in check_preprocessed(X, scaled=["age"], scaler="minmax"))
    assert any("非数值" in p for p in check_preprocessed(X.assign(g=raw["gender"].to_numpy())))
    assert check_preprocessed("junk") and check_preprocessed(pd.DataFrame())


def test_before_after_table(raw):
    X, _ = preprocess(raw, ["age"], [])
    t = before_after(raw, X, ["age"])
    assert t.loc[("age", "处理前"), "最大值"] == 999
    assert t.loc[("age", "处理后"), "缺失数"] == 0
