"""Exercise engine: placeholder, check / hint / solution, feedback, progress log.

In the spirit of Kaggle Learn's ``learntools``. A trainee replaces the
placeholder ``____`` with an answer and calls ``q1.check(answer)``; the result
is one of three outcomes:

* ``correct``        -- green box;
* ``incorrect``      -- red box saying *what* is wrong, never the answer;
* ``not_attempted``  -- grey box while ``____`` is still in the answer.

Feedback renders as HTML in Jupyter (``_repr_html_``) and as plain text
elsewhere (``__str__``). A trainee's bad answer (wrong type, NaN, an empty
frame, a half-finished dict) never produces a traceback: exceptions raised
inside a checker become a friendly "incorrect" message and the detail goes to
the progress log for the instructor.

Writing an exercise (see docs/AUTHORING.md)::

    from course_utils.exercises.core import Exercise, is_number, close_to

    class TotalClv(Exercise):
        id = "L1.total_clv"
        title = "计算客户生命周期价值总和"
        hints = ["用 `customers['clv']` 取出这一列。", "对这一列调用 `.sum()`。"]
        solution_code = "total = customers['clv'].sum()"
        checks = [is_number(), close_to(rtol=0.001, unit="元")]

        def expected(self):
            return self.ctx["customers"]["clv"].sum()

    q1 = TotalClv(customers=customers)
    q1.check(____)          # -> not attempted
    q1.check(123.0)         # -> incorrect: "数值偏小 ..."

Each check function takes ``(answer, expected)`` and returns ``(ok, message)``
(``None`` or ``True`` also mean ok). Checks run in order; the first failure
gives the message. When one function diagnoses the whole answer, override
``diagnose(self, answer, expected)`` and return the message, or None when
correct. For anything else override ``check_answer(self, answer, expected)``
and return/yield ``(ok, message)``.

Test every exercise with :func:`assert_check_cases`.
"""
from __future__ import annotations

import datetime as _dt
import getpass
import html
import json
import logging
import math
import os
import traceback
from dataclasses import dataclass, field
from numbers import Number
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

log = logging.getLogger("course_utils.exercises")
# A library must not print to a trainee's notebook through logging's
# last-resort handler; instructors read the progress log instead.
log.addHandler(logging.NullHandler())

CORRECT = "correct"
INCORRECT = "incorrect"
NOT_ATTEMPTED = "not_attempted"
STATUSES = (CORRECT, INCORRECT, NOT_ATTEMPTED)

#: Marker put in every engine-generated error box (widget render errors);
#: tests scan executed notebooks for it.
ERROR_MARKER = "course-engine-error"


# --------------------------------------------------------------------------
# Placeholder
# --------------------------------------------------------------------------
class _Placeholder:
    """The ``____`` sentinel a trainee replaces with an answer.

    Arithmetic, attribute access and calls on it return the placeholder again,
    so a half-written expression such as ``rate = ____ / 100`` or
    ``____.mean()`` still runs and the check reports "not attempted".

    >>> (____ / 100) is ____
    True
    """

    _instance: "_Placeholder | None" = None

    def __new__(cls) -> "_Placeholder":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "____"

    __str__ = __repr__

    def __reduce__(self):  # copy/pickle keep the singleton
        return (_Placeholder, ())

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> "_Placeholder":
        return self

    def __getitem__(self, key: Any) -> "_Placeholder":
        return self

    def __bool__(self) -> bool:
        return False

    def _same(self, *args: Any) -> "_Placeholder":
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _same
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = _same
    __mod__ = __rmod__ = __pow__ = __rpow__ = __neg__ = __pos__ = __abs__ = _same
    __round__ = _same


____ = _Placeholder()
PLACEHOLDER = ____


def contains_placeholder(obj: Any, _depth: int = 0) -> bool:
    """True when ``obj`` is ``____`` or holds it somewhere inside.

    Looks into dicts (keys and values), lists, tuples, sets, numpy object
    arrays and pandas objects of object dtype, up to 6 levels deep.

    >>> contains_placeholder({"2021": 0.15, "2022": ____})
    True
    >>> contains_placeholder([0.15, 0.18])
    False
    """
    if obj is ____:
        return True
    if _depth > 6:
        return False
    if isinstance(obj, (str, bytes, Number)) or obj is None:
        return False
    if isinstance(obj, Mapping):
        return any(contains_placeholder(k, _depth + 1) or contains_placeholder(v, _depth + 1)
                   for k, v in obj.items())
    if isinstance(obj, (list, tuple, set, frozenset)):
        return any(contains_placeholder(v, _depth + 1) for v in obj)
    try:  # pandas / numpy without importing them eagerly
        import numpy as np
        import pandas as pd
    except ImportError:  # pragma: no cover
        return False
    if isinstance(obj, pd.DataFrame):
        if any(c is ____ for c in obj.columns) or any(i is ____ for i in obj.index):
            return True
        return any(contains_placeholder(obj[c], _depth + 1)
                   for c in obj.columns if obj[c].dtype == object)
    if isinstance(obj, (pd.Series, pd.Index)):
        if isinstance(obj, pd.Series) and any(i is ____ for i in obj.index):
            return True
        if obj.dtype == object:
            return any(v is ____ or (isinstance(v, (list, tuple, dict))
                                     and contains_placeholder(v, _depth + 1))
                       for v in obj.tolist())
        return False
    if isinstance(obj, np.ndarray) and obj.dtype == object:
        return any(contains_placeholder(v, _depth + 1) for v in obj.ravel().tolist())
    return False


