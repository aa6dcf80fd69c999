"""Lecture 4, question 4 (widget): the chatbot's confidence threshold for a service target.

The FAQ bot (:class:`course_utils.chatbot.FaqBot`) answers a customer message when its
confidence reaches the threshold and hands it to a human agent otherwise. The trainee moves the
threshold and sees, for the bank's chat messages (APP 智能客服 and 在线客服), the answer rate,
the wrong answers and the human workload (:func:`course_utils.chatbot.threshold_table`; the
redraw :func:`render_threshold` is a plain function reading a table computed once at setup).

The service target (:func:`service_targets`):

* wrong answers at most :data:`MAX_WRONG_SHARE` **of the messages the bot answers**;
* the bot must take real work off the agents: hand-offs at most ``max_handoff_share`` of all
  messages. That share comes from the data: the bot's best achievable reduction while keeping
  the wrong-answer target, rounded down to a multiple of 5 % (so the target is always
  reachable, and moving the threshold too high breaks it).

The check recognises a threshold set on the wrong-answer rate of *all* messages (too low), a
threshold so cautious that the agents get almost everything (too high), and a percentage
typed instead of a 0-1 confidence.
"""
from __future__ import annotations

import html as _html
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from course_utils import chatbot
from course_utils.exercises import Exercise, answers
from course_utils.viz.fmt import percent
from course_utils.viz.theme import BAD, GOOD, NEUTRAL

#: Channels where the bot answers typed messages (the phone line is voice, not the bot's).
BOT_CHANNELS: tuple[str, ...] = ("APP智能客服", "在线客服")
#: Service standard: wrong answers as a share of the messages the bot answers.
MAX_WRONG_SHARE = 0.05
#: Assumption: minutes an agent spends on one handed-off message.
MINUTES_PER_HANDOFF = 6.0
#: The workload target is a reduction rounded down to this step (5 %).
REDUCTION_STEP = 0.05
#: Thresholds of the widget and of the table computed at setup (0.00, 0.01, ... 1.00).
GRID = tuple(round(0.01 * i, 2) for i in range(101))
#: The slider's starting value: the bot answers everything it can.
START = 0.0
#: Rows shown in the widget's table (every 0.05).
TABLE_STEP = 0.05


def bot_messages(messages: pd.DataFrame) -> pd.DataFrame:
    """The messages of the bot's channels (:data:`BOT_CHANNELS`); all messages when the table
    has no such channel.

    >>> m = pd.DataFrame({"channel": ["APP智能客服", "电话客服"], "text": ["a", "b"]})
    >>> bot_messages(m).text.tolist()
    ['a']
    """
    if "channel" in messages:
        mask = messages["channel"].isin(BOT_CHANNELS)
        if mask.any():
            return messages[mask].copy()
    return messages.copy()


def months_spanned(dates) -> int:
    """Number of calendar months from the first to the last date (inclusive), at least 1.

    >>> months_spanned(pd.Series(["2023-01-15", "2023-03-02"]))
    3
    """
    d = pd.to_datetime(pd.Series(dates), errors="coerce").dropna()
    if d.empty:
        return 1
    lo, hi = d.min(), d.max()
    return max(1, (hi.year - lo.year) * 12 + hi.month - lo.month + 1)


def service_targets(table: pd.DataFrame, max_wrong_share: float = MAX_WRONG_SHARE,
                    step: float = REDUCTION_STEP) -> dict:
    """The service target from a threshold table: ``max_wrong_share``, ``max_handoff_share``
    (0-1) and ``min_reduction`` (= 1 - max_handoff_share).

    ``min_reduction`` is the largest hand-off reduction any threshold reaches while keeping
    the wrong-answer share, rounded down to ``step``.

    >>> t = pd.DataFrame({"threshold": [0.2, 0.4, 0.6], "wrong_share_of_answered": [0.2, 0.04, 0.0],
    ...                   "handoff_rate": [0.3, 0.72, 0.9]})
    >>> service_targets(t)["min_reduction"]
    0.25
    """
    ok = table[table["wrong_share_of_answered"] <= max_wrong_share + 1e-12]
    best = float(1.0 - ok["handoff_rate"].min()) if len(ok) else 0.0
    reduction = math.floor(best / step + 1e-9) * step
    reduction = round(reduction, 4)
    return {"max_wrong_share": float(max_wrong_share), "min_reduction": reduction,
            "max_handoff_share": round(1.0 - reduction, 4)}


def meets(row: Mapping[str, float], targets: Mapping[str, float]) -> tuple[bool, bool]:
    """``(wrong-answer target met, workload target met)`` for one row of a threshold table."""
    share = row["wrong_share_of_answered"]
    wrong_ok = bool(row["answered"] > 0 and share <= targets["max_wrong_share"] + 1e-12)
    load_ok = bool(row["handoff_rate"] <= targets["max_handoff_share"] + 1e-12)
    return wrong_ok, load_ok


