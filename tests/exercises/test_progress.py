"""course_utils.exercises.progress: a private log holding only what the report needs."""
from __future__ import annotations

import getpass
import json
import os
import stat
import sys

import pytest

from course_utils.exercises import Exercise, ____, progress
from course_utils.exercises.__main__ import main as progress_cli
from course_utils.exercises.progress import progress_summary


class Answer42(Exercise):
    id = "test.progress42"
    title = "四十二"
    hints = ["想想 6 × 7。", "就是 42。"]
    solution_code = "answer = 42"

    def diagnose(self, answer):
        return None if answer == 42 else "还不对。"


@pytest.fixture
def log(tmp_path, monkeypatch):
    path = tmp_path / "seat01.jsonl"
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(path))
    monkeypatch.delenv("COURSE_USER", raising=False)
    return path


def rows(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")


@posix_only
def test_log_is_created_private(log):
    old = os.umask(0o022)
    try:
        Answer42().check(1)
    finally:
        os.umask(old)
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


@posix_only
def test_an_existing_readable_log_is_made_private(log):
    log.write_text("", encoding="utf-8")
    log.chmod(0o644)
    Answer42().check(42)
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_only_the_report_fields_are_recorded(log):
    q = Answer42()
    secret = "SECRET-ANSWER-7731"
    q.check(____)                # not attempted: not recorded
    q.check(secret)
    q.check(42)
    q.hint()
    q.solution()
    text = log.read_text(encoding="utf-8")
    assert secret not in text  # no answers
    assert getpass.getuser() not in {v for r in rows(log) for v in r.values()}
    got = rows(log)
    assert [r["event"] for r in got] == ["check", "check", "hint", "solution"]
    assert [(r["status"], r["attempt"]) for r in got[:2]] == [("incorrect", 1), ("correct", 2)]
    assert got[2]["level"] == 1
    assert all(set(r) <= set(progress.FIELDS) for r in got)
    assert "learner" not in got[0]
    # an incorrect check keeps the masked first line of its message (for the dashboard)
    assert got[0]["reason"] == progress.mask_reason(q.check(secret).message)
    assert "reason" not in got[1]


def test_the_reason_never_carries_the_values_a_message_echoes(log):
    class Echo(Exercise):
        id = "test.progress_echo"

        def diagnose(self, answer):
            return f"你填的是 '{answer}'，也就是 {len(str(answer)) * 1234.5} 元。\n第二行也有 {answer}"

    Echo().check("PRIVATE-TEXT")
    (row,) = rows(log)
    assert row["reason"] == "你填的是 …，也就是 # 元。"
    assert "PRIVATE" not in log.read_text(encoding="utf-8")


def test_a_check_that_failed_records_only_the_exception_class(log):
    class Broken(Exercise):
        id = "test.progress_broken"

        def diagnose(self, answer):
            return {"k": 1}[answer]  # KeyError carrying the answer

    Broken().check("PRIVATE-TEXT")
    (row,) = rows(log)
    assert row["error"] == "KeyError" and "PRIVATE-TEXT" not in json.dumps(row)


def test_caller_cannot_add_fields(log):
    progress.record_progress("check", "x", status="correct", answer="leak", message="leak", user="me")
    assert "leak" not in log.read_text(encoding="utf-8")
    progress.record_progress("page_load", "x")  # unknown events are not recorded
    assert len(rows(log)) == 1


def test_turn_off_by_environment_or_call(log, monkeypatch):
    q = Answer42()
    progress.turn_off()
    try:
        q.check(1)
        assert progress.progress_path() is None and not log.exists()
    finally:
        progress.turn_on()
    q.check(1)
    assert log.exists()
    for word in ("off", "OFF", "-", "0", "none"):
        monkeypatch.setenv("COURSE_PROGRESS_FILE", word)
        assert progress.progress_path() is None
    monkeypatch.delenv("COURSE_PROGRESS_FILE")
    assert progress.progress_path().name == ".course_progress.jsonl"


def test_write_failure_is_silent(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "no" / "such" / "dir.jsonl"))
    assert Answer42().check(42).correct


