"""The instructor dashboard: progress files of 30 trainees (malformed lines included) -> who is stuck."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from course_utils import dashboard
from course_utils.exercises import Exercise, progress
from tools import dashboard as dashboard_cli

ROOT = Path(__file__).resolve().parents[1]
CAT = pd.DataFrame({"exercise": ["L1.a", "L1.b", "L2.c"], "lecture": ["L1", "L1", "L2"],
                    "title": ["题 a", "题 b", "题 c"]})


def write(path: Path, rows: list) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)
                              for r in rows) + "\n", encoding="utf-8")
    return path


def ev(ts: str, exercise: str, event: str = "check", **kw) -> dict:
    return {"ts": f"2026-12-07T{ts}:00+00:00", "exercise": exercise, "event": event, **kw}


@pytest.fixture()
def small(tmp_path):
    write(tmp_path / "seat01.jsonl", [
        ev("09:00", "L1.a", status="incorrect", attempt=1, reason="分母用错了：# 位。"),
        ev("09:05", "L1.a", status="correct", attempt=2),
        ev("09:10", "L1.b", status="incorrect", attempt=1, reason="单位不对。"),
        ev("09:11", "L1.b", "hint", level=1),
    ])
    write(tmp_path / "zhang" / ".course_progress.jsonl", [
        ev("09:02", "L1.b", status="incorrect", attempt=1, reason="单位不对。"),
        ev("09:03", "L1.b", status="incorrect", attempt=2, reason="分母用错了：# 位。"),
        ev("09:04", "L1.b", "solution"),
    ])
    write(tmp_path / "whatever.jsonl", [
        ev("09:30", "L1.a", status="correct", attempt=1, learner="seat03"),
        '{"ts": "2026-12-07T09:31:00+00:00", "exercise": "L1.b", "ev',        # truncated
        ev("09:32", "L1.a", "page_load"),                                     # unknown event
        ev("09:33", "L1.a", status="maybe"),                                  # unknown status
        ["not", "an", "object"],
        {"ts": "yesterday", "exercise": "L1.a", "event": "hint"},             # bad time
    ])
    (tmp_path / "binary.jsonl").write_bytes(b"PK\x03\x04\x00\x00junk")
    return dashboard.collect(tmp_path)


def test_learners_come_from_label_file_name_or_folder(small):
    assert small.learners == ["seat01", "seat03", "zhang"]


def test_every_bad_line_is_listed_with_file_and_line_and_skipped(small):
    by_file = {(Path(p.file).name, p.line) for p in small.problems}
    assert by_file == {("whatever.jsonl", 2), ("whatever.jsonl", 3), ("whatever.jsonl", 4),
                       ("whatever.jsonl", 5), ("whatever.jsonl", 6), ("binary.jsonl", None)}
    assert len(small.events) == 8


def test_status_table_states_attempts_and_last_time(small):
    t = dashboard.status_table(small, CAT).set_index(["learner", "exercise"])
    assert len(t) == 3 * 3                                   # every trainee x every exercise
    assert t.loc[("seat01", "L1.a"), "state"] == "correct"
    assert t.loc[("seat01", "L1.a"), "attempts"] == 2
    assert t.loc[("seat01", "L1.b"), "state"] == "incorrect"
    assert t.loc[("seat01", "L1.b"), "hints"] == 1
    assert t.loc[("zhang", "L1.a"), "state"] == "not_attempted"
    assert t.loc[("zhang", "L1.b"), "solution_viewed"]
    assert t.loc[("zhang", "L1.b"), "last_ts"] == pd.Timestamp("2026-12-07 09:03", tz="UTC")
    assert t.loc[("seat03", "L2.c"), "state"] == "not_attempted"
    grid = dashboard.matrix(small, CAT)
    assert list(grid.columns) == ["L1.a", "L1.b", "L2.c"]
    assert grid.loc["seat03", "L1.a"] == "correct"


def test_stuck_exercises_and_their_most_common_messages(small):
    s = dashboard.stuck_exercises(small, CAT).set_index("exercise")
    assert s.index[0] == "L1.b"                              # both who tried it are stuck
    assert (s.loc["L1.b", "attempted"], s.loc["L1.b", "stuck"]) == (2, 2)
    assert s.loc["L1.b", "top_reasons"] == [("单位不对。", 2), ("分母用错了：# 位。", 1)]
    assert s.loc["L1.a", "stuck"] == 0 and s.loc["L1.a", "correct"] == 2
    assert s.loc["L1.a", "median_attempts_to_correct"] == 1.5


def test_a_file_collected_twice_counts_once(tmp_path):
    rows = [ev("09:00", "L1.a", status="incorrect", attempt=1, learner="s1", reason="x"),
            ev("09:01", "L1.a", status="correct", attempt=2, learner="s1")]
    write(tmp_path / "a.jsonl", rows)
    write(tmp_path / "copy" / "a.jsonl", rows)
    t = dashboard.status_table(dashboard.collect(tmp_path), CAT).set_index(["learner", "exercise"])
    assert t.loc[("s1", "L1.a"), "attempts"] == 2


def test_thirty_generated_trainees_with_malformed_lines(tmp_path):
    files = dashboard.simulate_progress(tmp_path, n_trainees=30, seed=3)
    data = dashboard.collect(tmp_path)
    cat = dashboard.catalogue()
    assert len(data.learners) == 30 and len(files) == 31
    assert data.problems, "the generated files contain malformed lines"
    assert any("JSON" in p.what for p in data.problems)
    assert any(p.line is None and "NUL" in p.what for p in data.problems)
    t = dashboard.status_table(data)
    assert len(t) == 30 * len(cat)
    # the table agrees with a direct count from the events
    checks = data.events[data.events["event"] == "check"]
    assert t["attempts"].sum() == len(checks)
    solved = checks[checks["status"] == "correct"].groupby("exercise")["learner"].nunique()
    got = t[t["state"] == "correct"].groupby("exercise").size()
    pd.testing.assert_series_equal(got.sort_index(), solved.sort_index(), check_names=False)
    stuck = dashboard.stuck_exercises(data)
    assert stuck["stuck"].is_monotonic_decreasing
    assert stuck.iloc[0]["top_reasons"], "the most stuck exercise shows its common messages"
    page = dashboard.render_html(data)
    assert "讲师看板" in page and "seat01" in page and "跳过的内容" in page
    assert "http" not in page and "<script" not in page


def test_every_course_exercise_is_in_the_catalogue_once():
    cat = dashboard.catalogue()
    assert cat["exercise"].is_unique
    assert set(cat["lecture"]) == {"L1", "L2", "L3", "L4", "L5"}
    assert cat["exercise"].str.startswith(tuple(cat["lecture"] + ".")).all()


def test_a_real_check_feeds_the_dashboard(tmp_path, monkeypatch):
    log = tmp_path / "seat05.jsonl"
    monkeypatch.setenv(progress.ENV_VAR, str(log))
    progress.turn_on()

    class Q(Exercise):
        id = "L1.a"
        title = "题 a"

        def diagnose(self, answer):
            return None if answer == 42 else f"差了 {abs(answer - 42)}：再看看分母。"

    q = Q()
    q.check(40)
    q.check(41)
    q.check(42)
    s = dashboard.stuck_exercises(dashboard.collect(log), CAT).set_index("exercise")
    assert s.loc["L1.a", "correct"] == 1 and s.loc["L1.a", "median_attempts_to_correct"] == 3
    assert "40" not in log.read_text(encoding="utf-8")


def run_cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "tools.dashboard", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, env={"PYTHONHASHSEED": "0", "PATH": ""})


def test_command_demo_report_and_refusals(tmp_path):
    demo, out = tmp_path / "demo", tmp_path / "report.html"
    demo.mkdir()
    (demo / "keep.txt").write_text("x")
    r = run_cli("--demo", demo)                                  # not empty: nothing written
    assert r.returncode == 2 and "不是空文件夹" in r.stderr and len(list(demo.iterdir())) == 1
    demo = tmp_path / "demo2"
    r = run_cli("--demo", demo, "--trainees", "8", "--out", out, tmp_path / "missing")
    assert r.returncode == 0, r.stderr
    assert "8 位学员" in r.stdout and "卡住最多的题目" in r.stdout and "找不到" in r.stdout
    assert out.read_text(encoding="utf-8").startswith(dashboard_cli.REPORT_MARK)
    dashboard_cli.write_report(out, "<!-- course dashboard report -->\nnew")   # its own: replaced
    assert out.read_text(encoding="utf-8").endswith("new")
    other = tmp_path / "notes.html"
    other.write_text("my notes", encoding="utf-8")
    with pytest.raises(FileExistsError, match="不覆盖"):
        dashboard_cli.write_report(other, "x")
    assert other.read_text() == "my notes"
    for bad in (["--trainees", "x", str(demo)], [], ["--out"], ["--what"]):
        assert dashboard_cli.main(bad) == 2


@pytest.mark.notebooks
@pytest.mark.slow
def test_dashboard_notebook_reruns_to_its_committed_outputs():
    """instructor/dashboard.ipynb (demo of 30 made-up trainees) under nbval, as the lectures are."""
    from tests.test_notebooks import _nbval

    _nbval(ROOT / "instructor" / "dashboard.ipynb", lax=False)


@pytest.mark.notebooks
@pytest.mark.slow
@pytest.mark.parametrize("content", ["empty", "missing"])
def test_dashboard_notebook_on_an_empty_or_missing_folder_explains_instead_of_failing(tmp_path, content):
    """PROGRESS_DIR set to a folder without progress files (or a wrong path): every cell runs,
    the notebook says what it found and how to fix it; the chart says there is nothing to show."""
    import nbformat

    from tests.test_notebooks import CELL_TIMEOUT, run_bounded

    folder = tmp_path / "progress"
    if content == "empty":
        folder.mkdir()
    out = tmp_path / "out.ipynb"
    rc, log = run_bounded([sys.executable, "-m", "papermill", str(ROOT / "instructor" / "dashboard.ipynb"),
                           str(out), "-k", "python3", "--cwd", str(tmp_path), "-p", "PROGRESS_DIR", str(folder),
                           "--execution-timeout", str(CELL_TIMEOUT), "--start-timeout", "120",
                           "--no-progress-bar", "--log-level", "WARNING"], timeout=300)
    assert rc == 0, log[-3000:]
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "读取了 0 个文件，0 位学员" in text
    assert ("没有 .jsonl 进度文件" if content == "empty" else "找不到这个文件或文件夹") in text
    assert "没有学员卡住" in text
    assert any("image/png" in o.get("data", {}) for o in outputs), "the chart cell still shows a figure"
