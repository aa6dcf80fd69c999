"""Sentiment model, lexicon baseline and emotion detection (course_utils.sentiment).

Data: the committed messages (``get_bank().messages``); labels 1 = 负面 (negative).
"""
from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from course_utils.data import get_bank
from course_utils.errors import CourseArgumentError
from course_utils.sentiment import (
    BANK_PHRASES,
    EMOTION_CUES,
    NEGATION_PAIRS,
    ModelNotFittedError,
    clean_text,
    detect_emotions,
    escalate,
    lexicon_sentiment,
    make_sentiment_model,
    negation_aware_lexicon,
    negation_report,
    negative_labels,
    tokenize_zh,
)

ROOT = Path(__file__).resolve().parents[1]
ODD_INPUTS = [None, "", 123, 4.5, "hello WORLD, great service", "😡😡👍", "转人工!!!", np.nan, pd.NA,
              b"\xe5\xa5\xbd", True, "   ", "ＯＫ，不满意！", "I am 不满意 with 手续费 123,456.78元"]


@pytest.fixture(scope="module")
def messages():
    return get_bank().messages


@pytest.fixture(scope="module")
def split(messages):
    y = negative_labels(messages["sentiment"])
    X = messages["text"].to_numpy(dtype=object)
    tr, te = train_test_split(np.arange(len(X)), test_size=0.3, random_state=0, stratify=y)
    return X[tr], X[te], y[tr], y[te]


@pytest.fixture(scope="module")
def char_model(split):
    Xtr, _, ytr, _ = split
    return make_sentiment_model().fit(Xtr, ytr)


@pytest.fixture(scope="module")
def word_model(split):
    Xtr, _, ytr, _ = split
    return make_sentiment_model(analyzer="word").fit(Xtr, ytr)


# --- the trained model ------------------------------------------------------------

def test_heldout_auc_high_and_above_lexicon(split, char_model, word_model):
    _, Xte, _, yte = split
    auc = {
        "char": roc_auc_score(yte, char_model.predict_proba(Xte)[:, 1]),
        "word": roc_auc_score(yte, word_model.predict_proba(Xte)[:, 1]),
        "lexicon": roc_auc_score(yte, lexicon_sentiment(Xte)),
        "negation_lexicon": roc_auc_score(yte, negation_aware_lexicon(Xte)),
    }
    print("held-out AUC (30 % of messages):", {k: round(v, 3) for k, v in auc.items()})
    assert auc["char"] >= 0.85 and auc["word"] >= 0.85, auc
    assert auc["char"] > auc["lexicon"] + 0.15, auc            # the naive lexicon is far behind
    assert auc["char"] > auc["negation_lexicon"] + 0.03, auc   # negation rules alone are not enough
    assert auc["lexicon"] < auc["negation_lexicon"], auc       # negation matters on these messages


def test_model_beats_lexicon_on_negated_messages(split, char_model):
    _, Xte, _, yte = split
    neg = np.array(["不" in t or "没" in t for t in Xte])
    assert neg.mean() > 0.2
    model_auc = roc_auc_score(yte[neg], char_model.predict_proba(Xte[neg])[:, 1])
    lex_auc = roc_auc_score(yte[neg], lexicon_sentiment(Xte[neg]))
    print(f"AUC on held-out messages with 不/没: model {model_auc:.3f}, naive lexicon {lex_auc:.3f}")
    assert model_auc >= 0.85 and lex_auc < 0.65 and model_auc > lex_auc + 0.25


@pytest.mark.parametrize("which", ["char", "word"])
def test_negation_pairs_model_right_where_lexicon_fails(which, char_model, word_model):
    model = char_model if which == "char" else word_model
    r = negation_report(model)
    assert r["correct"].all(), r[~r["correct"]]
    lex = negation_report(lexicon_sentiment)
    assert lex["correct"].sum() <= 1, lex            # ties or wrong: the base word decides
    # the default (character) model: a probability on the right side of 0.5, not just an order
    if which == "char":
        p = model.predict_proba(["对这次服务不满意", "对这次服务很满意", "没有问题了，谢谢"])[:, 1]
        assert p[0] > 0.5 > p[1] and p[2] < 0.5, p


