"""Tests of course_utils.churn_models: the churn-model factory and its explanations."""
from __future__ import annotations

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from helpers import bilingual
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.tree import DecisionTreeClassifier

from course_utils.churn_models import (MISSING_CATEGORY, _churn_proba, feature_names, fit_model, make_churn_model,
                                       odds_ratios, permutation_importance_table, reason_codes, tree_rules)
from course_utils.errors import CourseArgumentError

KINDS = ["logistic", "tree", "forest"]


# ---------------------------------------------------------------------------
# a stand-in for the usual public bank-churn table (10,000 customers, ~20% exited)
# ---------------------------------------------------------------------------
PUBLIC_NUMERIC = ["CreditScore", "Age", "Tenure", "Balance", "NumOfProducts", "EstimatedSalary"]
PUBLIC_CATEGORICAL = ["Geography", "Gender", "HasCrCard", "IsActiveMember"]


def public_shape(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Columns, types and rough relationships of the public bank-churn table, with gaps.

    Marginal churn rates resemble the public file's (overall ~20%; by age band, country,
    number of products, activity). Also returns the true churn probability (its AUC is
    the best any model can reach, ~0.85)."""
    rng = np.random.default_rng(seed)
    geo = rng.choice(["France", "Germany", "Spain"], n, p=[0.5, 0.25, 0.25])
    gender = rng.choice(["Male", "Female"], n, p=[0.55, 0.45])
    age = np.clip(np.round(18 + rng.gamma(4.0, 5.0, n)), 18, 92)
    tenure = rng.integers(0, 11, n)
    balance = np.where(rng.random(n) < 0.36, 0.0, np.round(rng.normal(120000, 30000, n), 2))
    products = rng.choice([1, 2, 3, 4], n, p=[0.51, 0.46, 0.027, 0.003])
    card = rng.random(n) < 0.7
    active = (rng.random(n) < 0.51).astype(int)
    salary = np.round(rng.uniform(100, 200000, n), 2)
    score = np.clip(np.round(rng.normal(650, 97, n)), 350, 850)
    z = (-2.4 + 3.6 * np.exp(-(((age - 55) / 13) ** 2)) + 0.8 * (geo == "Germany") + 0.5 * (gender == "Female")
         - 0.9 * active + np.array([0.0, 0.0, -1.6, 2.8, 6.0])[products] + 0.3 * (balance > 0)
         - 0.001 * (score - 650))
    true_p = 1 / (1 + np.exp(-z))
    exited = (rng.random(n) < true_p).astype(int)
    df = pd.DataFrame({
        "RowNumber": np.arange(1, n + 1), "Surname": "S",
        "CreditScore": score, "Geography": pd.Categorical(geo), "Gender": pd.array(gender, dtype="str"),
        "Age": pd.array(age.astype(int), dtype="Int64"), "Tenure": pd.array(tenure, dtype="Int64"),
        "Balance": pd.array(balance, dtype="Float64"), "NumOfProducts": products,
        "HasCrCard": pd.array(card, dtype="boolean"), "IsActiveMember": active,
        "EstimatedSalary": salary, "Exited": exited,
    })
    for col in ["CreditScore", "Age", "Balance", "Geography", "Gender", "HasCrCard"]:
        df.loc[rng.random(n) < 0.03, col] = None
    return df, true_p


@pytest.fixture(scope="module")
def public():
    df, true_p = public_shape(10000, seed=7)
    return df.iloc[:8000], df.iloc[8000:].assign(_true_p=true_p[8000:])


@pytest.fixture(scope="module")
def public_models(public):
    train, _ = public
    return {k: make_churn_model(k, PUBLIC_NUMERIC, PUBLIC_CATEGORICAL).fit(train, train["Exited"]) for k in KINDS}


def test_public_shape_table_fits_predicts_and_ranks(public, public_models):
    _, test = public
    aucs = {}
    for kind, m in public_models.items():
        p = m.predict_proba(test)
        assert p.shape == (len(test), 2) and np.allclose(p.sum(1), 1) and np.isfinite(p).all()
        aucs[kind] = roc_auc_score(test["Exited"], p[:, 1])
    best = roc_auc_score(test["Exited"], test["_true_p"])     # the ceiling: true probabilities
    # non-linear effects (age, number of products) favour the forest; all are far from random
    assert best - 0.04 <= aucs["forest"] <= best, (best, aucs)
    assert aucs["logistic"] < aucs["forest"], aucs
    assert min(aucs.values()) > 0.7, aucs


def test_unseen_categories_and_missing_values_at_predict_time(public, public_models):
    _, test = public
    odd = test.head(6).copy()
    odd["Geography"] = pd.Categorical(["Italy", None, "France", "Germany", "Spain", "Italy"])
    odd["Age"] = pd.array([None, 40, 50, None, 30, 70], dtype="Int64")
    odd["Gender"] = pd.array(["Other", None, "Male", "Female", "Male", ""], dtype="str")
    odd["HasCrCard"] = pd.array([True, None, False, True, True, False], dtype="boolean")
    odd["NumOfProducts"] = [1, 2, 3, 4, 7, 1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")         # nothing for a trainee to worry about
        for m in public_models.values():
            p = m.predict_proba(odd)[:, 1]
            assert np.isfinite(p).all() and ((p >= 0) & (p <= 1)).all()
    # an unseen country contributes nothing (all one-hot zeros), like a missing one would not:
    enc = public_models["logistic"].named_steps["prep"].transform(
        public_models["logistic"].named_steps["columns"].transform(odd))
    names = feature_names(public_models["logistic"])
    geo = [i for i, f in enumerate(names) if f.startswith("Geography_")]
    assert enc[0, geo].sum() == 0 and enc[1, geo].sum() == 1
    assert f"Geography_{MISSING_CATEGORY}" in names
    # column order and extra columns do not matter
    shuffled = odd[list(reversed(odd.columns))].assign(extra="x")
    for m in public_models.values():
        assert np.array_equal(m.predict_proba(shuffled), m.predict_proba(odd))


def test_clone_and_pickle_round_trip(public, public_models):
    train, test = public
    for kind, m in public_models.items():
        again = pickle.loads(pickle.dumps(m))
        assert np.array_equal(again.predict_proba(test), m.predict_proba(test)), kind
        fresh = clone(m)
        assert not hasattr(fresh.named_steps["columns"], "medians_")
        refit = fresh.fit(train, train["Exited"])
        assert np.array_equal(refit.predict_proba(test), m.predict_proba(test)), kind   # deterministic
    unfitted = make_churn_model("forest", PUBLIC_NUMERIC, PUBLIC_CATEGORICAL)
    assert pickle.loads(pickle.dumps(unfitted)).get_params()["model__n_jobs"] == 1


def test_estimator_settings():
    m = {k: make_churn_model(k, ["a"], ["b"], random_state=3).named_steps["model"] for k in KINDS}
    assert isinstance(m["logistic"], LogisticRegression)
    assert isinstance(m["tree"], DecisionTreeClassifier) and m["tree"].max_depth == 4
    assert m["tree"].random_state == 3
    assert isinstance(m["forest"], RandomForestClassifier) and m["forest"].n_jobs == 1
    assert m["forest"].n_estimators >= 100 and m["forest"].min_samples_leaf >= 5
    assert make_churn_model("随机森林", ["a"]).named_steps["model"].__class__ is RandomForestClassifier
    assert make_churn_model(" Logistic ", ["a"]).named_steps["model"].__class__ is LogisticRegression
    lr = make_churn_model("logistic", ["a"], class_weight="balanced").named_steps["model"]
    assert lr.class_weight == "balanced"
    assert make_churn_model("tree", ["a"], max_depth=2).named_steps["model"].max_depth == 2
    # scaling only where it matters
    assert "scale" in make_churn_model("logistic", ["a"]).named_steps["prep"].transformers[0][1].named_steps
    assert "scale" not in make_churn_model("forest", ["a"]).named_steps["prep"].transformers[0][1].named_steps


def test_column_types_are_cleaned_consistently():
    train = pd.DataFrame({
        "n_int": pd.array([1, 2, None, 4, 5, 6], dtype="Int64"),
        "n_float": pd.array([0.5, None, 1.5, 2.5, np.inf, 3.0], dtype="Float64"),
        "n_bool": pd.array([True, False, None, True, False, True], dtype="boolean"),
        "n_text": ["1,5", "2", "", None, "3", "4"],
        "c_code": [1.0, 2.0, np.nan, 1.0, 2.0, 1.0],           # integer codes read with a gap
        "c_cat": pd.Categorical(["A", "B", "A", None, "B", "A"]),
    })
    y = [0, 1, 0, 1, 1, 0]
    with pytest.raises(CourseArgumentError) as e:              # "1,5" is not a number
        make_churn_model("tree", ["n_int", "n_float", "n_bool", "n_text"], ["c_code", "c_cat"]).fit(train, y)
    assert "n_text" in bilingual(e) and "1,5" in str(e.value)
    train["n_text"] = ["1.5", "2", "", None, "3", "4"]
    m = make_churn_model("logistic", ["n_int", "n_float", "n_bool", "n_text"], ["c_code", "c_cat"]).fit(train, y)
    g = m.named_steps["columns"]
    z = g.transform(train)
    assert z["n_float"].isna().tolist() == [False, True, False, False, True, False]    # inf -> missing
    assert z["n_text"].tolist()[:2] == [1.5, 2.0] and np.isnan(z["n_text"].iloc[2])
    assert z["c_code"].tolist() == ["1", "2", MISSING_CATEGORY, "1", "2", "1"]
    assert g.modes_ == {"c_code": "1", "c_cat": "A"} and g.medians_["n_int"] == 4.0
    # int codes at predict time match the float codes of training
    new = train.assign(c_code=[1, 2, 2, 1, 1, 2])
    assert g.transform(new)["c_code"].tolist() == ["1", "2", "2", "1", "1", "2"]
    assert feature_names(m) == ["n_int", "n_float", "n_bool", "n_text", "c_code_1", "c_code_2",
                                f"c_code_{MISSING_CATEGORY}", "c_cat_A", "c_cat_B", f"c_cat_{MISSING_CATEGORY}"]


def test_all_missing_numeric_column_is_tolerated_without_warnings():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=200), "empty": np.nan})
    y = (X["a"] + rng.normal(size=200) > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for k in KINDS:
            p = make_churn_model(k, ["a", "empty"]).fit(X, y).predict_proba(X)[:, 1]
            assert roc_auc_score(y, p) > 0.7


@pytest.mark.parametrize("args, kwargs, word", [
    (("boosting", ["a"]), {}, "unknown model kind"),
    ((None, ["a"]), {}, "unknown model kind"),
    (("forest", [], []), {}, "both empty"),
    (("forest", None, None), {}, "both empty"),
    (("forest", ["a", "a"]), {}, "duplicate"),
    (("forest", ["a"], ["a"]), {}, "both numeric and categorical"),
    (("forest", [1, 2]), {}, "strings"),
    (("forest", 5), {}, "list of column names"),
])
def test_bad_arguments_give_bilingual_messages(args, kwargs, word):
    with pytest.raises(CourseArgumentError) as e:
        make_churn_model(*args, **kwargs)
    assert word in bilingual(e)


@pytest.mark.parametrize("X, y, word", [
    (pd.DataFrame({"a": [1, 2, 3, 4]}), [0, 1, 0, 1], "lacks columns ['b']"),
    (np.array([[1, 2], [3, 4]]), [0, 1], "DataFrame"),
    (pd.DataFrame({"a": [1, 2, 3, 4], "b": list("xyxy")}), [0, 1, 2, 1], "0 or 1"),
    (pd.DataFrame({"a": [1, 2, 3, 4], "b": list("xyxy")}), [0, 0, 0, 0], "single class"),
    (pd.DataFrame({"a": [1, 2, 3, 4], "b": list("xyxy")}), [0, 1, 1], "3 labels"),
    (pd.DataFrame({"a": pd.to_datetime(["2024-01-01"] * 4), "b": list("xyxy")}), [0, 1, 0, 1], "dates"),
    (pd.DataFrame([[1, 2, "x"]] * 4, columns=["a", "a", "b"]), [0, 1, 0, 1], "duplicate column names"),
])
def test_bad_data_gives_bilingual_messages(X, y, word):
    with pytest.raises(CourseArgumentError) as e:
        make_churn_model("forest", ["a"], ["b"]).fit(X, y)
    assert word in bilingual(e)


def test_missing_column_at_predict_time():
    X = pd.DataFrame({"a": [1, 2, 3, 4], "b": list("xyxy")})
    m = make_churn_model("tree", ["a"], ["b"]).fit(X, [0, 1, 0, 1])
    with pytest.raises(CourseArgumentError) as e:
        m.predict_proba(X[["a"]])
    assert "['b']" in bilingual(e)


# ---------------------------------------------------------------------------
# explanations
# ---------------------------------------------------------------------------
def _logistic_data(n=20000, seed=4):
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 2.0, n)
    noise = rng.normal(0, 1, n)
    cat = rng.choice(["A", "B", "C"], n, p=[0.5, 0.3, 0.2])
    z = -1.0 + 0.5 * x + 0.8 * (cat == "B") - 0.6 * (cat == "C")
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    return pd.DataFrame({"x": x, "noise": noise, "cat": cat}), y


def test_odds_ratios_recover_the_true_effects():
    X, y = _logistic_data()
    m = make_churn_model("logistic", ["x", "noise"], ["cat"]).fit(X, y)
    t = odds_ratios(m).set_index("term")
    assert list(t.columns) == ["column", "step", "reference", "coef", "odds_ratio"]
    sd = X["x"].std(ddof=0)
    assert t.loc["x", "step"] == pytest.approx(sd)
    assert t.loc["x", "odds_ratio"] == pytest.approx(np.exp(0.5 * sd), rel=0.05)    # per one SD
    assert t.loc["cat=B", "reference"] == "A"                                       # most frequent
    assert t.loc["cat=B", "odds_ratio"] == pytest.approx(np.exp(0.8), rel=0.1)
    assert t.loc["cat=C", "odds_ratio"] == pytest.approx(np.exp(-0.6), rel=0.1)
    assert abs(t.loc["noise", "coef"]) < 0.05
    assert t.index[0] == "x"                                                        # largest first
    u = odds_ratios(m, per="unit").set_index("term")
    assert u.loc["x", "odds_ratio"] == pytest.approx(np.exp(0.5), rel=0.03) and u.loc["x", "step"] == 1.0


def test_odds_ratios_refuse_other_models_and_bad_options():
    X, y = _logistic_data(500)
    with pytest.raises(CourseArgumentError) as e:
        odds_ratios(make_churn_model("forest", ["x"]).fit(X, y))
    assert "logistic" in bilingual(e)
    with pytest.raises(CourseArgumentError) as e:
        odds_ratios(make_churn_model("logistic", ["x"]).fit(X, y), per="year")
    assert "per" in bilingual(e)
    with pytest.raises(CourseArgumentError) as e:
        odds_ratios(make_churn_model("logistic", ["x"]))
    assert "not fitted" in bilingual(e)
    with pytest.raises(CourseArgumentError) as e:
        odds_ratios(LogisticRegression())
    assert "make_churn_model" in bilingual(e)


def test_permutation_importance_ranks_the_real_drivers_first():
    X, y = _logistic_data(4000)
    m = make_churn_model("forest", ["x", "noise"], ["cat"], n_estimators=50).fit(X.iloc[:3000], y[:3000])
    t = permutation_importance_table(m, X.iloc[3000:], y[3000:])
    assert t["column"].tolist()[0] == "x" and t["column"].tolist()[-1] == "noise"
    assert t.set_index("column").loc["noise", "importance"] < 0.01
    assert t.set_index("column").loc["x", "importance"] > 0.1


def _numeric_data(n=1500, seed=5):
    """Numeric columns with gaps (the imputer has work to do), a churn label driven by two of them."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"x": rng.normal(0, 2.0, n), "noise": rng.normal(0, 1, n), "z": rng.gamma(2.0, 3.0, n)})
    X.loc[rng.random(n) < 0.1, "z"] = np.nan
    y = (rng.random(n) < 1 / (1 + np.exp(-(-1.0 + 0.6 * X["x"] - 0.1 * X["z"].fillna(5))))).astype(int)
    return X, y.to_numpy()