class ThresholdLookup:
    """A bot's threshold table on :data:`GRID`, computed once; rows for any threshold.

    Off-grid thresholds are computed exactly with :func:`course_utils.chatbot.threshold_table`.
    """

    def __init__(self, bot: chatbot.FaqBot, texts: list[str], intents: list[str], months: int):
        self.bot, self.texts, self.intents, self.months = bot, texts, intents, int(months)
        self.table = chatbot.threshold_table(bot, texts, intents, list(GRID),
                                             minutes_per_handoff=MINUTES_PER_HANDOFF)
        # at threshold 0 the bot answers every message no rule sends to a human: the rest are forced
        self.forced = int(self.table.loc[self.table["threshold"] == 0.0, "handoffs"].iloc[0])

    def row(self, threshold: float) -> dict:
        """The table's row for ``threshold`` (0-1)."""
        grid = self.table["threshold"].to_numpy()
        i = np.flatnonzero(np.isclose(grid, threshold, rtol=0, atol=1e-9))
        if len(i):
            return self.table.iloc[int(i[0])].to_dict()
        t = chatbot.threshold_table(self.bot, self.texts, self.intents, [float(threshold)],
                                    minutes_per_handoff=MINUTES_PER_HANDOFF)
        return t.iloc[0].to_dict()


def read_threshold(answer: Any) -> tuple[float | None, str]:
    """The threshold from a number, ``{"threshold": t}`` or the widget's values; or a message."""
    if isinstance(answer, Mapping):
        if "threshold" not in answer:
            return None, "答案应该是阈值（0–1 之间的数），或控件 app4；这个字典里没有 'threshold'。"
        answer = answer["threshold"]
    if isinstance(answer, str):
        return None, "阈值是文字，不是数字：去掉引号，例如 0.5。"
    x = answers.to_number(answer)
    if x is None:
        return None, f"答案应该是一个阈值（0–1 之间的数），你给的是{answers.type_name(answer)}。"
    if 1 < x <= 100:
        return None, "阈值是 0–1 之间的置信度 (confidence)，不是百分数：例如 0.5，而不是 50（控件上的 50% 写成 0.5）。"
    if not 0 <= x <= 1:
        return None, "阈值应在 0 到 1 之间：机器人的置信度是 0–1 的相似度。"
    return x, ""


def diagnose_threshold(answer: Any, lookup: ThresholdLookup, targets: Mapping[str, float]) -> str | None:
    """None if the threshold meets both targets; else which one it misses, and which way to move."""
    t, msg = read_threshold(answer)
    if t is None:
        return msg
    row = lookup.row(t)
    if row["answered"] == 0:
        return f"阈值 {t:g} 太高：机器人一条也不回答，全部转人工，人工工作量没有减少。阈值要低一些。"
    wrong_ok, load_ok = meets(row, targets)
    share, limit = row["wrong_share_of_answered"], targets["max_wrong_share"]
    if not wrong_ok:
        if row["wrong_rate"] <= limit:
            return (f"阈值 {t:g} 时答错占全部消息 {percent(row['wrong_rate'])}，但目标说的是答错占"
                    f"**机器人回答的**消息：那是 {percent(share)}，超过 {percent(limit)}。"
                    "你可能看的是 wrong_rate，应该看 wrong_share_of_answered；阈值要再高一些。")
        return (f"阈值 {t:g} 时机器人答错的占它回答的 {percent(share)}，超过 {percent(limit)}："
                "阈值太低，机器人在没把握时也回答了，要再高一些。")
    if not load_ok:
        return (f"阈值 {t:g} 时答错率达标，但转人工占 {percent(row['handoff_rate'])}，"
                f"超过目标 {percent(targets['max_handoff_share'])}（人工工作量至少减少 "
                f"{percent(targets['min_reduction'])}）：阈值太保守，机器人能答对的也交给了人工，要再低一些。")
    return None


def outcome_bars_html(parts, months: int, title: str = "", width_px: int = 360) -> str:
    """Where the messages go, per month, as HTML bars (blue right, vermilion wrong, grey human).

    ``parts``: ``[(label, count over the whole period, colour), ...]``.

    >>> "转人工" in outcome_bars_html([("转人工", 12, "#A7B1BC")], months=12)
    True
    """
    vmax = max([float(c) for _, c, _ in parts] + [1e-9])
    rows = "".join(
        f"<tr><td style='text-align:right;padding-right:6px;white-space:nowrap'>{_html.escape(label)}</td>"
        f"<td><div style='height:14px;width:{float(c) / vmax * width_px:.1f}px;background:{colour}'></div></td>"
        f"<td style='padding-left:6px;white-space:nowrap'>{float(c) / months:,.0f} 条/月</td></tr>"
        for label, c, colour in parts)
    head = f"<div style='font-weight:bold;margin:4px 0'>{_html.escape(title)}</div>" if title else ""
    return (f"<div class='course-html-bars'>{head}"
            f"<table style='border-collapse:collapse;font-size:13px'>{rows}</table></div>")


