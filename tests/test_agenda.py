"""The printable two-day agenda (tools/agenda.py): every session, breaks, one A4 page, offline."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from course_utils.coursemap import SCHEDULE, Session, lecture
from tools import agenda

ROOT = Path(__file__).resolve().parent.parent


class _Rows(HTMLParser):
    """(class, data-lecture, day, text of the row) for every <tr> in a <tbody>."""

    def __init__(self):
        super().__init__()
        self.rows: list[tuple[str, str | None, int, str]] = []
        self._day, self._row, self._text = 0, None, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._day = int(a["data-day"])
        if tag == "tr" and a.get("class"):
            self._row, self._text = (a["class"], a.get("data-lecture")), []

    def handle_endtag(self, tag):
        if tag == "tr" and self._row:
            self.rows.append((*self._row, self._day, " ".join("".join(self._text).split())))
            self._row = None

    def handle_data(self, data):
        if self._row:
            self._text.append(data)


def _rows(page: str):
    p = _Rows()
    p.feed(page)
    return p.rows


@pytest.fixture(scope="module")
def page() -> str:
    return agenda.agenda_html(cohort="spring-2027", seed=7, customers=600)


def test_every_session_of_the_map_appears_with_its_time_and_title(page):
    rows = _rows(page)
    for s in SCHEDULE:
        match = [r for r in rows if r[0] == s.kind and r[1] == s.lecture and r[2] == s.day]
        assert len(match) == 1, (s, match)
        text = match[0][3]
        lec = lecture(s.lecture)
        assert s.slot in text and lec.number in text
        assert (lec.notebook if s.kind == "lecture" else lec.exercises) in text
        assert (lec.title if s.kind == "lecture" else "练习") in text
    assert len([r for r in rows if r[0] in ("lecture", "exercises")]) == len(SCHEDULE)
    assert "spring-2027" in page and "随机种子 (seed) 7" in page and "600 位" in page


def test_rows_are_in_time_order_and_breaks_fill_every_gap(page):
    rows = _rows(page)
    for day in (1, 2):
        times = [re.match(r"(\d\d:\d\d)–(\d\d:\d\d)", r[3]).groups() for r in rows if r[2] == day]
        for (_, end), (start, _) in zip(times, times[1:]):
            assert end == start, times          # no hole, no overlap: breaks fill the gaps
    lunches = [r for r in rows if r[0] == "lunch"]
    assert [(r[2], r[3][:11]) for r in lunches] == [(1, "12:00–13:30"), (2, "12:00–13:30")]
    breaks = [r[3][:11] for r in rows if r[0] == "break" and r[2] == 1]
    assert breaks == ["10:30–10:45", "14:30–14:45"]
    assert all("午餐" in r[3] and "Lunch" in r[3] for r in lunches)


def test_breaks_come_from_the_gaps_of_any_schedule():
    sched = (Session(1, "08:00–09:00", "L1", "lecture"), Session(1, "09:10–10:00", "L1", "exercises"),
             Session(1, "11:00–12:00", "L2", "lecture"), Session(2, "09:00–10:00", "L2", "exercises"))
    got = [(r.day, r.slot, r.kind) for r in agenda.agenda_rows(sched)]
    assert got == [(1, "08:00–09:00", "lecture"), (1, "09:00–09:10", "break"),
                   (1, "09:10–10:00", "exercises"), (1, "10:00–11:00", "lunch"),
                   (1, "11:00–12:00", "lecture"), (2, "09:00–10:00", "exercises")]


def test_print_css_asks_for_one_a4_page_and_nothing_is_fetched(page):
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", page)
    assert "break-inside: avoid" in page
    assert not re.search(r"https?://", page)
    assert not re.search(r"<(link|script|img|iframe)\b|@import|url\(|\bsrc=", page, re.I)
    assert '<meta charset="utf-8">' in page and 'lang="zh-CN"' in page


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="needs the system Chromium (python3 course.py test installs it)")
def test_chromium_prints_it_on_exactly_one_page(tmp_path):
    html_file = agenda.write_agenda(tmp_path / "agenda.html", cohort="spring", seed=7, customers=600)
    pdf = tmp_path / "agenda.pdf"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", html_file.as_uri()],
                   capture_output=True, timeout=120, check=False)
    data = pdf.read_bytes()
    pages = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", data)] or \
        [int(n) for n in re.findall(rb"/Count\s+(\d+)", data)]
    assert pages and max(pages) == 1, pages


def test_command_writes_the_file_and_bad_arguments_give_one_bilingual_line(tmp_path):
    out = tmp_path / "sub" / "agenda.html"
    assert agenda.main(["--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert all(s.slot in text for s in SCHEDULE)
    assert not list(out.parent.glob(".*.tmp"))                       # written atomically
    r = subprocess.run([sys.executable, "-m", "tools.agenda", "--bogus"], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "错误" in lines[0] and "Error" in lines[0]
    assert agenda.main(["--out", str(tmp_path)]) == 2                 # a folder, not a file
