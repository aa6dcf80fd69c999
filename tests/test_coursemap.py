"""The two-day map is a real two-day course, and every notebook states the time the map gives it."""
import re
from pathlib import Path

import pytest

from course_utils import coursemap

ROOT = Path(__file__).resolve().parents[1]


def _minutes(slot: str) -> tuple[int, int]:
    start, end = slot.split("–")
    (h1, m1), (h2, m2) = (map(int, start.split(":")), map(int, end.split(":")))
    return h1 * 60 + m1, h2 * 60 + m2


def test_days_are_real_days():
    for day in (1, 2):
        slots = [_minutes(s.slot) for s in coursemap.SCHEDULE if s.day == day]
        assert slots == sorted(slots), f"day {day} slots out of order"
        for (_a, b), (c, _) in zip(slots, slots[1:]):
            assert b <= c, f"day {day}: overlapping slots"
        assert slots[0][0] >= 9 * 60 and slots[-1][1] <= 17 * 60 + 30
    total = {d: sum(b - a for a, b in (_minutes(s.slot) for s in coursemap.SCHEDULE if s.day == d))
             for d in (1, 2)}
    assert abs(total[1] - total[2]) <= 30, f"unbalanced days: {total}"


def test_every_lecture_has_lecture_and_exercise_time():
    for lec in coursemap.LECTURES:
        assert coursemap.minutes(lec.key, "lecture") >= 45, lec.key
        assert coursemap.minutes(lec.key, "exercises") >= 30, lec.key


@pytest.mark.parametrize("lec", coursemap.LECTURES, ids=lambda lec: lec.key)
def test_sources_state_the_mapped_time(lec):
    """A lecture source says 讲授约 N 分钟，配套练习约 M 分钟; its exercise source 约 M 分钟."""
    stem = Path(lec.notebook).stem
    src = ROOT / "src" / "lectures" / f"{stem}.py"
    if not src.exists():
        pytest.skip(f"{lec.key} not written yet")
    text = src.read_text(encoding="utf-8")
    m = re.search(r"讲授约\s*(\d+)\s*分钟.*?练习约\s*(\d+)\s*分钟", text, re.S)
    assert m, f"{src.name}: no '预计时间：讲授约 N 分钟，配套练习约 M 分钟' line"
    assert (int(m[1]), int(m[2])) == (coursemap.minutes(lec.key, "lecture"),
                                      coursemap.minutes(lec.key, "exercises")), src.name
    ex = ROOT / "src" / "exercises" / f"{Path(lec.exercises).stem}.py"
    if ex.exists():
        m2 = re.search(r"预计时间\**：约\s*(\d+)\s*分钟", ex.read_text(encoding="utf-8"))
        assert m2 and int(m2[1]) == coursemap.minutes(lec.key, "exercises"), ex.name
