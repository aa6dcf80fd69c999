"""One-page printable agenda of the two course days (HTML, A4), from the course map.

    python3 course.py agenda                   # writes build/agenda.html
    python3 course.py agenda --out agenda.html
    python -m tools.agenda --out FILE [--cohort NAME --seed S --customers N]

Every time slot of :data:`course_utils.coursemap.SCHEDULE` becomes a row (time,
lecture or exercises, what it teaches, which notebook); the gaps between slots
become breaks: a gap of :data:`LUNCH_MIN_MINUTES` or more is lunch (午餐), a
shorter one a tea break (茶歇). Text is Simplified Chinese with the English
term; the page has no external assets (no fonts, scripts, images or links to
fetch) and print CSS for one A4 page (``@page { size: A4 }``). Lectures added
to the map later appear without touching this file.

Bad arguments give one bilingual line on stderr and exit code 2.
"""
from __future__ import annotations

import argparse
import html
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "build" / "agenda.html"

#: A gap between two sessions of at least this many minutes is lunch, else a tea break.
LUNCH_MIN_MINUTES = 45

COURSE_TITLE = "AI+银行客户忠诚度管理"
COURSE_TITLE_EN = "AI for Bank Customer Loyalty Management"

KIND_LABELS = {
    "lecture": ("讲授", "Lecture"),
    "exercises": ("练习", "Exercises"),
    "break": ("茶歇", "Break"),
    "lunch": ("午餐", "Lunch"),
}


@dataclass(frozen=True)
class Row:
    """One line of the agenda: a session of the map or a break between two."""

    day: int
    start: str          # "09:00"
    end: str            # "09:50"
    kind: str           # key of KIND_LABELS
    lecture: str | None = None   # lecture key for lecture / exercises rows

    @property
    def minutes(self) -> int:
        """Length in minutes.

        >>> Row(1, "10:30", "10:45", "break").minutes
        15
        """
        return _minute(self.end) - _minute(self.start)

    @property
    def slot(self) -> str:
        return f"{self.start}–{self.end}"


def _minute(hhmm: str) -> int:
    h, m = hhmm.strip().split(":")
    return int(h) * 60 + int(m)


def _split(slot: str) -> tuple[str, str]:
    """``"09:00–09:50"`` -> ``("09:00", "09:50")`` (en dash or hyphen).

    >>> _split("09:00–09:50"), _split("13:30-14:30")
    (('09:00', '09:50'), ('13:30', '14:30'))
    """
    sep = "–" if "–" in slot else "-"
    a, b = slot.split(sep)
    return a.strip(), b.strip()


def agenda_rows(schedule=None) -> list[Row]:
    """Sessions of the map in time order per day, with breaks derived from the gaps.

    >>> rows = agenda_rows()
    >>> [(r.slot, r.kind) for r in rows[:3]]
    [('09:00–09:50', 'lecture'), ('09:50–10:30', 'exercises'), ('10:30–10:45', 'break')]
    >>> any(r.kind == "lunch" and r.slot == "12:00–13:30" for r in rows)
    True
    """
    from course_utils.coursemap import SCHEDULE

    sessions = sorted(schedule if schedule is not None else SCHEDULE,
                      key=lambda s: (s.day, _minute(_split(s.slot)[0])))
    rows: list[Row] = []
    prev = None
    for s in sessions:
        start, end = _split(s.slot)
        if prev is not None and prev.day == s.day and _minute(prev.end) < _minute(start):
            gap = _minute(start) - _minute(prev.end)
            rows.append(Row(s.day, prev.end, start,
                            "lunch" if gap >= LUNCH_MIN_MINUTES else "break"))
        row = Row(s.day, start, end, s.kind, s.lecture)
        rows.append(row)
        prev = row
    return rows


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)


