"""Chinese texts (course_utils.datagen.texts): messages, outbound calls, survey.

Uses the stand-in customers of tests/_standin_customers.py.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from _standin_customers import standin_customers
from course_utils.config import WINDOW_END, WINDOW_START
from course_utils.datagen.texts import (
    CHANNELS,
    EMOTIONS,
    INTENTS,
    OUTBOUND_SCRIPT,
    SENTIMENTS,
    SURVEY_DIMENSIONS,
    make_messages,
    make_outbound_calls,
    make_survey,
)


@pytest.fixture(scope="module")
def customers():
    return standin_customers(4000, 21)


@pytest.fixture(scope="module")
def messages(customers):
    return make_messages(customers, np.random.default_rng(22))


# --- messages: structure -----------------------------------------------------

def test_message_columns_and_label_domains(messages, customers):
    assert list(messages.columns) == [
        "message_id", "customer_id", "msg_date", "channel", "text", "sentiment", "intent", "emotion"
    ]
    assert messages.message_id.is_unique
    assert messages.customer_id.isin(customers.customer_id).all()
    assert set(messages.sentiment) == set(SENTIMENTS)
    assert set(messages.intent) == set(INTENTS)
    assert set(messages.emotion) == set(EMOTIONS)
    assert set(messages.channel) == set(CHANNELS)
    assert (messages.text.str.len() >= 4).all()


def test_messages_per_customer(messages, customers):
    assert 1.0 <= len(messages) / len(customers) <= 3.0


def test_msg_date_within_customer_life(messages, customers):
    m = messages.merge(customers, on="customer_id")
    d = pd.to_datetime(m.msg_date, format="%Y-%m-%d")
    lo = np.maximum(pd.to_datetime(m.open_date), pd.Timestamp(WINDOW_START))
    hi = pd.to_datetime(m.churn_date.replace("", np.nan)).fillna(pd.Timestamp(WINDOW_END))
    assert (d >= lo).all() and (d <= hi).all()


def test_required_phrases_present(messages):
    text = messages.text
    for phrase in ["不满意", "没有问题", "不是很好", "并不差", "服务态度不错，但是手续费太高了"]:
        assert text.str.contains(phrase, regex=False).any(), phrase
    assert (messages.intent == "利率协商").mean() > 0.04
    bills = messages[messages.intent == "账单查询"].text
    assert bills.str.contains("账单|还款|应还").mean() > 0.9
    yields = messages[messages.intent == "理财收益咨询"].text
    assert yields.str.contains("收益|赎回").mean() > 0.8


def test_mixed_messages_follow_the_main_clause(messages):
    # the rule: the clause after 但是/可是/不过/就是 decides (apart from ~3 % label noise)
    neg = messages[messages.text.str.contains("服务态度不错，但是手续费太高了", regex=False)]
    pos = messages[messages.text.str.contains("虽然等了一会儿，但是问题解决得很好", regex=False)]
    assert len(neg) >= 3 and len(pos) >= 3
    assert (neg.sentiment == "负面").mean() >= 0.8
    assert (pos.sentiment == "正面").mean() >= 0.8
    # composed mixed messages exist in both directions
    mixed = messages[messages.text.str.contains("，(?:但是|可是|不过|就是)", regex=True)]
    assert (mixed.sentiment == "正面").sum() > 20 and (mixed.sentiment == "负面").sum() > 20


def test_repeated_identical_questions(messages):
    dup = messages[messages.duplicated(["customer_id", "msg_date", "text"], keep=False)]
    assert dup.customer_id.nunique() >= 0.02 * messages.customer_id.nunique()
    assert dup.intent.isin(["账单查询", "理财收益咨询"]).all()


def test_emotions_match_sentiment(messages):
    emo = messages[messages.emotion != "无"]
    assert (emo.sentiment != "正面").mean() > 0.97
    neg = messages[messages.sentiment == "负面"]
    assert (neg.emotion != "无").mean() > 0.9


def test_unhappy_and_churning_customers_are_more_negative(messages, customers):
    m = messages.merge(customers, on="customer_id")
    neg = m.sentiment == "负面"
    assert neg[m.satisfaction < 60].mean() > neg[m.satisfaction >= 85].mean() + 0.2
    churn = pd.to_datetime(m.churn_date.replace("", np.nan))
    days_left = (churn - pd.to_datetime(m.msg_date)).dt.days
    near = days_left.between(0, 90)
    assert neg[near].mean() > neg[~near].mean() + 0.15
    per = messages.groupby("customer_id").size().reindex(customers.customer_id, fill_value=0)
    risky = customers.set_index("customer_id")._risk
    assert per[risky > risky.quantile(0.8)].mean() > 1.3 * per[risky < risky.quantile(0.2)].mean()


def test_messages_deterministic(messages, customers):
    pd.testing.assert_frame_equal(messages, make_messages(customers, np.random.default_rng(22)))
    assert not make_messages(customers, np.random.default_rng(23)).text.equals(messages.text)


# --- negation matters ----------------------------------------------------------

POS_WORDS = ["满意", "好", "不错", "方便", "顺利", "专业", "耐心", "稳定", "快", "点赞", "好评", "周到"]
NEG_WORDS = ["差", "慢", "贵", "高", "麻烦", "失望", "闪退", "投诉", "烦", "过分", "乱收费", "着急", "急"]
NEGATOR_BEFORE = re.compile(r"(?:不是很|不太|一点都不|一点也不|并不|没有让我|没有|没|不)$")


def naive_rule(text: str) -> str:
    """Count positive vs negative keywords, ignoring negation."""
    p = sum(text.count(w) for w in POS_WORDS)
    n = sum(text.count(w) for w in NEG_WORDS)
    return "正面" if p > n else "负面" if n > p else "中性"


def keyword_features(text: str, negation_aware: bool) -> dict:
    feats: dict[str, int] = {}
    for w in POS_WORDS + NEG_WORDS:
        for hit in re.finditer(re.escape(w), text):
            negated = negation_aware and bool(NEGATOR_BEFORE.search(text[: hit.start()]))
            key = ("NOT_" if negated else "") + w
            feats[key] = feats.get(key, 0) + 1
    return feats


def test_naive_keyword_rule_fails_on_negated_messages(messages):
    pred = messages.text.map(naive_rule)
    ok = pred == messages.sentiment
    negated = messages.text.str.contains("不|没")
    assert negated.mean() > 0.25  # negation is common, not a curiosity
    assert (~ok[negated]).mean() > 0.4  # a measurable share is misclassified
    assert ok[~negated].mean() > ok[negated].mean() + 0.15
    # the classic traps: "不满意" is negative although it contains 满意
    trap = messages[messages.text.str.contains("不满意", regex=False)]
    assert (trap.text.map(naive_rule) == "正面").mean() > 0.5
    assert (trap.sentiment == "负面").mean() > 0.85


def _fit_score(X, y) -> float:
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    return LogisticRegression(max_iter=2000).fit(Xtr, ytr).score(Xte, yte)


def test_bag_of_words_with_negation_beats_one_without(messages):
    y = messages.sentiment.to_numpy()
    scores = {}
    for aware in (False, True):
        X = DictVectorizer().fit_transform([keyword_features(t, aware) for t in messages.text])
        scores[aware] = _fit_score(X, y)
    assert scores[True] > scores[False] + 0.04, scores


def test_labels_learnable_but_not_trivial(messages):
    X = TfidfVectorizer(analyzer="char", ngram_range=(1, 2)).fit_transform(messages.text)
    acc = _fit_score(X, messages.sentiment.to_numpy())
    assert 0.8 < acc < 0.985, acc


# --- outbound calls --------------------------------------------------------------

@pytest.fixture(scope="module")
def calls(customers):
    silent = customers.customer_id[customers.churn_date == ""].iloc[::3]
    return silent, make_outbound_calls(customers, silent, np.random.default_rng(31))


def test_one_call_per_silent_customer(calls):
    silent, oc = calls
    assert list(oc.columns) == ["call_id", "customer_id", "call_date", "script", "reply", "intent_grade"]
    assert sorted(oc.customer_id) == sorted(silent)
    assert oc.call_id.is_unique
    assert (oc.script == OUTBOUND_SCRIPT).all()
    d = pd.to_datetime(oc.call_date, format="%Y-%m-%d")
    assert (d >= "2024-07-01").all() and (d <= "2024-07-31").all()


def test_grade_rates(calls):
    _, oc = calls
    rate = oc.intent_grade.value_counts(normalize=True)
    assert 0.15 <= rate["A"] <= 0.20
    assert 0.30 <= rate["B"] <= 0.35
    assert set(rate.index) == {"A", "B", "C"}


def test_tricky_replies_are_graded_by_meaning():
    cust = standin_customers(4000, 2)
    oc = make_outbound_calls(cust, cust.customer_id, np.random.default_rng(5))
    strip = oc.reply.str.replace(r"^(喂|嗯|哦|啊)，", "", regex=True)
    expected = {"不是不需要，就是现在没空": "B", "没问题，开通吧": "A", "不用考虑了，直接开通吧": "A",
                "不用了，谢谢": "C", "先发短信给我吧": "B", "别再打了": "C"}
    for reply, grade in expected.items():
        got = oc.intent_grade[strip == reply]
        assert len(got) > 0 and (got == grade).all(), reply


def test_happier_customers_say_yes_more_often(customers):
    oc = make_outbound_calls(customers, customers.customer_id, np.random.default_rng(6))
    sat = oc.merge(customers, on="customer_id").groupby("intent_grade").satisfaction.mean()
    assert sat["A"] > sat["C"] + 3


def test_unknown_and_duplicate_ids_ignored(customers):
    ids = list(customers.customer_id[:5]) + ["NOPE", customers.customer_id[0]]
    oc = make_outbound_calls(customers, ids, np.random.default_rng(1))
    assert sorted(oc.customer_id) == sorted(customers.customer_id[:5])


# --- survey ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def survey(customers):
    return make_survey(customers, np.random.default_rng(41))


def test_survey_structure(survey, customers):
    dims = list(SURVEY_DIMENSIONS)
    assert list(survey.columns) == ["customer_id", "survey_date", "overall", *dims, "comment"]
    assert survey.customer_id.is_unique
    assert 0.6 <= len(survey) / len(customers) <= 0.8
    assert survey[["overall", *dims]].apply(lambda s: s.between(0, 100).all()).all()
    m = survey.merge(customers, on="customer_id")
    assert (m.overall == m.satisfaction.round()).all()
    d = pd.to_datetime(m.survey_date)
    lo = np.maximum(pd.to_datetime(m.open_date), pd.Timestamp(WINDOW_START))
    hi = pd.to_datetime(m.churn_date.replace("", np.nan)).fillna(pd.Timestamp(WINDOW_END))
    assert (d >= lo).all() and (d <= hi).all()


def test_dimensions_consistent_with_overall(survey):
    dims = list(SURVEY_DIMENSIONS)
    w = np.array([SURVEY_DIMENSIONS[k][1] for k in dims])
    weighted = survey[dims].to_numpy() @ w
    assert np.mean(np.abs(weighted - survey.overall)) < 3
    for k in dims:
        assert survey[k].corr(survey.overall) > 0.6
        assert survey[k].std() > 5  # not a copy of overall


def test_churn_reason_lowers_the_matching_dimension(survey, customers):
    m = survey.merge(customers, on="customer_id")
    fee = m.churn_reason.str.contains("费")
    assert (m.score_fees - m.overall)[fee].mean() < (m.score_fees - m.overall)[~fee].mean() - 8


def test_comment_sentiment_consistent_with_scores(survey):
    c = survey[survey.comment != ""]
    assert 0.7 < len(c) / len(survey) < 0.9
    praise = c.comment.str.contains("非常满意|没有什么不满意|整体不错")
    complaint = c.comment.str.contains("很不满意|不是很好|考虑换银行")
    assert praise[c.overall >= 80].mean() > 0.95 and complaint[c.overall >= 80].mean() == 0
    assert complaint[c.overall < 60].mean() > 0.95 and praise[c.overall < 60].mean() == 0
    mid = c[(c.overall >= 60) & (c.overall < 80)]
    assert mid.comment.str.contains("但是|就是|可是").all()


def test_survey_deterministic(survey, customers):
    pd.testing.assert_frame_equal(survey, make_survey(customers, np.random.default_rng(41)))