def test_negation_pairs_are_not_copied_from_training_data(messages):
    texts = set(messages["text"].map(clean_text))
    copied = [t for pair in NEGATION_PAIRS for t in pair[:2] if clean_text(t) in texts]
    assert len(copied) <= 4, copied   # mostly unseen sentences: the model generalises


def test_clone_and_pickle_round_trip(split, char_model, word_model):
    Xtr, Xte, ytr, _ = split
    for model in (char_model, word_model):
        before = model.predict_proba(Xte[:300])
        after = pickle.loads(pickle.dumps(model)).predict_proba(Xte[:300])
        assert np.array_equal(before, after)
        fresh = clone(model)
        with pytest.raises(ModelNotFittedError):
            fresh.predict_proba(["你好"])
        refit = fresh.fit(Xtr, ytr).predict_proba(Xte[:300])
        assert np.array_equal(before, refit)   # deterministic: same data, same model


def test_pickled_word_model_works_in_a_fresh_process_quietly(tmp_path, split, word_model):
    """A new interpreter (no jieba state) unpickles and predicts; jieba prints nothing."""
    _, Xte, _, _ = split
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(word_model))
    expected = word_model.predict_proba(Xte[:50])[:, 1]
    code = textwrap.dedent(f"""
        import pickle, sys, numpy as np
        m = pickle.loads(open({str(path)!r}, "rb").read())
        p = m.predict_proba({list(Xte[:50])!r})[:, 1]
        np.save({str(tmp_path / "p.npy")!r}, p)
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stderr.strip() == "", out.stderr     # jieba's first-use log is silenced
    assert np.allclose(np.load(tmp_path / "p.npy"), expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("which", ["char", "word"])
def test_odd_inputs_do_not_crash(which, char_model, word_model):
    model = char_model if which == "char" else word_model
    odd = ODD_INPUTS + ["很" * 50_000, "服务太差了，" * 5_000]
    p = model.predict_proba(odd)[:, 1]
    assert p.shape == (len(odd),) and np.isfinite(p).all() and ((p >= 0) & (p <= 1)).all()
    assert model.predict_proba("不满意").shape == (1, 2)                 # one string = one message
    assert model.predict_proba(pd.Series(["不满意"], index=[7])).shape == (1, 2)
    assert model.predict(["服务太差了"])[0] == 1
    # empty / None / numbers all become the same empty-ish message
    assert p[0] == p[1] == p[7] == p[8]


def test_odd_inputs_in_lexicon_and_emotions():
    odd = ODD_INPUTS + ["很" * 50_000]
    for f in (lexicon_sentiment, negation_aware_lexicon):
        s = f(odd)
        assert len(s) == len(odd) and s.between(0, 1).all()
    e = detect_emotions(odd)
    assert len(e) == len(odd) and set(e["emotion"]) <= {"无", "焦虑", "抱怨", "愤怒"}
    assert escalate(odd)["route"].isin(["VIP专线", "常规处理"]).all()
    assert tokenize_zh(None) == [] and tokenize_zh("") == []


def test_labels_and_arguments_give_bilingual_errors(split):
    Xtr, _, ytr, _ = split
    with pytest.raises(CourseArgumentError, match="negative_labels") as e:
        make_sentiment_model().fit(Xtr[:50], ["负面"] * 25 + ["正面"] * 25)
    assert "标签" in str(e.value) and "label" in str(e.value)
    with pytest.raises(CourseArgumentError, match="single class"):
        make_sentiment_model().fit(Xtr[:50], [0] * 50)
    with pytest.raises(CourseArgumentError, match="position 2"):
        make_sentiment_model().fit(["a", "b", "c"], [0, 1, 2])
    with pytest.raises(ModelNotFittedError, match="模型还没有训练") as e:
        make_sentiment_model().predict_proba(["你好"])
    assert isinstance(e.value, ValueError) and "not fitted" in str(e.value)
    for kwargs in ({"analyzer": "bert"}, {"ngram_range": (3, 1)}, {"ngram_range": "1-3"}, {"C": 0},
                   {"C": "big"}, {"C": float("nan")}, {"C": True}):
        with pytest.raises(CourseArgumentError) as e:
            make_sentiment_model(**kwargs)
        assert len(str(e.value).splitlines()) == 2, str(e.value)
    with pytest.raises(CourseArgumentError, match="一列文本"):
        make_sentiment_model().fit(pd.DataFrame({"a": ["x"] * 4, "b": ["y"] * 4}), [0, 1, 0, 1])


def test_negative_labels():
    assert negative_labels(pd.Series(["负面", "中性", "正面", "negative"])).tolist() == [1, 0, 0, 1]
    with pytest.raises(CourseArgumentError, match="正面 / 中性 / 负面"):
        negative_labels(["负面", "bad"])


def test_default_ngram_and_word_tokenizer():
    pipe = make_sentiment_model()
    assert pipe.named_steps["tfidf"].analyzer == "char" and pipe.named_steps["tfidf"].ngram_range == (1, 3)
    word = make_sentiment_model(analyzer="word")
    assert word.named_steps["tfidf"].tokenizer is tokenize_zh and word.named_steps["tfidf"].ngram_range == (1, 2)
    assert make_sentiment_model(ngram_range=(2, 4)).named_steps["tfidf"].ngram_range == (2, 4)


def test_tokenizer_keeps_bank_phrases_and_init_is_idempotent():
    import jieba

    from course_utils import sentiment

    assert "转人工" in tokenize_zh("我要转人工") and "不满意" in tokenize_zh("服务不满意")
    freq = {w: jieba.get_FREQ(w) for w in BANK_PHRASES}
    sentiment._jieba()
    sentiment._jieba()
    assert {w: jieba.get_FREQ(w) for w in BANK_PHRASES} == freq
    # a long unbroken run is cut into pieces (jieba's HMM is quadratic in run length)
    assert len(tokenize_zh("很" * 20_000)) == 20_000


def test_clean_text():
    assert clean_text("  转账２３００元，ＯＫ！ ") == "转账0元,ok!"
    assert clean_text(None) == clean_text(float("nan")) == clean_text(pd.NA) == ""
    assert clean_text(b"\xe4\xbd\xa0\xe5\xa5\xbd") == "你好"
    assert clean_text("a\n\t b") == "a b"


# --- lexicon baseline -------------------------------------------------------------

def test_lexicon_scores():
    s = lexicon_sentiment(["服务很好", "服务太差", "网点几点关门", "您好，请问", "不满意"])
    assert s.round(3).tolist() == [0.333, 0.667, 0.5, 0.5, 0.333]   # greetings are not praise
    na = negation_aware_lexicon(["不满意", "没有问题", "一点也不麻烦", "非常满意", "不错",
                                 "服务不错，但是手续费太高了", "虽然等了很久，不过很满意"])
    assert (na.iloc[[0]] > 0.5).all() and (na.iloc[[1, 2, 3, 4]] < 0.5).all()
    assert na.iloc[5] > 0.5 and na.iloc[6] < 0.5     # the clause after the contrast word decides
    idx = pd.Series(["好", "差"], index=["a", "b"])
    assert lexicon_sentiment(idx).index.tolist() == ["a", "b"]


# --- emotions and escalation -----------------------------------------------------

def test_emotions_agree_with_labels(messages):
    e = detect_emotions(messages["text"])
    agree = (e["emotion"].to_numpy() == messages["emotion"].to_numpy()).mean()
    labelled = (messages["emotion"] != "无").to_numpy()
    recall = e["negative_emotion"].to_numpy()[labelled].mean()
    false_alarm = e["negative_emotion"].to_numpy()[~labelled].mean()
    print(f"emotion lexicon vs labels: agreement {agree:.3f}, recall {recall:.3f}, false alarms {false_alarm:.3f}")
    assert agree >= 0.85 and recall >= 0.85 and false_alarm <= 0.05
    for key, label in (("anxiety", "焦虑"), ("anger", "愤怒")):
        assert e[key].to_numpy()[messages["emotion"].to_numpy() == label].mean() > 0.5


def test_emotion_negation_and_contrast():
    e = detect_emotions(["转账还没到账，很着急！", "不着急，慢慢来", "一点也不麻烦", "服务不是很好",
                         "虽然手机银行不好用，但是等待时间挺短的", "APP界面好看，可是老是闪退", "太过分了！",
                         "收费乱七八糟，我要投诉！", "麻烦问一下网点几点关门"])
    assert e["emotion"].tolist() == ["焦虑", "无", "无", "抱怨", "无", "抱怨", "愤怒", "愤怒", "无"]
    assert set(EMOTION_CUES) == {"anxiety", "complaint", "anger"}
    with pytest.raises(CourseArgumentError):
        detect_emotions(["x"], threshold=0)


def test_escalate_routes():
    texts = pd.Series(["卡被偷了，急！怎么办", "网点几点关门", "服务太差了"], index=[10, 11, 12])
    r = escalate(texts)
    assert r.index.tolist() == [10, 11, 12]
    assert r["route"].tolist() == ["VIP专线", "常规处理", "VIP专线"] and r["escalate"].tolist() == [True, False, True]
    hv = pd.Series([False, True, True], index=[10, 11, 12])
    r = escalate(detect_emotions(texts), high_value=hv)
    assert r["route"].tolist() == ["人工坐席", "常规处理", "VIP专线"]
    assert r["reason"].tolist() == ["焦虑", "", "抱怨+高价值"]
    assert escalate(texts, emotions_to_escalate="anxiety")["route"].tolist() == ["VIP专线", "常规处理", "常规处理"]
    with pytest.raises(CourseArgumentError, match="high_value"):
        escalate(texts.tolist(), high_value=[True])
    with pytest.raises(CourseArgumentError, match="emotions_to_escalate"):
        escalate(texts, emotions_to_escalate=["sadness"])
    with pytest.raises(CourseArgumentError, match="position 0"):
        escalate(texts.tolist(), high_value=["yes", True, True])


def test_empty_list_gives_empty_results(char_model):
    assert char_model.predict_proba([]).shape == (0, 2)
    assert char_model.predict([]).shape == (0,)
    assert len(lexicon_sentiment([])) == 0 and len(detect_emotions([])) == 0 and len(escalate([])) == 0


_DETERMINISM_SCRIPT = """
import hashlib
import pandas as pd
from course_utils.chatbot import FaqBot
from course_utils.data import get_bank
from course_utils.sentiment import detect_emotions, make_sentiment_model, negation_aware_lexicon, negative_labels
from course_utils.survey import driver_importance
b = get_bank()
m = b.messages.iloc[:2000]
h = hashlib.sha256()
h.update(make_sentiment_model().fit(m.text, negative_labels(m.sentiment))
         .predict_proba(b.messages.text.iloc[2000:3000]).tobytes())
h.update(FaqBot().answer(m.text).confidence.to_numpy().tobytes())
h.update(negation_aware_lexicon(m.text).to_numpy().tobytes())
h.update(detect_emotions(m.text)[["anxiety", "complaint", "anger"]].to_numpy().tobytes())
h.update(pd.util.hash_pandas_object(driver_importance(b.survey, n_boot=60)).to_numpy().tobytes())
print(h.hexdigest())
"""


def test_same_bytes_without_avx512():
    """numpy picks SIMD kernels at run time; the results must not depend on them."""
    import os

    digests = []
    for disabled in ("", "AVX512_ICL AVX512_SPR AVX512_SKX X86_V4"):
        env = dict(os.environ)
        if disabled:
            env["NPY_DISABLE_CPU_FEATURES"] = disabled
        out = subprocess.run([sys.executable, "-c", _DETERMINISM_SCRIPT], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        digests.append(out.stdout.strip().splitlines()[-1])
    assert digests[0] == digests[1]