def test_forest_probability_shortcut_equals_predict_proba_bit_for_bit():
    X, y = _numeric_data()
    for kind in KINDS:
        m = make_churn_model(kind, list(X.columns), n_estimators=30).fit(X.iloc[:1000], y[:1000])
        Xt = m[:-1].transform(X.iloc[1000:])
        got = _churn_proba(m.named_steps["model"], Xt)
        assert np.array_equal(got, m.predict_proba(X.iloc[1000:])[:, 1]), kind
    # anything the shortcut does not cover goes to the estimator itself
    f = make_churn_model("forest", ["x"], n_estimators=5).fit(X[["x"]], y).named_steps["model"]
    assert np.array_equal(_churn_proba(f, [[0.5], [1.5]]), f.predict_proba([[0.5], [1.5]])[:, 1])


def test_permutation_importance_shortcut_gives_sklearns_numbers():
    from sklearn.inspection import permutation_importance

    X, y = _numeric_data()
    m = make_churn_model("forest", list(X.columns), n_estimators=40).fit(X.iloc[:1000], y[:1000])
    t = permutation_importance_table(m, X.iloc[1000:], y[1000:], n_repeats=3, random_state=2).set_index("column")
    ref = permutation_importance(m, X.iloc[1000:], y[1000:], scoring="roc_auc", n_repeats=3, random_state=2)
    assert np.array_equal(t.loc[list(X.columns), "importance"].to_numpy(), ref.importances_mean)
    assert np.array_equal(t.loc[list(X.columns), "std"].to_numpy(), ref.importances_std)
    assert t.index[0] == "x"
    # other scorings and models with categories take the pipeline route (same API, same result type)
    t2 = permutation_importance_table(m, X.iloc[1000:], y[1000:], scoring="accuracy", n_repeats=2)
    assert list(t2.columns) == ["column", "importance", "std"] and len(t2) == 3