# --------------------------------------------------------------------------
# Feedback objects
# --------------------------------------------------------------------------
_STYLE = {
    # kind: (icon, label, border colour, background)
    CORRECT: ("✅", "正确", "#2e7d32", "#e8f5e9"),
    INCORRECT: ("❌", "还不对", "#c62828", "#ffebee"),
    NOT_ATTEMPTED: ("✏️", "尚未作答", "#546e7a", "#eceff1"),
    "hint": ("💡", "提示", "#f9a825", "#fffde7"),
    "solution": ("📖", "参考答案", "#4527a0", "#ede7f6"),
    "error": ("⚠️", "出错了", "#e65100", "#fff3e0"),
}


def _box_html(kind: str, title: str, body_html: str) -> str:
    icon, label, border, bg = _STYLE[kind]
    head = f"{icon} <b>{html.escape(label)}</b>"
    if title:
        head += f" · {html.escape(title)}"
    return (f'<div class="course-feedback course-{kind}" '
            f'style="border-left:6px solid {border};background:{bg};'
            f'padding:8px 12px;margin:4px 0;border-radius:4px;color:#212121;'
            f'font-size:14px;line-height:1.6">'
            f'<div>{head}</div><div>{body_html}</div></div>')


def _text_html(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def error_box_html(message: str, title: str = "") -> str:
    """HTML of an orange error box carrying :data:`ERROR_MARKER`.

    >>> ERROR_MARKER in error_box_html("图表更新失败")
    True
    """
    body = _text_html(message) + f'<span class="{ERROR_MARKER}" style="display:none">' \
                                 f'{ERROR_MARKER}</span>'
    return _box_html("error", title, body)


@dataclass
class CheckResult:
    """Outcome of :meth:`Exercise.check`.

    ``status`` is ``"correct"``, ``"incorrect"`` or ``"not_attempted"``;
    ``message`` is the Chinese feedback; ``detail`` holds a developer detail
    (an exception's traceback) for instructors, never shown to trainees.
    ``bool(result)`` is True only when correct.

    >>> r = CheckResult("incorrect", "数值偏大。")
    >>> bool(r), str(r)
    (False, '❌ 还不对：数值偏大。')
    """

    status: str
    message: str
    exercise: str = ""
    title: str = ""
    detail: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        icon, label, *_ = _STYLE[self.status]
        return f"{icon} {label}：{self.message}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return _box_html(self.status, self.title, _text_html(self.message))


@dataclass
class Feedback:
    """A hint or a solution: text (or code) rendered as a coloured box.

    >>> str(Feedback("hint", "先按 CLV 从高到低排序。", label="提示 1/3"))
    '💡 提示 1/3：先按 CLV 从高到低排序。'
    """

    kind: str  # "hint" | "solution" | "error"
    text: str
    label: str = ""
    code: bool = False
    title: str = ""

    def __str__(self) -> str:
        icon, default_label, *_ = _STYLE[self.kind]
        label = self.label or default_label
        sep = "\n" if self.code or "\n" in self.text else ""
        return f"{icon} {label}：{sep}{self.text}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        icon, default_label, border, bg = _STYLE[self.kind]
        label = self.label or default_label
        if self.code:
            body = ('<pre style="background:#fafafa;padding:6px 8px;margin:4px 0;'
                    'white-space:pre-wrap;font-size:13px">'
                    f'{html.escape(self.text)}</pre>')
        else:
            body = _text_html(self.text)
        head = f"{icon} <b>{html.escape(label)}</b>"
        if self.title:
            head += f" · {html.escape(self.title)}"
        return (f'<div class="course-feedback course-{self.kind}" '
                f'style="border-left:6px solid {border};background:{bg};'
                f'padding:8px 12px;margin:4px 0;border-radius:4px;color:#212121;'
                f'font-size:14px;line-height:1.6"><div>{head}</div><div>{body}</div></div>')


# --------------------------------------------------------------------------
# Progress log
# --------------------------------------------------------------------------
def progress_path() -> Path | None:
    """Where check results are appended (JSON lines), or None when disabled.

    ``COURSE_PROGRESS_FILE`` overrides the default ``~/.course_progress.jsonl``;
    set it to ``off`` (or ``-``) to disable logging.

    >>> progress_path()  # doctest: +SKIP
    PosixPath('/home/trainee/.course_progress.jsonl')
    """
    env = os.environ.get("COURSE_PROGRESS_FILE")
    if env is not None and env.strip().lower() in ("off", "-", "none", "0"):
        return None
    if env:
        return Path(env).expanduser()
    return Path("~/.course_progress.jsonl").expanduser()


def _user() -> str:
    for var in ("COURSE_USER", "JUPYTERHUB_USER"):
        if os.environ.get(var):
            return os.environ[var]
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is fine
        return "unknown"


def record_progress(event: str, exercise: str, **fields: Any) -> None:
    """Append one JSON line to the progress log; any failure is ignored.

    Fields: ``ts`` (UTC, ISO 8601), ``user``, ``exercise``, ``event``
    (``check`` / ``hint`` / ``solution``) plus the given ones.

    >>> record_progress("check", "L1.demo", status="correct")  # never raises
    """
    try:
        path = progress_path()
        if path is None:
            return
        row = {"ts": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
               "user": _user(), "exercise": exercise, "event": event}
        row.update(fields)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    except Exception:  # noqa: BLE001 - logging progress must never disturb a trainee
        pass


_SUMMARY_COLUMNS = ["user", "exercise", "attempts", "solved", "first_correct_ts",
                    "last_status", "last_ts", "hints", "solution_viewed"]


def progress_summary(path: str | os.PathLike | None = None):
    """Summarise a progress log: one row per (user, exercise).

    Columns: ``user``, ``exercise``, ``attempts`` (number of checks that were
    not "not attempted"), ``solved`` (bool), ``first_correct_ts``,
    ``last_status``, ``last_ts``, ``hints`` (hints shown), ``solution_viewed``.
    Unreadable lines are skipped; a missing file gives an empty frame.

    >>> progress_summary("/nonexistent.jsonl").columns.tolist()[:3]
    ['user', 'exercise', 'attempts']
    """
    import pandas as pd

    p = Path(path).expanduser() if path is not None else progress_path()
    rows: list[dict] = []
    if p is not None and p.exists():
        with open(p, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                try:
                    row = json.loads(line)
                except ValueError:
                    continue
                if isinstance(row, dict) and "exercise" in row and "event" in row:
                    rows.append(row)
    if not rows:
        return pd.DataFrame(columns=_SUMMARY_COLUMNS)
    df = pd.DataFrame(rows)
    for col in ("user", "status", "level", "ts"):
        if col not in df:
            df[col] = None
    df["user"] = df["user"].fillna("unknown")
    out = []
    for (user, ex), g in df.groupby(["user", "exercise"], sort=True):
        checks = g[g["event"] == "check"]
        tried = checks[checks["status"] != NOT_ATTEMPTED]
        good = checks[checks["status"] == CORRECT]
        out.append({
            "user": user, "exercise": ex,
            "attempts": int(len(tried)),
            "solved": bool(len(good)),
            "first_correct_ts": good["ts"].min() if len(good) else None,
            "last_status": checks["status"].iloc[-1] if len(checks) else None,
            "last_ts": g["ts"].max(),
            "hints": int((g["event"] == "hint").sum()),
            "solution_viewed": bool((g["event"] == "solution").any()),
        })
    return pd.DataFrame(out, columns=_SUMMARY_COLUMNS)


# --------------------------------------------------------------------------
# Exercise
# --------------------------------------------------------------------------
Checker = Callable[[Any, Any], Any]

_REGISTRY: dict[str, "Exercise"] = {}


def registry() -> dict[str, "Exercise"]:
    """Exercise instances created so far, by id (for benchmarks and tools)."""
    return dict(_REGISTRY)


class CheckDefinitionError(TypeError):
    """A check function returned something that is not ``(ok, message)`` (author bug)."""


def _normalise(outcome: Any, default_msg: str) -> tuple[bool, str]:
    if outcome is None:
        return True, ""
    if type(outcome).__name__ in ("bool", "bool_"):  # bool or numpy.bool_
        return (True, "") if bool(outcome) else (False, default_msg)
    if isinstance(outcome, CheckResult):
        return outcome.correct, outcome.message
    if isinstance(outcome, tuple) and len(outcome) == 2:
        ok, msg = outcome
        return bool(ok), str(msg or ("" if ok else default_msg))
    raise CheckDefinitionError(
        f"a check must return (ok, message), None or a bool, got {outcome!r}")


class Exercise:
    """Base class of every exercise (subclass it, or pass keyword arguments).

    Class attributes an author sets:

    ``id``        unique id, ``"L<lecture>.<name>"``, e.g. ``"L1.clv_tiers"``;
    ``title``     Chinese title shown in the feedback box;
    ``hints``     list of hints, mildest first (``hint()`` reveals them in turn);
    ``solution_code``  the solution code (a string) shown by ``solution()``;
    ``checks``    list of check functions ``(answer, expected) -> (ok, message)``;
    ``success``   message on a correct answer.

    and optionally the method ``expected(self, *args, **kwargs)`` (the right
    answer computed from data; receives the extra arguments of ``check``) and
    ``check_answer(self, answer, expected)`` for checks that do not fit a list.
    Keyword arguments to the constructor become ``self.ctx`` (e.g. the data
    the expected value is computed from).

    >>> class Double(Exercise):
    ...     id = "demo.double"; title = "把 21 翻倍"
    ...     hints = ["乘以 2。"]; solution_code = "answer = 21 * 2"
    ...     checks = [is_number(), close_to()]
    ...     def expected(self): return 42
    >>> q = Double()
    >>> q.check(____).status, q.check(42).status, q.check(40).status
    ('not_attempted', 'correct', 'incorrect')
    """

    id: str = ""
    title: str = ""
    hints: Sequence[str] = ()
    solution_code: str | None = None
    checks: Sequence[Checker] = ()
    success: str = "答对了！做得好。"
    #: Accept ``None`` as an answer (otherwise None gets its own message).
    allow_none: bool = False

    def __init__(self, *, id: str | None = None, title: str | None = None,
                 hints: Sequence[str] | None = None, solution: str | None = None,
                 checks: Sequence[Checker] | None = None,
                 expected: Callable[..., Any] | None = None,
                 success: str | None = None, **ctx: Any) -> None:
        if id is not None:
            self.id = id
        if title is not None:
            self.title = title
        if hints is not None:
            self.hints = list(hints)
        if solution is not None:
            self.solution_code = solution
        if checks is not None:
            self.checks = list(checks)
        if success is not None:
            self.success = success
        self._expected_fn = expected
        self.ctx: dict[str, Any] = dict(ctx)
        self._hint_level = 0
        self.id = self.id or type(self).__name__
        _REGISTRY[self.id] = self

    # -- author hooks ------------------------------------------------------
    def expected(self, *args: Any, **kwargs: Any) -> Any:
        """The right answer (override, or pass ``expected=`` to the constructor)."""
        if self._expected_fn is not None:
            return self._expected_fn(*args, **kwargs)
        return None

    def diagnose(self, answer: Any, expected: Any) -> str | None:
        """What is wrong with ``answer`` (a Chinese message), or None if correct.

        Override this instead of ``checks`` when one function diagnoses the
        whole answer (the lecture exercises do: ``diagnose_tier_means`` ...).
        """
        raise RuntimeError("Exercise.diagnose is a hook for subclasses; check_answer calls it only when overridden")

    def check_answer(self, answer: Any, expected: Any) -> Iterable[Any] | Any:
        """Run ``diagnose`` if the exercise defines it, else ``self.checks`` in
        order (override for custom logic)."""
        if type(self).diagnose is not Exercise.diagnose:
            msg = self.diagnose(answer, expected)
            yield (msg is None, msg or "")
            return
        for chk in self.checks:
            yield chk(answer, expected)

    # -- trainee API -------------------------------------------------------
    def check(self, answer: Any = ____, *args: Any, **kwargs: Any) -> CheckResult:
        """Check ``answer``; returns a :class:`CheckResult` (never raises).

        Extra arguments are passed to :meth:`expected`.
        """
        result = self._evaluate(answer, *args, **kwargs)
        fields = {"status": result.status}
        if result.status == INCORRECT:
            fields["message"] = result.message[:200]
        if result.detail:
            fields["error"] = result.detail.strip().splitlines()[-1][:300]
        record_progress("check", self.id, **fields)
        return result

    def hint(self, level: int | None = None) -> Feedback:
        """Show the next hint (or hint number ``level``, counting from 1)."""
        n = len(self.hints)
        if n == 0:
            return Feedback("hint", "这道题没有提示，试试看 solution()。", title=self.title)
        if level is None:
            self._hint_level = min(self._hint_level + 1, n)
            level = self._hint_level
        else:
            try:
                level = int(level)
            except (TypeError, ValueError):
                return Feedback("hint", f"提示编号应是 1 到 {n} 之间的整数。", title=self.title)
            if not 1 <= level <= n:
                return Feedback("hint", f"这道题共有 {n} 条提示，请输入 1 到 {n}。",
                                title=self.title)
            self._hint_level = max(self._hint_level, level)
        text = self.hints[level - 1]
        if level == n and n > 1:
            text += "\n（这是最后一条提示；还不行就看看 solution()。）"
        record_progress("hint", self.id, level=level)
        return Feedback("hint", text, label=f"提示 {level}/{n}", title=self.title)

    def solution(self) -> Feedback:
        """Show the reference solution (``solution_code``) as code."""
        record_progress("solution", self.id)
        text = self.solution_code
        if not text:
            return Feedback("solution", "这道题没有参考答案，请向讲师请教。", title=self.title)
        return Feedback("solution", str(text).strip("\n"), code=True, title=self.title)

    # -- internals ---------------------------------------------------------
    def _result(self, status: str, message: str, detail: str = "") -> CheckResult:
        return CheckResult(status, message, exercise=self.id, title=self.title, detail=detail)

    def _evaluate(self, answer: Any, *args: Any, **kwargs: Any) -> CheckResult:
        try:
            if answer is ____:
                return self._result(NOT_ATTEMPTED,
                                    "把 ____ 换成你的答案，再运行这个单元格。")
            if contains_placeholder(answer):
                return self._result(NOT_ATTEMPTED,
                                    "答案里还有 ____ 没有替换，请把所有 ____ 都填好。")
        except Exception:  # noqa: BLE001
            pass
        if answer is None and not self.allow_none:
            return self._result(INCORRECT, "答案是 None（空值）。是不是忘了把结果赋给变量，"
                                           "或者函数里少了 return？")
        try:
            expected = self.expected(*args, **kwargs)
        except Exception:  # noqa: BLE001 - an author/data problem, not the trainee's
            detail = traceback.format_exc()
            log.error("expected() of %s failed:\n%s", self.id, detail)
            return self._result(INCORRECT, "检查程序计算参考结果时出错（不是你的问题），"
                                           "请告诉讲师。", detail)
        try:
            outcomes = self.check_answer(answer, expected)
            if isinstance(outcomes, tuple) or outcomes is None or isinstance(outcomes, bool) \
                    or isinstance(outcomes, CheckResult):
                outcomes = [outcomes]
            for outcome in outcomes:
                ok, msg = _normalise(outcome, "答案还不对，再检查一下。")
                if not ok:
                    return self._result(INCORRECT, msg)
        except CheckDefinitionError:  # the exercise's author made a mistake
            detail = traceback.format_exc()
            log.error("check of %s is badly defined:\n%s", self.id, detail)
            return self._result(INCORRECT, "检查程序本身有问题（不是你的问题），请告诉讲师。",
                                detail)
        except Exception as exc:  # noqa: BLE001 - a trainee's answer broke a checker
            detail = traceback.format_exc()
            log.info("check of %s raised on the answer:\n%s", self.id, detail)
            return self._result(INCORRECT, "无法检查这个答案：它的类型或格式和题目要求的不一样"
                                           f"（你给的是 {_type_name(answer)}；"
                                           f"出错信息：{type(exc).__name__}）。"
                                           "请对照题目再看一下。", detail)
        return self._result(CORRECT, self.success)

    def __repr__(self) -> str:
        return f"<练习 {self.id}：{self.title}>"


# --------------------------------------------------------------------------
# Reusable checks: each returns a function (answer, expected) -> (ok, message)
# --------------------------------------------------------------------------
class _UseExpected:
    def __repr__(self) -> str:
        return "EXPECTED"


#: Default "target" of a checker: the exercise's ``expected()`` value.
EXPECTED = _UseExpected()

_TYPE_NAMES = {
    "DataFrame": "表格 (DataFrame)", "Series": "序列 (Series)", "dict": "字典 (dict)",
    "list": "列表 (list)", "tuple": "元组 (tuple)", "str": "文字 (str)",
    "int": "整数 (int)", "float": "小数 (float)", "bool": "布尔值 (bool)",
    "NoneType": "空值 (None)", "ndarray": "数组 (ndarray)", "Figure": "图 (Figure)",
    "_Placeholder": "占位符 ____", "set": "集合 (set)",
}


def _type_name(obj: Any) -> str:
    name = type(obj).__name__
    return _TYPE_NAMES.get(name, name)


def _is_real(x: Any) -> bool:
    import numpy as np
    return isinstance(x, (Number, np.number)) and not isinstance(x, (bool, np.bool_, complex))


def _is_nan(x: Any) -> bool:
    try:
        return bool(x != x)  # NaN, pd.NA-safe below
    except Exception:  # noqa: BLE001 - pd.NA raises on bool()
        return True


def is_type(*types: type, what: str | None = None) -> Checker:
    """Check the answer is an instance of one of ``types``.

    >>> is_type(dict)([1, 2], None)[0]
    False
    """
    names = what or " 或 ".join(_TYPE_NAMES.get(t.__name__, t.__name__) for t in types)

    def chk(answer: Any, expected: Any) -> tuple[bool, str]:
        if isinstance(answer, types):
            return True, ""
        return False, f"答案应该是{names}，你给的是{_type_name(answer)}。"
    return chk


def is_number(what: str = "答案") -> Checker:
    """Check the answer is one real, finite number (not bool, not NaN, not text).

    >>> is_number()(float("nan"), None)[0], is_number()(0.15, None)[0]
    (False, True)
    """
    def chk(answer: Any, expected: Any) -> tuple[bool, str]:
        if isinstance(answer, str):
            return False, f"{what}应该是一个数字，你给的是文字 \"{answer[:20]}\"。去掉引号试试。"
        if not _is_real(answer):
            return False, f"{what}应该是一个数字，你给的是{_type_name(answer)}。"
        if math.isnan(float(answer)):
            return False, f"{what}是 NaN（非数字），通常是空数据或除以 0 造成的。"
        if math.isinf(float(answer)):
            return False, f"{what}是无穷大，检查是否除以了 0。"
        return True, ""
    return chk


def _fmt(x: float) -> str:
    return f"{x:,.4g}"


def close_to(target: Any = EXPECTED, *, rtol: float = 0.01, atol: float = 0.0,
             what: str = "数值", unit: str = "") -> Checker:
    """Check a number is within tolerance of ``target`` (default: expected()).

    Tolerance: ``|answer - target| <= atol + rtol * |target|``. The message
    says only whether the answer is too large or too small, plus a hint when
    it is off by a factor of 100 (percent vs fraction) or 1000/10000.

    >>> close_to(0.2)(0.25, None)
    (False, '数值偏大了。')
    """
    def chk(answer: Any, expected: Any) -> tuple[bool, str]:
        ok, msg = is_number(what)(answer, expected)
        if not ok:
            return ok, msg
        t = expected if target is EXPECTED else target
        a, t = float(answer), float(t)
        if abs(a - t) <= atol + rtol * abs(t):
            return True, ""
        for factor, note in ((100, "是不是把比例写成了百分数（或反过来）？"),
                             (1000, "是不是单位差了 1000 倍？"),
                             (10000, "是不是单位差了 1 万倍（元 / 万元）？")):
            for f in (factor, 1 / factor):
                if t and abs(a - t * f) <= atol * f + rtol * abs(t * f):
                    return False, f"{what}的数量级不对：{note}"
        side = "偏大" if a > t else "偏小"
        return False, f"{what}{side}了{('（单位：' + unit + '）') if unit else ''}。"
    return chk


def not_empty(what: str = "答案") -> Checker:
    """Check a DataFrame/Series/container is not empty.

    >>> import pandas as pd; not_empty()(pd.DataFrame(), None)[0]
    False
    """
    def chk(answer: Any, expected: Any) -> tuple[bool, str]:
        try:
            n = len(answer)
        except TypeError:
            return True, ""
        if n == 0:
            return False, f"{what}是空的（没有任何行）。检查筛选条件是否把数据全筛掉了。"
        return True, ""
    return chk


def has_columns(columns: Iterable[str], what: str = "表格") -> Checker:
    """Check a DataFrame has the given columns (names the missing ones).

    >>> import pandas as pd; has_columns(["n"])(pd.DataFrame({"m": [1]}), None)
    (False, '表格缺少列：n。')
    """
    cols = list(columns)

    def chk(answer: Any, expected: Any) -> tuple[bool, str]:
        import pandas as pd
        if not isinstance(answer, pd.DataFrame):
            return False, f"答案应该是表格 (DataFrame)，你给的是{_type_name(answer)}。"
        missing = [c for c in cols if c not in answer.columns]
        if missing:
            return False, f"{what}缺少列：{'、'.join(map(str, missing))}。"
        return True, ""
    return chk


def _as_series(obj: Any):
    import pandas as pd
    if isinstance(obj, pd.Series):
        return obj
    if isinstance(obj, Mapping):
        return pd.Series(dict(obj))
    if isinstance(obj, (list, tuple)):
        return pd.Series(list(obj))
    raise TypeError(type(obj).__name__)


def same_index(target: Any = EXPECTED, *, ordered: bool = False, what: str = "索引") -> Checker:
    """Check a Series/dict/DataFrame has the same labels as ``target``.

    Dicts are compared by keys. Labels are compared as strings, so 2021 and
    "2021" match. The message names missing and unexpected labels (labels are
    structure, not the answer).

    >>> same_index({"a": 1, "b": 2})({"a": 1}, None)
    (False, '索引缺少：b。')
    """
    def labels(obj: Any) -> list[str]:
        import pandas as pd
        if isinstance(obj, (pd.Series, pd.DataFrame)):
            return [str(i) for i in obj.index]
        if isinstance(obj, Mapping):
            return [str(k) for k in obj.keys()]
        raise TypeError(type(obj).__name__)

    def chk(answer: Any, expected: Any) -> tuple[bool, str]:
        t = expected if target is EXPECTED else target
        try:
            got = labels(answer)
        except TypeError:
            return False, f"答案应该是序列 (Series) 或字典 (dict)，你给的是{_type_name(answer)}。"
        want = labels(t)
        missing = [w for w in want if w not in got]
        extra = [g for g in got if g not in want]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"{what}缺少：{'、'.join(missing)}")
            if extra:
                parts.append(f"{what}多出：{'、'.join(extra)}")
            return False, "；".join(parts) + "。"
        if len(set(got)) != len(got):
            return False, f"{what}里有重复的项。"
        if ordered and got != want:
            return False, f"{what}的顺序不对。"
        return True, ""
    return chk


def values_close(target: Any = EXPECTED, *, rtol: float = 0.02, atol: float = 0.0,
                 column: str | None = None, what: str = "数值", unit: str = "") -> Checker:
    """Check values match ``target`` label by label within tolerance.

    Works on Series, dicts and (with ``column``) DataFrames; labels compared as
    strings. The message names the labels that are off and whether they are
    too large or too small, never the right values. Run :func:`same_index`
    first for a clearer message on missing labels.

    >>> values_close({"a": 1.0, "b": 2.0})({"a": 1.0, "b": 3.0}, None)
    (False, '这些项的数值不对：b（偏大）。')
    """
    def series(obj: Any):
        import pandas as pd
        if isinstance(obj, pd.DataFrame):
            if column is None:
                raise TypeError("DataFrame needs column=")
            if column not in obj.columns:
                raise KeyError(column)
            s = obj[column]
        else:
            s = _as_series(obj)
        s = s.copy()
        s.index = [str(i) for i in s.index]
        return s

    def chk(answer: Any, expected: Any) -> tuple[bool, str]:
        t = series(expected if target is EXPECTED else target)
        try:
            a = series(answer)
        except KeyError:
            return False, f"表格缺少列：{column}。"
        except TypeError:
            return False, f"答案的类型不对：你给的是{_type_name(answer)}。"
        bad = []
        for label, want in t.items():
            if label not in a.index:
                bad.append(f"{label}（缺少）")
                continue
            got = a[label]
            if isinstance(got, str):
                bad.append(f"{label}（是文字，不是数字）")
                continue
            if not _is_real(got) or _is_nan(got):
                bad.append(f"{label}（不是有效数字）")
                continue
            w = float(want)
            if abs(float(got) - w) > atol + rtol * abs(w):
                bad.append(f"{label}（{'偏大' if float(got) > w else '偏小'}）")
        if bad:
            u = f"（单位：{unit}）" if unit else ""
            return False, f"这些项的{what}不对{u}：{'、'.join(bad)}。"
        return True, ""
    return chk


def no_missing(what: str = "答案") -> Checker:
    """Check there are no NaN / missing values in a Series, DataFrame or dict.

    >>> no_missing()({"a": float("nan")}, None)
    (False, '答案里有缺失值 (NaN)：a。')
    """
    def chk(answer: Any, expected: Any) -> tuple[bool, str]:
        import pandas as pd
        if isinstance(answer, pd.DataFrame):
            bad = [str(c) for c in answer.columns if answer[c].isna().any()]
            label = "这些列"
        else:
            try:
                s = _as_series(answer)
            except TypeError:
                return True, ""
            bad = [str(i) for i, v in s.items() if v is None or (not isinstance(v, str)
                                                                   and _is_nan(v))]
            label = ""
        if bad:
            return False, f"{what}里有缺失值 (NaN)：{label}{'、'.join(bad[:10])}。"
        return True, ""
    return chk


def monotonic(increasing: bool = True, strict: bool = True, what: str = "数值") -> Checker:
    """Check the values (in the answer's order) rise (or fall) step by step.

    >>> monotonic()([0.15, 0.18, 0.17], None)
    (False, '数值没有逐年上升：第 3 项没有比前一项高。')
    """
    def chk(answer: Any, expected: Any) -> tuple[bool, str]:
        try:
            vals = [float(v) for v in _as_series(answer).tolist()]
        except (TypeError, ValueError):
            return False, f"无法把答案当作一列数字来看（你给的是{_type_name(answer)}）。"
        word = "上升" if increasing else "下降"
        cmp = "高" if increasing else "低"
        for i in range(1, len(vals)):
            d = vals[i] - vals[i - 1]
            ok = (d > 0 if strict else d >= 0) if increasing else (d < 0 if strict else d <= 0)
            if not ok:
                return False, f"{what}没有逐年{word}：第 {i + 1} 项没有比前一项{cmp}。"
        return True, ""
    return chk


def length(n: int, what: str = "答案") -> Checker:
    """Check ``len(answer) == n``.

    >>> length(3)([1, 2], None)
    (False, '答案应该有 3 项，你给了 2 项。')
    """
    def chk(answer: Any, expected: Any) -> tuple[bool, str]:
        try:
            k = len(answer)
        except TypeError:
            return False, f"{what}应该有 {n} 项，你给的是{_type_name(answer)}。"
        if k != n:
            return False, f"{what}应该有 {n} 项，你给了 {k} 项。"
        return True, ""
    return chk


def check_all(*checks: Checker) -> Checker:
    """Combine checks into one (first failure wins)."""
    def chk(answer: Any, expected: Any) -> tuple[bool, str]:
        for c in checks:
            ok, msg = _normalise(c(answer, expected), "答案还不对。")
            if not ok:
                return ok, msg
        return True, ""
    return chk


# --------------------------------------------------------------------------
# Test helper for authors
# --------------------------------------------------------------------------
def _junk_answers() -> list[tuple[str, Any]]:
    import numpy as np
    import pandas as pd
    return [("None", None), ("NaN", float("nan")), ("text", "答案"),
            ("empty DataFrame", pd.DataFrame()), ("empty list", []),
            ("numpy NaN array", np.array([np.nan])), ("negative", -1), ("dict", {"x": 1})]


def assert_check_cases(exercise: Exercise, correct: Sequence[Any] = (),
                       wrong: Mapping[Any, str] | Sequence[tuple[Any, str]] = (),
                       *, args: Sequence[Any] = (), kwargs: Mapping[str, Any] | None = None,
                       junk: bool = True, half_done: Sequence[Any] = (),
                       distinct: bool = True) -> None:
    """Assert an exercise's check behaves: for pytest in tests/test_<lecture>_exercises.py.

    * every answer in ``correct`` -> status ``correct``;
    * every ``(answer, fragment)`` in ``wrong`` -> ``incorrect`` and ``fragment``
      in the message; at least two wrong answers are required, and (with
      ``distinct``) each must produce a different message;
    * ``____`` and each answer in ``half_done`` -> ``not_attempted``;
    * with ``junk``: None, NaN, text, empty frame/list, ... -> never ``correct``,
      never an exception.

    ``wrong`` may be a dict (hashable answers) or a list of pairs (DataFrames).

    >>> class Double(Exercise):
    ...     id = "demo.double2"; checks = [is_number(), close_to()]
    ...     def expected(self): return 42
    >>> assert_check_cases(Double(), correct=[42], wrong={40: "偏小", 50: "偏大"})
    """
    kwargs = dict(kwargs or {})
    pairs = list(wrong.items()) if isinstance(wrong, Mapping) else list(wrong)
    assert len(pairs) >= 2, f"{exercise.id}: give at least two wrong answers"
    assert correct, f"{exercise.id}: give at least one correct answer"
    for ans in correct:
        r = exercise._evaluate(ans, *args, **kwargs)
        assert r.status == CORRECT, f"{exercise.id}: correct answer {ans!r} judged {r}"
    messages = []
    for ans, fragment in pairs:
        r = exercise._evaluate(ans, *args, **kwargs)
        assert r.status == INCORRECT, f"{exercise.id}: wrong answer {ans!r} judged {r}"
        assert fragment in r.message, \
            f"{exercise.id}: wrong answer {ans!r}: expected {fragment!r} in message {r.message!r}"
        messages.append(r.message)
    if distinct:
        assert len(set(messages)) == len(messages), \
            f"{exercise.id}: wrong answers share a message: {messages}"
    for ans in [____, *half_done]:
        r = exercise._evaluate(ans, *args, **kwargs)
        assert r.status == NOT_ATTEMPTED, f"{exercise.id}: {ans!r} should be not attempted: {r}"
    if junk:
        for label, ans in _junk_answers():
            r = exercise._evaluate(ans, *args, **kwargs)  # must not raise
            assert r.status != CORRECT, f"{exercise.id}: junk answer ({label}) judged correct"
            assert r.message, f"{exercise.id}: junk answer ({label}) got no message"
    # Rendering must work for every outcome.
    for r in (exercise._evaluate(correct[0], *args, **kwargs),
              exercise._evaluate(pairs[0][0], *args, **kwargs)):
        assert r._repr_html_() and str(r)
