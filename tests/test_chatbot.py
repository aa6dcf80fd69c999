"""FAQ chatbot, threshold trade-off and hand-off rules (course_utils.chatbot)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils.chatbot import (
    FAQ,
    HANDOFF_MESSAGE,
    FaqBot,
    asks_rate_negotiation,
    default_faq,
    question_key,
    repeated_questions,
    same_question_repeated,
    threshold_table,
)
from course_utils.data import get_bank
from course_utils.errors import CourseArgumentError


@pytest.fixture(scope="module")
def messages():
    return get_bank().messages


@pytest.fixture(scope="module")
def bot():
    return FaqBot()


def _bilingual(e) -> bool:
    """Chinese line first, English line second."""
    lines = str(e.value).splitlines()
    return (len(lines) == 2 and any("\u4e00" <= ch <= "\u9fff" for ch in lines[0])
            and any(ch.isascii() and ch.isalpha() for ch in lines[1]))


# --- the FAQ and matching -------------------------------------------------------

def test_faq_covers_every_intent_of_the_messages(messages):
    faq = default_faq()
    assert 20 <= len(faq) <= 40 and list(faq.columns) == ["question", "answer", "intent"]
    assert set(messages["intent"]) <= set(faq["intent"])
    assert faq["question"].is_unique
    assert faq["answer"].str.contains("还款日为XX").any() and faq["answer"].str.contains("年化收益3.8%").any()


def test_exact_faq_questions_map_to_themselves(bot):
    qs = [q for q, _, _ in FAQ]
    m = bot.match(qs)
    assert m["faq_index"].tolist() == list(range(len(qs)))
    assert (m["confidence"] == 1.0).all()
    # greetings, thanks and punctuation do not change the match
    polite = bot.match(["您好，请问" + q + "？谢谢" for q in qs])
    assert polite["faq_index"].tolist() == list(range(len(qs))) and (polite["confidence"] == 1.0).all()


def test_paraphrases_find_the_right_intent(bot):
    r = bot.answer(["我的信用卡丢了，要怎么挂失？", "跨行转账多长时间到账", "信用卡账单几号出", "积分可以换什么"],
                   threshold=0.3)
    assert r["intent"].tolist() == ["挂失补卡", "转账问题", "账单查询", "其他"]
    assert not r["handoff"].any() and (r["answer"] != HANDOFF_MESSAGE).all()


def test_handoff_reasons(bot):
    r = bot.answer(pd.Series(["我的经营贷利率能不能调低一点", "我要投诉，服务太差了", "今天股市怎么样",
                              "", "手机银行转账限额是多少"], index=list("abcde")))
    assert r.index.tolist() == list("abcde")
    assert r["reason"].tolist() == ["利率协商", "人工意图", "置信度低", "置信度低", ""]
    assert r["handoff"].tolist() == [True, True, True, True, False]
    assert (r["answer"][r["handoff"]] == HANDOFF_MESSAGE).all()
    assert r.loc["d", "confidence"] == 0.0 and r.loc["d", "best_question"] == ""
    assert r.loc["e", "answer"].startswith("您好，手机银行单笔")
    # without the rules the same bot answers the complaint and the rate request itself
    loose = FaqBot(human_intents=(), rate_rule=False).answer(["我要投诉，服务太差了"])
    assert loose["handoff"].tolist() == [False] and loose["intent"].tolist() == ["投诉"]


def test_empty_and_single_inputs(bot):
    r = bot.answer([])
    assert len(r) == 0 and list(r.columns) == ["best_question", "answer", "intent", "confidence", "handoff", "reason"]
    assert len(bot.answer("网点几点开门")) == 1
    assert len(bot.answer([None, np.nan, 12345, "😡", "x" * 100_000])) == 5


def test_custom_faq_and_bad_faq():
    faq = pd.DataFrame({"question": ["怎么开通网银", "怎么买基金"], "answer": ["答案一", "答案二"],
                        "intent": ["其他", "理财收益咨询"]})
    bot = FaqBot(faq, threshold=0.2)
    assert bot.answer(["请问怎么开通网银"])["answer"].tolist() == ["答案一"]
    assert "2 questions" in repr(bot)
    with pytest.raises(CourseArgumentError, match="answer") as e:
        FaqBot(faq.drop(columns="answer"))
    assert _bilingual(e)
    with pytest.raises(CourseArgumentError, match="empty"):
        FaqBot(faq.iloc[0:0])
    with pytest.raises(CourseArgumentError, match="row 1"):
        FaqBot(faq.assign(question=["怎么开通网银", None]))
    with pytest.raises(CourseArgumentError, match="DataFrame"):
        FaqBot(["怎么开通网银"])


@pytest.mark.parametrize("bad", [-0.1, 1.5, "high", float("nan"), True, None])
def test_bad_thresholds_give_clear_errors(bad, bot, messages):
    if bad is not None:
        with pytest.raises(CourseArgumentError) as e:
            FaqBot(threshold=bad)
        assert _bilingual(e) and "threshold" in str(e.value)
        with pytest.raises(CourseArgumentError):
            bot.answer(["你好"], threshold=bad)
        with pytest.raises(CourseArgumentError):
            threshold_table(bot, ["你好"], ["其他"], [0.2, bad])
    else:
        with pytest.raises(CourseArgumentError):
            FaqBot(threshold=None)


# --- threshold trade-off -----------------------------------------------------------

def test_threshold_trades_answers_for_handoffs_monotonically(bot, messages):
    t = threshold_table(bot, messages["text"], messages["intent"], minutes_per_handoff=6)
    assert t["threshold"].is_monotonic_increasing and len(t) == 21
    assert t["answer_rate"].is_monotonic_decreasing
    assert t["wrong_rate"].is_monotonic_decreasing
    assert t["handoffs"].is_monotonic_increasing and t["handoff_rate"].is_monotonic_increasing
    assert np.allclose(t["answer_rate"] + t["handoff_rate"], 1.0)
    assert np.allclose(t["right_rate"] + t["wrong_rate"], t["answer_rate"])
    assert np.allclose(t["human_hours"], t["handoffs"] * 6 / 60)
    assert t["answer_rate"].iloc[0] > 0.6 > 0.1 > t["answer_rate"].iloc[-1]   # the slider matters
    assert t["wrong_rate"].iloc[0] > 0.1 and t["wrong_rate"].iloc[-1] == 0
    print(t.round(3).to_string())


def test_default_threshold_meets_a_service_target(bot, messages):
    t = threshold_table(bot, messages["text"], messages["intent"], [bot.threshold])
    row = t.iloc[0]
    print(f"default threshold {bot.threshold}: answer rate {row.answer_rate:.3f}, wrong share of answered "
          f"{row.wrong_share_of_answered:.3f}, hand-offs {row.handoffs}")
    assert row.wrong_share_of_answered <= 0.06 and row.answer_rate >= 0.2


def test_threshold_table_counts_by_hand(bot):
    texts = ["手机银行转账限额是多少", "银行卡丢了怎么挂失", "网点几点开门几点关门", "我的房贷利率能不能调低一点"]
    truth = ["转账问题", "挂失补卡", "销户", "利率协商"]
    t = threshold_table(bot, texts, truth, 0.5)
    row = t.iloc[0]
    # 3 answered (the rate request always goes to a human), 1 of them wrong (网点 is not 销户)
    assert (row.answered, row.handoffs) == (3, 1)
    assert row.wrong_rate == 0.25 and row.right_rate == 0.5 and row.wrong_share_of_answered == pytest.approx(1 / 3)
    t1 = threshold_table(bot, texts[3:], truth[3:], [0.0, 1.0])
    assert t1["answered"].tolist() == [0, 0] and np.isnan(t1["wrong_share_of_answered"]).all()


def test_threshold_table_bad_calls(bot):
    with pytest.raises(CourseArgumentError, match="one intent per message"):
        threshold_table(bot, ["a", "b"], ["其他"])
    with pytest.raises(CourseArgumentError, match="FaqBot"):
        threshold_table("bot", ["a"], ["其他"])
    with pytest.raises(CourseArgumentError, match="empty"):
        threshold_table(bot, [], [])
    with pytest.raises(CourseArgumentError, match="at least one threshold"):
        threshold_table(bot, ["a"], ["其他"], [])
    with pytest.raises(CourseArgumentError, match="minutes"):
        threshold_table(bot, ["a"], ["其他"], minutes_per_handoff=-1)


# --- hand-off rules ----------------------------------------------------------------

def test_same_question_repeated():
    assert question_key("您好，本月账单多少钱？谢谢") == question_key("本月账单多少钱") == "本月账单多少钱"
    assert same_question_repeated(["本月账单多少钱？", "您好，本月账单多少钱"])
    assert not same_question_repeated(["本月账单多少钱？", "还款日是哪天"])
    assert not same_question_repeated(["本月账单多少钱", "本月账单多少钱"], n=3)
    assert same_question_repeated(["本月账单多少钱", "还款日", "本月账单多少钱!", "本月账单多少钱"], n=3)
    assert not same_question_repeated(["你好", "您好"])        # nothing asked yet
    assert not same_question_repeated([])
    for bad in (1, 2.5, "2", True):
        with pytest.raises(CourseArgumentError, match="n"):
            same_question_repeated(["a", "a"], n=bad)


def test_repeated_questions_on_messages(messages):
    rep = repeated_questions(messages)
    assert rep.index.equals(messages.index) and rep.dtype == bool
    exact_dups = messages.duplicated(["customer_id", "msg_date", "text"]).sum()
    assert rep.sum() >= exact_dups > 50
    # every flagged message has an earlier one from the same customer on the same day
    keys = messages["text"].map(question_key)
    flagged = messages[rep]
    for i, row in flagged.head(200).iterrows():
        earlier = messages.loc[:i - 1] if isinstance(i, int) else messages
        same = earlier[(earlier.customer_id == row.customer_id) & (earlier.msg_date == row.msg_date)]
        assert (same["text"].map(question_key) == keys[i]).any()
    with pytest.raises(CourseArgumentError, match="missing columns"):
        repeated_questions(messages.drop(columns="msg_date"))


def test_rate_negotiation_rule(messages):
    yes = ["我的房贷利率能不能调低一点", "想协商一下利息", "年费能不能免掉", "房贷利率太高了，可以给我降点吗", "利率能不能低一丢丢",
           "我是老客户，车贷利率可以再优惠吗", "逾期了，能不能减免罚息", "手续费能不能打个折"]
    no = ["利率是多少", "手续费太高了，乱收费", "年费不便宜", "收益一直在降，不过年费很合理", "网点几点关门",
          "理财收益降了很多", "", None]
    assert asks_rate_negotiation(yes) == [True] * len(yes)
    assert asks_rate_negotiation(no) == [False] * len(no)
    assert asks_rate_negotiation("想协商一下利息") is True
    flags = asks_rate_negotiation(messages["text"])
    truth = messages["intent"] == "利率协商"
    recall = flags[truth].mean()
    precision = truth[flags].mean()
    print(f"rate-negotiation rule on messages: recall {recall:.3f}, precision {precision:.3f}")
    assert recall >= 0.9 and precision >= 0.9
    assert isinstance(asks_rate_negotiation(np.array(["想协商一下利息"])), np.ndarray)


def test_human_intents_argument():
    assert FaqBot(human_intents="投诉").human_intents == ("投诉",)
    assert FaqBot(human_intents=None).human_intents == ()
    with pytest.raises(CourseArgumentError, match="human_intents"):
        FaqBot(human_intents=5)
    with pytest.raises(CourseArgumentError, match="human_intents"):
        FaqBot(human_intents=["投诉", 3])
