"""Preprocessing pipeline builders for Lecture 2 (数据预处理).

Everything is a scikit-learn transformer, so cleaning is learnt on training data
(``fit``) and replayed unchanged on new data (``transform``), inside one
``Pipeline`` / ``ColumnTransformer``:

- :class:`RangeToNaN` marks impossible values (age -1 or 999, negative income) as
  missing, because they are errors, not extreme customers;
- ``SimpleImputer`` fills missing values (median for numbers: robust to heavy
  tails; most frequent / "未知" for categories);
- :class:`QuantileClipper` caps heavy tails at learnt quantiles (winsorising);
- :class:`Log1p` compresses skewed money columns;
- ``OneHotEncoder`` turns categories into 0/1 columns;
- ``StandardScaler`` (mean 0, std 1) or ``MinMaxScaler`` (0..1) puts numbers on
  one scale.

:func:`build_preprocessor` assembles them; :func:`check_preprocessed` is the test
the exercise uses (no NaN, scaled columns, no label column).
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler

__all__ = [
    "VALID_RANGES",
    "RangeToNaN",
    "QuantileClipper",
    "Log1p",
    "build_preprocessor",
    "preprocess",
    "check_preprocessed",
    "before_after",
]

#: Plausible ranges of customer columns; values outside are data errors.
VALID_RANGES: dict[str, tuple[float, float]] = {
    "age": (18, 100),
    "monthly_income": (0, 1_000_000),
    "satisfaction": (0, 100),
}


def _frame(X, columns=None) -> pd.DataFrame:
    if isinstance(X, pd.DataFrame):
        return X.copy()
    return pd.DataFrame(np.asarray(X), columns=columns)


class _FrameTransformer(TransformerMixin, BaseEstimator):
    """Base of the column-wise transformers here: remembers the input columns,
    keeps them (names out = names in) and works on DataFrames or arrays."""

    def fit(self, X, y=None):
        X = _frame(X)
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.n_features_in_ = X.shape[1]
        return self

    def get_feature_names_out(self, input_features=None):
        return np.asarray(
            input_features if input_features is not None else self.feature_names_in_, dtype=object
        )


class RangeToNaN(_FrameTransformer):
    """Set values outside ``ranges[col] = (low, high)`` to NaN (impossible values).

    Columns not in ``ranges`` pass through unchanged.

    >>> RangeToNaN({"age": (18, 100)}).fit_transform(pd.DataFrame({"age": [30, -1, 999]}))["age"].tolist()
    [30.0, nan, nan]
    """

    def __init__(self, ranges: Mapping[str, tuple[float, float]] | None = None):
        self.ranges = ranges

    def transform(self, X):
        X = _frame(X, getattr(self, "feature_names_in_", None)).astype("float64")
        for col, (lo, hi) in (self.ranges if self.ranges is not None else VALID_RANGES).items():
            if col in X.columns:
                X[col] = X[col].where((X[col] >= lo) & (X[col] <= hi))
        return X


class QuantileClipper(_FrameTransformer):
    """Cap each column at quantiles learnt in ``fit`` (default 1% and 99%).

    Tames heavy tails (a few ¥10 million transactions) without dropping customers.
    NaN stays NaN.
    """

    def __init__(self, lower: float = 0.01, upper: float = 0.99):
        self.lower = lower
        self.upper = upper

    def fit(self, X, y=None):
        super().fit(X)
        X = _frame(X).astype("float64")
        self.low_ = X.quantile(self.lower).to_numpy()
        self.high_ = X.quantile(self.upper).to_numpy()
        return self

    def transform(self, X):
        X = _frame(X, self.feature_names_in_).astype("float64")
        return X.clip(lower=self.low_, upper=self.high_, axis=1)


class Log1p(_FrameTransformer):
    """``log(1 + x)`` of the listed columns (negative values are first set to 0).

    ``columns=None`` transforms every column.
    """

    def __init__(self, columns: Sequence[str] | None = None):
        self.columns = columns

    def transform(self, X):
        X = _frame(X, self.feature_names_in_).astype("float64")
        cols = list(X.columns) if self.columns is None else [c for c in self.columns if c in X.columns]
        for c in cols:
            X[c] = np.log1p(X[c].clip(lower=0))
        return X


def build_preprocessor(
    numeric: Sequence[str],
    categorical: Sequence[str] = (),
    scaler: str = "standard",
    log_cols: Sequence[str] = (),
    ranges: Mapping[str, tuple[float, float]] | None = None,
    clip: tuple[float, float] | None = (0.01, 0.99),
) -> ColumnTransformer:
    """The Lecture 2 preprocessing as one ``ColumnTransformer`` (pandas output).

    Numeric columns: impossible values -> NaN -> median imputation -> quantile clipping
    -> optional log1p (``log_cols``) -> ``StandardScaler`` (``scaler="standard"``) or
    ``MinMaxScaler`` (``"minmax"``). Categorical columns: most frequent value for
    missing ones, then one-hot (unknown categories at transform time -> all zeros).
    Columns not listed are dropped, so a label such as ``churned`` never leaks in.

    Example::

        pre = build_preprocessor(["age", "monthly_income", "monetary"], ["gender", "city"],
                                 log_cols=["monthly_income", "monetary"])
        X = pre.fit_transform(view)   # DataFrame, no NaN, numeric columns scaled
    """
    if scaler not in ("standard", "minmax"):
        raise ValueError(
            f"scaler 只能是 'standard'（标准化）或 'minmax'（归一化），现在是 {scaler!r}。\n"
            f"scaler must be 'standard' or 'minmax', got {scaler!r}."
        )
    steps = [("impossible_to_nan", RangeToNaN(ranges)), ("impute", SimpleImputer(strategy="median"))]
    if clip is not None:
        steps.append(("clip", QuantileClipper(*clip)))
    if log_cols:
        steps.append(("log", Log1p(list(log_cols))))
    steps.append(("scale", StandardScaler() if scaler == "standard" else MinMaxScaler()))
    num = Pipeline(steps)
    transformers = [("num", num, list(numeric))]
    if categorical:
        cat = Pipeline(
            [
                ("impute", SimpleImputer(strategy="most_frequent")),
                ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
            ]
        )
        transformers.append(("cat", cat, list(categorical)))
    ct = ColumnTransformer(transformers, remainder="drop", verbose_feature_names_out=False)
    return ct.set_output(transform="pandas")


def preprocess(df: pd.DataFrame, numeric, categorical=(), **kwargs) -> tuple[pd.DataFrame, ColumnTransformer]:
    """Build, fit and apply :func:`build_preprocessor`; returns ``(X, fitted_preprocessor)``."""
    pre = build_preprocessor(numeric, categorical, **kwargs)
    X = pre.fit_transform(_categorical_as_object(df, categorical))
    return X, pre


def _categorical_as_object(df: pd.DataFrame, categorical) -> pd.DataFrame:
    # SimpleImputer does not accept pandas' Categorical / str dtypes with NaN reliably
    df = df.copy()
    for c in categorical:
        if c in df.columns:
            df[c] = df[c].astype(object).where(df[c].notna(), np.nan)
    return df


def check_preprocessed(
    X, label: str | None = None, scaled: Sequence[str] = (), scaler: str = "standard"
) -> list[str]:
    """Problems of a preprocessed feature table (empty list = fine), in Chinese.

    - any NaN left;
    - ``label`` (e.g. ``"churned"`` or ``"loyal"``) present among the columns (leakage);
    - a column of ``scaled`` not scaled: for ``"standard"`` mean ~0 and std ~1, for
      ``"minmax"`` values within 0..1;
    - non-numeric columns.
    """
    problems: list[str] = []
    if not isinstance(X, pd.DataFrame):
        if isinstance(X, np.ndarray):
            X = pd.DataFrame(X)
        else:
            return [f"预处理结果应该是 DataFrame（数据表），现在是 {type(X).__name__}。"]
    if X.shape[0] == 0 or X.shape[1] == 0:
        return ["预处理结果是空表，请检查 fit_transform 的输入。"]
    nonnum = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    if nonnum:
        problems.append(f"还有非数值列 {nonnum[:5]}：分类变量需要先编码（如 OneHotEncoder）。")
    n_nan = int(X.isna().sum().sum()) if not nonnum else int(X.isna().sum().sum())
    if n_nan:
        cols = [str(c) for c in X.columns[X.isna().any()]][:5]
        problems.append(f"结果里还有 {n_nan} 个缺失值（列 {cols}），请加入缺失值填补步骤（SimpleImputer）。")
    if label is not None:
        leaked = [c for c in X.columns if str(c) == label or str(c).startswith(f"{label}_")]
        if leaked:
            problems.append(
                f"特征里出现了标签列 {leaked}：这是数据泄漏（leakage），模型会“偷看答案”。请把它从特征中去掉。"
            )
    for c in scaled:
        if c not in X.columns:
            problems.append(f"找不到应缩放的列 '{c}'（输出列名是否保持原名？）。")
            continue
        s = pd.to_numeric(X[c], errors="coerce")
        if scaler == "standard":
            if abs(s.mean()) > 0.05 or abs(s.std(ddof=0) - 1) > 0.05:
                problems.append(
                    f"列 '{c}' 没有标准化：均值 {s.mean():.2f}、标准差 {s.std(ddof=0):.2f}（应为 0 和 1）。"
                )
        else:
            if s.min() < -1e-9 or s.max() > 1 + 1e-9:
                problems.append(f"列 '{c}' 没有归一化：范围 {s.min():.2f}~{s.max():.2f}（应在 0~1 之间）。")
    return problems


def before_after(raw: pd.DataFrame, X: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Side-by-side summary (missing count, min, median, max, mean, std) before and after."""
    rows = []
    for c in columns:
        for stage, frame in (("处理前", raw), ("处理后", X)):
            if c not in frame.columns:
                continue
            s = pd.to_numeric(frame[c], errors="coerce")
            rows.append(
                {
                    "列": c,
                    "阶段": stage,
                    "缺失数": int(s.isna().sum()),
                    "最小值": s.min(),
                    "中位数": s.median(),
                    "最大值": s.max(),
                    "均值": s.mean(),
                    "标准差": s.std(),
                }
            )
    return pd.DataFrame(rows).set_index(["列", "阶段"])