def test_fit_model_grows_the_same_forest_and_predicts_on_one_thread():
    X, y = _numeric_data()
    a = fit_model(make_churn_model("forest", list(X.columns), n_estimators=30, random_state=3), X, y)
    b = make_churn_model("forest", list(X.columns), n_estimators=30, random_state=3).fit(X, y)
    assert a.named_steps["model"].n_jobs == 1
    assert np.array_equal(a.predict_proba(X), b.predict_proba(X))
    lr = fit_model(make_churn_model("logistic", list(X.columns)), X, y)
    ref = make_churn_model("logistic", list(X.columns)).fit(X, y)
    assert np.array_equal(lr.predict_proba(X), ref.predict_proba(X))
    tree = fit_model(DecisionTreeClassifier(max_depth=2, random_state=0), X.fillna(0), y)   # any estimator
    assert tree.get_depth() == 2


def test_tree_rules_are_short_enough_to_read(public, public_models):
    text = tree_rules(public_models["tree"])
    lines = text.splitlines()
    assert max(line.count("|") for line in lines) <= 3                    # depth 4
    leaves = [line for line in lines if "流失率" in line]
    assert 2 <= len(leaves) <= 16 and "Age" in text
    # leaf sizes add up to the training rows; one-hot splits read as categories
    assert sum(int(line.split("（")[-1].split(" 人")[0].replace(",", "")) for line in leaves) == len(public[0])
    assert "_" not in text.replace("NumOfProducts", "")
    with pytest.raises(CourseArgumentError):
        tree_rules(public_models["forest"])


