"""Chinese texts (course_utils.datagen.texts): messages, outbound calls, survey.

Uses the stand-in customers of tests/_standin_customers.py. The message tests check that
the synthetic messages are varied (not a handful of templates), that their labels follow the
documented rules (contrast, negation, emotion), that a model does not score well by memorising
sentence skeletons (grouped splits), and -- as an out-of-sample sanity check -- that a model
trained on them ranks the hand-written reviews of tests/fixtures/handwritten_bank_reviews.csv
(written for this test, NOT real data) correctly.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from _standin_customers import standin_customers
from course_utils.config import WINDOW_END, WINDOW_START
from course_utils.datagen import phrases
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
    render_texts,
)

FIXTURE = Path(__file__).parent / "fixtures" / "handwritten_bank_reviews.csv"
ANXIETY = re.compile(r"急|怎么办|担心|慌|冻结|盗刷|没到账|还没到|没收到|逾期|怎么回事|被偷|不见|丢|亏|求助|救命|征信|不是我刷|"
                     r"没有消费过|吞|尽快|马上|扣了|要不回来|赶紧|冒用")
ANGER = re.compile(r"过分|垃圾|坑人|投诉|举报|凭什么|再也不|受够|气死|骗子|岂有此理|曝光|欺负|烦死|转走|气人")
# words that ask for a better price (only rate-negotiation messages use them)
ASK_PRICE = re.compile(r"优惠|打折|打个折|减免|协商|商量|调低|降低|降一|降点|给我降|肯降|不降|低一点|便宜点|少收|少算|免掉|免了")


@pytest.fixture(scope="module")
def customers():
    return standin_customers(4000, 21)


@pytest.fixture(scope="module")
def messages(customers):
    return make_messages(customers, np.random.default_rng(22))


@pytest.fixture(scope="module")
def labelled():
    """12,000 texts rendered with their frames (the grammar's top-level choice), without typos.

    Labels are drawn over every label triple the grammar writes, weighted like the messages.
    """
    keys = list(phrases.MSG_SYMBOLS)
    w = np.array([6.0 if k[0] == "中性" else 4.0 if k[0] == "正面" else 3.0 for k in keys])
    rng = np.random.default_rng(3)
    idx = np.searchsorted(np.cumsum(w), rng.random(12_000) * w.sum(), side="right")
    lab = pd.DataFrame([keys[i] for i in idx], columns=["sentiment", "intent", "emotion"])
    text, frame = render_texts(lab.sentiment, lab.intent, lab.emotion, rng, noise=False, return_frames=True)
    lab["text"], lab["frame"] = text.astype(str), frame.astype(str)
    lab["aspect"] = lab.frame.str.extract(r"^msg_[a-z]+_([a-z]+)#", expand=False)
    return lab


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
    assert not messages.text.str.contains(r"[{}@#]").any()       # no unfilled slot, no stray markup


def test_lengths_from_a_few_characters_to_a_forum_post(messages):
    n = messages.text.str.len()
    assert n.min() >= 5 and n.max() <= 200
    assert 15 <= n.median() <= 35
    assert (n >= 60).mean() > 0.02 and (n <= 10).mean() > 0.05    # long posts and one-liners


def test_messages_per_customer(messages, customers):
    assert 1.0 <= len(messages) / len(customers) <= 3.0


def test_msg_date_within_customer_life(messages, customers):
    m = messages.merge(customers, on="customer_id")
    d = pd.to_datetime(m.msg_date, format="%Y-%m-%d")
    lo = np.maximum(pd.to_datetime(m.open_date), pd.Timestamp(WINDOW_START))
    hi = pd.to_datetime(m.churn_date.replace("", np.nan)).fillna(pd.Timestamp(WINDOW_END))
    assert (d >= lo).all() and (d <= hi).all()


def test_label_combinations_are_consistent(messages):
    pos = messages[messages.sentiment == "正面"]
    # praise is never a complaint, a rate request or a closing (apart from the ~3 % label noise)
    assert pos.intent.isin(["投诉", "利率协商", "销户"]).mean() < 0.03
    assert (messages[messages.sentiment == "负面"].intent == "其他").mean() < 0.03
    assert (messages[messages.intent == "投诉"].sentiment == "负面").mean() > 0.95


# --- messages: variety ---------------------------------------------------------

def _char_ngrams(texts, n=3) -> set:
    out = set()
    for t in texts:
        out.update(t[i:i + n] for i in range(len(t) - n + 1))
    return out


def test_messages_are_varied_not_a_handful_of_templates(messages, labelled):
    first = messages.text.iloc[:1000]
    assert first.nunique() >= 900                                  # identical repeats: the "same question twice" rows
    assert len(_char_ngrams(first)) >= 6000                         # the old 90-template generator: ~2,100
    # skeleton = text without numbers, greetings, thanks and punctuation
    skel = (messages.text.str.replace(r"\d+", "0", regex=True)
            .str.replace(r"[\s，。！？!?,.～…、：【】“”]+", "", regex=True)
            .str.replace(r"^(?:你好|您好|喂|请问一下|请问|麻烦问一下|在吗)", "", regex=True)
            .str.replace(r"谢谢了?$", "", regex=True))
    assert skel.value_counts(normalize=True).iloc[0] < 0.01
    assert skel.nunique() / len(skel) > 0.7
    frames = labelled.frame.value_counts(normalize=True)
    assert len(frames) >= 200 and frames.iloc[0] < 0.12
    assert labelled.aspect.nunique() >= 19


def test_registers_typos_and_styles_are_present(messages):
    t = messages.text
    share = {
        "forum complaint": t.str.contains("吐槽|避雷|有没有人遇到|楼主|不吐不快|大家评评理").mean(),
        "forum praise": t.str.contains("强烈推荐|安利|良心推荐|必须夸|实名表扬").mean(),
        "rhetorical / sarcasm": t.str.contains("这就是你们的服务|有这么办事的吗|这合理吗|谁还敢用|难道不应该|这也叫服务|"
                                              "就不能改进|让人怎么满意|有没有人管|凭什么|服了|呵呵|可真行|厉害了|"
                                              "佩服佩服|醉了|开眼了").mean(),
        "contrast": t.str.contains("但是|可是|不过|就是|虽然|尽管").mean(),
        "negation": t.str.contains("不|没").mean(),
        "typo / homophone": t.str.contains("帐|登陆|以经|咋|啥|木有|真滴|辣鸡|灰常|酱紫|不造|钟头|一丢丢").mean(),
        "repeated punctuation": t.str.contains("！！|。。。|\\.\\.\\.|～|？？|!!").mean(),
        "ascii punctuation / spaces": t.str.contains(r"[,!? ]").mean(),
        "English / abbreviations": t.str.contains("APP|app|App|ETC|VIP|bug|MM|nice").mean(),
        "numbers": t.str.contains(r"\d").mean(),
    }
    low = {k: round(v, 3) for k, v in share.items() if v < 0.01}
    assert not low, low
    assert share["negation"] > 0.3 and share["contrast"] > 0.08
    # mixed products: one message naming two different product families
    fam = {"card": "信用卡|额度|年费|积分", "wealth": "理财|基金|收益|存单|定期", "loan": "房贷|贷款|消费贷|车贷",
           "app": "APP|app|手机银行|网银|小程序", "branch": "网点|柜台|柜员|ATM|营业厅", "etc": "ETC"}
    hits = sum(t.str.contains(p).astype(int) for p in fam.values())
    assert (hits >= 2).mean() > 0.04


def test_no_slot_left_and_no_broken_punctuation(labelled):
    t = labelled.text
    assert not t.str.contains(r"[{}]").any()
    assert not t.str.contains("，，|，。|。，|！，|？，|，！|，？").any(), t[t.str.contains("，，|，。|。，|！，|？，")].head().tolist()
    assert not t.str.contains("[\U0001F300-\U0001FAFF\u2600-\u27BF]").any()      # emoji-free


def test_every_production_of_the_grammar_renders():
    from course_utils.datagen.texts import _grammar

    g = _grammar()
    rng = np.random.default_rng(0)
    for sym, (parts, *_rest) in g.rules.items():
        out, choice = g.expand(sym, 40 * len(parts), rng)
        assert len(set(choice.tolist())) >= min(len(parts), 2), sym
        assert all(isinstance(s, str) and "{" not in s for s in out), sym


def test_render_texts_refuses_unknown_labels():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="sentiment"):
        render_texts(["positive"], ["其他"], ["无"], rng)
    with pytest.raises(ValueError, match="no messages"):
        render_texts(["正面"], ["投诉"], ["无"], rng)          # praise that is a complaint: not written
    with pytest.raises(ValueError, match="same length"):
        render_texts(["正面", "正面"], ["其他"], ["无"], rng)


# --- messages: labels by construction ----------------------------------------------

def test_required_phrases_present(messages):
    text = messages.text
    for phrase in ["不满意", "没有", "不是很", "并不", "一点也不", "一点都不", "虽然", "但是", "差评", "好评"]:
        assert text.str.contains(phrase, regex=False).any(), phrase
    assert (messages.intent == "利率协商").mean() > 0.04
    bills = messages[messages.intent == "账单查询"].text
    assert bills.str.contains("账单|还款|应还|帐单").mean() > 0.9
    yields = messages[messages.intent == "理财收益咨询"].text
    assert yields.str.contains("收益|赎回|理财|基金|利率|存单|定期|年化|亏|净值|本金|保本|风险|起投|业绩|赚|回撤|存钱|"
                               "稳盈|现金宝|纯债|指数|混合|开放式|货币").mean() > 0.95


def test_rate_requests_only_in_rate_negotiation(messages):
    asks = messages.text.str.contains(ASK_PRICE)
    nego = messages.intent == "利率协商"
    assert asks[nego].mean() > 0.9 and asks[~nego].mean() < 0.005
    chatbot = pytest.importorskip("course_utils.chatbot")
    flags = np.asarray(chatbot.asks_rate_negotiation(messages.text))
    assert flags[nego.to_numpy()].mean() >= 0.95 and nego.to_numpy()[flags].mean() >= 0.95


POS_WORDS = ["满意", "好", "不错", "方便", "顺利", "专业", "耐心", "稳定", "快", "点赞", "好评", "周到", "推荐",
             "划算", "省心", "放心", "清楚", "及时", "合理", "透明", "贴心", "给力", "靠谱", "热情", "简单", "实惠"]
NEG_WORDS = ["差", "慢", "贵", "高", "麻烦", "失望", "闪退", "投诉", "烦", "过分", "乱收费", "着急", "急", "卡",
             "坑", "难用", "敷衍", "冷淡", "离谱", "低", "难", "拒", "套路", "忽悠", "受不了", "问题", "累"]
NEGATOR_BEFORE = re.compile(r"(?:不是很|不太|一点都不|一点也不|并不|没有让我|没有|没|不)$")
CONTRAST = re.compile(r"但是|可是|不过|就是|但")


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


def _polarity(text: str) -> int:
    """+1 / -1 / 0 from the keyword lists with negation (a clause-level helper of the tests)."""
    f = keyword_features(text, True)
    score = 0
    for k, v in f.items():
        base = k.removeprefix("NOT_")
        sign = 1 if base in POS_WORDS else -1
        score += v * (-sign if k.startswith("NOT_") else sign)
    return int(np.sign(score))


def test_mixed_messages_follow_the_main_clause(labelled):
    """In a mixed message the clause after the contrast word decides the label."""
    ev = labelled[labelled.sentiment != "中性"]
    mixed = ev[ev.text.str.contains("虽然|尽管|虽说") & ev.text.str.contains(CONTRAST)]
    assert len(mixed) > 200
    label = np.where(mixed.sentiment == "正面", 1, -1)
    first, main = [], []
    for t in mixed.text:
        cut = max(m.start() for m in CONTRAST.finditer(t))
        first.append(_polarity(t[:cut]))
        main.append(_polarity(t[cut:]))
    first, main = np.array(first), np.array(main)
    decided = (first != 0) & (main != 0) & (first != main)      # the two halves disagree
    assert decided.sum() > 60
    assert (main[decided] == label[decided]).mean() > 0.8
    assert (first[decided] == label[decided]).mean() < 0.2
    # both directions exist
    assert (label[decided] == 1).sum() > 30 and (label[decided] == -1).sum() > 30


def test_repeated_identical_questions(messages):
    dup = messages[messages.duplicated(["customer_id", "msg_date", "text"], keep=False)]
    assert dup.customer_id.nunique() >= 0.02 * messages.customer_id.nunique()
    assert dup.intent.isin(["账单查询", "理财收益咨询"]).all()


def test_emotions_match_sentiment(messages):
    emo = messages[messages.emotion != "无"]
    assert (emo.sentiment != "正面").mean() > 0.97
    neg = messages[messages.sentiment == "负面"]
    assert (neg.emotion != "无").mean() > 0.9
    share = messages.emotion.value_counts(normalize=True)
    assert 0.03 < share["焦虑"] < 0.12 and 0.04 < share["愤怒"] < 0.15


def test_emotion_labels_carry_their_cues(labelled):
    t, e = labelled.text, labelled.emotion
    assert t[e == "焦虑"].str.contains(ANXIETY).mean() > 0.97
    assert t[e == "愤怒"].str.contains(ANGER).mean() > 0.97
    assert t[e == "抱怨"].str.contains(ANGER).mean() < 0.01           # complaints carry no threats
    assert t[labelled.sentiment == "正面"].str.contains(ANGER).mean() < 0.01


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


def test_churners_last_complaint_matches_their_reason(messages, customers):
    m = messages.merge(customers[["customer_id", "churn_date", "churn_reason"]], on="customer_id")
    days_left = (pd.to_datetime(m.churn_date.replace("", np.nan)) - pd.to_datetime(m.msg_date)).dt.days
    late = m[days_left.between(0, 90) & (m.intent == "投诉")]
    fee_words = late.text.str.contains("费|收费")
    fee_reason = late.churn_reason == "收费过高"
    assert fee_words[fee_reason].mean() > fee_words[~fee_reason].mean() + 0.3


def test_messages_deterministic(messages, customers):
    pd.testing.assert_frame_equal(messages, make_messages(customers, np.random.default_rng(22)))
    assert not make_messages(customers, np.random.default_rng(23)).text.equals(messages.text)


# --- negation matters ----------------------------------------------------------

def test_naive_keyword_rule_fails_on_negated_messages(messages):
    ev = messages[messages.sentiment != "中性"]
    pred = ev.text.map(naive_rule)
    ok = pred == ev.sentiment
    negated = ev.text.map(lambda t: any(NEGATOR_BEFORE.search(t[: m.start()]) for w in POS_WORDS + NEG_WORDS
                                        for m in re.finditer(re.escape(w), t)))
    assert negated.mean() > 0.2  # negation is common, not a curiosity
    assert (~ok[negated]).mean() > 0.4  # a measurable share is misclassified
    assert ok[~negated].mean() > ok[negated].mean() + 0.15
    # the classic traps: "不满意" is negative although it contains 满意
    trap = messages[messages.text.str.contains("不满意", regex=False)]
    assert (trap.text.map(naive_rule) == "正面").mean() > 0.3
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
    assert scores[True] > scores[False] + 0.03, scores


def test_labels_learnable_but_not_trivial(messages):
    X = TfidfVectorizer(analyzer="char", ngram_range=(1, 2)).fit_transform(messages.text)
    acc = _fit_score(X, messages.sentiment.to_numpy())
    assert 0.8 < acc < 0.985, acc


# --- no template leakage --------------------------------------------------------------

def _auc(train: pd.DataFrame, test: pd.DataFrame) -> float:
    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
    clf = LogisticRegression(C=10, max_iter=2000)
    clf.fit(vec.fit_transform(train.text), train.sentiment == "负面")
    return roc_auc_score(test.sentiment == "负面", clf.predict_proba(vec.transform(test.text))[:, 1])


def test_model_generalises_to_unseen_frames_and_unseen_aspects(labelled):
    """Train on half the frames (or aspects), test on the other half: the task stays learnable.

    If the texts were a handful of templates, a random split would put copies of the test
    sentences in the training set and the grouped splits would collapse.
    """
    rng = np.random.default_rng(0)
    tr, te = train_test_split(labelled, test_size=0.5, random_state=0)
    auc_random = _auc(tr, te)
    frames = labelled.frame.unique()
    held = set(rng.permutation(frames)[: len(frames) // 2].tolist())
    auc_frames = _auc(labelled[~labelled.frame.isin(held)], labelled[labelled.frame.isin(held)])
    aspects = sorted(labelled.aspect.dropna().unique())
    held_a = set(aspects[1::2])                                   # bill, card, ... held out
    auc_aspects = _auc(labelled[~labelled.aspect.isin(held_a)], labelled[labelled.aspect.isin(held_a)])
    print(f"AUC negative vs rest: random split {auc_random:.3f}, unseen frames {auc_frames:.3f}, "
          f"unseen aspects {auc_aspects:.3f} ({', '.join(sorted(held_a))})")
    assert auc_frames > 0.9 and auc_aspects > 0.85
    assert auc_random - auc_frames < 0.06                         # little to gain from memorising frames


_EVALUATIVE = re.compile(r"^(pos|neg|anx)_|^(neg_gen|pos_gen|verdict_neg|verdict_pos|anger|anx_tail|neg_short|pos_short|"
                         r"sarcasm|rhet|nego_ask|nego_neg|nego_ang|q_[a-z]+)$")


def _half_grammar(parity: int) -> dict:
    """The phrase grammar with every other phrase of each evaluative bank (parity 0 or 1)."""
    return {k: (v[parity::2] if _EVALUATIVE.match(k) and len(v) >= 2 else v) for k, v in phrases.GRAMMAR.items()}


def test_model_generalises_to_unseen_phrases():
    """Train on messages written with half of the phrases, test on the other half's messages."""
    keys = list(phrases.MSG_SYMBOLS)
    w = np.array([6.0 if k[0] == "中性" else 4.0 if k[0] == "正面" else 3.0 for k in keys])

    def data(parity: int, seed: int) -> pd.DataFrame:
        rng = np.random.default_rng(seed)
        idx = np.searchsorted(np.cumsum(w), rng.random(6000) * w.sum(), side="right")
        lab = pd.DataFrame([keys[i] for i in idx], columns=["sentiment", "intent", "emotion"])
        lab["text"] = render_texts(lab.sentiment, lab.intent, lab.emotion, rng, noise=False,
                                   grammar=_half_grammar(parity)).astype(str)
        return lab

    train, unseen, seen = data(0, 1), data(1, 2), data(0, 3)
    assert len(set(unseen.text) & set(train.text)) < 0.01 * len(unseen)
    auc_unseen, auc_seen = _auc(train, unseen), _auc(train, seen)
    print(f"AUC on messages from unseen phrases {auc_unseen:.3f}, from the training phrases {auc_seen:.3f}")
    assert auc_unseen > 0.9 and auc_seen > auc_unseen      # harder, but the sentiment still transfers


def test_handwritten_reviews_out_of_sample(messages):
    """A model trained on the messages ranks 42 hand-written forum-style reviews (not real data)."""
    sentiment = pytest.importorskip("course_utils.sentiment")
    fx = pd.read_csv(FIXTURE, encoding="utf-8")
    assert len(fx) >= 40 and set(fx.sentiment) == {"正面", "负面"}
    y = sentiment.negative_labels(messages.sentiment)
    model = sentiment.make_sentiment_model().fit(messages.text, y)
    yf = sentiment.negative_labels(fx.sentiment)
    auc = roc_auc_score(yf, model.predict_proba(fx.text)[:, 1])
    lex = roc_auc_score(yf, sentiment.lexicon_sentiment(fx.text))
    print(f"hand-written reviews: model AUC {auc:.3f}, naive lexicon {lex:.3f}")
    assert auc > 0.85 and auc > lex + 0.05


def test_handwritten_reviews_are_not_in_the_grammar(labelled):
    """The fixture stays out of sample: no review shares 12 consecutive characters with generated text."""
    fx = pd.read_csv(FIXTURE, encoding="utf-8")
    corpus = "\n".join(labelled.text)
    for review in fx.text:
        for i in range(len(review) - 11):
            assert review[i:i + 12] not in corpus, review[i:i + 12]


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
