"""Deprecated: the pre-split engine API, kept only until lecture modules are ported.

New code imports from :mod:`course_utils.exercises` (see docs/AUTHORING.md).
This module re-exports the engine and adapts the old exercise style
(``diagnose(self, answer, expected)``, ``checks=[...]``, ``check_answer``
generators, ``expected=`` callables) onto the new :class:`~.exercise.Exercise`,
so Lecture 1-2 and a few test fixtures keep working during the port.
Delete it once nothing imports it (``grep -rn "exercises.core"``).
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from . import exercise as _exercise
from .answers import is_nan as _is_nan  # noqa: F401 - old private names
from .answers import is_real as _is_real  # noqa: F401
from .answers import type_name as _type_name  # noqa: F401
from .feedback import (  # noqa: F401
    CORRECT, ERROR_MARKER, INCORRECT, NOT_ATTEMPTED, STATUSES, CheckResult, Feedback,
    error_box_html)
from .placeholder import PLACEHOLDER, ____, contains_placeholder  # noqa: F401
from .progress import progress_path, progress_summary, record_progress  # noqa: F401
from .testing import assert_check_cases  # noqa: F401

registry = _exercise.registry


class CheckDefinitionError(TypeError):
    """A legacy check returned something that is not ``(ok, message)`` (author bug)."""


def _normalise(outcome: Any) -> tuple[bool, str]:
    if outcome is None:
        return True, ""
    if type(outcome).__name__ in ("bool", "bool_"):
        return bool(outcome), ""
    if isinstance(outcome, CheckResult):
        return outcome.correct, outcome.message
    if isinstance(outcome, tuple) and len(outcome) == 2:
        return bool(outcome[0]), str(outcome[1] or "")
    raise CheckDefinitionError(f"a check must return (ok, message), None or a bool, got {outcome!r}")


class Exercise(_exercise.Exercise):
    """Deprecated adapter: old-style exercises on the new engine (do not copy)."""

    _legacy = True
    checks: Sequence[Callable[[Any, Any], Any]] = ()

    def __init__(self, *, id: str | None = None, title: str | None = None,
                 hints: Sequence[str] | None = None, solution: str | None = None,
                 checks: Sequence[Callable] | None = None,
                 expected: Callable[[], Any] | None = None, success: str | None = None,
                 **ctx: Any) -> None:
        for name, value in (("id", id), ("title", title), ("hints", hints),
                            ("solution_code", solution), ("checks", checks),
                            ("success", success)):
            if value is not None:
                setattr(self, name, value)
        self._expected_fn = expected
        super().__init__(**ctx)

    def expected(self) -> Any:
        return self._expected_fn() if self._expected_fn is not None else None

    def diagnose(self, answer: Any, expected: Any = None) -> str | None:  # old signature
        raise NotImplementedError

    def check_answer(self, answer: Any, expected: Any):
        if type(self).diagnose is not Exercise.diagnose:
            msg = self.diagnose(answer, expected)
            yield (msg is None, msg or "")
            return
        for chk in self.checks:
            yield chk(answer, expected)

    def _diagnose(self, answer: Any) -> str | None:
        outcomes = self.check_answer(answer, self.expected())
        if isinstance(outcomes, (tuple, bool, CheckResult)) or outcomes is None:
            outcomes = [outcomes]
        for outcome in outcomes:
            ok, msg = _normalise(outcome)
            if not ok:
                return msg or "答案还不对，再检查一下。"
        return None
