"""Lecture 3, question 5: the service bot's hand-off rule and the outbound intent grader, as functions.

The trainee writes ``handoff(history) -> bool`` (the conversation so far, latest message
last: True = a human agent takes it) and ``grade(reply) -> "A" | "B" | "C"``. The check
runs them on HELD-OUT data -- the chats and call replies of customers whose id ends in an
odd digit (the trainee develops on the even ones), plus new replies the data never
contains -- and says which cases they miss, with an example each. The truth is the
data's labels (:func:`course_utils.automation.handoff_labels`, ``intent_grade``).
"""
from __future__ import annotations

import html as _html
from collections.abc import Mapping
from typing import Any

import pandas as pd

from course_utils import automation
from course_utils.exercises import Exercise, answers, contains_placeholder

#: Held-out replies the data never contains: (reply, grade).
HIDDEN_REPLIES = (
    ("不是不想要，最近没空", "B"), ("可以啊，直接开吧", "A"), ("不用再打了", "C"), ("我考虑考虑", "B"),
    ("好的，那就帮我开通吧", "A"), ("没兴趣，别再打了", "C"), ("不用考虑了，开通", "A"),
    ("先发个短信给我看看", "B"), ("已经有别家的备用金了", "C"), ("行，怎么开通", "A"),
    ("改天再说吧", "B"), ("我不需要，谢谢", "C"),
)
#: Pass marks on the held-out data.
MIN_REPEAT_RECALL = 0.95
MIN_RATE_RECALL = 0.90
MAX_FALSE_TRANSFER = 0.02
MIN_ACCURACY = 0.90
MIN_PRECISION_A = 0.90

# --- the reference solution: ONE text -----------------------------------------------------------
# ``q5.solution()`` shows SOLUTION_CODE; the solutions notebook's cell is generated from it
# (``# INSERT`` in src/exercises/L3_exercises.py, tools/nbbuild.py); the reference functions
# below are this very code, run. The grader uses the lecture's keyword lists
# (automation.REFUSAL_WORDS ...): one rule set for the lecture and the exercise.
SOLUTION_CODE = '''FEE_WORDS = ("利率", "费率", "利息", "手续费", "年费", "罚息", "违约金")
ASK_WORDS = ("能不能", "能否", "商量", "协商", "减免", "打折", "少收", "调低", "低一点", "降", "免了", "优惠")


def handoff(history):
    latest = history[-1]
    if latest in history[:-1]:                    # 同一个问题又问了一遍 → 转人工
        return True
    return any(w in latest for w in FEE_WORDS) and any(w in latest for w in ASK_WORDS)   # 要求降利率/减费用


# 分级用讲义里的关键词表（automation 模块），按顺序判断：先拒绝、再犹豫、最后才看同意
from course_utils import automation

RULES = [("C", automation.REFUSAL_WORDS), ("B", automation.HESITATION_WORDS), ("A", automation.ACCEPT_WORDS)]


def grade(reply):
    text = str(reply)
    for phrase in automation.NOT_REFUSAL_PHRASES:  # “不是不需要”“不用考虑了”看着像拒绝、其实不是
        text = text.replace(phrase, "，")
    for level, words in RULES:
        if any(w in text for w in words):
            return level
    return "B"                                    # 听不清的不打扰客户经理


answer5 = {"handoff": handoff, "grade": grade}
q5.check(answer5)'''


def _reference() -> dict:
    """The functions SOLUTION_CODE defines (run without its last two lines, the check)."""
    code = SOLUTION_CODE[: SOLUTION_CODE.index("answer5 = ")]
    namespace: dict = {"__name__": __name__}
    exec(compile(code, f"<{__name__}.SOLUTION_CODE>", "exec"), namespace)  # noqa: S102 - our own text
    return namespace


_REFERENCE = _reference()
#: Reference hand-off rule: the latest message repeats an earlier one, or asks to lower a rate/fee.
solution_handoff = _REFERENCE["handoff"]
#: Reference intent grader (the lecture's word lists): refusal -> C, hesitation -> B, acceptance -> A, else B.
solution_grade = _REFERENCE["grade"]


def _held_out(ids: pd.Series) -> pd.Series:
    """True for customers whose id ends in an odd digit (the check's data)."""
    last = ids.astype(str).str[-1:]
    return last.isin(list("13579"))


def _show(text: str, limit: int = 40) -> str:
    text = str(text)
    return "“" + _html.escape(text if len(text) <= limit else text[:limit] + "…") + "”"