def test_reason_codes_name_what_is_unusual_about_the_customer(public, public_models):
    train, _ = public
    typical = {"CreditScore": 650.0, "Geography": "France", "Gender": "Male", "Age": 35, "Tenure": 5,
               "Balance": 0.0, "NumOfProducts": 2, "HasCrCard": True, "IsActiveMember": 1,
               "EstimatedSalary": 100000.0}
    people = pd.DataFrame([typical] * 3, index=["C1", "C2", "C3"])
    people.loc["C1", "NumOfProducts"] = 4                     # 4 products: almost everyone leaves
    people.loc["C2", ["Age", "IsActiveMember"]] = [55, 0]     # the churn-prone age, inactive
    for kind in ("logistic", "forest"):
        r = reason_codes(public_models[kind], people, top=2,
                         labels={"Age": "年龄", "IsActiveMember": "是否活跃", "NumOfProducts": "产品数"})
        assert list(r.columns) == ["customer", "churn_probability", "rank", "column", "value", "typical",
                                   "effect", "text"]
        if kind == "forest":
            assert r.loc[r["customer"] == "C1", "column"].iloc[0] == "NumOfProducts"
        assert set(r.loc[r["customer"] == "C2", "column"]) == {"Age", "IsActiveMember"}, (kind, r)
        assert (r["effect"] > 0).all() and (r.groupby("customer")["rank"].max() <= 2).all()
        assert r.groupby("customer")["effect"].apply(lambda e: e.is_monotonic_decreasing).all()
        line = r[(r["customer"] == "C2") & (r["column"] == "Age")]["text"].iloc[0]
        assert line.startswith("年龄 = 55（典型客户") and "个百分点" in line
    # a fully typical customer has (almost) nothing to explain
    r = reason_codes(public_models["logistic"], people.loc[["C3"]], min_effect=0.02)
    assert len(r) <= 1


