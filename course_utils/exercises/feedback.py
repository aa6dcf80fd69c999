"""What a trainee sees: a check result, a hint or a solution, as an HTML box or plain text.

Icons are characters every Chinese font has (they are in GB2312 and in the
bundled ``CourseSansSC`` font), so they render on a machine without an emoji
font: √ correct, × incorrect, … not attempted, ？ hint, ◎ solution, ！ error.

>>> str(CheckResult(INCORRECT, "数值偏大。"))
'× 还不对：数值偏大。'
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field

CORRECT = "correct"
INCORRECT = "incorrect"
NOT_ATTEMPTED = "not_attempted"
STATUSES = (CORRECT, INCORRECT, NOT_ATTEMPTED)

#: Class put in every engine error box (widget render errors); tests scan
#: executed notebooks and browser pages for it.
ERROR_MARKER = "course-engine-error"

#: kind -> (icon, label, border colour, background). Colour is never the only
#: carrier of the outcome: the icon and the label say it too.
STYLE = {
    CORRECT: ("√", "正确", "#1f5fa8", "#e8f0fa"),
    INCORRECT: ("×", "还不对", "#c0580a", "#fdf0e6"),
    NOT_ATTEMPTED: ("…", "尚未作答", "#546e7a", "#eceff1"),
    "hint": ("？", "提示", "#8a6d00", "#fffbe6"),
    "solution": ("◎", "参考答案", "#4527a0", "#ede7f6"),
    "error": ("！", "出错了", "#b71c1c", "#fff3e0"),
}


def box_html(kind: str, title: str, body_html: str, label: str = "") -> str:
    """One coloured feedback box; ``body_html`` must already be escaped.

    >>> 'class="course-feedback course-hint"' in box_html("hint", "", "x")
    True
    """
    icon, default_label, border, bg = STYLE[kind]
    head = f"{icon} <b>{html.escape(label or default_label)}</b>"
    if title:
        head += f" · {html.escape(title)}"
    return (f'<div class="course-feedback course-{kind}" '
            f'style="border-left:6px solid {border};background:{bg};'
            f'padding:8px 12px;margin:4px 0;border-radius:4px;color:#212121;'
            f'font-size:14px;line-height:1.6">'
            f'<div>{head}</div><div>{body_html}</div></div>')


def text_html(text: str) -> str:
    """Escape plain text for a box (line breaks kept).

    >>> text_html("a<b\\nc")
    'a&lt;b<br>c'
    """
    return html.escape(str(text)).replace("\n", "<br>")


def error_box_html(message: str, title: str = "") -> str:
    """HTML of an error box carrying :data:`ERROR_MARKER`.

    >>> ERROR_MARKER in error_box_html("图表更新失败")
    True
    """
    body = (text_html(message)
            + f'<span class="{ERROR_MARKER}" style="display:none">{ERROR_MARKER}</span>')
    return box_html("error", title, body)


@dataclass
class CheckResult:
    """Outcome of ``Exercise.check``: status, Chinese message, developer detail.

    ``status`` is ``"correct"``, ``"incorrect"`` or ``"not_attempted"``;
    ``detail`` holds a traceback for instructors and ``error`` the class name
    of the exception when the check program itself failed; neither is shown
    to trainees. ``bool(result)`` is True only when correct.

    >>> r = CheckResult(CORRECT, "答对了！")
    >>> bool(r), str(r)
    (True, '√ 正确：答对了！')
    """

    status: str
    message: str
    exercise: str = ""
    title: str = ""
    detail: str = field(default="", repr=False)
    error: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        icon, label, *_ = STYLE[self.status]
        return f"{icon} {label}：{self.message}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return box_html(self.status, self.title, text_html(self.message))


@dataclass
class Feedback:
    """A hint, a solution or an error note, shown as a box (code in ``<pre>``).

    >>> str(Feedback("hint", "先按 CLV 从高到低排序。", label="提示 1/3"))
    '？ 提示 1/3：先按 CLV 从高到低排序。'
    """

    kind: str  # "hint" | "solution" | "error"
    text: str
    label: str = ""
    code: bool = False
    title: str = ""

    def __str__(self) -> str:
        icon, default_label, *_ = STYLE[self.kind]
        sep = "\n" if self.code or "\n" in self.text else ""
        return f"{icon} {self.label or default_label}：{sep}{self.text}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        if self.code:
            body = ('<pre style="background:#fafafa;padding:6px 8px;margin:4px 0;'
                    'white-space:pre-wrap;font-size:13px">'
                    f'{html.escape(self.text)}</pre>')
        else:
            body = text_html(self.text)
        return box_html(self.kind, self.title, body, label=self.label)
