"""Lecture 4, question 4 (widget): the chatbot's confidence threshold for a service target."""
from __future__ import annotations

import pytest

from course_utils.chatbot import threshold_table
from course_utils.exercises import assert_check_cases
from course_utils.exercises.lecture4 import q4_chatbot_threshold as Q4


@pytest.fixture(scope="module")
def q4(qs):
    return qs[3]


def _rows(q4):
    tab, goal = q4.table, q4.targets
    ok_wrong = tab["wrong_share_of_answered"] <= goal["max_wrong_share"]
    ok_load = tab["handoff_rate"] <= goal["max_handoff_share"]
    return tab, ok_wrong, ok_load


def test_targets_come_from_the_data_and_are_reachable(q4):
    tab, ok_wrong, ok_load = _rows(q4)
    goal = q4.targets
    assert goal["max_wrong_share"] == Q4.MAX_WRONG_SHARE
    best = 1 - tab.loc[ok_wrong, "handoff_rate"].min()          # the best reduction the bot can reach
    assert best - Q4.REDUCTION_STEP < goal["min_reduction"] <= best
    assert (ok_wrong & ok_load).any()
    assert (ok_wrong & ~ok_load).any(), "no threshold is too cautious: the workload target tests nothing"
    assert goal["max_handoff_share"] == pytest.approx(1 - goal["min_reduction"])


def test_expected_is_the_lowest_threshold_meeting_both(q4):
    tab, ok_wrong, ok_load = _rows(q4)
    assert q4.expected() == tab.loc[ok_wrong & ok_load, "threshold"].min()


def test_table_is_the_library_threshold_table(q4):
    ref = threshold_table(q4.bot, q4.texts, q4.intents, list(Q4.GRID), minutes_per_handoff=Q4.MINUTES_PER_HANDOFF)
    assert q4.table.equals(ref)
    lookup = q4.context["lookup"]
    exact = threshold_table(q4.bot, q4.texts, q4.intents, [0.4237])
    assert lookup.row(0.4237)["answered"] == exact.loc[0, "answered"]   # off the grid: computed exactly


def test_checks(q4):
    tab, ok_wrong, ok_load = _rows(q4)
    right = q4.expected()
    good = tab.loc[ok_wrong & ok_load, "threshold"].tolist()
    too_low = float(tab.loc[tab["wrong_rate"] > Q4.MAX_WRONG_SHARE, "threshold"].max())   # even of all messages
    confused = tab[~ok_wrong & (tab["wrong_rate"] <= Q4.MAX_WRONG_SHARE)]   # wrong_rate read for the share
    assert len(confused), "the wrong_rate / wrong_share confusion gives no distinct threshold here"
    too_high = float(tab.loc[ok_wrong & ~ok_load, "threshold"].max())
    assert_check_cases(
        q4,
        correct=[right, good[-1], {"threshold": right}, float(right)],
        wrong=[(too_low, "阈值太低"),
               (float(confused["threshold"].max()), "wrong_share_of_answered"),
               (too_high, "太保守"),
               (100 * right, "不是百分数"),
               (str(right), "文字"),
               (-0.1, "0 到 1"),
               ({"t": right}, "threshold")],
        half_done=[{"threshold": 0.0}],
    )


def test_widget_and_render(q4):
    app = Q4.chatbot_threshold_app(q4)
    assert q4.check(app).status == "not_attempted"
    html = "".join(o["data"].get("text/html", "") for o in app.output.outputs)
    assert "服务目标" in html and "转人工" in html and "统计范围" in html and "× 未达标" in html
    app.set_values(threshold_pct=round(100 * q4.expected()))
    html = "".join(o["data"].get("text/html", "") for o in app.output.outputs)
    assert html.count("√ 达标") == 2
    assert q4.check(app).correct and app.check().correct
    app.set_values(threshold_pct=100)
    assert q4.check(app).status == "incorrect"
    assert app.answer() == {"threshold": 1.0}
    assert Q4.render_threshold({"threshold": 0.5}, q4.context["lookup"], q4.targets) == \
        Q4.render_threshold({"threshold": 0.5}, q4.context["lookup"], q4.targets)


def test_bot_messages_are_the_chat_channels(q4, bank):
    chat = Q4.bot_messages(bank.messages)
    assert set(chat["channel"]) <= set(Q4.BOT_CHANNELS) and len(q4.texts) == len(chat)
    assert q4.months == Q4.months_spanned(chat["msg_date"]) >= 12


def test_solution_passes_on_another_bank():
    from course_utils.chatbot import FaqBot
    from course_utils.data import get_bank

    chat = Q4.bot_messages(get_bank(seed=99, n_customers=1500).messages)
    lookup = Q4.ThresholdLookup(FaqBot(), chat["text"].tolist(), chat["intent"].tolist(),
                                Q4.months_spanned(chat["msg_date"]))
    goal = Q4.service_targets(lookup.table)
    tab = threshold_table(lookup.bot, lookup.texts, lookup.intents, [round(0.01 * i, 2) for i in range(101)])
    ok = tab[(tab["wrong_share_of_answered"] <= goal["max_wrong_share"])
             & (tab["handoff_rate"] <= goal["max_handoff_share"])]
    assert Q4.diagnose_threshold(float(ok["threshold"].min()), lookup, goal) is None


def test_forced_handoffs_are_the_rule_based_ones(q4):
    """Complaints and rate negotiations go to a human whatever the threshold."""
    m = q4.bot.match(q4.texts)
    assert q4.context["lookup"].forced == int((m["human_rule"] != "").sum()) > 0
