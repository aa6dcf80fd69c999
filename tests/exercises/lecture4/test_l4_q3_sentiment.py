"""Lecture 4, question 3: a sentiment model good on held-back messages, negation-aware, three mistakes."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from course_utils import sentiment as S
from course_utils.exercises import ____, assert_check_cases
from course_utils.exercises.lecture4 import q3_sentiment as Q3


def _strip_negators(text):
    """A trainee's stop-word list that drops 不 / 没 / 无 / 未."""
    return re.sub("[不没无未]", "", text or "")


@pytest.fixture(scope="module")
def q3(qs):
    return qs[2]


@pytest.fixture(scope="module")
def right(q3):
    return q3.expected()


def test_held_back_texts_are_never_given_out(q3, bank):
    given, held = q3.context["given"], q3.context["held"]
    assert len(given) + len(held) == len(bank.messages)
    assert not set(given["text"]) & set(held["text"])
    assert 0.15 < len(held) / len(bank.messages) < 0.35
    assert set(q3.messages["message_id"]) == set(given["message_id"])


def test_split_is_deterministic_and_depends_on_the_seed(bank):
    a, _ = Q3.split_messages(bank.messages, seed=7)
    b, _ = Q3.split_messages(bank.messages, seed=7)
    c, _ = Q3.split_messages(bank.messages, seed=8)
    assert a["message_id"].tolist() == b["message_id"].tolist() != c["message_id"].tolist()


def test_auc_agrees_with_scikit_learn(q3):
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    s = np.round(rng.random(300), 1) + 0.3 * y          # ties included
    assert Q3.auc(y, s) == pytest.approx(roc_auc_score(y, s))


def test_reference_model_is_good_and_handles_negation(q3):
    model, valid, p = q3.reference()
    held = q3.context["held"]
    a = Q3.auc(S.negative_labels(held["sentiment"]), model.predict_proba(held["text"])[:, 1])
    assert a >= q3.auc_floor
    pos, neg = zip(*Q3.NEGATION_CHECK)
    assert (model.predict_proba(list(neg))[:, 1] > model.predict_proba(list(pos))[:, 1]).sum() \
        >= Q3.NEGATION_MIN_CORRECT


def test_checks(q3, right):
    model, mistakes = right["model"], right["mistakes"]
    m = q3.messages
    y = S.negative_labels(m["sentiment"])
    ids = m.set_index("text").loc[mistakes, "message_id"]
    ids = list(dict.fromkeys(ids.tolist() if isinstance(ids, pd.Series) else [ids]))[:3]
    p = model.predict_proba(m["text"])[:, 1]
    right_ones = m.loc[(p >= 0.5) == (y == 1), "text"]
    right_ones = right_ones[~right_ones.isin(m.loc[(p >= 0.5) != (y == 1), "text"])].head(3).tolist()
    reversed_model = S.make_sentiment_model().fit(m["text"], 1 - y)
    stripped = make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(1, 3), preprocessor=_strip_negators),
                             LogisticRegression(C=10)).fit(m["text"].tolist(), y)
    tiny = S.make_sentiment_model().fit(m["text"][:10], y[:10])
    three = make_pipeline(TfidfVectorizer(analyzer="char"), LogisticRegression()).fit(m["text"].tolist(),
                                                                                   m["sentiment"].tolist())
    assert_check_cases(
        q3,
        correct=[right, {"model": model, "mistakes": tuple(mistakes)},
                 {"model": model, "mistakes": m[m["text"].isin(mistakes)].drop_duplicates("text").head(3)},
                 {"model": model, "mistakes": ids} if len(ids) == 3 else right,
                 {"模型": model, "错误": pd.Series(mistakes)}],
        wrong=[({"model": reversed_model, "mistakes": mistakes}, "反了"),
               ({"model": stripped, "mistakes": mistakes}, "否定"),
               ({"model": tiny, "mistakes": mistakes}, "还不够好"),
               ({"model": three, "mistakes": mistakes}, "二分类"),
               ({"model": S.make_sentiment_model(), "mistakes": mistakes}, "还没有训练"),
               ({"model": S.negation_aware_lexicon, "mistakes": mistakes}, "predict_proba"),
               ({"model": model, "mistakes": right_ones}, "判对了"),
               ({"model": model, "mistakes": mistakes[:2]}, "正好 3"),
               ({"model": model, "mistakes": [mistakes[0]] * 3}, "重复"),
               ({"model": model, "mistakes": [*mistakes[:2], "这条消息不存在"]}, "不在 q3.messages"),
               ({"model": model, "mistakes": "，".join(mistakes)}, "3 条判错的消息"),
               ({"model": model}, "缺少"),
               (model, "字典")],
        half_done=[{"model": model, "mistakes": ____}, {"model": ____, "mistakes": mistakes}],
    )


def test_a_message_with_conflicting_labels_is_a_mistake_either_way(q3, right):
    """A text labelled both ways: whatever the model says is wrong for one of its copies."""
    given, held = q3.context["given"], q3.context["held"]
    model = right["model"]
    p = model.predict_proba(given["text"])[:, 1]
    y = S.negative_labels(given["sentiment"])
    agree = given.loc[(p >= 0.5) == (y == 1), "text"].iloc[0]          # the model gets this one right
    twin = given[given["text"] == agree].head(1).assign(
        message_id="TWIN", sentiment="正面" if (p[given["text"] == agree] >= 0.5).any() else "负面")
    given2 = pd.concat([given, twin], ignore_index=True)
    q = Q3.Sentiment(given=given2, held=held, index=Q3.MessageIndex(given2, held),
                     baseline_auc=q3.context["baseline_auc"])
    answer = {"model": model, "mistakes": [agree, *right["mistakes"][:2]]}
    assert q.check(answer).correct
    assert q3.check(answer).status == "incorrect"                     # without the twin it was right


def test_a_model_that_raises_gets_feedback_not_a_traceback(q3, right):
    class Broken:
        classes_ = np.array([0, 1])

        def predict_proba(self, texts):
            raise RuntimeError("boom")

    r = q3.check({"model": Broken(), "mistakes": right["mistakes"]})
    assert r.status == "incorrect" and "出错" in r.message and not r.error
    r = q3.check({"model": type(right["model"]), "mistakes": right["mistakes"]})
    assert r.status == "incorrect" and "是一个类" in r.message


def test_solution_passes_on_another_bank():
    from course_utils.data import get_bank
    from course_utils.exercises import lecture4 as L4

    bank = get_bank(seed=1, n_customers=300)
    given, held = Q3.split_messages(bank.messages, seed=1)
    base = Q3.auc(S.negative_labels(held["sentiment"]), S.negation_aware_lexicon(held["text"].tolist()).to_numpy())
    given, held = given.reset_index(drop=True), held.reset_index(drop=True)
    q = L4.Sentiment(given=given, held=held, index=Q3.MessageIndex(given, held), baseline_auc=base)
    assert q.check(q.expected()).correct
