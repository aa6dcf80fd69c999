"""Lecture 2, question 4: a preprocessing pipeline for a new table, decided by the trainee.

The trainee is not told which columns are numbers, categories or the label, which hold
impossible values or which are heavy-tailed: they look (``dtypes``, ``describe``,
``skew``) and build the pipeline with what the lecture showed (``cleaning.build_preprocessor``,
or their own ``ColumnTransformer``). The check looks at the transformed table
(``X = pre.fit_transform(data)``): shape, no label, numbers only, no missing values, every
numeric column a monotone transform of the same column of the data, every categorical
column one-hot encoded *from the data*, standardised numbers, no impossible ages left and
no extreme values left (heavy tails clipped or logged).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from course_utils.cleaning import check_preprocessed
from course_utils.exercises import Exercise, answers

#: Columns of the question's data.
NUMERIC = ("age", "monthly_income", "tenure_days", "recency_days", "frequency", "monetary",
           "balance_last")
CATEGORICAL = ("gender", "city", "occupation", "risk_appetite")
LABEL = "loyal"
#: Plausible ranges (values outside are "impossible" and become missing).
VALID_RANGES = {"age": (18, 100)}
#: After standardising, no value may lie further than this many standard deviations from
#: the mean: a heavy tail left as it is (e.g. monetary, z up to ~26) lets a few customers
#: dominate; clipping at 1 %/99 % or a log brings every column below ~6.
MAX_ABS_Z = 8.0


def cleaning_data(view: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """The raw frame of the question: numeric + categorical columns of the customer view
    (``features.customer_view``) and the label ``loyal`` from the customers table."""
    loyal = customers.set_index(customers["customer_id"].astype(str))[LABEL]
    cols = [c for c in (*NUMERIC, *CATEGORICAL) if c in view.columns]
    data = view[cols].copy()
    data[LABEL] = loyal.reindex(data.index).to_numpy()
    return data


def _numeric_mismatch(got: pd.Series, raw: pd.Series, column: str) -> str | None:
    """Message if ``got`` is not a monotone transform of the raw column (rank correlation)."""
    ref = pd.to_numeric(raw, errors="coerce")
    lo, hi = VALID_RANGES.get(column, (-np.inf, np.inf))
    ref = ref.where((ref >= lo) & (ref <= hi))
    ok = ref.notna()
    if ok.sum() < 3 or ref[ok].nunique() < 2:
        return None
    rho = np.corrcoef(got[ok].rank().to_numpy(), ref[ok].rank().to_numpy())[0, 1]
    if not np.isfinite(rho) or rho < 0.9:
        return (f"列 {column} 的数值和原数据里的 {column} 对不上（两者的大小顺序没有对应关系）："
                "每一列都要由原数据的同名列变换而来（填补、缩放），行的顺序也不能打乱。")
    return None


def _onehot_mismatch(answer: pd.DataFrame, raw: pd.Series, column: str) -> str | None:
    """Message unless the one-hot columns ``<column>_<value>`` encode the raw column."""
    prefix = f"{column}_"
    cols = [c for c in answer.columns if str(c).startswith(prefix)]
    if not cols:
        return (f"没有看到分类变量 {column} 的独热编码列（如 {column}_{raw.dropna().iloc[0]}）："
                "每个文字列都要列进 categorical（build_preprocessor 的第二个参数），由它做独热编码。")
    known = raw.dropna().astype(str)
    levels = set(known.unique())
    for c in cols:
        level = str(c)[len(prefix):]
        if level not in levels:
            return f"独热编码列 {c} 对应的类别 {level!r} 在原数据的 {column} 列里不存在。"
        col = pd.to_numeric(answer.loc[known.index, c], errors="coerce")
        if not col.isin([0, 1]).all() or not (col.to_numpy() == (known == level).to_numpy()).all():
            return (f"独热编码列 {c} 和原数据的 {column} 列对不上：它应该在 {column} 为 {level!r} "
                    "的行是 1，其他行是 0。")
    if len(cols) < len(levels) - 1:
        return f"分类变量 {column} 有 {len(levels)} 个类别，独热编码列却只有 {len(cols)} 个。"
    return None


def _impossible_ages_kept(got: pd.Series, raw: pd.Series) -> bool:
    """True when customers with an impossible age (e.g. -1, 999) still sit at the edges.

    Treated as missing and imputed, they land in the middle of everyone else; kept (or only
    clipped to a quantile) they stay at the lowest / highest ages.
    """
    ages = pd.to_numeric(raw, errors="coerce")
    lo, hi = VALID_RANGES["age"]
    bad = ((ages < lo) | (ages > hi)).to_numpy()
    if not bad.any() or bad.all():
        return False
    values = pd.to_numeric(got, errors="coerce").to_numpy(dtype=float)
    q05, q95 = np.nanquantile(values[~bad], [0.05, 0.95])
    return bool(((values[bad] < q05) | (values[bad] > q95)).any())


def diagnose_cleaning(answer: Any, data: pd.DataFrame) -> str | None:
    """None if ``answer`` is a clean feature table of ``data``, else the first problem."""
    if isinstance(answer, np.ndarray):
        return ("结果是 numpy 数组，没有列名，无法确认哪些列被缩放、标签是否泄漏。"
                "用 cleaning.build_preprocessor（它输出 DataFrame）；自己写 ColumnTransformer 时调用 "
                ".set_output(transform='pandas')。")
    if not isinstance(answer, pd.DataFrame):
        return f"答案应该是预处理后的 DataFrame（X = pre.fit_transform(data)）；你给的是{answers.type_name(answer)}。"
    if answer.shape[0] == 0 or answer.shape[1] == 0:
        return "结果是空表，请检查 fit_transform 的输入。"
    dup = answer.columns[answer.columns.duplicated()]
    if len(dup):
        return f"有重复的列名（例如 {str(dup[0])[:30]}）：每一列的名字只能出现一次。"
    if len(answer) != len(data):
        return (f"行数变了（{len(answer)} 行，原数据 {len(data)} 行）：预处理要保留每位客户，"
                "缺失值要填补，不要删行。")
    leaked = [c for c in answer.columns if str(c) == LABEL or str(c).startswith(f"{LABEL}_")]
    if leaked:
        return (f"特征里出现了标签列 {leaked}：这是数据泄漏 (leakage)。"
                "numeric / categorical 只列特征，标签不要列进去。")
    nonnum = [c for c in answer.columns if not pd.api.types.is_numeric_dtype(answer[c])]
    if nonnum:
        return f"还有非数值列 {nonnum[:4]}：文字列要列进 categorical，独热编码成 0/1 列。"
    if answer.isna().any().any():
        cols = [str(c) for c in answer.columns[answer.isna().any()]][:4]
        return f"结果里还有缺失值（列 {cols}）：缺失值要在缩放之前填补（build_preprocessor 会用中位数填补；自己写的流水线要加 SimpleImputer）。"
    numeric = [c for c in NUMERIC if c in data.columns]
    absent = [c for c in numeric if c not in answer.columns]
    if absent:
        return (f"找不到数值列 {absent[:4]}：数值列要全部保留，并保持原列名"
                "（build_preprocessor 会保留；自己写 ColumnTransformer 时加 verbose_feature_names_out=False）。")
    aligned = answer.set_axis(data.index) if not answer.index.equals(data.index) else answer
    for c in numeric:
        msg = _numeric_mismatch(aligned[c], data[c], c)
        if msg:
            return msg
    for cat in (c for c in CATEGORICAL if c in data.columns):
        msg = _onehot_mismatch(aligned, data[cat], cat)
        if msg:
            return msg
    problems = check_preprocessed(answer[numeric], scaled=numeric, scaler="standard")
    if problems:
        return problems[0] + " 数值列要标准化：scaler='standard'（StandardScaler）。"
    if "age" in answer.columns and _impossible_ages_kept(aligned["age"], data["age"]):
        return ("年龄里还有不可能的值（如 -1 岁、999 岁）：它们在标准化后远离其他客户。"
                "先把超出 18–100 岁的值设为缺失（ranges={'age': (18, 100)}，即 RangeToNaN），再填补。")
    extreme = {c: float(answer[c].abs().max()) for c in numeric}
    worst = max(extreme, key=extreme.get)
    if extreme[worst] > MAX_ABS_Z:
        return (f"列 {worst} 处理后还有离平均值 {extreme[worst]:.0f} 个标准差的极端值：少数大户会主导模型。"
                "重尾的列要截尾（clip）或取对数（log_cols）再标准化；哪些列重尾，可以先看 data.skew(numeric_only=True)。")
    return None


class Cleaning(Exercise):
    """Q4: a preprocessing pipeline with no NaN, scaled numbers, one-hot categories, no label."""

    id = "L2.cleaning"
    title = "搭建数据预处理流水线"
    hints = [
        "先看数据：data.dtypes 里文字列 (object/str) 是分类变量；loyal 是标签（以后要预测它），不进特征；"
        "data.describe() 看哪列有不可能的值，data.skew(numeric_only=True) 看哪几列重尾（偏度远大于 1）。",
        "用讲义第三节的 cleaning.build_preprocessor(数值列, 分类列, scaler='standard', log_cols=重尾列, "
        "ranges={'age': (18, 100)}, clip=(0.01, 0.99))：它会填补缺失、截尾、取对数、标准化、独热编码。",
        "numeric 只列数值特征（不含 loyal），categorical 列出全部文字列（包括 risk_appetite）；"
        "X = pre.fit_transform(data) 之后 q4.check(X)。",
    ]
    solution_code = (
        "numeric = data.select_dtypes('number').columns.drop('loyal').tolist()   # 数值特征（标签除外）\n"
        "categorical = data.columns.difference(numeric + ['loyal']).tolist()     # 文字列 = 分类变量\n"
        "skew = data[numeric].skew()\n"
        "heavy = skew[skew > 2].index.drop('age', errors='ignore').tolist()     # 重尾列（年龄偏是因为 999 岁）\n"
        "pre = cleaning.build_preprocessor(numeric, categorical, scaler='standard', log_cols=heavy,\n"
        "                                  ranges={'age': (18, 100)}, clip=(0.01, 0.99))\n"
        "X = pre.fit_transform(data)"
    )
    success = ("答对了！没有缺失值、不可能的年龄已处理、重尾列不再有极端值、数值列已标准化、"
               "分类变量已编码，标签也没有混进特征。")

    #: The label column (the trainee finds the other column groups in the data).
    label = LABEL

    @property
    def data(self) -> pd.DataFrame:
        """The raw data of the question (a copy): numeric, categorical columns and the label."""
        return self.context["data"].copy()

    def diagnose(self, answer: Any) -> str | None:
        return diagnose_cleaning(answer, self.context["data"])
