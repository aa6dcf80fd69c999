"""The instructor's dashboard: who is stuck, read from the trainees' progress files.

No server and no database: each trainee's exercises append to a private
progress log (:mod:`course_utils.exercises.progress`); the instructor collects
the files by copying (a USB stick, a shared folder) into one folder and reads
them here::

    from course_utils import dashboard
    data = dashboard.collect("progress/")            # every *.jsonl below the folder
    dashboard.status_table(data)                     # one row per trainee x exercise
    dashboard.stuck_exercises(data)                  # where most trainees are stuck, and why
    dashboard.render_html(data)                      # the whole report as one HTML page

``python3 course.py dashboard progress/ --out report.html`` prints the same
and writes the page. Files or lines that cannot be read are listed in
``data.problems`` (file, line, what is wrong) and skipped; nothing raises on a
bad file.

Who a line belongs to: the ``learner`` label recorded when the trainee had
``COURSE_USER`` set (a seat number the instructor hands out); otherwise the
file's name (``seat07.jsonl`` -> ``seat07``), or, for a file still called
``.course_progress.jsonl``, the name of the folder it was copied into
(``progress/张三/.course_progress.jsonl`` -> ``张三``).
"""
from __future__ import annotations

import datetime as _dt
import html
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pandas as pd

from .exercises.progress import EVENTS, mask_reason

#: States of one trainee x exercise cell, in the order the report explains them.
STATES = ("correct", "incorrect", "not_attempted")
STATE_LABELS = {"correct": "答对", "incorrect": "还没答对", "not_attempted": "未尝试"}
STATE_ICONS = {"correct": "√", "incorrect": "×", "not_attempted": "·"}
STATUS_TABLE_COLUMNS = ["learner", "exercise", "lecture", "state", "attempts", "hints",
                        "solution_viewed", "last_ts"]
STUCK_COLUMNS = ["exercise", "lecture", "title", "attempted", "correct", "stuck", "stuck_share",
                 "median_attempts_to_correct", "top_reasons"]
#: The progress file's default name (trainees copy it as is, or renamed after themselves).
DEFAULT_NAME = ".course_progress.jsonl"
_MAX_LINE = 10_000


@dataclass(frozen=True)
class Problem:
    """A file or line that was skipped, and why (shown to the instructor)."""

    file: str
    line: int | None
    what: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.what}"


@dataclass
class ProgressData:
    """The readable events of every file (one row per line) and what was skipped."""

    events: pd.DataFrame
    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def learners(self) -> list[str]:
        return sorted(self.events["learner"].unique()) if len(self.events) else []


def catalogue() -> pd.DataFrame:
    """Every exercise of the course in teaching order: ``exercise`` id, ``lecture``, ``title``.

    Read from each lecture's exercise package (``EXERCISES``), so a lecture added
    later appears without editing this module (importing them takes a few seconds).

    >>> catalogue().iloc[0].tolist()
    ['L1.churn_trend', 'L1', '用折线图展示流失率 15%→20%']
    """
    import importlib

    from . import coursemap

    rows = []
    for lec in coursemap.LECTURES:
        module = importlib.import_module(f"course_utils.exercises.lecture{lec.key[1:]}")
        for cls in module.EXERCISES:
            rows.append({"exercise": cls.id, "lecture": lec.key, "title": str(cls.title)})
    return pd.DataFrame(rows, columns=["exercise", "lecture", "title"])


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------
def _progress_files(paths: Iterable[str | os.PathLike]) -> tuple[list[tuple[Path, str]], list[Problem]]:
    """(file, name shown in reports) pairs -- a folder's files by their path inside it."""
    files, problems = [], []
    for p in paths:
        p = Path(p).expanduser()
        if p.is_dir():
            found = sorted(q for q in p.rglob("*.jsonl") if q.is_file())
            if not found:
                problems.append(Problem(str(p), None, "文件夹里没有 .jsonl 进度文件 / no *.jsonl file"))
            files += [(q, q.relative_to(p).as_posix()) for q in found]
        elif p.is_file():
            files.append((p, str(p)))
        else:
            problems.append(Problem(str(p), None, "找不到这个文件或文件夹 / not found"))
    return files, problems


