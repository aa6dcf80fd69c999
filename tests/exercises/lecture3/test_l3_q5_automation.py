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


def test_the_reference_grader_is_the_lecture_rule(bank):
    """One rule set: the exercise's reference grader uses automation's word lists, so it grades
    every reply the data can hold (the generator's reply pool with every prefix), the bank's
    replies and the held-out new replies exactly like ``automation.grade_intent``."""
    from course_utils.datagen.texts import _CALL_PREFIX, _REPLIES

    pool = [(p + r, g) for g, rs in _REPLIES.items() for r in rs for p in dict.fromkeys(_CALL_PREFIX)]
    calls = bank.outbound_calls
    cases = pool + list(zip(calls["reply"], calls["intent_grade"].astype(str))) + list(Q5.HIDDEN_REPLIES)
    for reply, grade in cases:
        assert automation.grade_intent(reply) == grade, reply
        assert Q5.solution_grade(reply) == grade, reply
    for junk in ("", "不感兴趣", "以后再说", "不是不要", "什么时候到账", None, 3):
        assert Q5.solution_grade(junk) == automation.grade_intent(junk), junk
    # the word lists are the library's, not copies
    assert "automation.REFUSAL_WORDS" in Q5.SOLUTION_CODE and "REFUSE = (" not in Q5.SOLUTION_CODE


def test_solution_is_one_text(qs):
    """What q5.solution() shows, the code the reference answer runs and the solutions notebook's
    cell are the same text (the notebook cell is generated from SOLUTION_CODE by nbbuild)."""
    import json

    from tools import nbbuild

    q5 = qs[4]
    shown = q5.solution()
    assert shown.text == Q5.SOLUTION_CODE and q5.solution_code == Q5.SOLUTION_CODE
    assert Q5.solution_grade.__code__.co_filename.endswith("SOLUTION_CODE>")
    assert Q5.solution_handoff.__code__.co_filename.endswith("SOLUTION_CODE>")
    sol = next(t for t in nbbuild.targets(["L3_exercises"]) if t.kind == "solution")
    ex = next(t for t in nbbuild.targets(["L3_exercises"]) if t.kind == "exercise")
    assert Q5.SOLUTION_CODE in [c.source for c in nbbuild.generate(sol).cells]
    built = json.loads(sol.path.read_text(encoding="utf-8"))
    assert Q5.SOLUTION_CODE in ["".join(c["source"]) for c in built["cells"]]
    # the exercise notebook does not give the rules away
    exercise_text = "\n".join(c.source for c in nbbuild.generate(ex).cells)
    assert "FEE_WORDS" not in exercise_text and "REFUSAL_WORDS" not in exercise_text
    assert not any("REFUSAL_WORDS" in h or "grade_intent" in h for h in q5.hints)


def test_held_out_and_dev_split_the_customers(qs):
    q5 = qs[4]
    dev = q5.dev_messages
    assert dev["customer_id"].str[-1].isin(list("02468")).all()
    assert dev["handoff"].any() and (dev["history"].str.len() >= 1).all()
    assert q5.dev_replies["customer_id"].str[-1].isin(list("02468")).all()
    # the reference rule is also right on the dev data the trainee sees
    pred = dev["history"].map(Q5.solution_handoff)
    assert (pred == dev["handoff"]).mean() > 0.97
