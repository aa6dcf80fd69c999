"""Lecture 2, question 4: the preprocessing pipeline the trainee designs from the data."""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler, OneHotEncoder, StandardScaler

from course_utils import cleaning
from course_utils.cleaning import QuantileClipper, RangeToNaN, preprocess
from course_utils.exercises import assert_check_cases
from course_utils.exercises.lecture2 import q4_cleaning as Q4

HEAVY = ["monthly_income", "recency_days", "frequency", "monetary", "balance_last"]


def _solution(data):
    """The solution's reasoning: columns and heavy tails found in the data, not given."""
    numeric = data.select_dtypes("number").columns.drop("loyal").tolist()
    categorical = data.columns.difference(numeric + ["loyal"]).tolist()
    skew = data[numeric].skew()
    heavy = skew[skew > 2].index.drop("age", errors="ignore").tolist()
    pre = cleaning.build_preprocessor(numeric, categorical, scaler="standard", log_cols=heavy,
                                      ranges={"age": (18, 100)}, clip=(0.01, 0.99))
    return pre.fit_transform(data), numeric, categorical, heavy


def _variants(data):
    num, cat = list(Q4.NUMERIC), list(Q4.CATEGORICAL)

    def make(num_steps, cols=num, with_cat=True):
        parts = [("num", Pipeline(num_steps), cols)]
        if with_cat:
            parts.append(("cat", Pipeline([("i", SimpleImputer(strategy="most_frequent")),
                                           ("o", OneHotEncoder(handle_unknown="ignore",
                                                               sparse_output=False))]), cat))
        ct = ColumnTransformer(parts, verbose_feature_names_out=False).set_output(transform="pandas")
        return ct.fit_transform(data.assign(**{c: data[c].astype(object) for c in cat}))

    good_num = [("r", RangeToNaN({"age": (18, 100)})), ("i", SimpleImputer(strategy="median")),
                ("c", QuantileClipper(0.01, 0.99)), ("s", StandardScaler())]
    return make, good_num


def test_the_solution_finds_the_columns_in_the_data(qs):
    X, numeric, categorical, heavy = _solution(qs[3].data)
    assert set(numeric) == set(Q4.NUMERIC) and set(categorical) == set(Q4.CATEGORICAL)
    assert set(heavy) == set(HEAVY)


def test_checks(qs):
    q4 = qs[3]
    data = q4.data
    num, cat = list(Q4.NUMERIC), list(Q4.CATEGORICAL)
    right, *_ = _solution(data)
    clipped, _ = preprocess(data, num, cat, ranges={"age": (18, 100)})                  # clip only
    logged, _ = preprocess(data, num, cat, ranges={"age": (18, 100)}, clip=None, log_cols=HEAVY)
    make, good_num = _variants(data)
    no_tails, _ = preprocess(data, num, cat, ranges={"age": (18, 100)}, clip=None)      # heavy tails kept
    wrong = [(make([good_num[0], good_num[3]]), "缺失值"),
             (make(good_num[1:]), "不可能的值"),
             (make([*good_num[:3], ("s", MinMaxScaler())]), "标准化"),
             (make(good_num, cols=num + ["loyal"]), "泄漏"),
             (make(good_num, with_cat=False), "独热编码列"),
             (no_tails, "极端值"),
             (right.assign(gender=data["gender"].to_numpy()), "非数值"),
             (right.iloc[: len(data.dropna())], "行数"),
             (right.to_numpy(), "numpy")]
    assert_check_cases(q4, correct=[right, clipped, logged, make(good_num)], wrong=wrong)


def test_risk_appetite_is_a_category_to_encode(qs):
    q4 = qs[3]
    data = q4.data
    num = list(Q4.NUMERIC)
    without, _ = preprocess(data, num, ["gender", "city", "occupation"], ranges={"age": (18, 100)})
    r = q4.check(without)
    assert r.status == "incorrect" and "risk_appetite" in r.message


def test_compares_with_the_data(qs):
    """Issue 8 §5: random numbers with the right names, or a dropped categorical, must fail."""
    q4 = qs[3]
    right, *_ = _solution(q4.data)
    rng = np.random.default_rng(0)
    onehot = [c for c in right.columns if c not in Q4.NUMERIC]
    fake_numbers = right.copy()
    fake_numbers[list(Q4.NUMERIC)] = rng.standard_normal((len(right), len(Q4.NUMERIC)))
    r = q4.check(fake_numbers)
    assert r.status == "incorrect" and "对不上" in r.message
    fake_onehot = right.copy()
    fake_onehot[onehot] = rng.integers(0, 2, (len(right), len(onehot)))
    assert "独热编码列" in q4.check(fake_onehot).message
    no_city = right.drop(columns=[c for c in right.columns if str(c).startswith("city_")])
    r2 = q4.check(no_city)
    assert r2.status == "incorrect" and "city" in r2.message
    shuffled = right.sample(frac=1.0, random_state=1).reset_index(drop=True)
    assert q4.check(shuffled).status == "incorrect"
    dup = pd.concat([right, right[["age"]]], axis=1)
    assert "重复的列名" in q4.check(dup).message
    exploded = right.assign(monetary=FunctionTransformer(np.square).fit_transform(right[["monetary"]]))
    assert q4.check(exploded).status == "incorrect"


def test_data_has_the_lessons(qs):
    data = qs[3].data
    assert data["monthly_income"].isna().any()                  # missing values to impute
    assert ((data["age"] < 18) | (data["age"] > 100)).any()       # impossible ages
    assert "loyal" in data.columns                                # the label to keep out
    assert (data[HEAVY].skew() > 2).all()                         # heavy tails to find
