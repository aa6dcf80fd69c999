"""Lecture 3, question 2: three models out of time, and the lift at the contact budget."""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from course_utils.churn import FEATURES
from course_utils.churn_models import make_churn_model
from course_utils.evaluation import budget_metrics, lift_table
from course_utils.exercises import ____, assert_check_cases

KINDS = ("logistic", "tree", "forest")


def _fit_scores(train, test, random_state=0):
    out = {}
    for kind in KINDS:
        m = make_churn_model(kind, FEATURES, random_state=random_state).fit(train[FEATURES], train["churned"])
        out[kind] = m.predict_proba(test[FEATURES])[:, 1]
    return out


def _answer(test, scores, budget, best=None, lift=None):
    y = test["churned"].to_numpy()
    auc = {k: roc_auc_score(y, s) for k, s in scores.items()}
    best = best or max(auc, key=auc.get)
    if lift is None:
        top = np.argsort(-scores[best], kind="stable")[:budget]
        lift = y[top].mean() / y.mean()
    return {"scores": scores, "best": best, "lift": lift}


def test_right_and_wrong_answers(qs):
    q2 = qs[1]
    train, test, b = q2.train, q2.test, q2.budget
    y = test["churned"].to_numpy()
    mine = _fit_scores(train, test, random_state=1)              # another random_state is fine
    right = _answer(test, mine, b)
    best = right["best"]
    m = budget_metrics(y, mine[best], b)
    # a random split of the pooled tables: test customers are seen in training
    pool = pd.concat([train, test], ignore_index=True)
    seen, _ = train_test_split(pool, test_size=0.3, random_state=1)
    leaky = {**mine, "forest": y + np.linspace(0, 0.01, len(y))}   # the label leaked in
    other = next(k for k in KINDS if k != best)
    part = {k: v[: len(v) // 3] for k, v in mine.items()}
    assert_check_cases(
        q2,
        correct=[right, {**right, "lift": float(m["lift"])}, {**right, "scores": {k: pd.Series(v) for k, v in mine.items()}}],
        wrong=[({**right, "lift": m["precision"]}, "精确率"),
               ({**right, "lift": m["recall"]}, "召回率"),
               ({**right, "lift": lift_table(y, mine[best])["lift"].iloc[0]}, "前 10%"),
               ({**right, "lift": budget_metrics(y, mine[best], b * 10)["lift"]}, "预算不对"),
               ({**right, "lift": budget_metrics(y, mine[other], b)["lift"]}, "题目要 AUC 最高的模型"),
               ({**right, "best": other}, "不是 AUC 最高"),
               (_answer(test, _fit_scores(seen, test), b), "参与了训练"),
               (_answer(test, leaky, b), "泄漏"),
               ({**right, "scores": part}, "随机切分"),
               ({**right, "scores": {**mine, "tree": (mine["tree"] > 0.5).astype(float)}}, "predict"),
               ({**right, "scores": {**mine, "logistic": 1 - mine["logistic"]}}, "取错了列"),
               ({**right, "scores": {k: v for k, v in mine.items() if k != "tree"}}, "缺少模型"),
               ({"scores": mine, "best": best}, "缺少键"),
               ({**right, "lift": str(right["lift"])}, "数字")],
        half_done=[{"scores": ____, "best": ____, "lift": ____}, {**right, "lift": ____}],
    )


def test_training_set_scores_are_named(qs):
    q2 = qs[1]
    train = q2.train
    fitted = {k: make_churn_model(k, FEATURES).fit(train[FEATURES], train["churned"]) for k in KINDS}
    on_train = {k: m.predict_proba(train[FEATURES])[:, 1] for k, m in fitted.items()}
    r = q2.check({"scores": on_train, "best": "forest", "lift": 3.0})
    assert r.status == "incorrect" and "训练集" in r.message


def test_budget_follows_the_bank_size(qs):
    from course_utils.data import get_bank
    from course_utils.exercises import lecture3 as L3

    assert qs[1].budget == 300
    small = L3.setup(get_bank(seed=7, n_customers=800), seed=7)[1]
    assert 10 <= small.budget < len(small.test) / 5