def _learner_from_path(path: Path) -> str:
    if path.name == DEFAULT_NAME or path.stem.lstrip(".") in ("", "course_progress"):
        return path.parent.name or "unknown"
    return path.stem.lstrip(".")


def _parse_ts(value) -> pd.Timestamp | None:
    if not isinstance(value, str):
        return None
    try:
        ts = pd.Timestamp(_dt.datetime.fromisoformat(value))
    except ValueError:
        return None
    return ts.tz_convert("UTC") if ts.tzinfo else ts.tz_localize("UTC")


def _check_row(row) -> str | None:
    """What is wrong with one decoded line, or None."""
    if not isinstance(row, dict):
        return f"不是 JSON 对象 / not a JSON object ({type(row).__name__})"
    if not isinstance(row.get("exercise"), str) or not row["exercise"].strip():
        return "缺少 exercise（题目编号）/ no exercise id"
    if row.get("event") not in EVENTS:
        return f"未知的 event {row.get('event')!r} / unknown event (expected {', '.join(EVENTS)})"
    if _parse_ts(row.get("ts")) is None:
        return f"时间 ts 无法识别 {row.get('ts')!r} / unreadable ts"
    if row["event"] == "check" and row.get("status") not in ("correct", "incorrect"):
        return f"检查结果 status 无法识别 {row.get('status')!r} / unknown status"
    return None


def read_file(path: str | os.PathLike, shown: str | None = None) -> tuple[list[dict], list[Problem]]:
    """The valid events of one progress file and the lines skipped (never raises).

    ``shown``: the file's name in reports (default: the path as given).

    >>> read_file("/nonexistent.jsonl")[1][0].what.startswith("无法读取")
    True
    """
    path = Path(path)
    name = str(path) if shown is None else shown
    rows, problems = [], []
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return [], [Problem(name, None, f"无法读取 / cannot read: {exc.strerror or exc}")]
    if b"\x00" in raw[:4096]:
        return [], [Problem(name, None, "不是文本文件（含 NUL 字节）/ not a text file")]
    text = raw.decode("utf-8", errors="replace")
    default_learner = _learner_from_path(path)
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if len(line) > _MAX_LINE:
            problems.append(Problem(name, lineno, "这一行太长 / line too long"))
            continue
        try:
            row = json.loads(line)
        except ValueError:
            problems.append(Problem(name, lineno, "不是完整的 JSON（可能复制时被截断）/ not valid JSON"))
            continue
        what = _check_row(row)
        if what:
            problems.append(Problem(name, lineno, what))
            continue
        learner = row.get("learner")
        rows.append({
            "learner": str(learner).strip()[:40] if isinstance(learner, str) and learner.strip()
            else default_learner,
            "exercise": row["exercise"].strip()[:80],
            "event": row["event"],
            "status": row.get("status") if row["event"] == "check" else None,
            "attempt": row.get("attempt") if isinstance(row.get("attempt"), int) else None,
            "reason": mask_reason(row["reason"]) if isinstance(row.get("reason"), str) else None,
            "ts": _parse_ts(row["ts"]),
            "file": name,
            "line": lineno,
        })
    return rows, problems


