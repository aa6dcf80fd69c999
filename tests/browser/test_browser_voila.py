"""Instructor app mode: an exercise notebook as a Voila app (widgets, no code).

Started through the real ``python3 course.py app`` code path: the command line
is ``course.app_argv`` (loopback, exactly one port, token authentication on)
and the token travels in ``course.app_env``. Without the token the browser gets
the login page, never the notebook; with it a real Chromium loads the app,
which must show no source code, render its Chinese text and icons, and every
control of every widget exercise must redraw its output, as in JupyterLab.
"""
from __future__ import annotations

import shutil
import urllib.parse

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


def test_voila_app_refuses_a_browser_without_the_token(voila, page, artifacts):
    """A page request without the token lands on Voila's login form; no kernel starts."""
    server, _ = voila
    log_before = server.log_path.read_text(errors="replace")
    for url in (server.url, f"{server.url}?token=wrong-{server.token[:6]}"):
        resp = page.goto(url)
        assert urllib.parse.urlparse(page.url).path == "/login", (url, page.url)
        assert resp is not None and resp.status == 200  # the login form itself
        assert page.locator(".jp-Cell, .jp-OutputArea").count() == 0
    bk.screenshot(page, artifacts / "voila__without_token.png")
    new_log = server.log_path.read_text(errors="replace")[len(log_before):]
    assert "Kernel started" not in new_log, new_log[-2000:]


def test_exercise_as_voila_app(voila, page, artifacts):
    server, nb = voila
    load_s = bk.open_voila(page, server)
    cells = bk.voila_cells(page)
    assert len(cells) == len(bk.widget_cells(nb)), "every widget exercise is shown in the app"
    # app mode: outputs only, no code cells' sources
    assert page.locator(".jp-InputArea .jp-Editor, .jp-CodeMirrorEditor, .cm-content").count() == 0
    reports = [bk.check_widget_exercise(page, cell, f"voila__{nb.stem}__{i}", artifacts)
               for i, cell in enumerate(cells)]
    rendered = bk.check_text_rendering(page, where=f"Voila {nb.name}", min_icons=1)
    print(f"voila app ready in {load_s:.1f} s\n" + bk.summarise(reports) + "\n"
          + rendered.summary())
    bk.screenshot(page, artifacts / f"voila__{nb.stem}__page.png")
    assert all(r.ok for r in reports), bk.summarise(reports)
    assert rendered.ok, rendered.summary()
