"""Checks shared by several test files: ``from helpers import ...``.

pytest puts tests/ on ``sys.path`` (the folder of tests/conftest.py, "prepend" import mode),
as it does for tests/_standin_customers.py, so every test under tests/ can import this module.
Each helper asserts (or returns what a test asserts on); none of them decides a result by itself.
"""
from __future__ import annotations

import doctest
import importlib
import io
import socket
import statistics
import warnings
from pathlib import Path

import pytest


# --------------------------------------------------------------------------------------------------
# error messages
# --------------------------------------------------------------------------------------------------
def bilingual(err: pytest.ExceptionInfo) -> str:
    """The message of a raised course error, checked to be two lines: Chinese first, then English."""
    msg = str(err.value)
    zh, en = msg.split("\n")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), msg
    assert en.isascii(), msg
    return msg


# --------------------------------------------------------------------------------------------------
# figures
# --------------------------------------------------------------------------------------------------
def drawn_texts(fig) -> list:
    """The visible, non-empty text artists of ``fig`` after drawing it (titles, labels, notes, ticks)."""
    fig.canvas.draw()
    return [t for t in fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text"))
            if t.get_text().strip() and t.get_visible()]


def outside_figure(fig) -> list[str]:
    """What sticks out of ``fig`` after a real (Agg) draw, layout done: every drawn text but the
    tick labels (ticks beyond the view limits keep a position but are not drawn), then the whole
    drawing's tight box. A PNG's tight crop hides such overflow: the image comes out wider."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer, box = canvas.get_renderer(), fig.bbox
    ticks = {id(t) for ax in fig.axes for t in ax.get_xticklabels() + ax.get_yticklabels()}
    out = []
    for t in fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text")):
        if id(t) in ticks or not (t.get_visible() and t.get_text().strip()):
            continue
        b = t.get_window_extent(renderer)
        if b.x0 < box.x0 - 1 or b.y0 < box.y0 - 1 or b.x1 > box.x1 + 1 or b.y1 > box.y1 + 1:
            out.append(f"{t.get_text()[:30]!r} {b.bounds}")
    tight = fig.get_tightbbox(renderer)
    if tight.x0 < -0.01 or tight.y0 < -0.01 or tight.x1 > fig.get_figwidth() + 0.01 \
            or tight.y1 > fig.get_figheight() + 0.01:
        out.append(f"drawing {tight.bounds} vs figure {fig.get_size_inches()}")
    return out


def small_texts(texts, min_pt: float = 11) -> list[tuple[str, float]]:
    """(text, size in pt) of every text artist smaller than ``min_pt`` points."""
    return [(t.get_text(), t.get_fontsize()) for t in texts if t.get_fontsize() < min_pt]


def figure_title(fig) -> str:
    """The left title of the first axes, or else the figure's suptitle ("" if neither)."""
    return fig.axes[0].get_title(loc="left") or (fig._suptitle.get_text() if fig._suptitle else "")


def png_warnings(figs, *, layout: bool = False) -> list[str]:
    """Warnings raised while saving each figure as a small PNG that mention a missing glyph;
    with ``layout=True`` also those saying constrained layout could not be applied."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for fig in figs:
            fig.savefig(io.BytesIO(), format="png", dpi=40)
    return [str(w.message) for w in caught if "missing" in str(w.message).lower()
            or (layout and "constrained_layout not applied" in str(w.message))]


# --------------------------------------------------------------------------------------------------
# servers
# --------------------------------------------------------------------------------------------------
def assert_loopback_only(port: int) -> None:
    """A server on ``port`` is not reachable on this machine's other (non-loopback) interface."""
    other = socket.gethostbyname(socket.gethostname())
    if not other.startswith("127."):
        with pytest.raises(OSError):
            socket.create_connection((other, port), timeout=3).close()


# --------------------------------------------------------------------------------------------------
# exercise packages (course_utils.exercises.lectureN) and their notebook sources
# --------------------------------------------------------------------------------------------------
def assert_star_import(package: str, names: set[str]) -> None:
    """``from <package> import *`` gives a notebook the placeholder ``____`` and every name in ``names``."""
    ns: dict = {}
    exec(f"from {package} import *", ns)   # noqa: S102
    from course_utils.exercises import ____
    assert ns["____"] is ____
    assert names <= set(ns)


def assert_hints_and_solutions_render(qs) -> None:
    """Every question has at least 3 hints, hint 1 says so, and its solution renders as HTML."""
    for q in qs:
        assert len(q.hints) >= 3
        assert "提示 1/" in str(q.hint(1)) and q.solution()._repr_html_()


def assert_doctests_pass(module_name: str) -> None:
    """The docstring examples of module ``module_name`` all pass."""
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def assert_widget_flow(q, app, *, change: dict, right: dict, sweep: list[dict]) -> None:
    """A widget lab's life: untouched it is "not attempted"; one control ``change`` redraws without
    error; the ``right`` values check correct (through the question and the app); and every redraw of
    the ``sweep`` (one dict of control values each) is timed (the speed goal is in the benchmark)."""
    assert q.check(app).status == "not_attempted"
    first = app.output.outputs
    app.set_values(**change)
    assert app.output.outputs != first and app.last_error is None
    app.set_values(**right)
    assert q.check(app).correct and app.check().correct
    times = []
    for values in sweep:
        app.set_values(**values)
        times.append(app.last_render_ms)
    assert statistics.median(times) > 0


def source_code_cells(stem: str, kind: str = "exercise") -> list[tuple[list[str], str]]:
    """(tags, source) of every code cell of src/exercises/<stem>.py built as ``kind`` (as tools.nbbuild does)."""
    from tools.nbbuild import ROOT, Target, generate

    target = Target(ROOT / "src" / "exercises" / f"{stem}.py", Path("/nonexistent.ipynb"), kind)
    return [(list(c.metadata.get("tags", [])), c.source) for c in generate(target).cells
            if c.cell_type == "code"]


def run_source_cells(cells: list[tuple[list[str], str]], edit=lambda code: code) -> dict:
    """Execute the cells in order in one namespace, on a small bank (seed 7, 800 customers, like a
    papermill run); ``edit`` rewrites every cell but the parameters cell. Returns the namespace."""
    ns: dict = {}
    for i, (tags, code) in enumerate(cells):
        if "parameters" in tags:
            code += "\nSEED = 7\nN_CUSTOMERS = 800\n"
        else:
            code = edit(code)
        exec(compile(code, f"<cell {i}>", "exec"), ns)   # noqa: S102 - our own notebook source
    return ns
