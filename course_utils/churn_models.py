"""Churn models for Lecture 3 (逻辑回归 / 决策树 / 随机森林) and how to explain them.

:func:`make_churn_model` returns one unfitted scikit-learn ``Pipeline`` for any
table that holds the named columns - our synthetic bank or a bank's own file:

1. ``columns`` (:class:`ColumnGuard`): checks the columns are there and turns them
   into clean types. Numeric columns (also pandas nullable ``Int64`` / ``Float64`` /
   ``boolean``) become float64 with NaN for missing or infinite values; categorical
   columns (strings, pandas categoricals, bools, integer codes) become text labels,
   missing values becoming their own category ``"缺失"``. It remembers the training
   medians and most frequent categories (the "typical customer" of :func:`reason_codes`).
2. ``prep``: numeric columns imputed with the training median (plus scaled to mean 0,
   std 1 for the logistic model, which needs it; trees do not); categories one-hot
   encoded, with categories never seen in training ignored (all zeros).
3. ``model``: the estimator, deterministic (fixed ``random_state``, ``n_jobs=1``).

``predict_proba(X)[:, 1]`` is the churn probability (label 1 = churned).

Explanations: :func:`odds_ratios` (logistic model), :func:`tree_rules` (the drawn
tree as text), :func:`permutation_importance_table` (global, any model) and
:func:`reason_codes` (per customer, any model: "what if this value were typical").
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier

from course_utils.evaluation import arg_error, as_binary, check_two_classes

__all__ = [
    "KINDS",
    "MISSING_CATEGORY",
    "ColumnGuard",
    "make_churn_model",
    "fit_model",
    "feature_names",
    "odds_ratios",
    "tree_rules",
    "permutation_importance_table",
    "reason_codes",
]

#: Model kinds accepted by :func:`make_churn_model`.
KINDS: tuple[str, ...] = ("logistic", "tree", "forest")
_ALIASES = {"logistic": "logistic", "lr": "logistic", "logit": "logistic", "logistic_regression": "logistic",
            "逻辑回归": "logistic", "tree": "tree", "decision_tree": "tree", "决策树": "tree",
            "forest": "forest", "rf": "forest", "random_forest": "forest", "随机森林": "forest"}
#: Label given to a missing categorical value (it becomes a category of its own).
MISSING_CATEGORY = "缺失"
#: Defaults (documented in :func:`make_churn_model`).
TREE_MAX_DEPTH = 4
TREE_MIN_LEAF = 0.01
FOREST_TREES = 200
FOREST_MIN_LEAF = 20


# ---------------------------------------------------------------------------
# column checks and type cleaning
# ---------------------------------------------------------------------------
def _column_list(cols, name: str) -> list[str]:
    if cols is None:
        return []
    if isinstance(cols, str):
        return [cols]
    try:
        out = list(cols)
    except TypeError:
        raise arg_error(f"{name} 应是列名列表，例如 ['age', 'balance']，收到 {cols!r}",
                        f"{name} must be a list of column names, e.g. ['age', 'balance'], got {cols!r}") from None
    for c in out:
        if not isinstance(c, str):
            raise arg_error(f"{name} 中的列名应是文字，收到 {c!r}", f"column names in {name} must be strings, got {c!r}")
    return out


def _check_columns(numeric, categorical) -> tuple[list[str], list[str]]:
    num, cat = _column_list(numeric, "numeric"), _column_list(categorical, "categorical")
    if not num and not cat:
        raise arg_error("numeric 和 categorical 都是空的：至少给出一个特征列",
                        "numeric and categorical are both empty: name at least one feature column")
    seen, dup = set(), []
    for c in num + cat:
        if c in seen and c not in dup:
            dup.append(c)
        seen.add(c)
    if dup:
        both = [c for c in dup if c in num and c in cat]
        zh = f"列名重复：{dup}" + ("（同一列不能既是数值又是类别）" if both else "")
        en = f"duplicate columns: {dup}" + (" (a column cannot be both numeric and categorical)" if both else "")
        raise arg_error(zh + "；每列只列一次", en + "; list each column once")
    return num, cat


def _as_float(s: pd.Series, col: str) -> np.ndarray:
    """A numeric column as float64 (missing and +-inf -> NaN); error with an example row if not numeric."""
    if pd.api.types.is_datetime64_any_dtype(s.dtype) or isinstance(s.dtype, pd.PeriodDtype):
        raise arg_error(f"数值列 “{col}” 是日期：请先换算成天数（如 截止日 - 开户日）",
                        f"numeric column '{col}' holds dates: convert it to days first (e.g. cut-off - open date)")
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object)
    if pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
        f = s.to_numpy(dtype="float64", na_value=np.nan)
    else:
        text = s.astype(object).where(s.notna(), None)
        text = text.map(lambda v: None if isinstance(v, str) and not v.strip() else v)
        conv = pd.to_numeric(text, errors="coerce")
        bad = conv.isna() & text.notna()
        if bad.any():
            pos = int(bad.to_numpy().argmax())
            row, val = s.index[pos], s.iloc[pos]
            raise arg_error(f"数值列 “{col}” 含有非数字内容：行 {row!r} 的值是 {val!r}；"
                            "请清洗该列（如去掉千位分隔符），或把它放进 categorical",
                            f"numeric column '{col}' holds text: row {row!r} is {val!r}; "
                            "clean the column (e.g. drop thousands separators) or list it under categorical")
        f = conv.to_numpy(dtype="float64", na_value=np.nan)
    f = f.copy()
    f[~np.isfinite(f)] = np.nan
    return f


def _label(v) -> str:
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, numbers.Integral):
        return str(int(v))
    if isinstance(v, numbers.Real) and math.isfinite(v) and float(v).is_integer():
        return str(int(v))        # 1.0 (an int code read with NaN) and 1 are the same category
    return str(v)


def _as_labels(s: pd.Series) -> np.ndarray:
    """A categorical column as text labels; missing or blank -> :data:`MISSING_CATEGORY`."""
    vals = s.astype(object).to_numpy()
    codes, uniques = pd.factorize(vals, use_na_sentinel=True)
    labels = np.array([_label(u) for u in uniques] + [MISSING_CATEGORY], dtype=object)
    labels[np.array([lab.strip() == "" for lab in labels], dtype=bool)] = MISSING_CATEGORY
    return labels[codes]      # code -1 (missing) picks the last label


def _labels_for(X: pd.DataFrame, y) -> np.ndarray:
    """``y`` as 0/1, one label per row of ``X``: a bilingual error when the lengths differ, or when
    ``y`` is a Series whose index is not ``X``'s (pairing by position would mix up customers)."""
    yy = as_binary(y, "y")
    if len(yy) != len(X):
        raise arg_error(f"标签 y 有 {len(yy)} 个，特征表有 {len(X)} 行", f"y has {len(yy)} labels but X has {len(X)} rows")
    if isinstance(y, (pd.Series, pd.DataFrame)) and not y.index.equals(X.index):
        raise arg_error("标签 y 和特征表 X 的索引 (index) 不同，按位置对齐会配错客户；请从同一张表取，"
                        "例如 fit(train[F], train['churned'])，或用 y.to_numpy()",
                        "y and X have different indexes, so pairing by position would mix up customers; take "
                        "both from one table, e.g. fit(train[F], train['churned']), or pass y.to_numpy()")
    return yy