def render_threshold(values: Mapping[str, Any], lookup: ThresholdLookup,
                     targets: Mapping[str, float]) -> list:
    """Redraw of the widget (pure): key figures, monthly bars and the table around the threshold."""
    t = float(values["threshold"])
    row = lookup.row(t)
    n = len(lookup.texts)
    per_month = n / lookup.months
    answered = row["answered"]
    wrong = row["wrong_rate"] * n
    right = answered - wrong
    wrong_ok, load_ok = meets(row, targets)
    mark = {True: "√ 达标", False: "× 未达标"}
    share = row["wrong_share_of_answered"]
    share_txt = "—（一条也不回答）" if answered == 0 else percent(share)
    head = (f"<p style='margin:2px 0;font-size:13px'><b>阈值 {t:.2f}</b>：机器人回答 "
            f"{percent(row['answer_rate'])} 的咨询，其中答错 {share_txt}；"
            f"转人工 {percent(row['handoff_rate'])}（每月约 {row['handoffs'] / lookup.months:,.0f} 条、"
            f"{row['human_hours'] / lookup.months:,.1f} 小时；其中 {lookup.forced / lookup.months:,.0f} 条"
            "是投诉、利率协商等必须人工处理的）。</p>")
    goals = (f"<p style='margin:2px 0;font-size:13px'>服务目标：答错 ≤ 机器人回答的 {percent(targets['max_wrong_share'])}"
             f" —— {mark[wrong_ok]}；转人工 ≤ 全部咨询的 {percent(targets['max_handoff_share'])}"
             f"（人工工作量至少减少 {percent(targets['min_reduction'])}）—— {mark[load_ok]}。</p>")
    bars = outcome_bars_html([("机器人答对", right, GOOD), ("机器人答错", wrong, BAD),
                              ("转人工", row["handoffs"], NEUTRAL)], lookup.months,
                             title=f"每月约 {per_month:,.0f} 条在线咨询的去向")
    rows = []
    tab = lookup.table
    for _, r in tab[np.isclose((tab["threshold"] / TABLE_STEP) % 1, 0, atol=1e-6)
                    | np.isclose((tab["threshold"] / TABLE_STEP) % 1, 1, atol=1e-6)].iterrows():
        here = abs(r["threshold"] - t) < TABLE_STEP / 2 - 1e-9 or abs(r["threshold"] - t) < 1e-9
        style = " style='background:#dbe9f6;font-weight:bold'" if here else ""
        ws = "—" if r["answered"] == 0 else percent(r["wrong_share_of_answered"])
        cells = [f"{r['threshold']:.2f}", percent(r["answer_rate"]), ws, percent(r["wrong_rate"]),
                 percent(r["handoff_rate"]), f"{r['human_hours'] / lookup.months:,.1f}"]
        rows.append(f"<tr{style}>" + "".join(f"<td style='padding:1px 8px;text-align:right'>{c}</td>"
                                            for c in cells) + "</tr>")
    heads = ("阈值", "回答率", "答错/回答", "答错/全部", "转人工", "人工小时/月")
    table = ("<details><summary style='font-size:13px'>各阈值一览（每 0.05 一行，蓝底 = 当前附近）</summary>"
             "<table style='font-size:13px;border-collapse:collapse'><tr>"
             + "".join(f"<th style='padding:1px 8px'>{_html.escape(h)}</th>" for h in heads) + "</tr>"
             + "".join(rows) + "</table></details>")
    note = (f"<p style='margin:2px 0;font-size:12px;color:#51606f'>统计范围：{_html.escape('、'.join(BOT_CHANNELS))}"
            f" 渠道的 {n:,} 条咨询（{lookup.months} 个月）；“答错” = 机器人匹配的意图和人工标注的意图不同；"
            f"假设每条转人工的咨询占用坐席 {MINUTES_PER_HANDOFF:g} 分钟。</p>")
    return [head, goals, bars, table, note]


