"""The two-day course map: lectures, time slots, one line each, notebook paths.

One table feeds the start page (notebooks/00_start.ipynb), the course-map
section of Lecture 1 and the tests that every notebook is on the start page.
Links are made only to notebooks that exist; planned ones show 即将推出.

>>> [lec.key for lec in LECTURES]
['L1', 'L2', 'L3', 'L4', 'L5']
>>> lecture("L1").notebook
'notebooks/L1_overview.ipynb'
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .config import REPO_ROOT

COMING_SOON = "即将推出"


@dataclass(frozen=True)
class Lecture:
    """One lecture: its notebooks (repo-relative paths) and what it teaches."""

    key: str            # "L1"
    number: str         # "第一讲"
    title: str          # Chinese title
    title_en: str
    summary: str        # one line: what the lecture notebook teaches
    exercise_summary: str  # one line: what the exercises practise
    notebook: str       # "notebooks/L1_overview.ipynb"
    exercises: str      # "exercises/L1_exercises.ipynb"
    solutions: str      # "solutions/L1_solutions.ipynb"


@dataclass(frozen=True)
class Session:
    """One time slot of the two days."""

    day: int            # 1 or 2
    slot: str           # "09:00–10:30"
    lecture: str        # lecture key
    kind: str           # "lecture" | "exercises"


LECTURES: tuple[Lecture, ...] = (
    Lecture("L1", "第一讲", "AI赋能银行客户忠诚度管理概述",
            "Overview: AI for bank customer loyalty",
            "流失率趋势、客户生命周期价值 (CLV) 分层、满意度与忠诚度的关系，以及 AI 的四个解决方案方向。",
            "用控件画出流失率趋势并标注关键事件；算各价值层的流失率、按 CLV 加权的忠诚度，以及流失率降低 20% 能留住的客户和价值。",
            "notebooks/L1_overview.ipynb", "exercises/L1_exercises.ipynb",
            "solutions/L1_solutions.ipynb"),
    Lecture("L2", "第二讲", "基于AI的客户画像与精准营销",
            "Customer profiling & precision marketing",
            "数据来源与预处理、RFM 特征工程、标签体系和客户分群，按客群设计精准营销。",
            "按业务约束选评分档数；为各客群设计合规的营销方案（产品、渠道、优惠、次数、预算、文案）并看投资回报率 (ROI)；为新数据设计预处理流水线。",
            "notebooks/L2_profiling.ipynb", "exercises/L2_exercises.ipynb",
            "solutions/L2_solutions.ipynb"),
    Lecture("L3", "第三讲", "基于AI的客户流失预警与挽留",
            "Churn early warning & retention",
            "流失客户画像、无泄漏的数据准备、随机森林预警模型和业务能看懂的评估；挽留策略与智能客服、外呼自动化。",
            "无泄漏地构建流失表；按时间外推比较三种模型并读预算内的提升度；用控件在预算内规划挽留（按风险或增益排序）；写转人工规则和外呼意向分级 (A/B/C)。",
            "notebooks/L3_churn.ipynb", "exercises/L3_exercises.ipynb",
            "solutions/L3_solutions.ipynb"),
    Lecture("L4", "第四讲", "个性化产品推荐与服务",
            "Personalised recommendation & service",
            "协同过滤、基于内容和混合推荐；理财产品推荐实例；客户留言情感分析与满意度调查分析。",
            "手算并用函数计算 precision@k / recall@k / 覆盖率；用控件搭建打败热门基线且合规的推荐；训练情感模型并找出它的错误；用控件设定客服机器人的置信度阈值。",
            "notebooks/L4_recommendation.ipynb", "exercises/L4_exercises.ipynb",
            "solutions/L4_solutions.ipynb"),
    Lecture("L5", "第五讲", "未来展望",
            "Outlook",
            "AI 趋势与挑战；客户旅程触发、高价值客户挽留、长尾激活和情绪驱动的服务修复案例，以及如何用对照组检验效果。",
            "从网页访问中找出“留学金融”触发名单；用控件设计有足够检验效能的实验；用控件设计阶梯加息券；写出周环比 APP 时长下降的触发规则。",
            "notebooks/L5_outlook.ipynb", "exercises/L5_exercises.ipynb",
            "solutions/L5_solutions.ipynb"),
)

@dataclass(frozen=True)
class Appendix:
    """Optional material outside the two-day schedule (own environment, own command)."""

    key: str            # "A1"
    title: str          # Chinese title
    title_en: str
    summary: str        # one line: what it shows
    notebook: str       # "notebooks/A1_scale_spark.ipynb"
    command: str        # how to open it


#: Optional material (选学): listed on the start page when its notebook exists.
APPENDICES: tuple[Appendix, ...] = (
    Appendix("A1", "附录一 同样的特征和评分，放到 Spark 上", "Appendix: the same features and scores on Apache Spark",
             "第二讲的 RFM 与客群、第三讲的流失特征表和模型打分，用 Apache Spark 计算并与 pandas 逐项核对；"
             "同一段代码如何搬到集群。",
             "notebooks/A1_scale_spark.ipynb", "python3 course.py spark"),
)

SCHEDULE: tuple[Session, ...] = (
    Session(1, "09:00–09:50", "L1", "lecture"),
    Session(1, "09:50–10:30", "L1", "exercises"),
    Session(1, "10:45–12:00", "L2", "lecture"),
    Session(1, "13:30–14:30", "L2", "exercises"),
    Session(1, "14:45–17:00", "L3", "lecture"),
    Session(2, "09:00–10:15", "L3", "exercises"),
    Session(2, "10:30–12:00", "L4", "lecture"),
    Session(2, "13:30–14:30", "L4", "exercises"),
    Session(2, "14:45–16:00", "L5", "lecture"),
    Session(2, "16:00–17:00", "L5", "exercises"),
)

#: The four AI solution areas of Lecture 1 and the lectures that teach them.
SOLUTION_AREAS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("客户画像与精准营销", "Profiling & precision marketing", ("L2",),
     "看清每位客户是谁、需要什么，把营销资源投给最可能响应的客群。"),
    ("客户流失预警与挽留", "Churn warning & retention", ("L3",),
     "在客户离开之前识别风险，用有限的预算挽留最值得挽留的客户。"),
    ("个性化产品推荐与服务", "Personalised recommendation & service", ("L4",),
     "按客户的偏好推荐理财、贷款、保险产品，而不是人人一样。"),
    ("智能客服与客户关系维护", "Smart service & relationship care", ("L3", "L4", "L5"),
     "话术模板、智能外呼、情感分析和情绪预警，让服务既省成本又有温度。"),
)

DAY_NAMES = {1: "第一天", 2: "第二天"}


def minutes(lecture_key: str, kind: str) -> int:
    """Minutes the two-day map gives a lecture's ``kind`` ("lecture" or "exercises").

    Lecture sources state these durations ("讲授约 50 分钟"); a test holds them to the map.

    >>> minutes("L1", "lecture"), minutes("L1", "exercises")
    (50, 40)
    """
    total = 0
    for s in SCHEDULE:
        if s.lecture == lecture_key and s.kind == kind:
            start, end = s.slot.split("–")
            (h1, m1), (h2, m2) = (map(int, start.split(":")), map(int, end.split(":")))
            total += (h2 * 60 + m2) - (h1 * 60 + m1)
    return total


def lecture(key: str) -> Lecture:
    """The lecture with ``key`` (``"L1"`` ... ``"L5"``).

    >>> lecture("L2").title
    '基于AI的客户画像与精准营销'
    """
    for lec in LECTURES:
        if lec.key == key:
            return lec
    raise KeyError(f"unknown lecture {key!r}; have {[lec.key for lec in LECTURES]}")


def exists(path: str, root: Path | None = None) -> bool:
    """Whether the repo-relative notebook ``path`` exists."""
    return ((root or REPO_ROOT) / path).exists()


def rel_link(path: str, from_dir: str = "notebooks") -> str:
    """Link to repo-relative ``path`` from a notebook in ``from_dir`` (POSIX).

    >>> rel_link("exercises/L1_exercises.ipynb")
    '../exercises/L1_exercises.ipynb'
    >>> rel_link("notebooks/L1_overview.ipynb")
    'L1_overview.ipynb'
    """
    return Path(os.path.relpath(path, from_dir)).as_posix()


def md_link(text: str, path: str, from_dir: str = "notebooks", root: Path | None = None) -> str:
    """Markdown link if the notebook exists, else ``text（即将推出）``."""
    if exists(path, root):
        return f"[{text}]({rel_link(path, from_dir)})"
    return f"{text}（{COMING_SOON}）"


def all_notebooks() -> list[str]:
    """Every lecture and exercise notebook path on the map (repo-relative)."""
    return [p for lec in LECTURES for p in (lec.notebook, lec.exercises)] + [a.notebook for a in APPENDICES]


def start_page_markdown(from_dir: str = "notebooks", root: Path | None = None) -> str:
    """The two-day map as Markdown tables (time slot, content, notebook, one line).

    Only existing notebooks are linked; planned ones are marked 即将推出.
    """
    lines: list[str] = []
    for day in sorted({s.day for s in SCHEDULE}):
        lines.append(f"### {DAY_NAMES.get(day, f'第{day}天')} · Day {day}\n")
        lines.append("| 时间 | 内容 | 笔记本 | 学什么 |")
        lines.append("|---|---|---|---|")
        for s in (s for s in SCHEDULE if s.day == day):
            lec = lecture(s.lecture)
            if s.kind == "lecture":
                content = f"{lec.number} {lec.title}"
                link = md_link("讲义", lec.notebook, from_dir, root)
                what = lec.summary
            else:
                content = f"{lec.number} 练习"
                link = md_link("练习", lec.exercises, from_dir, root)
                what = lec.exercise_summary
            lines.append(f"| {s.slot} | {content} | {link} | {what} |")
        lines.append("")
    extra = [a for a in APPENDICES if exists(a.notebook, root)]
    if extra:
        lines.append("### 选学材料 · Optional material\n")
        lines.append("| 内容 | 笔记本 | 怎么打开 | 学什么 |")
        lines.append("|---|---|---|---|")
        for a in extra:
            lines.append(f"| {a.title} | {md_link('笔记本', a.notebook, from_dir, root)} | "
                         f"`{a.command}` | {a.summary} |")
        lines.append("")
    return "\n".join(lines)


def solution_areas_markdown(from_dir: str = "notebooks", root: Path | None = None) -> str:
    """The four AI solution areas with links to the lectures that teach them."""
    lines = ["| 解决方案方向 | 做什么 | 在哪一讲 |", "|---|---|---|"]
    for name, name_en, keys, what in SOLUTION_AREAS:
        links = "、".join(md_link(f"{lecture(k).number} {lecture(k).title}",
                                 lecture(k).notebook, from_dir, root) for k in keys)
        lines.append(f"| {name} ({name_en}) | {what} | {links} |")
    return "\n".join(lines)


def show_start_page(from_dir: str = "notebooks"):
    """IPython Markdown object of :func:`start_page_markdown` (for the start page)."""
    from IPython.display import Markdown
    return Markdown(start_page_markdown(from_dir))


def show_solution_areas(from_dir: str = "notebooks"):
    """IPython Markdown object of :func:`solution_areas_markdown` (for Lecture 1)."""
    from IPython.display import Markdown
    return Markdown(solution_areas_markdown(from_dir))
