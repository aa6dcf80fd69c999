"""Lecture 3/4 public APIs on tables of the usual shape: a bad table gives a clear bilingual error.

Each case breaks one input (a missing table or column, text where a number or date is expected,
a wrong argument type) and asserts the error type and that the message names the table and
the column in its Chinese line and its English line -- never a bare KeyError or numpy traceback.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course_utils.churn import FEATURES, TABLE_COLUMNS, build_churn_table
from course_utils.errors import CourseArgumentError

CUT = "2023-07-01"


def _bank() -> dict:
    """A tiny bank in the shape of load_bank()'s tables (text dates, as pd.read_csv gives them)."""
    customers = pd.DataFrame({
        "customer_id": ["A", "B", "C"], "open_date": ["2020-01-01", "2021-03-01", "2022-01-01"],
        "churn_date": ["", "2023-09-01", ""], "age": [30, 40, 50],
        "monthly_income": [1e4, 2e4, np.nan], "satisfaction": [90, 70, 50],
        "city": ["上海", "北京", "深圳"],                      # an extra column, never read
    }, index=[10, 11, 12])                                       # not a RangeIndex
    transactions = pd.DataFrame({
        "customer_id": ["A", "A", "B", "C"],
        "txn_date": ["2023-01-05", "2023-06-30", "2022-12-01", "2023-07-02"],
        "amount": [100.0, 250.0, 80.0, 10.0], "channel": ["app", "app", "柜台", "app"],
    })
    balances = pd.DataFrame({"customer_id": ["A", "B"] * 6,
                             "month": [f"2023-{m:02d}" for m in range(1, 7) for _ in range(2)],
                             "balance": [1000.0, 500.0] * 6})
    holdings = pd.DataFrame({"customer_id": ["A"], "start_date": ["2022-05-01"], "product_id": ["P1"]})
    accounts = pd.DataFrame({"customer_id": ["A", "B"], "open_date": ["2020-01-01", "2021-03-01"],
                             "close_date": ["", ""]})
    messages = pd.DataFrame({"customer_id": ["B"], "msg_date": ["2023-05-01"], "intent": ["投诉"],
                             "sentiment": ["负面"]})
    app_usage = pd.DataFrame({"customer_id": ["A"] * 10,
                              "week_start": pd.date_range("2023-04-24", periods=10, freq="7D").strftime("%Y-%m-%d"),
                              "minutes": [30] * 10})
    return {"customers": customers, "transactions": transactions, "balances": balances,
            "holdings": holdings, "accounts": accounts, "messages": messages, "app_usage": app_usage}


def _drop(table, col):
    return lambda tb: {**tb, table: tb[table].drop(columns=[col])}


def _set(table, col, row, value):
    def change(tb):
        df = tb[table].copy()
        df[col] = df[col].astype(object)
        df.loc[df.index[row], col] = value
        return {**tb, table: df}
    return change


def _assert_bilingual(message: str, *names: str) -> None:
    zh, en = message.split("\n", 1)
    for name in names:
        assert name in zh and name in en, f"{name!r} not in both lines of:\n{message}"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), f"no Chinese in the first line:\n{message}"
    assert any(w in en for w in ("Fix", "e.g.", "must", "expects", "pass", "Check", "check", "needs")), f"no fix in the English line:\n{message}"


def test_the_tiny_bank_builds():
    """The fixture is valid: every case below fails because of its one change, not the fixture."""
    t = build_churn_table(_bank(), CUT)
    assert list(t.columns) == ["customer_id", *FEATURES, "churned"]
    assert t["customer_id"].tolist() == ["A", "B", "C"] and t["churned"].tolist() == [0, 1, 0]
    assert t.set_index("customer_id").loc["B", "complaints"] == 1.0


