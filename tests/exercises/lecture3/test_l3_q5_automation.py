"""Lecture 3, question 5: hand-off rule and intent grader on held-out data."""
from __future__ import annotations

from course_utils import automation
from course_utils.exercises import ____, assert_check_cases
from course_utils.exercises.lecture3 import q5_automation as Q5


def only_repeats(history):
    return history[-1] in history[:-1]


def any_rate_word(history):
    return history[-1] in history[:-1] or "利率" in history[-1] or "手续费" in history[-1]


def everyone_a(reply):
    return "A"


def lower_case(reply):
    return Q5.solution_grade(reply).lower()


def broken(history):
    return history[5]


def test_checks(qs):
    q5 = qs[4]
    right = q5.expected()
    good = {"handoff": Q5.solution_handoff, "grade": Q5.solution_grade}
    assert_check_cases(
        q5,
        correct=[right, {**good, "handoff": lambda h: bool(Q5.solution_handoff(h))}],
        wrong=[({**good, "handoff": only_repeats}, "降利率"),
               ({**good, "handoff": any_rate_word}, "误转人工"),
               ({**good, "grade": automation.naive_grade_intent}, "现成的分级函数"),
               ({**good, "grade": lambda r: automation.naive_grade_intent(r)}, "双重否定"),
               ({**good, "grade": everyone_a}, "拒绝 (C) 判成了 A"),
               ({**good, "grade": lower_case}, "大写"),
               ({**good, "handoff": broken}, "出错了"),
               ({**good, "handoff": lambda h: "yes"}, "True"),
               ({**good, "handoff": automation.handoff_rule}, "handoff_rule"),
               ({**good, "grade": "A"}, "函数"),
               ({"handoff": Q5.solution_handoff}, "缺少")],
        half_done=[{"handoff": ____, "grade": ____}, {**good, "grade": ____},
                   {"handoff": lambda h: ____, "grade": lambda r: ____}, {**good, "grade": lambda r: ____}],
    )


def test_hidden_replies_agree_with_the_lecture_grader():
    for reply, grade in Q5.HIDDEN_REPLIES:
        assert automation.grade_intent(reply) == grade, reply
        assert Q5.solution_grade(reply) == grade, reply


def test_held_out_and_dev_split_the_customers(qs):
    q5 = qs[4]
    dev = q5.dev_messages
    assert dev["customer_id"].str[-1].isin(list("02468")).all()
    assert dev["handoff"].any() and (dev["history"].str.len() >= 1).all()
    assert q5.dev_replies["customer_id"].str[-1].isin(list("02468")).all()
    # the reference rule is also right on the dev data the trainee sees
    pred = dev["history"].map(Q5.solution_handoff)
    assert (pred == dev["handoff"]).mean() > 0.97