class ColumnGuard(TransformerMixin, BaseEstimator):
    """First pipeline step: checks the columns and cleans their types (see module doc).

    Output: a DataFrame with the ``numeric`` columns (float64) then the ``categorical``
    ones (text). Learnt in ``fit``: ``medians_`` and ``modes_`` (the typical value of
    each column) and ``category_counts_``.

    >>> g = ColumnGuard(["age"], ["gender"]).fit(pd.DataFrame({"age": pd.array([30, None], dtype="Int64"),
    ...                                                      "gender": ["女", None]}))
    >>> g.transform(pd.DataFrame({"age": [41], "gender": ["男"]})).to_dict("records")
    [{'age': 41.0, 'gender': '男'}]
    >>> g.medians_, g.modes_
    ({'age': 30.0}, {'gender': '女'})
    """

    def __init__(self, numeric=(), categorical=()):
        self.numeric = numeric
        self.categorical = categorical

    def _clean(self, X) -> pd.DataFrame:
        num, cat = _check_columns(self.numeric, self.categorical)
        if not isinstance(X, pd.DataFrame):
            raise arg_error(f"模型需要 pandas DataFrame（按列名取特征），收到 {type(X).__name__}",
                            f"the model needs a pandas DataFrame (features are taken by column name), "
                            f"got {type(X).__name__}")
        if X.columns.duplicated().any():
            d = list(X.columns[X.columns.duplicated()].unique())
            raise arg_error(f"数据表有重复的列名 {d}：请先删除或改名", f"the table has duplicate column names {d}: "
                            "drop or rename them first")
        missing = [c for c in num + cat if c not in X.columns]
        if missing:
            have = [str(c) for c in X.columns[:12]]
            raise arg_error(f"数据表缺少列 {missing}；现有列（前 12 个）：{have}。请检查拼写，或从 numeric/categorical 中去掉",
                            f"the table lacks columns {missing}; it has (first 12): {have}. "
                            "Check the spelling or drop them from numeric/categorical")
        if len(X) == 0:  # scikit-learn's own message ("Found array with 0 sample(s)") names no table
            have = [str(c) for c in X.columns[:12]]
            raise arg_error(f"数据表没有行（0 个客户）；现有列（前 12 个）：{have}。请检查之前的筛选条件，至少保留一行",
                            f"the table has no rows (0 customers); its columns (first 12): {have}. Check the "
                            "filter that built it and keep at least one row")
        out = {c: _as_float(X[c], c) for c in num}
        out.update({c: _as_labels(X[c]) for c in cat})
        return pd.DataFrame(out, index=X.index, columns=num + cat)

    def fit(self, X, y=None):
        Z = self._clean(X)
        if y is not None:
            check_two_classes(_labels_for(X, y), "y")
        num, cat = _check_columns(self.numeric, self.categorical)
        self.feature_names_in_ = np.asarray(num + cat, dtype=object)
        self.n_features_in_ = len(num) + len(cat)
        self.medians_ = {c: float(np.nanmedian(Z[c])) if Z[c].notna().any() else float("nan") for c in num}
        self.category_counts_ = {}
        self.modes_ = {}
        for c in cat:
            vc = Z[c].value_counts(sort=False)
            order = sorted(vc.index, key=lambda k, vc=vc: (-int(vc[k]), k))
            self.category_counts_[c] = {k: int(vc[k]) for k in order}
            self.modes_[c] = order[0]
        return self

    def transform(self, X):
        return self._clean(X)

    def get_feature_names_out(self, input_features=None):
        num, cat = _check_columns(self.numeric, self.categorical)
        return np.asarray(num + cat, dtype=object)