@pytest.mark.parametrize("change, names", [
    (lambda tb: {k: v for k, v in tb.items() if k != "customers"}, ["customers"]),
    (lambda tb: {k: v for k, v in tb.items() if k != "transactions"}, ["transactions"]),
    (_drop("customers", "age"), ["customers", "'age'"]),
    (_drop("customers", "churn_date"), ["customers", "'churn_date'"]),
    (_drop("customers", "customer_id"), ["customers", "'customer_id'"]),
    (_drop("transactions", "txn_date"), ["transactions", "'txn_date'"]),
    (_drop("transactions", "amount"), ["transactions", "'amount'"]),
    (_drop("balances", "balance"), ["balances", "'balance'"]),
    (_drop("holdings", "start_date"), ["holdings", "'start_date'"]),
    (_drop("accounts", "close_date"), ["accounts", "'close_date'"]),
    (_drop("messages", "intent"), ["messages", "'intent'"]),
    (_drop("app_usage", "minutes"), ["app_usage", "'minutes'"]),
    (_set("customers", "open_date", 1, "上个月"), ["customers", "open_date", "上个月"]),
    (_set("transactions", "txn_date", 2, "2023-13-45"), ["transactions", "txn_date", "2023-13-45"]),
    (_set("messages", "msg_date", 0, "yesterday"), ["messages", "msg_date", "yesterday"]),
    (_set("customers", "age", 0, "三十"), ["customers", "age", "三十"]),
    (_set("transactions", "amount", 1, "1,000"), ["transactions", "amount", "1,000"]),
    (_set("app_usage", "minutes", 3, "n/a"), ["app_usage", "minutes", "n/a"]),
    (lambda tb: {**tb, "balances": [1, 2]}, ["balances", "DataFrame"]),
], ids=lambda v: v if isinstance(v, str) else None)
def test_build_churn_table_names_the_table_and_column(change, names):
    with pytest.raises(CourseArgumentError) as err:
        build_churn_table(change(_bank()), CUT)
    _assert_bilingual(str(err.value), "build_churn_table", *names)
    assert TABLE_COLUMNS[names[0]][0] in str(err.value).split("\n")[0]   # 客户表, 交易表, ...


def test_missing_column_message_shows_what_was_found_and_the_fix():
    tb = _bank()
    tb["customers"] = tb["customers"].rename(columns={"age": "年龄"})
    with pytest.raises(CourseArgumentError) as err:
        build_churn_table(tb, CUT)
    zh, en = str(err.value).split("\n")
    assert "年龄" in zh and "年龄" in en                     # what the table has instead
    assert "rename" in en and "df.rename" in zh            # the fix
    assert "可选" not in zh                                  # customers is not optional...
    tb = _bank()
    tb["holdings"] = tb["holdings"].drop(columns=["start_date"])
    with pytest.raises(CourseArgumentError, match="optional"):  # ...holdings is
        build_churn_table(tb, CUT)


@pytest.mark.parametrize("kwargs, name", [
    ({"cutoff": 2023}, "cutoff"), ({"cutoff": None}, "cutoff"), ({"cutoff": "next month"}, "cutoff"),
    ({"cutoff": CUT, "outcome_months": 0}, "outcome_months"),
    ({"cutoff": CUT, "outcome_months": 6.5}, "outcome_months"),
    ({"cutoff": CUT, "lookback_months": "12"}, "lookback_months"),
])
def test_build_churn_table_bad_arguments(kwargs, name):
    with pytest.raises(CourseArgumentError) as err:
        build_churn_table(_bank(), **kwargs)
    _assert_bilingual(str(err.value), name)


def test_build_churn_table_needs_tables():
    with pytest.raises(CourseArgumentError) as err:
        build_churn_table([1, 2, 3], CUT)
    _assert_bilingual(str(err.value), "build_churn_table", "list")


def test_text_and_datetime_tables_give_the_same_table():
    """Dates as text (pd.read_csv) or datetime64 (load_bank), optional tables left out: no error."""
    tb = _bank()
    parsed = {k: v.assign(**{c: pd.to_datetime(v[c].replace("", None)) for c in v.columns
                             if c.endswith("_date") or c in ("month", "week_start")}) for k, v in tb.items()}
    pd.testing.assert_frame_equal(build_churn_table(tb, CUT), build_churn_table(parsed, CUT))
    bare = build_churn_table({"customers": tb["customers"], "transactions": tb["transactions"]}, CUT)
    assert bare["balance_last"].isna().all() and (bare["product_count"] == 0).all()