class ChatbotThreshold(Exercise):
    """Q4: a confidence threshold meeting the wrong-answer and the workload targets."""

    id = "L4.chatbot_threshold"
    title = "设定客服机器人的置信度阈值"
    hints = [
        "阈值越高，机器人越“谨慎”：回答得少、答错得少，转人工的多。先把滑块从 0 慢慢往右拖，看两条目标何时变成 √。",
        "答错率的目标是“答错 ÷ 机器人回答的条数”（表里的 wrong_share_of_answered），不是“答错 ÷ 全部咨询”（wrong_rate）。",
        "用 threshold_table(q4.bot, q4.texts, q4.intents, thresholds) 算出每个阈值的一行，"
        "保留 wrong_share_of_answered ≤ 目标、handoff_rate ≤ 目标的行，取其中最小的阈值（机器人回答得最多）。",
    ]
    solution_code = (
        "import numpy as np\n"
        "thresholds = np.round(np.arange(0, 1.001, 0.01), 2)               # 0.00, 0.01, ... 1.00\n"
        "table = threshold_table(q4.bot, q4.texts, q4.intents, thresholds)\n"
        "goal = q4.targets\n"
        "ok = table[(table['wrong_share_of_answered'] <= goal['max_wrong_share'])   # 答错 ÷ 回答\n"
        "           & (table['handoff_rate'] <= goal['max_handoff_share'])]         # 转人工占比\n"
        "answer4 = float(ok['threshold'].min())                           # 达标的阈值里最小的：机器人答得最多\n"
        "app4.set_values(threshold_pct=round(100 * answer4))              # 控件上是百分数"
    )
    success = ("答对了！这个阈值让机器人只在有把握时回答（答错率达标），又真正分担了人工。"
               "阈值是业务决定：答错一次的代价（客户不满、投诉）和人工成本要一起权衡。")
    untouched_message = "滑块还在 0%（机器人什么都回答）：先拖动阈值滑块，看两条服务目标，再检查。"

    @property
    def bot(self) -> chatbot.FaqBot:
        """The FAQ bot (threshold set per call)."""
        return self.context["lookup"].bot

    @property
    def texts(self) -> list:
        """The chat messages the bot is evaluated on (a copy)."""
        return list(self.context["lookup"].texts)

    @property
    def intents(self) -> list:
        """Their intents as labelled by agents (a copy)."""
        return list(self.context["lookup"].intents)

    @property
    def months(self) -> int:
        """Calendar months the messages span (to express the workload per month)."""
        return self.context["lookup"].months

    @property
    def targets(self) -> dict:
        """``max_wrong_share``, ``max_handoff_share``, ``min_reduction`` (fractions; a copy)."""
        return dict(self.context["targets"])

    @property
    def table(self) -> pd.DataFrame:
        """The threshold table on the widget's grid (a copy)."""
        return self.context["lookup"].table.copy()

    def expected(self) -> float:
        tab = self.context["lookup"].table
        ok = [float(r["threshold"]) for _, r in tab.iterrows() if all(meets(r, self.context["targets"]))]
        return min(ok)

    def is_untouched(self, answer: Any) -> bool:
        if super().is_untouched(answer):
            return True
        return (isinstance(answer, Mapping) and set(answer) == {"threshold"}
                and answers.to_number(answer["threshold"]) == START)

    def diagnose(self, answer: Any) -> str | None:
        return diagnose_threshold(answer, self.context["lookup"], self.context["targets"])


def slider_values(values: Mapping[str, Any]) -> dict:
    """The widget's percent slider as the answer ``{"threshold": 0-1}``.

    >>> slider_values({"threshold_pct": 42})
    {'threshold': 0.42}
    """
    return {"threshold": round(float(values["threshold_pct"]) / 100, 2)}


def chatbot_threshold_app(exercise: ChatbotThreshold):
    """The threshold widget: one slider (0-1, step 0.01) and the check button."""
    import ipywidgets as W

    from course_utils.exercises import WidgetExercise

    lookup, targets = exercise.context["lookup"], exercise.context["targets"]
    # percent on the slider (whole steps; the browser reads an integer position exactly),
    # a 0-1 confidence everywhere else
    slider = W.IntSlider(value=round(100 * START), min=0, max=100, step=1, description="置信度阈值（%）",
                         style={"description_width": "initial"}, layout=W.Layout(width="520px"))
    instructions = (
        "<p style='margin:2px 0'>机器人对每条咨询找出最像的 FAQ 问题，相似度就是它的置信度 (confidence)。"
        "置信度达到阈值才自动回答，否则转人工。拖动阈值（滑块上是百分数：42 表示 0.42），找一个同时满足两条服务目标的值："
        f"答错不超过机器人回答的 {percent(targets['max_wrong_share'])}，"
        f"转人工不超过全部咨询的 {percent(targets['max_handoff_share'])}。</p>")

    def render(values):
        return render_threshold(slider_values(values), lookup, targets)

    return WidgetExercise({"threshold_pct": slider}, render, title="练习 4：客服机器人的置信度阈值",
                          exercise=exercise, answer=slider_values, name="L4.chatbot_threshold",
                          instructions=instructions)