CSS = """
@page { size: A4 portrait; margin: 10mm 11mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: #1f2933; background: #fff;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
    "Hiragino Sans GB", "WenQuanYi Micro Hei", sans-serif;
  font-size: 9.4pt; line-height: 1.3; }
.page { width: 188mm; margin: 0 auto; padding: 4mm 0; }
header { border-bottom: 2px solid #1f5f99; margin-bottom: 3mm; padding-bottom: 2mm; }
h1 { font-size: 14.5pt; margin: 0; color: #1f5f99; }
h1 .en { font-size: 10.5pt; font-weight: normal; color: #52606d; margin-left: 2mm; }
.meta { margin: 1mm 0 0; color: #52606d; font-size: 9pt; }
h2 { font-size: 10.5pt; margin: 2.4mm 0 1mm; color: #1f2933; }
h2 .en { font-weight: normal; color: #52606d; font-size: 9.5pt; }
table { width: 100%; table-layout: fixed; border-collapse: collapse; break-inside: avoid; page-break-inside: avoid; }
th, td { border-bottom: 1px solid #d9e2ec; padding: 1mm 1.4mm; vertical-align: top; text-align: left; }
th { background: #e6eef6; font-size: 8.2pt; }
col.time { width: 22mm; } col.kind { width: 24mm; } col.file { width: 46mm; }
td.time { white-space: nowrap; font-variant-numeric: tabular-nums; }
td.kind { white-space: nowrap; }
td.file { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 7.6pt; color: #52606d;
  overflow-wrap: anywhere; }
.what { color: #3e4c59; font-size: 8.5pt; }
.title .en { color: #52606d; font-size: 8.3pt; }
tr.break td, tr.lunch td { background: #f5f7fa; color: #52606d; padding-top: .35mm; padding-bottom: .35mm; }
tr.lecture td.kind { color: #1f5f99; font-weight: bold; }
tr.exercises td.kind { color: #c05621; font-weight: bold; }
footer { margin-top: 3mm; font-size: 8.2pt; color: #52606d; border-top: 1px solid #d9e2ec; padding-top: 1.5mm; }
@media print { .page { padding: 0; width: auto; } }
"""