def test_summary_learner_from_file_name_or_course_user(log, tmp_path, monkeypatch):
    q = Answer42()
    q.check(1)
    q.hint()
    q.check(42)
    other = tmp_path / "other.jsonl"
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(other))
    monkeypatch.setenv("COURSE_USER", "seat07")
    q.check(3)
    q.solution()
    with open(log, "a", encoding="utf-8") as fh:
        fh.write("not json\n")
    s = progress_summary([log, other, tmp_path / "missing.jsonl"]).set_index("learner")
    assert s.loc["seat01", "attempts"] == 2 and bool(s.loc["seat01", "solved"])
    assert s.loc["seat01", "hints"] == 1
    assert not bool(s.loc["seat07", "solved"]) and bool(s.loc["seat07", "solution_viewed"])
    assert s.loc["seat07", "last_status"] == "incorrect"
    assert progress_summary(tmp_path / "missing.jsonl").empty


def test_summary_reads_old_logs(tmp_path):
    old = tmp_path / "old.jsonl"
    old.write_text("\n".join(json.dumps(r) for r in [
        {"ts": "t1", "user": "u1", "exercise": "L1.a", "event": "check", "status": "not_attempted"},
        {"ts": "t2", "user": "u1", "exercise": "L1.a", "event": "check", "status": "correct"},
    ]), encoding="utf-8")
    s = progress_summary(old)
    assert s.loc[0, "learner"] == "u1" and s.loc[0, "attempts"] == 1


def test_cli_merges_logs(log, tmp_path, monkeypatch, capsys):
    Answer42().check(42)
    other = tmp_path / "seat02.jsonl"
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(other))
    Answer42().check(3)
    assert progress_cli(["progress", str(log), str(other)]) == 0
    out = capsys.readouterr().out
    assert "seat01" in out and "seat02" in out and "50%" in out
    assert progress_cli(["progress", str(tmp_path / "none.jsonl")]) == 0
    assert "no progress" in capsys.readouterr().out
    assert progress_cli([]) == 2


def test_the_start_page_tells_trainees_what_is_recorded_and_how_to_stop_it():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "src" / "lectures" / "00_start.py").read_text(
        encoding="utf-8")
    for must in (".course_progress.jsonl", "COURSE_PROGRESS_FILE=off", "turn_off()", "0600",
                 "不记录", "你的答案", "用户名"):
        assert must in text, must
    # every recorded field is explained (adding a field means telling trainees)
    words = {"ts": "时间", "exercise": "题目编号", "event": "检查 / 提示 / 参考答案",
             "status": "检查结果", "attempt": "第几次检查", "level": "第几条提示",
             "error": "出错的类型", "reason": "错误提示的第一句", "learner": "COURSE_USER"}
    assert set(words) == set(progress.FIELDS)
    for field, word in words.items():
        assert word in text, (field, word)
    from course_utils.exercises import turn_off, turn_on  # the call the page shows exists
    turn_off()
    turn_on()


def test_setup_widgets_and_an_untouched_run_write_nothing(log):
    """Opening and running an untouched exercise notebook is not an attempt."""
    import pandas as pd

    from course_utils.exercises import lecture1
    from course_utils.plotting import setup

    setup()  # Chinese font for the widget's chart, as the notebook does
    customers = pd.DataFrame({"open_date": ["2020-01-01"] * 3, "churn_date": [None] * 3,
                              "clv": [1.0, 2.0, 3.0], "satisfaction": [95, 80, 60],
                              "loyal": [1, 0, 1]})
    qs = lecture1.setup(customers)
    app = lecture1.churn_trend_app(qs[0])
    app.check()  # the widget's button at its defaults: not attempted
    for q in qs:
        q.check(____)
    assert not log.exists()