# ---------------------------------------------------------------------------
# the model factory
# ---------------------------------------------------------------------------
def make_churn_model(kind: str, numeric, categorical=(), random_state: int = 0, *,
                     class_weight=None, max_depth: int | None = None, min_samples_leaf=None,
                     n_estimators: int = FOREST_TREES) -> Pipeline:
    """An unfitted churn-model pipeline: column checks, preprocessing and the estimator.

    Parameters
    ----------
    kind : {"logistic", "tree", "forest"}
        Also accepted: "逻辑回归", "决策树", "随机森林", "lr", "rf".
    numeric : list of str
        Numeric feature columns (any units; missing values filled with the training median).
    categorical : list of str
        Category columns (text, pandas categorical, bool or integer codes); one-hot encoded,
        unseen categories ignored, missing values a category of their own ("缺失").
    random_state : int
        Seed of the tree / forest (the logistic model is deterministic anyway).
    class_weight : None or "balanced" or dict
        ``"balanced"`` weighs churners up to the size of the stayers (raises recall, lowers
        precision at a fixed threshold; rankings and AUC change little).
    max_depth : int, optional
        Tree depth (default 4: at most 16 leaves, readable by a banker). Forest: unlimited.
    min_samples_leaf : int or float, optional
        Smallest leaf: tree default 0.01 (1% of the training rows), forest default 20 customers.
    n_estimators : int
        Number of trees of the forest (default 200; ``n_jobs=1`` keeps it deterministic).

    Returns
    -------
    sklearn.pipeline.Pipeline with steps ``columns``, ``prep``, ``model``; unfitted,
    ``clone()``-able and picklable. ``predict_proba(X)[:, 1]`` = churn probability (0..1).

    Example
    -------
    >>> X = pd.DataFrame({"age": [25, 60, 35, None], "city": ["北京", "上海", "北京", None]})
    >>> m = make_churn_model("logistic", ["age"], ["city"]).fit(X, [0, 1, 0, 1])
    >>> [name for name, _ in m.steps]
    ['columns', 'prep', 'model']
    >>> m.predict_proba(pd.DataFrame({"age": [50], "city": ["广州"]})).shape    # 广州 unseen: ignored
    (1, 2)
    """
    key = kind.strip().lower() if isinstance(kind, str) else kind
    if key not in _ALIASES:
        raise arg_error(f"未知的模型类型 {kind!r}；可选：'logistic'（逻辑回归）、'tree'（决策树）、'forest'（随机森林）",
                        f"unknown model kind {kind!r}; choose 'logistic', 'tree' or 'forest'")
    kind = _ALIASES[key]
    num, cat = _check_columns(numeric, categorical)
    parts = []
    if num:
        steps = [("impute", SimpleImputer(strategy="median", keep_empty_features=True))]
        if kind == "logistic":
            steps.append(("scale", StandardScaler()))
        parts.append(("num", Pipeline(steps), num))
    if cat:
        parts.append(("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), cat))
    prep = ColumnTransformer(parts, remainder="drop", verbose_feature_names_out=False)
    if kind == "logistic":
        model = LogisticRegression(max_iter=5000, class_weight=class_weight)
    elif kind == "tree":
        model = DecisionTreeClassifier(max_depth=TREE_MAX_DEPTH if max_depth is None else max_depth,
                                       min_samples_leaf=TREE_MIN_LEAF if min_samples_leaf is None
                                       else min_samples_leaf,
                                       class_weight=class_weight, random_state=random_state)
    else:
        model = RandomForestClassifier(n_estimators=n_estimators, max_depth=max_depth,
                                       min_samples_leaf=FOREST_MIN_LEAF if min_samples_leaf is None
                                       else min_samples_leaf,
                                       max_features="sqrt", class_weight=class_weight, n_jobs=1,
                                       random_state=random_state)
    return Pipeline([("columns", ColumnGuard(num, cat)), ("prep", prep), ("model", model)])


def fit_model(pipeline, X, y, *, threads: int = 2):
    """``pipeline.fit(X, y)``, faster on a machine with several cores; the same fitted model.

    - A random forest grows its trees on ``threads`` threads. Every tree's seed is drawn
      before any tree is grown, so the trees are the same as on one thread; ``n_jobs`` is set
      back to 1 afterwards, so predictions still add the trees up in a fixed order.
    - Everything else (e.g. the logistic model's solver) runs with one BLAS thread: its
      steps are tiny, and waking a second thread costs more than it saves on a busy machine.

    Returns the fitted pipeline.

    >>> X = pd.DataFrame({"calls": [0, 1, 2, 3, 4, 5, 6, 7] * 5})
    >>> y = [0, 0, 0, 1, 0, 1, 1, 1] * 5
    >>> a = fit_model(make_churn_model("forest", ["calls"], n_estimators=20, min_samples_leaf=2), X, y)
    >>> b = make_churn_model("forest", ["calls"], n_estimators=20, min_samples_leaf=2).fit(X, y)
    >>> bool((a.predict_proba(X) == b.predict_proba(X)).all()), a.named_steps["model"].n_jobs
    (True, 1)
    """
    from threadpoolctl import threadpool_limits

    steps = getattr(pipeline, "named_steps", None)
    model = steps["model"] if steps is not None and "model" in steps else pipeline
    with threadpool_limits(limits=1, user_api="blas"):
        if not isinstance(model, RandomForestClassifier) or model.n_jobs not in (None, 1) or threads <= 1:
            return pipeline.fit(X, y)
        before = model.n_jobs
        model.set_params(n_jobs=int(threads))
        try:
            pipeline.fit(X, y)
        finally:
            model.set_params(n_jobs=before)
    return pipeline


# ---------------------------------------------------------------------------
# explanations
# ---------------------------------------------------------------------------
def _fitted_parts(pipeline, need_guard: bool = True):
    steps = getattr(pipeline, "named_steps", None)
    if steps is None or "model" not in steps:
        raise arg_error("需要 make_churn_model 生成的模型（Pipeline，含 columns/prep/model 三步）",
                        "expects a pipeline made by make_churn_model (steps columns, prep, model)")
    guard = steps.get("columns")
    if need_guard and not hasattr(guard, "medians_"):
        raise arg_error("模型还没有训练：先调用 model.fit(X, y)", "the model is not fitted yet: call model.fit(X, y) first")
    return guard, steps.get("prep"), steps["model"]


def feature_names(pipeline) -> list[str]:
    """Names of the model's inputs after preprocessing (one-hot columns as ``column_category``).

    >>> X = pd.DataFrame({"age": [25, 60, 35, 50], "city": ["北京", "上海", "北京", "上海"]})
    >>> feature_names(make_churn_model("tree", ["age"], ["city"]).fit(X, [0, 1, 0, 1]))
    ['age', 'city_上海', 'city_北京']
    """
    _, prep, _ = _fitted_parts(pipeline)
    return [str(f) for f in prep.get_feature_names_out()]


def odds_ratios(pipeline, per: str = "sd") -> pd.DataFrame:
    """Odds ratios (优势比) of a fitted logistic churn model, largest effects first.

    Numeric column: the factor by which the odds of churning change when the column rises by
    one standard deviation (``per="sd"``, the step shown in ``step``, original units) or by
    one unit (``per="unit"``), other columns held equal. Category: the odds of that
    category relative to the column's most frequent training category (``reference``).
    The model is L2-regularised (C = 1), so effects are shrunk slightly toward 1.

    Returns
    -------
    DataFrame ``column``, ``term`` (column or ``column=category``), ``step`` (numeric change,
    original units; NaN for categories), ``reference`` (category compared with), ``coef``
    (change in log-odds) and ``odds_ratio`` (``exp(coef)``; 2.0 = odds doubled).

    Example
    -------
    >>> X = pd.DataFrame({"calls": [0, 1, 2, 3, 4, 5, 6, 7]})
    >>> m = make_churn_model("logistic", ["calls"]).fit(X, [0, 0, 0, 1, 0, 1, 1, 1])
    >>> t = odds_ratios(m)
    >>> t[["term", "step"]].round(2).values.tolist(), bool(t["odds_ratio"].iloc[0] > 1)
    ([['calls', 2.29]], True)
    """
    guard, prep, model = _fitted_parts(pipeline)
    if not isinstance(model, LogisticRegression):
        raise arg_error("优势比只适用于逻辑回归模型（kind='logistic'）；树模型请用 permutation_importance_table",
                        "odds ratios exist only for the logistic model (kind='logistic'); "
                        "for trees use permutation_importance_table")
    if per not in ("sd", "unit"):
        raise arg_error(f"per 只能是 'sd' 或 'unit'，收到 {per!r}", f"per must be 'sd' or 'unit', got {per!r}")
    coef = dict(zip(prep.get_feature_names_out(), model.coef_[0]))
    rows = []
    num = list(prep.named_transformers_["num"].feature_names_in_) if "num" in prep.named_transformers_ else []
    if num:
        scaler = prep.named_transformers_["num"].named_steps["scale"]
        for c, sd, var in zip(num, scaler.scale_, scaler.var_):
            if var <= 0:
                continue        # constant in training: no effect to report
            b = coef[c] if per == "sd" else coef[c] / sd
            rows.append((c, c, float(sd) if per == "sd" else 1.0, "", float(b)))
    for c, counts in guard.category_counts_.items():
        ref = guard.modes_[c]
        for level in counts:
            if level != ref:
                rows.append((c, f"{c}={level}", float("nan"), ref, float(coef[f"{c}_{level}"] - coef[f"{c}_{ref}"])))
    t = pd.DataFrame(rows, columns=["column", "term", "step", "reference", "coef"])
    t["odds_ratio"] = [math.exp(b) for b in t["coef"]]      # libm, not numpy's CPU-dependent SIMD exp
    order = np.argsort(-np.abs(t["coef"].to_numpy()), kind="stable")
    return t.iloc[order].reset_index(drop=True)


def tree_rules(pipeline) -> str:
    """The fitted decision tree as indented rules a banker can read, one line per branch.

    Each branch shows its condition in the original columns (a one-hot split reads
    ``city = 北京`` / ``city ≠ 北京``) and ends in a leaf with the churn rate of the training
    customers who reach it and how many they are. With ``class_weight`` the rate is weighted.

    >>> X = pd.DataFrame({"calls": [0, 1, 2, 3, 4, 5, 6, 7], "city": list("AABBAABB")})
    >>> m = make_churn_model("tree", ["calls"], ["city"], max_depth=2).fit(X, [0, 0, 0, 1, 0, 1, 1, 1])
    >>> print(tree_rules(m))
    calls <= 2.5  →  流失率 0.0%（3 人）
    calls > 2.5
    |   city ≠ B  →  流失率 50.0%（2 人）
    |   city = B  →  流失率 100.0%（3 人）
    """
    guard, prep, model = _fitted_parts(pipeline)
    if not isinstance(model, DecisionTreeClassifier):
        raise arg_error("tree_rules 只适用于决策树模型（kind='tree'）", "tree_rules needs the decision tree (kind='tree')")
    names = [str(f) for f in prep.get_feature_names_out()]
    onehot = {f"{c}_{level}": (c, level) for c, counts in guard.category_counts_.items() for level in counts}
    tree = model.tree_
    lines: list[str] = []

    def leaf(node) -> str:
        v = tree.value[node][0]
        return f"  →  流失率 {v[1] / v.sum():.1%}（{int(tree.n_node_samples[node]):,} 人）"

    def walk(node, depth):
        f, thr = tree.feature[node], tree.threshold[node]
        name = names[f]
        if name in onehot:          # 0/1 column: "<= 0.5" means "not this category"
            c, level = onehot[name]
            conds = (f"{c} ≠ {level}", f"{c} = {level}")
        else:
            conds = (f"{name} <= {_fmt(float(thr))}", f"{name} > {_fmt(float(thr))}")
        for child, cond in zip((tree.children_left[node], tree.children_right[node]), conds):
            is_leaf = tree.children_left[child] == -1
            lines.append("|   " * depth + cond + (leaf(child) if is_leaf else ""))
            if not is_leaf:
                walk(child, depth + 1)

    if tree.children_left[0] == -1:
        return "（没有分裂 no split）" + leaf(0)
    walk(0, 0)
    return "\n".join(lines)


def _churn_proba(model, Xt) -> np.ndarray:
    """Churn probability from the fitted estimator on prepared rows (after ``columns`` and ``prep``).

    Equals ``model.predict_proba(Xt)[:, 1]``. A one-thread random forest adds its trees'
    probabilities in the same order as scikit-learn does, without the per-tree task overhead
    (about twice as fast on a few hundred rows).
    """
    if (isinstance(model, RandomForestClassifier) and model.n_jobs in (None, 1) and isinstance(Xt, np.ndarray)
            and Xt.ndim == 2 and Xt.shape[1] == getattr(model, "n_features_in_", -1)
            and getattr(model, "n_outputs_", 0) == 1 and getattr(model, "n_classes_", 0) == 2):
        X32 = np.asarray(Xt, dtype=np.float32)     # what the forest does to its input
        total = np.zeros((X32.shape[0], 2), dtype=np.float64)
        for tree in model.estimators_:
            total += tree.predict_proba(X32, check_input=False)
        total /= len(model.estimators_)
        return total[:, 1]
    return model.predict_proba(Xt)[:, 1]


def permutation_importance_table(pipeline, X, y, *, scoring: str = "roc_auc", n_repeats: int = 5,
                                 random_state: int = 0) -> pd.DataFrame:
    """Global importance of each input column: the drop in ``scoring`` (AUC by default) when
    that column is shuffled, on data the model was not trained on (置换重要性).

    A category column is shuffled as a whole (all its one-hot columns together).

    Returns
    -------
    DataFrame ``column``, ``importance`` (mean drop, AUC points as a fraction; 0 = unused,
    negative = noise), ``std`` (over the ``n_repeats`` shuffles), most important first.

    Example
    -------
    >>> X = pd.DataFrame({"calls": [0, 1, 2, 3, 4, 5, 6, 7], "noise": [1, 0, 1, 0, 0, 1, 0, 1]})
    >>> m = make_churn_model("tree", ["calls", "noise"], max_depth=1).fit(X, [0, 0, 0, 0, 1, 1, 1, 1])
    >>> permutation_importance_table(m, X, [0, 0, 0, 0, 1, 1, 1, 1])["column"].tolist()
    ['calls', 'noise']
    """
    guard, prep, model = _fitted_parts(pipeline)
    cols = list(guard.feature_names_in_)
    Xc = guard._clean(X)           # same checks and messages as the model itself
    yy = _labels_for(X, y)
    check_two_classes(yy, "y")
    Xp = None
    if scoring == "roc_auc" and isinstance(model, RandomForestClassifier) and not guard.category_counts_:
        # A forest on numeric columns only: the preprocessing works value by value, so shuffling
        # a column before or after it is the same. Prepare the rows once and score the forest
        # alone: the same shuffles and the same AUCs as through the pipeline, in a third of the time.
        Xp = prep.transform(Xc)
    if isinstance(Xp, np.ndarray) and Xp.shape == (len(Xc), len(cols)):
        from sklearn.metrics import roc_auc_score

        def auc(_model, Xs, ys):
            return roc_auc_score(ys, _churn_proba(model, Xs))

        r = permutation_importance(model, np.array(Xp, dtype=np.float64), yy, scoring=auc, n_repeats=n_repeats,
                                   random_state=random_state, n_jobs=1)
    else:
        r = permutation_importance(pipeline, Xc, yy, scoring=scoring, n_repeats=n_repeats,
                                   random_state=random_state, n_jobs=1)
    t = pd.DataFrame({"column": cols, "importance": r.importances_mean, "std": r.importances_std})
    order = np.argsort(-t["importance"].to_numpy(), kind="stable")
    return t.iloc[order].reset_index(drop=True)


def _fmt(v) -> str:
    if isinstance(v, str):
        return v
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return MISSING_CATEGORY
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.2f}".rstrip("0").rstrip(".")


def reason_codes(pipeline, X, top: int = 3, *, labels: Mapping[str, str] | None = None,
                 min_effect: float = 0.001) -> pd.DataFrame:
    """Per-customer reasons for a high churn score that a relationship manager can say out loud.

    Method (works for every kind of model): for each customer and each input column, set
    that one column to the *typical* value - the training median (numeric) or most frequent
    category - and predict again. The reason's ``effect`` is how much higher the churn
    probability is with the customer's real value than with the typical one. The ``top``
    largest positive effects above ``min_effect`` are kept. Columns are changed one at a
    time, so effects of interacting columns are not split between them and need not add
    up to the score; a column at its typical value never appears.

    Parameters
    ----------
    pipeline : a fitted model from :func:`make_churn_model`.
    X : DataFrame of the customers to explain (its index labels identify them).
    top : int, reasons per customer (at most).
    labels : mapping column -> display name (e.g. ``{"recency_days": "距上次交易天数"}``).
    min_effect : float, smallest effect kept (probability, 0.001 = 0.1 percentage point).

    Returns
    -------
    DataFrame, one row per reason: ``customer`` (index label of ``X``), ``churn_probability``,
    ``rank`` (1 = strongest), ``column``, ``value``, ``typical``, ``effect`` (probability
    points as a fraction, 0.08 = +8 pp) and ``text`` (a Chinese sentence).

    Example
    -------
    >>> X = pd.DataFrame({"calls": [0, 1, 2, 3, 4, 5, 6, 7]})
    >>> m = make_churn_model("tree", ["calls"], max_depth=1).fit(X, [0, 0, 0, 0, 1, 1, 1, 1])
    >>> reason_codes(m, X.iloc[[0, 7]], labels={"calls": "投诉次数"})["text"].tolist()
    ['投诉次数 = 7（典型客户 3.5），流失概率高 100.0 个百分点']
    """
    guard, _, _ = _fitted_parts(pipeline)
    if isinstance(top, bool) or not isinstance(top, numbers.Integral) or top < 1:
        raise arg_error(f"top 应是正整数，收到 {top!r}", f"top must be a positive integer, got {top!r}")
    labels = dict(labels or {})
    Z = guard._clean(X)
    cols = list(guard.feature_names_in_)
    typical = {**guard.medians_, **guard.modes_}
    _, prep, model = _fitted_parts(pipeline)

    def proba(frame):          # = pipeline.predict_proba(frame)[:, 1]; ``frame`` is clean already
        return _churn_proba(model, prep.transform(frame))

    p0 = proba(Z)
    effects = np.zeros((len(Z), len(cols)))
    for j, c in enumerate(cols):
        Zj = Z.copy()
        Zj[c] = typical[c]
        effects[:, j] = p0 - proba(Zj)
    order = np.argsort(-effects, axis=1, kind="stable")[:, :top]
    rows = []
    for i, cust in enumerate(Z.index):
        for rank, j in enumerate(order[i], start=1):
            e = float(effects[i, j])
            if e < min_effect:
                break
            c = cols[j]
            value, typ = Z.iat[i, j], typical[c]
            text = f"{labels.get(c, c)} = {_fmt(value)}（典型客户 {_fmt(typ)}），流失概率高 {e * 100:.1f} 个百分点"
            rows.append((cust, float(p0[i]), rank, c, value, typ, e, text))
    return pd.DataFrame(rows, columns=["customer", "churn_probability", "rank", "column", "value", "typical",
                                       "effect", "text"])