def agenda_html(cohort: str | None = None, seed: int | None = None,
                customers: int | None = None, schedule=None) -> str:
    """The agenda page as one HTML string (UTF-8, no external assets).

    ``cohort`` / ``seed`` / ``customers`` add a line naming the cohort and its data.

    >>> page = agenda_html(cohort="spring", seed=7, customers=600)
    >>> "09:00–09:50" in page and "午餐" in page and "size: A4" in page and "http" not in page
    True
    """
    from course_utils.coursemap import DAY_NAMES, lecture

    rows = agenda_rows(schedule)
    meta = ["两天课程 · 2-day workshop"]
    if cohort:
        meta.append(f"本期 (cohort)：{_e(cohort)}")
    if seed is not None and customers is not None:
        meta.append(f"课程数据 (dataset)：随机种子 (seed) {int(seed)}，{int(customers):,} 位模拟客户")
    parts = [
        "<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
        f"<title>{_e(COURSE_TITLE)} · 课程日程 (agenda)</title>",
        f"<style>{CSS}</style>", "</head>", "<body>", '<div class="page">',
        "<header>",
        f'<h1>{_e(COURSE_TITLE)} · 课程日程<span class="en">{_e(COURSE_TITLE_EN)} · Agenda</span></h1>',
        f'<p class="meta">{" ｜ ".join(meta)}</p>',
        "</header>",
    ]
    for day in sorted({r.day for r in rows}):
        day_rows = [r for r in rows if r.day == day]
        first, last = day_rows[0].start, day_rows[-1].end
        teach = sum(r.minutes for r in day_rows if r.kind in ("lecture", "exercises"))
        parts.append(f'<h2>{_e(DAY_NAMES.get(day, f"第{day}天"))} <span class="en">Day {day}</span>'
                     f' <span class="en">{first}–{last}，授课与练习 {teach // 60} 小时'
                     f'{f" {teach % 60} 分钟" if teach % 60 else ""}</span></h2>')
        parts.append(f'<table data-day="{day}"><colgroup><col class="time"><col class="kind"><col>'
                     '<col class="file"></colgroup><thead><tr><th>时间 Time</th><th>形式 Format</th>'
                     '<th>内容 Content</th><th>笔记本 Notebook</th></tr></thead><tbody>')
        for r in day_rows:
            zh, en = KIND_LABELS[r.kind]
            kind = f"{zh} <span class=\"en\">{en}</span>"
            if r.lecture is None:
                label = "午餐休息 · Lunch break" if r.kind == "lunch" else "茶歇 · Tea break"
                parts.append(f'<tr class="{r.kind}"><td class="time">{r.slot}</td>'
                             f'<td class="kind">{kind}</td><td colspan="2">{label}（{r.minutes} 分钟）</td></tr>')
                continue
            lec = lecture(r.lecture)
            if r.kind == "lecture":
                title = (f'<div class="title"><b>{_e(lec.number)} {_e(lec.title)}</b> '
                         f'<span class="en">{_e(lec.title_en)}</span></div>')
                what, nb = lec.summary, lec.notebook
            else:
                title = (f'<div class="title"><b>{_e(lec.number)} 练习</b> '
                         f'<span class="en">Exercises · {_e(lec.title_en)}</span></div>')
                what, nb = lec.exercise_summary, lec.exercises
            parts.append(f'<tr class="{r.kind}" data-lecture="{_e(r.lecture)}">'
                         f'<td class="time">{r.slot}<br><span class="what">{r.minutes} 分钟</span></td>'
                         f'<td class="kind">{kind}</td>'
                         f'<td>{title}<div class="what">{_e(what)}</div></td>'
                         f'<td class="file">{_e(nb)}</td></tr>')
        parts.append("</tbody></table>")
    parts += [
        "<footer>",
        "开课前：在课程文件夹里运行 <code>python3 course.py lab</code> 打开 Jupyter，从开始页 "
        "<code>notebooks/00_start.ipynb</code> 进入各讲；每讲的练习在 <code>exercises/</code> 文件夹。"
        " · Before class: run <code>python3 course.py lab</code> in the course folder "
        "and open the start page.",
        "</footer>",
        "</div>", "</body>", "</html>", "",
    ]
    return "\n".join(parts)


def write_agenda(out: Path, **kw) -> Path:
    """Write :func:`agenda_html` to ``out`` atomically (a temporary file, then a rename)."""
    import os

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(agenda_html(**kw), encoding="utf-8", newline="\n")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


class _Parser(argparse.ArgumentParser):
    """argparse whose errors are one bilingual line (exit code 2)."""

    def error(self, message: str):
        self.exit(2, f"错误：参数有误（{message}）；用法见 python3 course.py agenda --help"
                     f" / Error: bad arguments ({message}); see python3 course.py agenda --help\n")


def _parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="python3 course.py agenda",
                 description="两天课程的一页日程 (HTML, A4) / one-page printable agenda of the two days")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="FILE",
                    help=f"输出文件 output HTML file (default {DEFAULT_OUT.relative_to(ROOT)})")
    ap.add_argument("--cohort", default=None, metavar="NAME", help="本期名称 cohort name shown on the page")
    ap.add_argument("--seed", type=int, default=None, help="本期数据的随机种子 the cohort's seed")
    ap.add_argument("--customers", type=int, default=None, help="本期数据的客户数 the cohort's size")
    return ap


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    out = args.out
    if out.exists() and out.is_dir():
        print(f"错误：--out 是一个文件夹：{out}；请给一个 .html 文件名 / Error: --out is a folder: {out}; "
              "give an .html file name", file=sys.stderr)
        return 2
    try:
        write_agenda(out, cohort=args.cohort, seed=args.seed, customers=args.customers)
    except OSError as exc:
        print(f"错误：无法写入 {out}（{exc}） / Error: cannot write {out} ({exc})", file=sys.stderr)
        return 1
    print(f"已写入课程日程 {out}：用浏览器打开，打印（Ctrl+P）为一页 A4。"
          f" / Wrote the agenda {out}: open it in a browser and print it on one A4 page.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
