"""The Exercise class: declare metadata, write ``diagnose``; the engine does the rest.

An author writes::

    class Double(Exercise):
        id = "demo.double"
        title = "把数字翻倍"
        hints = ["乘以 2。"]
        solution_code = "answer = number * 2"

        def expected(self):                 # the right answer, from the bound context
            return self.context["number"] * 2

        def diagnose(self, answer):         # None = correct, else what is wrong
            x = answers.to_number(answer)
            if x is None:
                return f"答案应该是一个数字，你给的是{answers.type_name(answer)}。"
            return None if x == self.expected() else "还不对：是不是忘了乘以 2？"

    q1 = Double(number=21)                  # keyword arguments -> self.context

and the engine guarantees, for ANY answer a trainee hands in:

* ``check`` never raises. Its order: a widget app is replaced by its answer;
  ``____`` anywhere in the answer, or :meth:`Exercise.is_untouched`, gives
  "not attempted"; ``None`` gets its own message; then ``diagnose``. If
  ``diagnose`` (or the hook, or the widget) raises, or returns something that
  is not None or a non-empty text, the result is *incorrect* with "the check
  itself failed, not your fault" -- never *correct*.
* ``hint(level)`` and ``solution()`` never raise, whatever ``level`` is.
* Checks, hints and solution views are logged privately (see ``progress``).

>>> class Double(Exercise):
...     id = "demo.double"
...     def diagnose(self, answer):
...         return None if answer == 42 else "还不对。"
>>> q = Double()
>>> [q.check(a).status for a in (____, 42, 40, None)]
['not_attempted', 'correct', 'incorrect', 'incorrect']
"""
from __future__ import annotations

import inspect
import logging
import math
import traceback
from numbers import Integral
from typing import Any, Sequence

from .answers import type_name
from .feedback import CORRECT, INCORRECT, NOT_ATTEMPTED, CheckResult, Feedback
from .placeholder import ____, contains_placeholder
from .progress import record_progress

log = logging.getLogger("course_utils.exercises")
# A library must not print to a trainee's notebook through logging's
# last-resort handler; the detail is in CheckResult.detail.
log.addHandler(logging.NullHandler())

_REGISTRY: dict[str, Exercise] = {}

MSG_PLACEHOLDER = "把 ____ 换成你的答案，再运行这个单元格。"
MSG_PLACEHOLDER_INSIDE = "答案里还有 ____ 没有替换，请把所有 ____ 都填好。"
MSG_UNTOUCHED = "还没有作答：先完成题目要求的操作，再检查。"
MSG_NONE = "答案是 None（空值）。是不是忘了把结果赋给变量，或者函数里少了 return？"
MSG_EXTRA = "check() 只接收一个答案，例如 q1.check(answer1)：把答案放进一个变量再检查。"
MSG_AUTHOR_BUG = "检查程序本身有问题（不是你的错），请告诉讲师。"


def registry() -> dict[str, Exercise]:
    """Exercises created so far in this process, by id (the fuzz test and benchmarks)."""
    return dict(_REGISTRY)