class Automation(Exercise):
    """Q5: hand-off rule and A/B/C intent grader, checked on held-out chats and replies."""

    id = "L3.automation"
    title = "转人工规则与外呼意向分级"
    hints = [
        "转人工两条规则：① 最新一条消息和这次对话里之前的某条一模一样（客户又问了一遍）；"
        "② 最新一条在要求降利率、减免费用（利率/费率/利息/手续费/年费/罚息 + 能不能/减免/打折/降/协商…）。"
        "只抱怨“手续费太高了”、不提要求的，机器人可以先回答。",
        "分级按顺序判断：先排除“不是不需要”“不用考虑了”这类看着像拒绝的说法；有拒绝词 → C；"
        "有犹豫词（考虑、改天、没空、发短信…）→ B；有同意词（开通、可以、好的…）→ A；都没有 → B。",
        "在开发集上自己算一算：dev['handoff'] 是正确答案，replies['intent_grade'] 是正确等级，"
        "把你的函数结果和它们比，看漏掉/错分的例子，再补关键词。",
    ]
    solution_code = SOLUTION_CODE
    success = ("答对了！在没见过的对话和回复上，转人工规则抓住了重复提问和利率/费用协商，分级没有把拒绝的客户"
               "交给客户经理。规则要定期用新标注的数据复查：客户的说法会变。")

    @property
    def dev_messages(self) -> pd.DataFrame:
        """Development chats (customers with an even last id digit): history and the true hand-off."""
        m = self.context["messages"]
        keep = ~_held_out(m["customer_id"])
        out = m.loc[keep, ["customer_id", "msg_date", "text", "intent"]].copy()
        out["history"] = self._histories()[keep]
        out["handoff"] = self._labels()[keep]
        return out.reset_index(drop=True)

    @property
    def dev_replies(self) -> pd.DataFrame:
        """Development outbound replies with their true grade."""
        o = self.context["outbound_calls"]
        keep = ~_held_out(o["customer_id"])
        out = o.loc[keep, ["customer_id", "reply", "intent_grade"]].copy()
        out["intent_grade"] = out["intent_grade"].astype(str)
        return out.reset_index(drop=True)

    def _histories(self) -> pd.Series:
        if "_cache_hist" not in self.__dict__:
            self.__dict__["_cache_hist"] = automation.conversation_histories(self.context["messages"])
        return self.__dict__["_cache_hist"]

    def _labels(self) -> pd.Series:
        if "_cache_labels" not in self.__dict__:
            self.__dict__["_cache_labels"] = automation.handoff_labels(self.context["messages"])
        return self.__dict__["_cache_labels"]

    untouched_message = "两个函数还在返回占位符 ____：先写好 handoff 和 grade 的规则，再检查。"

    def expected(self) -> dict:
        return {"handoff": solution_handoff, "grade": solution_grade}

    def is_untouched(self, answer: Any) -> bool:
        """Also "not attempted" while the functions still return ``____`` (the notebook's skeleton)."""
        if super().is_untouched(answer):
            return True
        if not isinstance(answer, Mapping):
            return False
        samples = {"handoff": ["本月账单多少？"], "grade": "好的，开通吧"}
        for key, sample in samples.items():
            fn = answer.get(key)
            if callable(fn) and not isinstance(fn, type):
                try:
                    if contains_placeholder(fn(sample)):
                        return True
                except Exception:  # noqa: BLE001 - judged by diagnose
                    pass
        return False

    # ----------------------------------------------------------------- running the trainee's code
    @staticmethod
    def _run(fn, cases, kind: str):
        out = []
        for case in cases:
            try:
                out.append(fn(list(case) if kind == "handoff" else case))
            except Exception as exc:  # noqa: BLE001 - the trainee's code
                shown = case[-1] if kind == "handoff" else case
                return None, (f"你的 {kind} 函数在这条{'消息' if kind == 'handoff' else '回复'}上出错了："
                              f"{_show(shown)}（{type(exc).__name__}: {_html.escape(str(exc))[:80]}）。")
        return out, None

    def _check_handoff(self, fn) -> str | None:
        m = self.context["messages"]
        held = _held_out(m["customer_id"]).to_numpy()
        hist = self._histories()[held].tolist()
        truth = self._labels()[held].to_numpy()
        rate = (m["intent"].astype(str) == "利率协商").to_numpy()[held]
        out, msg = self._run(fn, hist, "handoff")
        if msg:
            return msg
        bad = [v for v in out if not (isinstance(v, bool) or type(v).__name__ == "bool_" or v in (0, 1))]
        if bad:
            return f"handoff 应该返回 True（转人工）或 False，你的函数返回了{answers.type_name(bad[0])}。"
        pred = pd.Series([bool(v) for v in out]).to_numpy()
        repeat = truth & ~rate
        texts = [h[-1] for h in hist]
        problems = []
        if repeat.any() and pred[repeat].mean() < MIN_REPEAT_RECALL:
            i = int(((~pred) & repeat).argmax())
            problems.append(f"漏掉了 {int(((~pred) & repeat).sum())} 条“同一个问题又问了一遍”的消息，例如 {_show(texts[i])}")
        rate_h = truth & rate
        if rate_h.any() and pred[rate_h].mean() < MIN_RATE_RECALL:
            i = int(((~pred) & rate_h).argmax())
            problems.append(f"漏掉了 {int(((~pred) & rate_h).sum())} 条要求降利率/减免费用的消息，例如 {_show(texts[i])}")
        false = pred & ~truth
        if (~truth).any() and false.sum() > MAX_FALSE_TRANSFER * (~truth).sum():
            i = int(false.argmax())
            problems.append(f"误转人工 {int(false.sum())} 条（机器人本可以回答），例如 {_show(texts[i])}")
        if problems:
            return "转人工规则在没见过的对话上：" + "；".join(problems) + "。"
        return None

    def _check_grade(self, fn) -> str | None:
        o = self.context["outbound_calls"]
        held = _held_out(o["customer_id"])
        replies = o.loc[held, "reply"].tolist() + [r for r, _ in HIDDEN_REPLIES]
        truth = o.loc[held, "intent_grade"].astype(str).tolist() + [g for _, g in HIDDEN_REPLIES]
        out, msg = self._run(fn, replies, "grade")
        if msg:
            return msg
        for v in out:
            if not (isinstance(v, str) and v in ("A", "B", "C")):
                return f"grade 应该返回 \"A\"、\"B\" 或 \"C\"（大写字母），你的函数返回了{answers.type_name(v)} {_html.escape(repr(v))[:20]}。"
        pairs = list(zip(replies, truth, out))
        problems = []
        refused_a = [(r, t, p) for r, t, p in pairs if t == "C" and p == "A"]
        if refused_a:
            problems.append(f"把 {len(refused_a)} 条拒绝 (C) 判成了 A（会让客户经理去打扰拒绝的客户），"
                            f"例如 {_show(refused_a[0][0])}")
        pred_a = [t for _, t, p in pairs if p == "A"]
        if pred_a and sum(t == "A" for t in pred_a) / len(pred_a) < MIN_PRECISION_A and not refused_a:
            wrong = next((r, t) for r, t, p in pairs if p == "A" and t != "A")
            problems.append(f"判成 A 的回复里不到 90% 真有意向，例如 {_show(wrong[0])} 应为 {wrong[1]}")
        acc = sum(t == p for _, t, p in pairs) / len(pairs)
        if acc < MIN_ACCURACY:
            missed = [(r, t, p) for r, t, p in pairs if t != p]
            neg = next(((r, t, p) for r, t, p in missed if "不是不" in r or "不用考虑" in r), None)
            r, t, p = neg or missed[0]
            problems.append(f"准确率 {acc:.0%}（要求 ≥ {MIN_ACCURACY:.0%}），例如 {_show(r)} 应为 {t}，你判成了 {p}"
                            + ("：注意“不是不…”“不用考虑了”这类双重否定" if neg else ""))
        if problems:
            return "意向分级在没见过的回复上：" + "；".join(problems) + "。"
        return None

    def diagnose(self, answer: Any) -> str | None:
        if not isinstance(answer, Mapping):
            return ("答案应该是字典 {'handoff': 你的转人工函数, 'grade': 你的分级函数}，"
                    f"你给的是{answers.type_name(answer)}。")
        missing = [k for k in ("handoff", "grade") if k not in answer]
        if missing:
            return f"字典缺少 {', '.join(missing)}：需要 'handoff' 和 'grade' 两个函数。"
        for key in ("handoff", "grade"):
            fn = answer[key]
            if not callable(fn) or isinstance(fn, type):
                return f"answer5['{key}'] 应该是一个函数（def 定义的名字，不加括号），你给的是{answers.type_name(fn)}。"
        if answer["handoff"] is automation.handoff_rule:
            return "handoff 用的是课程库里现成的 automation.handoff_rule：请自己写规则（可以参考讲义里的思路）。"
        if any(answer["grade"] is f for f in (automation.grade_intent, automation.naive_grade_intent)):
            return "grade 用的是课程库里现成的分级函数：请自己写关键词规则（可以参考讲义里的思路）。"
        msgs = [m for m in (self._check_handoff(answer["handoff"]), self._check_grade(answer["grade"])) if m]
        return " ".join(msgs) if msgs else None