def test_reason_codes_effects_match_a_hand_computation():
    X = pd.DataFrame({"calls": [0, 1, 2, 3, 4, 5, 6, 7], "city": list("AABBAABB")})
    m = make_churn_model("tree", ["calls"], ["city"], max_depth=1).fit(X, [0, 0, 0, 0, 1, 1, 1, 1])
    # median calls 3.5 -> leaf "calls <= 3.5" (p = 0); the customer with 6 calls has p = 1
    r = reason_codes(m, X.iloc[[6]])
    assert r[["column", "effect"]].values.tolist() == [["calls", 1.0]]
    assert reason_codes(m, X.iloc[[1]]).empty
    with pytest.raises(CourseArgumentError):
        reason_codes(m, X, top=0)


# ---------------------------------------------------------------------------
# our synthetic bank, out-of-time (train at one cut-off, test a year later)
# ---------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("n_customers, seed", [(5000, 2024), (4000, 3)])
def test_bank_out_of_time_forest_in_band_and_logistic_below(n_customers, seed):
    from course_utils.churn import FEATURES, build_churn_table
    from course_utils.datagen import generate_bank

    bank = generate_bank(n_customers, seed=seed)
    cats = ["gender", "city", "occupation", "risk_appetite"]
    info = bank["customers"][["customer_id", *cats]].astype({"customer_id": str})
    train = build_churn_table(bank, "2022-07-01").merge(info, on="customer_id", validate="1:1")
    test = build_churn_table(bank, "2023-07-01").merge(info, on="customer_id", validate="1:1")
    auc = {}
    for kind in ("logistic", "forest"):
        m = make_churn_model(kind, FEATURES, cats).fit(train, train["churned"])
        auc[kind] = roc_auc_score(test["churned"], m.predict_proba(test)[:, 1])
    assert 0.75 <= auc["forest"] <= 0.92, auc
    assert auc["logistic"] < auc["forest"], auc