class Exercise:
    """Base class of every exercise; see the module docstring for the pattern.

    Class attributes an author sets: ``id`` (``"L<n>.<name>"``), ``title``,
    ``hints`` (mildest first), ``solution_code``, ``success`` (message when
    correct), optionally ``untouched_message`` (shown when
    :meth:`is_untouched` says so) and ``allow_none``.
    """

    id: str = ""
    title: str = ""
    hints: Sequence[str] = ()
    solution_code: str = ""
    success: str = "答对了！做得好。"
    untouched_message: str = ""
    allow_none: bool = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fn = cls.__dict__.get("diagnose")
        if fn is not None:
            params = list(inspect.signature(fn).parameters)
            if len(params) != 2:
                raise TypeError(f"{cls.__name__}.diagnose must take (self, answer), got {params}")

    def __init__(self, **context: Any) -> None:
        clash = sorted(k for k in context if k.startswith("_") or hasattr(Exercise, k))
        if clash:
            raise TypeError(f"{type(self).__name__}: context names {clash} are reserved; "
                            "set exercise metadata as class attributes")
        #: The data this exercise is bound to (the lecture's ``setup`` passes it).
        self.context: dict[str, Any] = dict(context)
        if not self.id:
            self.id = type(self).__name__
        self._hint_level = 0
        self._attempts = 0
        _REGISTRY[self.id] = self

    # -- author hooks ---------------------------------------------------------
    def expected(self) -> Any:
        """The right answer computed from :attr:`context`, in one accepted form.

        Return None when the task has many right answers (a plan, a pipeline).
        Tests use it: ``assert_check_cases`` requires ``check(expected())`` to
        be correct.
        """
        return None

    def diagnose(self, answer: Any) -> str | None:
        """What is wrong with ``answer`` in Chinese, or None when it is right (override)."""
        raise NotImplementedError(f"{type(self).__name__} has no diagnose(answer)")

    def is_untouched(self, answer: Any) -> bool:
        """True while the trainee has not started ("not attempted"); override to add states.

        The default finds ``____`` anywhere in the answer (the engine checks that
        anyway); a widget exercise adds "the controls are still at their defaults".
        """
        return contains_placeholder(answer)

    # -- trainee API ----------------------------------------------------------
    def check(self, answer: Any = ____, *extra: Any, **kw: Any) -> CheckResult:
        """Check ``answer`` and return the feedback (never raises).

        ``answer`` may be the value, or a widget app (``q1.check(app1)``).
        """
        if extra or kw:
            result = self._result(INCORRECT, MSG_EXTRA)
        else:
            result = self._judge(answer)
        if result.status != NOT_ATTEMPTED:
            self._attempts += 1
            record_progress("check", self.id, status=result.status, attempt=self._attempts,
                            error=result.error or None,
                            reason=result.message if result.status == INCORRECT else None)
        return result

    def hint(self, level: Any = None) -> Feedback:
        """The next hint, or hint number ``level`` (1 = mildest); never raises."""
        try:
            return self._hint(level)
        except Exception:  # noqa: BLE001 - e.g. hints defined as something odd
            log.error("hint of %s failed:\n%s", self.id, traceback.format_exc())
            return Feedback("hint", "提示暂时无法显示（不是你的错），请告诉讲师。")

    def solution(self) -> Feedback:
        """The reference solution (``solution_code``) as code; never raises."""
        try:
            record_progress("solution", self.id)
            text = str(self.solution_code or "").strip("\n")
            if not text:
                return Feedback("solution", "这道题没有参考答案，请向讲师请教。", title=self.title)
            return Feedback("solution", text, code=True, title=str(self.title))
        except Exception:  # noqa: BLE001
            log.error("solution of %s failed:\n%s", self.id, traceback.format_exc())
            return Feedback("solution", "参考答案暂时无法显示（不是你的错），请告诉讲师。")

    # -- engine ------------------------------------------------------------------
    def _result(self, status: str, message: str, detail: str = "", error: str = "") -> CheckResult:
        return CheckResult(status, message, exercise=str(self.id), title=str(self.title),
                           detail=detail, error=error)

    def _judge(self, answer: Any) -> CheckResult:
        """``_evaluate`` behind the guard: whatever happens, a CheckResult."""
        try:
            return self._evaluate(answer)
        except Exception as exc:  # noqa: BLE001 - the check program failed, not the trainee
            return self._check_failed(answer, exc)

    def _evaluate(self, answer: Any, *_: Any, **__: Any) -> CheckResult:
        if getattr(type(answer), "is_widget_app", False):
            answer = answer.answer()
        if answer is ____:
            return self._result(NOT_ATTEMPTED, MSG_PLACEHOLDER)
        if contains_placeholder(answer):
            return self._result(NOT_ATTEMPTED, MSG_PLACEHOLDER_INSIDE)
        try:
            untouched = bool(self.is_untouched(answer))
        except Exception:  # noqa: BLE001 - a hook that cannot tell: go on checking
            log.info("is_untouched of %s raised:\n%s", self.id, traceback.format_exc())
            untouched = False
        if untouched:
            return self._result(NOT_ATTEMPTED, self.untouched_message or MSG_UNTOUCHED)
        if answer is None and not self.allow_none:
            return self._result(INCORRECT, MSG_NONE)
        try:
            message = self._diagnose(answer)
        except Exception as exc:  # noqa: BLE001
            return self._check_failed(answer, exc)
        if message is None:
            return self._result(CORRECT, self.success)
        if isinstance(message, str) and message.strip():
            return self._result(INCORRECT, message)
        detail = f"{type(self).__name__}.diagnose returned {message!r}: expected None or a message"
        log.error("%s", detail)
        return self._result(INCORRECT, MSG_AUTHOR_BUG, detail, "CheckDefinitionError")

    def _diagnose(self, answer: Any) -> Any:
        return self.diagnose(answer)

    def _check_failed(self, answer: Any, exc: BaseException) -> CheckResult:
        detail = traceback.format_exc()
        log.info("check of %s raised:\n%s", self.id, detail)
        return self._result(
            INCORRECT,
            "检查程序没能判断这个答案（不是你的错）：它的类型或格式可能和题目要求的不一样"
            f"（你给的是{type_name(answer)}）。请对照题目再看一下；如果确定没问题，请告诉讲师。",
            detail, type(exc).__name__)

    def _hint(self, level: Any) -> Feedback:
        hints = [self.hints] if isinstance(self.hints, str) else list(self.hints or ())
        n = len(hints)
        title = str(self.title)
        if n == 0:
            return Feedback("hint", "这道题没有提示，试试看 solution()。", title=title)
        if level is None:
            self._hint_level = min(self._hint_level + 1, n)
            number = self._hint_level
        else:
            number = _hint_number(level)
            if number is None:
                return Feedback("hint", f"提示编号应是 1 到 {n} 之间的整数，例如 hint(1)。",
                                title=title)
            if not 1 <= number <= n:
                return Feedback("hint", f"这道题共有 {n} 条提示，请输入 1 到 {n}。", title=title)
            self._hint_level = max(self._hint_level, number)
        text = str(hints[number - 1])
        if number == n and n > 1:
            text += "\n（这是最后一条提示；还不行就看看 solution()。）"
        record_progress("hint", self.id, level=number)
        return Feedback("hint", text, label=f"提示 {number}/{n}", title=title)

    def __repr__(self) -> str:
        return f"<练习 {self.id}：{self.title}>"


def _hint_number(level: Any) -> int | None:
    """A hint number from 2, 2.0, "2" or "２"; None for anything else (True, 2.5, inf, "x")."""
    if isinstance(level, bool):
        return None
    if isinstance(level, Integral):
        return int(level)
    if isinstance(level, float) and math.isfinite(level) and level.is_integer():
        return int(level)
    if isinstance(level, str) and level.strip().isdigit() and len(level.strip()) < 6:
        return int(level.strip())
    return None