def collect(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> ProgressData:
    """Read every progress file in ``paths`` (files, or folders searched for ``*.jsonl``).

    The same line copied twice (a file collected twice) counts once. Events are
    sorted by time. Example: ``collect("progress/")``.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files, problems = _progress_files(paths)
    rows: list[dict] = []
    for f, shown in files:
        got, bad = read_file(f, shown)
        rows += got
        problems += bad
    columns = ["learner", "exercise", "event", "status", "attempt", "reason", "ts", "file", "line"]
    events = pd.DataFrame(rows, columns=columns)
    if len(events):
        events["ts"] = pd.to_datetime(events["ts"], utc=True)
        key = ["learner", "exercise", "event", "status", "attempt", "ts"]
        events = (events.sort_values(["ts", "learner", "exercise"], kind="stable")
                  .drop_duplicates(subset=key, keep="first").reset_index(drop=True))
    return ProgressData(events=events, files=[shown for _, shown in files], problems=problems)


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------
def _exercise_order(data: ProgressData, exercises: pd.DataFrame | None) -> pd.DataFrame:
    cat = catalogue() if exercises is None else exercises
    seen = [e for e in pd.unique(data.events["exercise"]) if e not in set(cat["exercise"])]
    extra = pd.DataFrame({"exercise": sorted(seen),
                          "lecture": [e.split(".")[0] for e in sorted(seen)],
                          "title": ["（不在本课程的题目清单里）"] * len(seen)})
    return pd.concat([cat, extra], ignore_index=True) if len(extra) else cat.reset_index(drop=True)


def status_table(data: ProgressData, exercises: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per trainee x exercise (every exercise of the course, attempted or not).

    Columns: ``learner``, ``exercise``, ``lecture``, ``state`` (``correct`` if any
    check was correct, ``incorrect`` if checked but never correct,
    ``not_attempted``), ``attempts`` (checks), ``hints``, ``solution_viewed``,
    ``last_ts`` (time of the last check, UTC; NaT when none).
    """
    order = _exercise_order(data, exercises)
    learners = data.learners
    grid = pd.MultiIndex.from_product([learners, order["exercise"]], names=["learner", "exercise"])
    ev = data.events
    checks = ev[ev["event"] == "check"]
    g = checks.groupby(["learner", "exercise"])
    stats = pd.DataFrame({
        "attempts": g.size(),
        "any_correct": g["status"].agg(lambda s: bool((s == "correct").any())),
        "last_ts": g["ts"].max(),
    })
    hints = ev[ev["event"] == "hint"].groupby(["learner", "exercise"]).size().rename("hints")
    sol = ev[ev["event"] == "solution"].groupby(["learner", "exercise"]).size().rename("solution")
    out = stats.join(hints, how="outer").join(sol, how="outer").reindex(grid)
    out["attempts"] = out["attempts"].fillna(0).astype(int)
    out["hints"] = out["hints"].fillna(0).astype(int)
    out["solution_viewed"] = out["solution"].fillna(0).astype(int) > 0
    correct = out["any_correct"].astype("boolean").fillna(False).astype(bool)
    out["state"] = "not_attempted"
    out.loc[out["attempts"] > 0, "state"] = "incorrect"
    out.loc[correct, "state"] = "correct"
    out = out.reset_index()
    out["lecture"] = out["exercise"].map(dict(zip(order["exercise"], order["lecture"])))
    out["last_ts"] = pd.to_datetime(out["last_ts"], utc=True)
    return out[STATUS_TABLE_COLUMNS]


def matrix(data: ProgressData, exercises: pd.DataFrame | None = None) -> pd.DataFrame:
    """The trainee x exercise grid of states (rows: trainees, columns: exercise ids)."""
    table = status_table(data, exercises)
    order = list(_exercise_order(data, exercises)["exercise"])
    if table.empty:
        return pd.DataFrame(columns=order)
    return table.pivot(index="learner", columns="exercise", values="state")[order]


def state_counts(data: ProgressData, exercises: pd.DataFrame | None = None) -> pd.DataFrame:
    """Trainees per exercise and state: the numbers behind the dashboard's bar chart.

    One row per exercise in teaching order (index ``exercise``; exercises of the course
    first, then ids found only in the files); columns ``lecture``, ``title`` and one count
    of trainees per state in :data:`STATES` (``correct``, ``incorrect`` = checked but never
    correct, i.e. stuck, ``not_attempted``). Every trainee is in every row, so each row
    sums to ``attrs["learners"]`` (the number of trainees read).

    >>> cat = pd.DataFrame({"exercise": ["L1.a", "L1.b"], "lecture": ["L1", "L1"], "title": ["题 a", "题 b"]})
    >>> ev = pd.DataFrame({"learner": ["s1", "s1", "s2"], "exercise": ["L1.a"] * 3,
    ...                    "event": ["check"] * 3, "status": ["incorrect", "correct", "incorrect"],
    ...                    "ts": pd.to_datetime(["2026-12-07 09:00"] * 3, utc=True)})
    >>> c = state_counts(ProgressData(events=ev), cat)
    >>> c[list(STATES)].to_dict("index")
    {'L1.a': {'correct': 1, 'incorrect': 1, 'not_attempted': 0}, 'L1.b': {'correct': 0, 'incorrect': 0, 'not_attempted': 2}}
    >>> c.attrs["learners"]
    2
    """
    order = _exercise_order(data, exercises)
    table = status_table(data, order)
    counts = (pd.crosstab(table["exercise"], table["state"])
              .reindex(index=order["exercise"], columns=list(STATES), fill_value=0).astype(int))
    counts.columns.name = None
    out = order.set_index("exercise")[["lecture", "title"]].join(counts)
    out.attrs["learners"] = len(data.learners)
    return out


def stuck_exercises(data: ProgressData, exercises: pd.DataFrame | None = None,
                    top: int = 3) -> pd.DataFrame:
    """Exercises ordered by how many trainees are stuck on them (attempted, never correct).

    ``top_reasons``: the most common wrong-answer messages (masked first lines, see
    :func:`course_utils.exercises.progress.mask_reason`) among the stuck trainees'
    incorrect checks, as ``[(message, trainees), ...]`` counting each trainee once.
    ``median_attempts_to_correct``: checks up to and including the first correct one,
    median over the trainees who got there.
    """
    order = _exercise_order(data, exercises)
    table = status_table(data, order)
    ev = data.events
    wrong = ev[(ev["event"] == "check") & (ev["status"] == "incorrect") & ev["reason"].notna()]
    rows = []
    for _, ex in order.iterrows():
        t = table[table["exercise"] == ex["exercise"]]
        stuck_learners = set(t.loc[t["state"] == "incorrect", "learner"])
        reasons = Counter()
        w = wrong[(wrong["exercise"] == ex["exercise"]) & wrong["learner"].isin(stuck_learners)]
        for reason, learners in w.groupby("reason")["learner"]:
            reasons[reason] = learners.nunique()
        to_correct = []
        checks = ev[(ev["event"] == "check") & (ev["exercise"] == ex["exercise"])]
        for _, c in checks.groupby("learner"):
            hits = (c["status"] == "correct").to_numpy().nonzero()[0]
            if len(hits):
                to_correct.append(int(hits[0]) + 1)
        attempted = int((t["state"] != "not_attempted").sum())
        stuck = len(stuck_learners)
        rows.append({
            "exercise": ex["exercise"], "lecture": ex["lecture"], "title": ex["title"],
            "attempted": attempted, "correct": int((t["state"] == "correct").sum()), "stuck": stuck,
            "stuck_share": stuck / attempted if attempted else 0.0,
            "median_attempts_to_correct": float(pd.Series(to_correct).median()) if to_correct
            else float("nan"),
            "top_reasons": sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:top],
        })
    out = pd.DataFrame(rows, columns=STUCK_COLUMNS)
    return out.sort_values(["stuck", "stuck_share", "attempted"], ascending=False,
                           kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------
# Display
# ---------------------------------------------------------------------------
# viz.theme GOOD / BAD / NOTE (blue / vermilion / grey; never green vs red), as literals: no matplotlib import
_COLORS = {"correct": "#0072B2", "incorrect": "#D55E00", "not_attempted": "#51606f"}


def _fmt_ts(ts) -> str:
    return "" if pd.isna(ts) else ts.tz_convert("UTC").strftime("%m-%d %H:%M UTC")


def render_html(data: ProgressData, exercises: pd.DataFrame | None = None,
                title: str = "讲师看板：谁卡住了") -> str:
    """The whole report (summary, stuck exercises, the matrix, skipped lines) as one HTML page.

    Self-contained (no scripts, no external files); each cell shows an icon and
    its word (not only a colour) and the attempts; hovering shows the last time.
    """
    order = _exercise_order(data, exercises)
    table = status_table(data, order)
    stuck = stuck_exercises(data, order)
    e = html.escape
    n_learners = len(data.learners)
    parts = [f"<h2>{e(title)}</h2>",
             f"<p>读取了 {len(data.files)} 个进度文件，{n_learners} 位学员，"
             f"{len(data.events)} 条记录；跳过 {len(data.problems)} 处无法读取的内容（见文末）。"
             "每格：√ 答对、× 还没答对、· 未尝试；数字是检查次数。</p>"]
    parts.append("<h3>卡住最多的题目（尝试过但还没答对的学员）</h3>")
    rows = []
    for _, r in stuck.iterrows():
        if r["attempted"] == 0:
            continue
        reasons = "<br>".join(f"{e(msg)}（{n} 人）" for msg, n in r["top_reasons"]) or "—"
        rows.append(f"<tr><td>{e(r['exercise'])}<br><small>{e(r['title'])}</small></td>"
                    f"<td>{r['attempted']}</td><td>{r['correct']}</td><td><b>{r['stuck']}</b>"
                    f"（{r['stuck_share']:.0%}）</td><td>{reasons}</td></tr>")
    parts.append("<table class='stuck'><tr><th>题目</th><th>尝试人数</th><th>答对人数</th>"
                 "<th>卡住人数</th><th>最常见的错误提示</th></tr>" + "\n".join(rows) + "</table>"
                 if rows else "<p>还没有人检查过答案。</p>")
    parts.append("<h3>学员 × 题目</h3>")
    head = "".join(f"<th title='{e(t)}'>{e(x)}</th>" for x, t in zip(order["exercise"], order["title"]))
    body = []
    for learner, g in table.groupby("learner", sort=True):
        cells = []
        for _, c in g.set_index("exercise").reindex(order["exercise"]).iterrows():
            state = c["state"]
            tip = f"{STATE_LABELS[state]}；检查 {c['attempts']} 次；提示 {c['hints']} 条"
            if not pd.isna(c["last_ts"]):
                tip += f"；最后一次 {_fmt_ts(c['last_ts'])}"
            count = f" {c['attempts']}" if c["attempts"] else ""
            cells.append(f"<td style='color:{_COLORS[state]}' title='{e(tip)}'>"
                         f"{STATE_ICONS[state]} {STATE_LABELS[state]}{count}</td>")
        body.append(f"<tr><th>{e(learner)}</th>{''.join(cells)}</tr>")
    parts.append(f"<div class='wrap'><table class='matrix'><tr><th>学员</th>{head}</tr>"
                 + "\n".join(body) + "</table></div>")
    if data.problems:
        items = "".join(f"<li>{e(str(p))}</li>" for p in data.problems[:200])
        more = f"<li>……还有 {len(data.problems) - 200} 处</li>" if len(data.problems) > 200 else ""
        parts.append(f"<h3>跳过的内容（{len(data.problems)} 处）</h3><ul>{items}{more}</ul>")
    style = ("<style>.dash{font-family:sans-serif;font-size:14px}.dash table{border-collapse:collapse;"
             "margin:6px 0}.dash td,.dash th{border:1px solid #d0d7de;padding:3px 6px;"
             "text-align:left;white-space:nowrap}.dash .stuck td{white-space:normal}"
             ".dash .wrap{overflow-x:auto}</style>")
    return style + "<div class='dash'>" + "\n".join(parts) + "</div>"


def summary_text(data: ProgressData, exercises: pd.DataFrame | None = None, top: int = 5) -> str:
    """A plain-text report for the terminal: counts, the stuck exercises, the compact matrix."""
    order = _exercise_order(data, exercises)
    stuck = stuck_exercises(data, order)
    lines = [f"{len(data.files)} 个进度文件 / files, {len(data.learners)} 位学员 / trainees, "
             f"{len(data.events)} 条记录 / events, 跳过 / skipped {len(data.problems)}"]
    lines.append("")
    lines.append("卡住最多的题目 / most stuck (attempted, never correct):")
    shown = stuck[stuck["stuck"] > 0].head(top)
    if shown.empty:
        lines.append("  （没有）/ none")
    for _, r in shown.iterrows():
        lines.append(f"  {r['exercise']:<32} 卡住 {r['stuck']}/{r['attempted']} "
                     f"({r['stuck_share']:.0%})  {r['title']}")
        for msg, n in r["top_reasons"]:
            lines.append(f"      {n} 人: {msg}")
    grid = matrix(data, order)
    if len(grid):
        lines.append("")
        lines.append("学员 x 题目 / trainee x exercise  (√ correct  × incorrect  · not attempted)")
        ids = list(grid.columns)
        for i, x in enumerate(ids, 1):
            lines.append(f"  {i:>2} = {x}")
        width = max(len(str(n)) for n in grid.index)
        lines.append(" " * (width + 2) + " ".join(f"{i:>2}" for i in range(1, len(ids) + 1)))
        for learner, row in grid.iterrows():
            lines.append(f"  {learner:<{width}}" + " ".join(f"{STATE_ICONS[s]:>2}" for s in row))
    if data.problems:
        lines.append("")
        lines.append(f"跳过的内容 / skipped ({len(data.problems)}):")
        lines += [f"  {p}" for p in data.problems[:20]]
        if len(data.problems) > 20:
            lines.append(f"  ... {len(data.problems) - 20} more")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Example files (tests, the dashboard notebook's demo, rehearsing a workshop)
# ---------------------------------------------------------------------------
def simulate_progress(folder: str | os.PathLike, n_trainees: int = 30, seed: int = 0,
                      malformed: bool = True, exercises: pd.DataFrame | None = None) -> list[Path]:
    """Write example progress files of ``n_trainees`` into ``folder``; their paths.

    Made-up trainees (``seat01`` ...) work through the exercises in order over
    two days; harder exercises (a per-exercise difficulty) take more checks and
    leave some trainees stuck with one of a few typical wrong-answer messages.
    Half the trainees had ``COURSE_USER`` set (the label is in every line), the
    rest are named by their file; one file is still called
    ``.course_progress.jsonl`` inside a folder named after its trainee. With
    ``malformed`` some files get a truncated last line, a non-JSON line, an
    unknown event and a blank line, and one extra file is not text at all.
    """
    import numpy as np

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    cat = catalogue() if exercises is None else exercises
    rng = np.random.default_rng(seed)
    difficulty = rng.uniform(0.15, 0.75, len(cat))
    reasons = ["答案要用在册客户做分母，你用了全部客户：比率偏低 # 个百分点。",
               "金额单位不对：题目要万元，你给的是元（差 # 倍）。",
               "截止日之后的交易也算进去了（数据泄漏）：请只用 # 之前的数据。",
               "还差一点：结果和参考答案相差 #%，检查一下筛选条件。"]
    start = _dt.datetime(2026, 12, 7, 9, 0, tzinfo=_dt.timezone.utc)
    written = []
    for i in range(1, n_trainees + 1):
        name = f"seat{i:02d}"
        labelled = i % 2 == 0
        lines, t = [], start + _dt.timedelta(minutes=int(rng.integers(0, 20)))
        pace = rng.uniform(0.6, 1.4)
        for k, ex in enumerate(cat.itertuples(index=False)):
            if k > 0 and ex.lecture != cat.iloc[k - 1]["lecture"]:
                t += _dt.timedelta(minutes=int(60 * pace))
            if rng.random() < 0.08 * (1 + k / len(cat)):      # skipped, more often late
                continue
            p_fail = difficulty[k] * pace
            attempt = 0
            favourite = int(rng.integers(0, len(reasons)))
            while True:
                attempt += 1
                t += _dt.timedelta(minutes=int(rng.integers(1, 9)))
                if attempt >= 2 and rng.random() < 0.3:
                    lines.append({"ts": t, "exercise": ex.exercise, "event": "hint",
                                  "level": min(attempt - 1, 3)})
                ok = rng.random() > p_fail
                row = {"ts": t, "exercise": ex.exercise, "event": "check",
                       "status": "correct" if ok else "incorrect", "attempt": attempt}
                if not ok:
                    pick = favourite if rng.random() < 0.7 else int(rng.integers(0, len(reasons)))
                    row["reason"] = reasons[pick]
                lines.append(row)
                if ok or attempt >= 6 or rng.random() < 0.15:
                    break
        out = []
        for row in lines:
            row = dict(row, ts=row["ts"].isoformat(timespec="seconds"))
            if labelled:
                row["learner"] = name
            out.append(json.dumps(row, ensure_ascii=False))
        if malformed and i % 7 == 3 and out:
            out[-1] = out[-1][: len(out[-1]) // 2]             # copied while being written
        if malformed and i % 11 == 5:
            out.insert(len(out) // 2, "this is not json")
            out.insert(1, json.dumps({"ts": "2026-12-07T10:00:00+00:00", "exercise": "L1.churn_trend",
                                      "event": "page_load"}))
            out.insert(2, "")
        if i == n_trainees:                                     # not renamed: folder is the name
            path = folder / name / DEFAULT_NAME
        else:
            path = folder / f"{name}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(out) + "\n", encoding="utf-8")
        written.append(path)
    if malformed:
        junk = folder / "seat99.jsonl"
        junk.write_bytes(b"PK\x03\x04\x00\x00binary zip copied by mistake")
        written.append(junk)
    return written
