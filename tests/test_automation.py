"""Lecture 3 automation: script templates, hand-off rules, outbound list, intent grading, costs."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from course_utils import automation as A
from course_utils import domain
from course_utils.errors import CourseArgumentError


@pytest.fixture(scope="module")
def routed(bank):
    return A.route_messages(bank)


def _tiny_card_bank():
    return {
        "holdings": pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "product_id": ["P1", "P2", "P1"],
                                  "start_date": ["2022-01-05", "2022-01-05", "2024-05-01"]}),
        "products": pd.DataFrame({"product_id": ["P1", "P2"], "category": ["信用卡", "理财"]}),
        "transactions": pd.DataFrame({
            "customer_id": ["C1", "C1", "C1", "C1", "C1", "C1", "C2"],
            "txn_type": ["消费", "消费", "消费", "消费", "转账", "消费", "消费"],
            "txn_date": ["2023-12-02", "2023-12-31", "2023-12-31", "2023-12-20", "2023-12-05", "2024-01-03",
                         "2023-12-02"],
            "amount": [100.10, 20.20, 20.20, 9_999_999.99, 500.0, 7.0, 50.0]}),
    }


# --- templates ------------------------------------------------------------------------------------
def test_fill_template_and_missing_slot():
    assert A.fill_template(A.BILL_TEMPLATE, amount="1.00", due_date="1月20日") == "您好，您本月账单为1.00元，还款日为1月20日。"
    with pytest.raises(CourseArgumentError, match="due_date") as e:
        A.fill_template(A.BILL_TEMPLATE, amount="1.00")
    assert "槽位" in str(e.value) and "slot" in str(e.value)


def test_bill_uses_last_month_drops_duplicates_and_impossible_amounts():
    tb = _tiny_card_bank()
    b = A.credit_card_bill(tb, "C1", "2024-01-10")          # statement: December 2023 (year boundary)
    assert b["has_card"] and b["statement_month"] == "2023-12"
    # 100.10 + 20.20 (the exact duplicate row counted once); the transfer, the 9,999,999.99 error and
    # January's spend are not on December's bill
    assert b["amount"] == pytest.approx(120.30)
    assert b["due_date"] == pd.Timestamp("2024-01-20")
    assert A.bill_answer(tb, "C1", "2024-01-10") == "您好，您本月账单为120.30元，还款日为1月20日。"


def test_bill_without_card_is_none():
    tb = _tiny_card_bank()
    assert A.bill_answer(tb, "C2", "2024-01-10") is None        # holds wealth, not a card
    assert A.bill_answer(tb, "C3", "2024-01-10") is None        # card opened later
    assert A.bill_answer(tb, "C9", "2024-01-10") is None        # unknown customer


def test_yield_percentile_is_computed_from_the_product_table(bank):
    p = bank.products
    row = p.loc[p["annual_yield"] == 3.8].iloc[0]
    peers = p[(p["category"] == row["category"]) & (p["product_id"] != row["product_id"])]
    want = (peers["annual_yield"] < 3.8).mean()
    assert A.yield_percentile(p, row["product_id"]) == pytest.approx(want)
    assert A.yield_percentile(bank, row["name"]) == pytest.approx(want)      # by name, from the bank
    strict = peers[peers["risk_level"].astype(str) == str(row["risk_level"])]
    assert A.yield_percentile(p, row["product_id"], peers=("category", "risk_level")) == pytest.approx(
        (strict["annual_yield"] < 3.8).mean())
    text = A.yield_answer(p, row["product_id"])
    assert text.startswith(f"当前{row['name']}产品年化收益3.80%")
    assert A.RISK_NOTE in text and "XX" not in text
    with pytest.raises(CourseArgumentError, match="没有"):
        A.yield_percentile(p, "不存在的产品")


def test_yield_answer_boasts_only_a_true_favourable_comparison_and_checks_suitability():
    p = pd.DataFrame({"product_id": ["P1", "P2", "P3", "P4"], "name": ["甲", "乙", "丙", "丁"],
                      "category": ["理财", "理财", "理财", "基金"], "risk_level": ["R3", "R2", "R2", "R4"],
                      "annual_yield": [4.0, 3.0, 5.0, 9.0]})
    assert "高于同类50.0%" in A.yield_answer(p, "P1")             # 3.0 < 4.0 < 5.0
    low = A.yield_answer(p, "P2")                                 # lowest: no comparison at all
    assert "高于同类" not in low and low.startswith("当前乙产品年化收益3.00%。")
    assert "高于同类" not in A.yield_answer(p, "P4")              # no peers in its category
    assert math.isnan(A.yield_percentile(p, "P4"))
    assert "暂不向您推荐" in A.yield_answer(p, "P1", risk_appetite="R2")
    assert "暂不向您推荐" not in A.yield_answer(p, "P1", risk_appetite="R3")


def test_find_products_longest_name_wins():
    p = pd.DataFrame({"product_id": ["P1", "P2"], "name": ["稳盈", "稳盈90天"], "category": ["理财"] * 2,
                      "annual_yield": [3.0, 3.8]})
    assert A.find_products(["稳盈90天收益", "稳盈收益", None, 5], p).tolist() == ["P2", "P1", None, None]


# --- hand-off rules on tiny logs ----------------------------------------------------------------------
@pytest.mark.parametrize("history, reason", [
    (["本月账单多少钱？", "您好，本月账单多少钱"], "repeat"),          # greetings and punctuation ignored
    (["本月账单多少钱", "还款日是哪天"], None),
    (["还款日是哪天"], None),
    ("我的房贷利率能不能调低一点", "rate"),
    ("手续费太高了", None),                                          # a complaint, not a request
    (["想协商一下利息", "想协商一下利息"], "repeat"),               # both hold: repeat wins
    (["账单多少", None, float("nan"), "账单多少"], "repeat"),        # junk items do not raise
    ([], None),
    (None, None),
])
def test_handoff_reason(history, reason):
    assert A.handoff_reason(history) == reason
    assert A.handoff_rule(history) is (reason is not None)


def test_handoff_n_is_the_count_that_triggers():
    h = ["账单多少", "账单多少"]
    assert A.handoff_rule(h, n=2) and not A.handoff_rule(h, n=3)
    assert A.handoff_rule(h + ["账单多少"], n=3)
    with pytest.raises(CourseArgumentError):
        A.handoff_rule(h, n=1)


def test_conversation_histories_group_by_customer_and_day():
    m = pd.DataFrame({"customer_id": ["C1", "C1", "C1", "C2"],
                      "msg_date": ["2024-01-02", "2024-01-02", "2024-01-03", "2024-01-02"],
                      "text": ["a", "b", "c", "d"]}, index=[10, 11, 12, 13])
    h = A.conversation_histories(m)
    assert h.index.tolist() == [10, 11, 12, 13]
    assert h.tolist() == [["a"], ["a", "b"], ["c"], ["d"]]


def test_rule_agrees_with_labels_on_the_committed_logs(bank):
    m = bank.messages
    labels = A.handoff_labels(m)
    rule = pd.Series([A.handoff_rule(h) for h in A.conversation_histories(m)], index=m.index)
    assert labels.sum() > 500 and labels.mean() < 0.5
    assert (rule == labels).all(), m.loc[rule != labels, "text"].head().tolist()


# --- routing the chat logs ----------------------------------------------------------------------------
def test_route_messages_fills_every_answer_from_the_data(bank, routed):
    assert len(routed) == len(bank.messages)
    assert set(routed["route"]) == {"bot", "human"}
    assert set(routed["reason"]) == {"answered", "repeat", "rate", "no_script", "no_data"}
    bot = routed[routed["route"] == "bot"]
    assert (bot["reason"] == "answered").all() and bot["intent"].isin(A.SCRIPTED_INTENTS).all()
    assert not bot["answer"].str.contains("XX|\\{|\\}|nan|None").any()
    human = routed[routed["route"] == "human"]
    assert (human["answer"] == A.HANDOFF_MESSAGE).all()
    # the rules come first: every rate request and every repeat goes to a human, whatever its intent
    assert (routed.loc[routed["intent"] == "利率协商", "reason"] == "rate").all()
    # a sample of bill answers equals the one-customer function
    bills = bot[bot["intent"] == "账单查询"].head(5)
    for _, r in bills.iterrows():
        assert r["answer"] == A.bill_answer(bank, r["customer_id"], r["msg_date"])


def test_bills_read_only_the_asking_customers_and_equal_the_whole_table_sums(bank, routed):
    asked = routed[routed["intent"] == "账单查询"].head(40)
    b = A._bills(bank.tables, asked["customer_id"], asked["msg_date"])
    whole = A._monthly_card_spend(bank.tables)            # every customer's card spending
    code = A._month_code(asked["msg_date"].reset_index(drop=True)) - 1
    expect = whole.reindex(pd.MultiIndex.from_arrays([asked["customer_id"].astype(str).to_numpy(), code]))
    assert np.array_equal(b["amount"].to_numpy(), np.round(expect.fillna(0.0).to_numpy(), 2))
    assert (b["amount"] > 0).any()


def test_service_savings_arithmetic(routed):
    costs = A.ServiceCosts(bot=0.5, human=5.0)
    s = A.service_savings(routed, costs)
    n, bot = len(routed), int((routed["route"] == "bot").sum())
    assert s["messages"] == n and s["bot_answered"] == bot and s["handed_off"] == n - bot
    assert s["cost_all_human"] == pytest.approx(5.0 * n)
    assert s["cost_with_bot"] == pytest.approx(0.5 * n + 5.0 * (n - bot))
    assert s["saved"] == pytest.approx(s["cost_all_human"] - s["cost_with_bot"])
    assert s["automation_rate"] + s["handoff_rate"] == pytest.approx(1.0)
    assert "0.5 元" in costs.describe() and "5 元" in costs.describe()
    with pytest.raises(CourseArgumentError):
        A.service_savings(pd.DataFrame({"x": [1]}))


# --- outbound: silent list, flags, eligibility, funnel ----------------------------------------------
def test_silent_customers_follow_the_domain_definition(bank):
    s = A.silent_customers(bank)
    assert s["customer_id"].is_unique and len(s) > 50
    assert (s["tenure_days"] >= domain.DORMANT_AFTER_DAYS).all()
    assert bool(domain.is_dormant(s["recency_days"]).all())
    on = bank.customers[domain.on_books_at_start(bank.customers, A.OUTBOUND_AS_OF)]
    assert s["customer_id"].isin(on["customer_id"]).all()
    # the generator's silent customers (called in July 2024) are all on our list
    assert bank.outbound_calls["customer_id"].isin(s["customer_id"]).all()


def test_contact_flags_are_deterministic_and_synthetic_without_a_register():
    from course_utils import journeys

    ids = [f"C{i:06d}" for i in range(1, 5001)]
    f = A.contact_flags(ids)
    g = A.contact_flags(list(reversed(ids))).set_index("customer_id").loc[ids].reset_index()
    pd.testing.assert_frame_equal(f, g)
    assert (f["source"] == "synthetic").all()
    reg = domain.consent_register(ids)
    assert (f["consent"] == (reg["consent_call"] & ~reg["opted_out"])).all()     # calls: call consent, no TD
    assert (f["do_not_call"] == reg["do_not_call"]).all()
    # the SMS flags of the journeys module share the register's opt-out
    assert (journeys.contact_flags(ids)["opted_out"] == reg["opted_out"]).all()
    assert 0.6 < f["consent"].mean() < 0.75 and 0.03 < f["do_not_call"].mean() < 0.07


def test_contact_flags_read_the_register_when_the_bank_has_one():
    reg = pd.DataFrame({"customer_id": ["C1", "C2"], "consent": [0, 1], "do_not_call": [0, 1]})
    f = A.contact_flags(["C1", "C2", "C3"], {"retention_campaign": reg}).set_index("customer_id")
    assert f.loc["C1", ["consent", "do_not_call", "source"]].tolist() == [False, False, "register"]
    assert f.loc["C2", ["consent", "do_not_call", "source"]].tolist() == [True, True, "register"]
    assert f.loc["C3", "source"] == "synthetic"


def test_credit_eligibility_checks():
    tb = {"customers": pd.DataFrame({"customer_id": ["C1", "C2", "C3", "C4", "C5"], "age": [30, 19, 40, 45, 50],
                                     "monthly_income": [8000, 8000, np.nan, 3000, 9000]}),
          "messages": pd.DataFrame({"customer_id": ["C5", "C1"], "msg_date": ["2024-03-01", "2022-01-01"],
                                    "text": ["车贷逾期了5天，能不能协商", "信用卡逾期了"]})}
    e = A.credit_eligibility(tb, ["C1", "C2", "C3", "C4", "C5"], "2024-07-01").set_index("customer_id")
    assert e["eligible"].tolist() == [True, False, False, False, False]
    assert "年龄" in e.at["C2", "reason"] and "收入" in e.at["C3", "reason"] and "收入" in e.at["C4", "reason"]
    assert "逾期" in e.at["C5", "reason"] and e.at["C1", "reason"] == ""    # C1's overdue is > 12 months old


def test_outbound_funnel_only_narrows(bank):
    f = A.outbound_funnel(bank)
    assert f["step"].tolist() == ["silent", "consent", "not_dnc", "eligible", "called"]
    n = f["customers"].tolist()
    assert all(a >= b for a, b in zip(n, n[1:])) and n[-1] > 0
    for before, after in zip(f["customer_ids"], f["customer_ids"][1:]):
        assert set(after) <= set(before)
    flags = A.contact_flags(f["customer_ids"].iloc[-1], bank)
    assert flags["consent"].all() and not flags["do_not_call"].any()


# --- intent grading ---------------------------------------------------------------------------------
def test_grader_matches_the_labelled_replies(bank):
    oc = bank.outbound_calls
    r = A.grade_report(oc["intent_grade"], A.grade_replies(oc["reply"]))
    assert r["accuracy"] == 1.0 and r["precision_a"] == 1.0
    naive = A.grade_report(oc["intent_grade"], A.grade_replies(oc["reply"], A.naive_grade_intent))
    assert naive["accuracy"] < 0.8 and naive["precision_a"] < 1.0


@pytest.mark.parametrize("reply, grade", [
    ("不是不需要，就是现在没空", "B"), ("不用考虑了，直接开通吧", "A"), ("嗯，不需要", "C"),
    ("不是不想要，最近没空", "B"), ("可以啊，直接开吧", "A"), ("不用再打了", "C"), ("我考虑考虑", "B"),
    ("好的，利率多少？合适就开", "A"), ("利率多少？我再想想", "B"), ("不办，挂了", "C"),
    ("", "B"), (None, "B"), (float("nan"), "B"), (123, "B"), ("？？？", "B"),
])
def test_grade_intent_cases(reply, grade):
    assert A.grade_intent(reply) == grade


def test_naive_grader_falls_into_the_negation_traps():
    assert A.naive_grade_intent("不是不需要，就是现在没空") == "C"
    assert A.naive_grade_intent("不用考虑了，直接开通吧") == "C"


def test_grade_report_and_costs_arithmetic():
    truth = ["A", "A", "B", "C", "A"]
    pred = ["A", "B", "A", "C", "A"]
    r = A.grade_report(truth, pred)
    assert r["precision_a"] == pytest.approx(2 / 3) and r["recall_a"] == pytest.approx(2 / 3)
    assert r["confusion"].loc["B", "A"] == 1 and int(r["confusion"].to_numpy().sum()) == 5
    c = A.OutboundCosts(ai_call=1.0, human_call=10.0, manager_follow_up=40.0, activation_rate=0.5)
    t = A.outbound_costs(truth, pred, c)
    assert t.at["ai", "total_cost"] == pytest.approx(5 * 1.0 + 3 * 40.0)
    assert t.at["ai", "activated"] == pytest.approx(2 * 0.5)
    assert t.at["human", "total_cost"] == pytest.approx(5 * 10.0 + 3 * 40.0)
    assert t.at["human", "activated"] == pytest.approx(3 * 0.5)
    assert t.at["ai", "cost_per_activation"] == pytest.approx(125 / 1.0)
    assert "0.6 元" in A.OutboundCosts().describe()
    with pytest.raises(CourseArgumentError, match="一一对应"):
        A.grade_report(["A"], ["A", "B"])
