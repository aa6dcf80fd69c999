"""The instructor dashboard's chart (course_utils.viz.progress): the bars are the counts of
course_utils.dashboard.state_counts, the title names the most stuck exercise as stuck_exercises ranks
it, the note names the population, text >= 11 pt, nothing outside the figure, course colours, Chinese
without missing glyphs, and an empty progress folder gives a figure that says so (no traceback)."""
from __future__ import annotations

import doctest
import io
import warnings

import pandas as pd
import pytest
from helpers import outside_figure
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex

from course_utils import dashboard
from course_utils.plotting import setup
from course_utils.viz import progress
from course_utils.viz.theme import BAD, GOOD, NEUTRAL, TEXT_PT

setup()
NOTE = "统计范围：测试用的 30 位虚构学员；每根条都是全部学员"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("progress")
    dashboard.simulate_progress(folder, n_trainees=30, seed=3)
    data = dashboard.collect(folder)
    counts = dashboard.state_counts(data)
    return data, counts, progress.progress_figure(counts, population=NOTE)


def _texts(fig):
    """Every visible, non-empty text artist of the figure (after a real draw: layout done)."""
    FigureCanvasAgg(fig).draw()
    return [t for t in fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text"))
            if t.get_visible() and t.get_text().strip()]


def test_counts_agree_with_the_events(demo):
    data, counts, _ = demo
    assert list(counts.index) == list(dashboard.catalogue()["exercise"])
    assert counts.attrs["learners"] == 30
    assert (counts[list(dashboard.STATES)].sum(axis=1) == 30).all()
    checks = data.events[data.events["event"] == "check"]
    solved = checks[checks["status"] == "correct"].groupby("exercise")["learner"].nunique()
    tried = checks.groupby("exercise")["learner"].nunique()
    pd.testing.assert_series_equal(counts["correct"], solved.reindex(counts.index, fill_value=0),
                                   check_names=False, check_dtype=False)
    pd.testing.assert_series_equal(counts["incorrect"], (tried - solved.reindex(tried.index, fill_value=0))
                                   .reindex(counts.index, fill_value=0), check_names=False, check_dtype=False)


def test_the_bars_are_the_counts_stacked_in_teaching_order(demo):
    _, counts, fig = demo
    ax = fig.axes[0]
    assert len(ax.containers) == len(dashboard.STATES)
    left = pd.Series(0.0, index=counts.index)
    for state, bars in zip(dashboard.STATES, ax.containers):
        widths = [p.get_width() for p in bars.patches]
        assert widths == counts[state].astype(float).tolist(), state
        assert [p.get_x() for p in bars.patches] == left.tolist(), state
        left += counts[state]
        assert {to_hex(p.get_facecolor()) for p in bars.patches} == {to_hex(progress.STATE_COLOURS[state])}
    labels = [t.get_text() for t in ax.get_yticklabels()]
    first = counts.iloc[0]
    assert labels[0] == f"{first['lecture']} {first['title']}"           # top bar = first exercise
    assert ax.get_ylim()[0] > ax.get_ylim()[1]                            # inverted: first on top
    # the numbers written on the segments are the counts too
    written = sorted(int(t.get_text()) for t in ax.texts if t.get_text().isdigit())
    expected = sorted(int(v) for s in dashboard.STATES for v in counts[s] if v >= 2)
    assert written == expected


def test_colours_are_blue_vermilion_grey_never_green(demo):
    assert progress.STATE_COLOURS == {"correct": GOOD, "incorrect": BAD, "not_attempted": NEUTRAL}
    for p in demo[2].axes[0].patches:
        assert to_hex(p.get_facecolor()) not in ("#009e73", "#00ff00", "#008000", "#1a7f37")


def test_title_names_the_exercise_stuck_exercises_puts_first(demo):
    data, counts, fig = demo
    top = dashboard.stuck_exercises(data).iloc[0]
    title = fig.axes[0].get_title(loc="left").replace("\n", "")
    assert title.startswith(f"“{top['title']}”（{top['lecture']}）卡住的人最多")
    assert f"做过的 {top['attempted']} 位学员中 {top['stuck']} 位还没答对" in title
    assert any(t.get_text() == NOTE for t in _texts(fig))
    # other numbers, other message
    calm = counts.assign(correct=counts["correct"] + counts["incorrect"], incorrect=0)
    assert progress.progress_message(calm) == "没有人卡住：30 位学员做过的题都答对了"
    idle = counts.assign(correct=0, incorrect=0, not_attempted=30)
    assert progress.progress_message(idle) == "30 位学员还没有检查过任何一道题的答案"


def test_text_is_at_least_11pt_and_chinese(demo):
    texts = _texts(demo[2])
    small = [(t.get_text(), t.get_fontsize()) for t in texts if t.get_fontsize() < TEXT_PT - 1e-9]
    assert small == []
    assert "学员人数" in demo[2].axes[0].get_xlabel()
    legend = [t.get_text() for t in demo[2].legends[0].get_texts()]
    assert legend == ["答对", "还没答对（卡住）", "未尝试"]


def test_nothing_is_outside_the_figure(demo):
    assert outside_figure(demo[2]) == []
    long_note = "统计范围：" + "很长的说明" * 30                     # a note wider than the figure is caught
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)                  # "constrained_layout not applied"
        assert outside_figure(progress.progress_figure(demo[1], population=long_note))


def test_renders_without_missing_glyphs(demo, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        demo[2].savefig(tmp_path / "dashboard.png", dpi=60)
    assert [str(w.message) for w in caught if "missing" in str(w.message).lower()
            or "constrained_layout not applied" in str(w.message)] == []


@pytest.mark.parametrize("content", ["empty", "junk"])
def test_an_empty_progress_folder_gives_a_clear_figure_not_a_traceback(tmp_path, content):
    if content == "junk":
        (tmp_path / "seat01.jsonl").write_bytes(b"PK\x03\x04\x00\x00zip")
    data = dashboard.collect(tmp_path)
    counts = dashboard.state_counts(data)
    assert counts.attrs["learners"] == 0 and (counts[list(dashboard.STATES)] == 0).all().all()
    fig = progress.progress_figure(counts)
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "没有读到任何学员的进度记录"
    assert not ax.patches
    words = " ".join(t.get_text() for t in _texts(fig))
    assert ".jsonl" in words and "统计范围" in words
    assert outside_figure(fig) == []
    fig.savefig(io.BytesIO(), format="png", dpi=40)


def test_doctests():
    assert doctest.testmod(progress).failed == 0
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner()
    for test in finder.find(dashboard.state_counts, "state_counts", globs=vars(dashboard)):
        runner.run(test)
    assert runner.failures == 0 and runner.tries > 0


def test_html_report_uses_the_theme_colours():
    """The HTML table's state colours are the charts' (blue / vermilion / grey), never green."""
    from course_utils import dashboard
    from course_utils.viz import theme

    assert dashboard._COLORS == {"correct": theme.GOOD, "incorrect": theme.BAD, "not_attempted": theme.NOTE}
