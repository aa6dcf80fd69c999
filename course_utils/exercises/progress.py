"""The progress log: one private JSON line per check, hint and solution view.

What is recorded (and nothing else) -- exactly what the instructor's report
(:func:`progress_summary`, ``python -m course_utils.exercises progress``) needs:

======== =============================================================
ts       time, UTC, to the second
exercise exercise id (``"L1.clv_tiers"``)
event    ``check`` / ``hint`` / ``solution``
status   for a check: ``correct`` or ``incorrect``
attempt  for a check: how many times this exercise was checked so far
         in this notebook session (1, 2, ...)
level    for a hint: which hint (1, 2, ...)
error    when the check program itself failed: the exception's class
         name only (``KeyError``), for the instructor to report the bug
reason   for an incorrect check: the first line of the feedback message,
         masked (:func:`mask_reason`: every number becomes ``#`` and
         every quoted text ``…``, at most 80 characters), so the
         instructor's dashboard can count the most common mistakes
learner  only if ``COURSE_USER`` is set (a label the instructor hands
         out, e.g. a seat number) or, when it is not, the course folder
         holds ``COURSE_USER.txt`` (first line = the label; the
         per-trainee packs of ``python3 course.py cohort --trainees K``
         put ``NAME-01`` ... there); never the computer's user name
======== =============================================================

Never recorded: answers or parts of them (the masking removes the values
a message may echo), the operating system's user name, page loads. A check that finds the answer not attempted
yet (an untouched notebook being run) is not recorded.

Where: ``~/.course_progress.jsonl`` (the user's home folder), or the path in
``COURSE_PROGRESS_FILE``. The file is created readable by its owner only
(mode 0600) and tightened to 0600 if it exists with looser permissions.
Turn it off with ``COURSE_PROGRESS_FILE=off`` before starting Jupyter, or in
a notebook with :func:`turn_off`. Writing never disturbs a trainee: any error
is ignored.

>>> turn_off()                     # e.g. in a notebook cell; nothing is written after this
>>> record_progress("check", "L1.demo", status="correct", attempt=1)  # never raises
>>> turn_on()
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import re
from pathlib import Path
from typing import Any, Iterable

DEFAULT_FILE = "~/.course_progress.jsonl"
ENV_VAR = "COURSE_PROGRESS_FILE"
#: The only fields a line may hold (see the module docstring).
FIELDS = ("ts", "exercise", "event", "status", "attempt", "level", "error", "reason", "learner")
EVENTS = ("check", "hint", "solution")
_OFF_WORDS = ("off", "-", "none", "0", "no", "false")

# set by turn_off() / turn_on(); None = follow the environment variable
_override: str | None = None


def turn_off() -> None:
    """Stop recording progress in this Python session (a notebook's kernel).

    >>> turn_off(); progress_path() is None
    True
    >>> turn_on()                     # back to COURSE_PROGRESS_FILE / the default file
    """
    global _override
    _override = "off"


def turn_on(path: str | os.PathLike | None = None) -> None:
    """Record again (to ``path``, or back to the environment's / default file)."""
    global _override
    _override = None if path is None else str(path)


def progress_path() -> Path | None:
    """Where progress is appended, or None when recording is off.

    >>> progress_path()  # doctest: +SKIP
    PosixPath('/home/trainee/.course_progress.jsonl')
    """
    setting = _override if _override is not None else os.environ.get(ENV_VAR)
    if setting is not None and setting.strip().lower() in _OFF_WORDS:
        return None
    return Path(setting or DEFAULT_FILE).expanduser()


def _open_private(path: Path):
    """Open ``path`` for appending, created 0600 (tightened if it was looser)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, 0o600)
    except (AttributeError, OSError):  # Windows: no POSIX modes
        pass
    return os.fdopen(fd, "a", encoding="utf-8")


_NUMBER_RE = re.compile(r"[-+]?(?:\d[\d,_]*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_QUOTED_RE = re.compile(r"'[^']*'|\"[^\"]*\"|「[^」]*」|“[^”]*”|‘[^’]*’|`[^`]*`|《[^》]*》")


def mask_reason(message: str, limit: int = 80) -> str:
    """The first line of a feedback message with the values it may echo removed.

    Numbers become ``#`` and quoted text ``…``; the result is at most ``limit``
    characters. Two trainees making the same mistake get the same reason.

    >>> mask_reason("你算的是 0.35（'全部客户'），应只算在册客户：12 个。")
    '你算的是 #（…），应只算在册客户：# 个。'
    """
    first = str(message).strip().splitlines()[0] if str(message).strip() else ""
    first = _QUOTED_RE.sub("…", first)
    first = _NUMBER_RE.sub("#", first)
    return first[:limit]


#: File in the course folder whose first line labels the trainee (see ``learner`` above).
LEARNER_FILE = "COURSE_USER.txt"


def _learner_label() -> str:
    """The label in ``<course folder>/COURSE_USER.txt`` (at most 40 characters), else ''."""
    try:
        from ..config import REPO_ROOT
        text = (REPO_ROOT / LEARNER_FILE).read_text(encoding="utf-8-sig").strip()
    except (OSError, ValueError, ImportError):
        return ""
    return text.splitlines()[0].strip()[:40] if text else ""


def record_progress(event: str, exercise: str, **fields: Any) -> None:
    """Append one line (``ts``, ``exercise``, ``event`` + allowed ``fields``); never raises.

    Fields outside :data:`FIELDS` are dropped, so no caller can leak an
    answer into the log by mistake.
    """
    try:
        path = progress_path()
        if path is None or event not in EVENTS:
            return
        row: dict[str, Any] = {
            "ts": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "exercise": str(exercise)[:80], "event": event}
        if isinstance(fields.get("reason"), str):
            fields = dict(fields, reason=mask_reason(fields["reason"]))
        for key in ("status", "attempt", "level", "error", "reason"):
            value = fields.get(key)
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                row[key] = value if isinstance(value, int) else value[:80]
        learner = os.environ.get("COURSE_USER", "").strip() or _learner_label()
        if learner:
            row["learner"] = learner[:40]
        with _open_private(path) as fh:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    except Exception:  # noqa: BLE001 - progress must never disturb a trainee
        pass


SUMMARY_COLUMNS = ["learner", "exercise", "attempts", "solved", "first_correct_ts",
                   "last_status", "last_ts", "hints", "solution_viewed"]


def _read(path: Path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if isinstance(row, dict) and "exercise" in row and row.get("event") in EVENTS:
                row.setdefault("learner", row.get("user") or path.stem.lstrip("."))
                rows.append(row)
    return rows


def progress_summary(paths: str | os.PathLike | Iterable[str | os.PathLike] | None = None):
    """One row per (learner, exercise) from one or more progress logs.

    Columns: ``learner`` (``COURSE_USER`` if it was set, else the log file's
    name -- collect the trainees' files as ``seat01.jsonl`` ...), ``exercise``,
    ``attempts`` (checks), ``solved``, ``first_correct_ts``, ``last_status``,
    ``last_ts``, ``hints`` (hints shown), ``solution_viewed``. Unreadable lines
    and missing files are skipped.

    >>> progress_summary("/nonexistent.jsonl").columns.tolist()[:3]
    ['learner', 'exercise', 'attempts']
    """
    import pandas as pd

    if paths is None:
        default = progress_path()
        paths = [] if default is None else [default]
    elif isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    rows: list[dict] = []
    for p in paths:
        p = Path(p).expanduser()
        if p.is_file():
            rows += _read(p)
    if not rows:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    df = pd.DataFrame(rows)
    for col in ("status", "ts"):
        if col not in df:
            df[col] = None
    out = []
    for (learner, ex), g in df.groupby(["learner", "exercise"], sort=True):
        checks = g[(g["event"] == "check") & (g["status"] != "not_attempted")]  # old logs
        good = checks[checks["status"] == "correct"]
        out.append({
            "learner": learner, "exercise": ex,
            "attempts": int(len(checks)),
            "solved": bool(len(good)),
            "first_correct_ts": good["ts"].min() if len(good) else None,
            "last_status": checks["status"].iloc[-1] if len(checks) else None,
            "last_ts": g["ts"].max(),
            "hints": int((g["event"] == "hint").sum()),
            "solution_viewed": bool((g["event"] == "solution").any()),
        })
    return pd.DataFrame(out, columns=SUMMARY_COLUMNS)