# ---------------------------------------------------------------------------
# the other Lecture 3/4 APIs: cases that gave a bare scikit-learn / numpy error before
# ---------------------------------------------------------------------------
def _churn_like(n: int = 60) -> tuple[pd.DataFrame, pd.Series]:
    """A table of the public bank-churn shape (other column names than ours)."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"CreditScore": rng.integers(350, 850, n), "Geography": rng.choice(["France", "Spain"], n),
                      "Age": rng.integers(18, 80, n)})
    return X, pd.Series(np.arange(n) % 3 == 0, dtype=int)


@pytest.mark.parametrize("kind", ["logistic", "tree", "forest"])
@pytest.mark.parametrize("call", ["predict_proba", "reason_codes"])
def test_churn_model_on_an_empty_table(kind, call):
    from course_utils.churn_models import make_churn_model, reason_codes

    X, y = _churn_like()
    m = make_churn_model(kind, ["CreditScore", "Age"], ["Geography"], n_estimators=5).fit(X, y)
    with pytest.raises(CourseArgumentError) as err:
        m.predict_proba(X.iloc[:0]) if call == "predict_proba" else reason_codes(m, X.iloc[:0])
    _assert_bilingual(str(err.value), "CreditScore")     # it lists the columns it did find
    assert "0 个客户" in str(err.value) and "no rows" in str(err.value)


@pytest.mark.parametrize("n, bins, name", [(10, "3", "bins"), (10, 0, "bins"), (10, 2.0, "bins"),
                                           ("10", 3, "n"), (-1, 3, "n")])
def test_bin_sizes_bad_arguments(n, bins, name):
    from course_utils.evaluation import bin_sizes

    with pytest.raises(CourseArgumentError) as err:
        bin_sizes(n, bins)
    _assert_bilingual(str(err.value), name)


def test_hybrid_on_an_empty_holdings_table_is_empty_like_the_others():
    from course_utils.recommend import content_based, hybrid, item_based_cf

    h = pd.DataFrame({"customer_id": pd.Series([], dtype=str), "product_id": pd.Series([], dtype=str)})
    p = pd.DataFrame({"product_id": ["P1", "P2"], "category": ["基金", "存款"], "risk_level": ["R4", "R1"]})
    want = item_based_cf(h)
    assert want.empty and content_based(h, p).empty
    got = hybrid(h, p)
    assert got.empty and list(got.columns) == list(want.columns)


def test_escalate_with_text_in_an_emotion_column():
    from course_utils.sentiment import detect_emotions, escalate

    emo = detect_emotions(["卡丢了，急！怎么办", "网点几点关门"])
    bad = emo.astype(object)
    bad.iloc[1, bad.columns.get_loc("anxiety")] = "高"
    with pytest.raises(CourseArgumentError) as err:
        escalate(bad)
    _assert_bilingual(str(err.value), "'高'", "detect_emotions")
    assert "“anxiety”" in str(err.value) and "'anxiety'" in str(err.value)
    assert escalate(emo)["route"].tolist() == ["VIP专线", "常规处理"]   # the scores themselves still work


@pytest.mark.parametrize("texts, y, words", [
    ([], [], ["X"]),
    (["服务太差", "很满意", "还行"], [1, 0], ["X", "y", "3"]),
    (pd.Series(["服务太差", "很满意"]), [1, 0, 1], ["X", "y", "2"]),
])
def test_sentiment_model_fit_bad_inputs(texts, y, words):
    from course_utils.sentiment import make_sentiment_model

    with pytest.raises(CourseArgumentError) as err:
        make_sentiment_model().fit(texts, y)
    _assert_bilingual(str(err.value), *words)


# ---------------------------------------------------------------------------
# recommend: inputs that were silently misread before (wrong answer, no error)
# ---------------------------------------------------------------------------
def test_text_ranks_are_read_as_numbers_or_refused():
    from course_utils.recommend import precision_at_k

    test = pd.DataFrame({"customer_id": ["a"], "product_id": ["P2"]})
    recs = pd.DataFrame({"customer_id": ["a"] * 10, "product_id": [f"P{i}" for i in range(10, 0, -1)],
                         "rank": range(10, 0, -1)})
    want = precision_at_k(test, recs, k=2)                  # P1, P2 first: 0.5
    assert want == 0.5
    assert precision_at_k(test, recs.astype({"rank": str}), k=2) == want   # "10" no longer before "2"
    with pytest.raises(CourseArgumentError) as err:
        precision_at_k(test, recs.assign(rank=["第一"] * 10), k=2)
    _assert_bilingual(str(err.value), "recs", "'rank'", "第一")


def test_suitable_pairs_lengths_must_match():
    from course_utils.recommend import suitable_pairs

    cust = pd.DataFrame({"customer_id": ["a"], "risk_appetite": ["R3"]})
    prod = pd.DataFrame({"product_id": ["P1", "P2"], "risk_level": ["R1", "R2"]})
    with pytest.raises(CourseArgumentError) as err:
        suitable_pairs(["a"], ["P1", "P2"], cust, prod)
    _assert_bilingual(str(err.value), "customer_ids", "product_ids")


@pytest.mark.parametrize("col", ["age", "monthly_income"])
def test_demographic_segments_refuses_text_numbers(col):
    from course_utils.recommend import demographic_segments

    c = pd.DataFrame({"customer_id": ["a", "b", "c"], "age": [25, 61, None],
                      "monthly_income": [8000, None, 3000]})
    assert demographic_segments(c).tolist()[1] == "60岁及以上｜未知"          # missing = 未知, as before
    with pytest.raises(CourseArgumentError) as err:
        demographic_segments(c.astype({col: object}).assign(**{col: ["三十", 40, ""]}))
    _assert_bilingual(str(err.value), "customers", f"'{col}'", "三十")


def test_time_split_refuses_text_that_is_not_a_date():
    from course_utils.recommend import time_split

    h = pd.DataFrame({"customer_id": ["a", "a", "b"], "product_id": ["P1", "P2", "P1"],
                      "start_date": ["2023-01-05", "上周", "2023-08-01"]})
    with pytest.raises(CourseArgumentError) as err:
        time_split(h, "2023-07-01")
    _assert_bilingual(str(err.value), "holdings", "start_date", "上周")


def test_threshold_table_refuses_columns_from_misaligned_tables():
    from course_utils.chatbot import FaqBot, threshold_table

    chat = pd.DataFrame({"text": ["银行卡丢了怎么挂失", "网点几点开门"], "intent": ["挂失补卡", "转账问题"]})
    bot = FaqBot()
    want = threshold_table(bot, chat["text"], chat["intent"], [0.2])
    assert threshold_table(bot, chat["text"].tolist(), chat["intent"].tolist(), [0.2]).equals(want)
    with pytest.raises(CourseArgumentError) as err:
        threshold_table(bot, chat["text"], chat["intent"][::-1], [0.2])      # rows of another order
    _assert_bilingual(str(err.value), "texts", "true_intents", "index")


@pytest.mark.parametrize("how", ["fit", "permutation_importance_table"])
def test_churn_model_refuses_labels_from_another_table(how):
    from course_utils.churn_models import make_churn_model, permutation_importance_table

    X, y = _churn_like()
    m = make_churn_model("tree", ["CreditScore", "Age"], ["Geography"], max_depth=2)
    shuffled = y.sample(frac=1.0, random_state=0)                 # the same labels, another row order
    m.fit(X, y.to_numpy())                                        # arrays pair by position: fine
    with pytest.raises(CourseArgumentError) as err:
        m.fit(X, shuffled) if how == "fit" else permutation_importance_table(m, X, shuffled, n_repeats=1)
    _assert_bilingual(str(err.value), "y", "X", "index")
    permutation_importance_table(m, X, y, n_repeats=1)            # the same index: fine


@pytest.mark.parametrize("how", ["content_based", "hybrid", "engine"])
def test_recommenders_refuse_an_empty_products_table(how):
    from course_utils import recommend as rc

    h = pd.DataFrame({"customer_id": ["a", "a", "b"], "product_id": ["P1", "P2", "P1"]})
    p = pd.DataFrame({"product_id": ["P1", "P2"], "category": ["基金", "存款"], "risk_level": ["R4", "R1"]})
    call = {"content_based": rc.content_based, "hybrid": rc.hybrid,
            "engine": lambda h, p: rc.RecommendationEngine(h, p).recommend("content")}[how]
    assert len(call(h, p)) > 0
    with pytest.raises(CourseArgumentError) as err:
        call(h, p.iloc[:0])
    _assert_bilingual(str(err.value), "products", "0")
