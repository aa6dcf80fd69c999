"""Instructor app mode: an exercise notebook as a Voila app (widgets, no code).

Started the way docs/APP_MODE.md documents it (``voila NB --Voila.ip=127.0.0.1``
with the course's flags, see :func:`browserkit.voila_command`); a real Chromium
loads the app, which must show no source code, and every control of every widget
exercise must redraw its output, as in JupyterLab.
"""
from __future__ import annotations

import shutil

import pytest

import browserkit as bk
import fixture_notebooks as fx

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

WIDGET_NOTEBOOKS = bk.discover_widget_notebooks(bk.EXERCISES_DIR)


@pytest.fixture(scope="module")
def voila(tmp_path_factory, artifacts):
    """Voila serving a copy of the first exercise notebook with widgets."""
    root = tmp_path_factory.mktemp("voila_root")
    if WIDGET_NOTEBOOKS:
        nb = root / WIDGET_NOTEBOOKS[0].name
        shutil.copy2(WIDGET_NOTEBOOKS[0], nb)
    else:  # no lecture yet: the demo exercise
        nb = fx.write(fx.demo_notebook(), root / "browser_demo.ipynb")
    server = bk.start_voila(nb, tmp_path_factory.mktemp("voila_work"))
    try:
        yield server, nb
    finally:
        server.stop(grace=3)
        shutil.copy2(server.log_path, artifacts / "voila-server.log")


def test_exercise_as_voila_app(voila, page, artifacts):
    server, nb = voila
    load_s = bk.open_voila(page, server)
    cells = bk.voila_cells(page)
    assert len(cells) == len(bk.widget_cells(nb)), "every widget exercise is shown in the app"
    # app mode: outputs only, no code cells' sources
    assert page.locator(".jp-InputArea .jp-Editor, .jp-CodeMirrorEditor, .cm-content").count() == 0
    reports = [bk.check_widget_exercise(page, cell, f"voila__{nb.stem}__{i}", artifacts)
               for i, cell in enumerate(cells)]
    print(f"voila app ready in {load_s:.1f} s\n" + bk.summarise(reports))
    assert all(r.ok for r in reports), bk.summarise(reports)
    bk.screenshot(page, artifacts / f"voila__{nb.stem}__page.png")
