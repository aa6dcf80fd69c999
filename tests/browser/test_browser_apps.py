"""App mode for every widget exercise of every lecture (``python3 course.py app NB``).

For each exercise notebook with a ``widget-exercise`` cell (found by scanning
``exercises/``, so a new lecture is picked up without editing this file) one Voila
is started through ``course.start_app`` -- the code path of the ``app`` command: a
fresh token per start, loopback only. Then a real Chromium checks that

* without the token (and with a wrong one) the browser gets the login page, no
  notebook and no kernel;
* with the token every widget exercise renders its controls, no code is shown;
* one interaction (the "检查答案" button when the exercise has one, else the first
  slider or dropdown) redraws the exercise with Chinese feedback, and no error box,
  traceback or widget error appears.

test_browser_voila.py goes further on the first notebook (every control of every
exercise); test_browser_lab.py does every control of every notebook in JupyterLab.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import time
import urllib.parse
from pathlib import Path

import pytest

import browserkit as bk
import course

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

WIDGET_NOTEBOOKS = bk.discover_widget_notebooks(bk.EXERCISES_DIR)
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_lecture_has_an_app():
    """Lectures 1-5 each have an exercise notebook with widgets (else this suite shrinks silently)."""
    names = {p.name for p in WIDGET_NOTEBOOKS}
    assert {f"L{n}_exercises.ipynb" for n in range(1, 6)} <= names, names


def _start(nb: Path, work: Path) -> bk.Server:
    """Voila on ``nb`` through ``course.start_app``; a Server handle that stops it."""
    env = bk.jupyter_env(work)
    bk._write_server_config(Path(env["JUPYTER_CONFIG_DIR"]))
    last = ""
    for _ in range(3):
        port = bk.free_port()
        log_path = work / f"voila-{nb.stem}.log"
        log = open(log_path, "ab")
        proc, url = course.start_app([str(nb), f"--port={port}"], env=env, stdout=log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        token = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["token"][0]
        assert url == course.app_url(port, token) and len(token) >= 32
        server = bk.Server("voila", [], env, nb.parent, port, token, log_path)
        server.proc, server._log = proc, log
        deadline = time.monotonic() + bk.SERVER_TIMEOUT
        while time.monotonic() < deadline and proc.poll() is None:
            if bk._port_open(port):
                return server
            time.sleep(0.25)
        last = server.log_tail()
        server.stop(grace=3)
    raise RuntimeError(f"Voila did not start for {nb.name}:\n{last}")


def _interact_once(page, cell) -> tuple[str, str, str]:
    """One trainee action in ``cell``; (action, text before, text after) once it settled."""
    handle = cell.element_handle()
    before_sig, before = bk._signature(page, handle), cell.inner_text()
    check = cell.locator("button.jupyter-button", has_text="检查答案")
    slider = cell.locator(".widget-slider:not(.mod-disabled) .noUi-handle")
    dropdown = cell.locator(".widget-dropdown select:not([disabled])")
    t0 = time.monotonic()
    if check.count():
        action = "检查答案"
        check.first.click()
    elif slider.count():
        action = "slider ArrowRight"
        slider.first.focus()
        page.keyboard.press("ArrowRight")
    elif dropdown.count():
        options = dropdown.first.locator("option").all_inner_texts()
        current = dropdown.first.input_value()
        values = dropdown.first.evaluate("s => [...s.options].map(o => o.value)")
        action = f"dropdown {options[:3]}"
        dropdown.first.select_option(next(v for v in values if v != current))
    else:
        pytest.fail("no button, slider or dropdown to operate in the exercise")
    changed, _ = bk._wait_settled_change(page, handle, before_sig, t0, bk.CHANGE_TIMEOUT)
    assert changed, f"{action}: the exercise did not redraw within {bk.CHANGE_TIMEOUT:.0f} s"
    return action, before, cell.inner_text()


@pytest.mark.parametrize("notebook", WIDGET_NOTEBOOKS, ids=lambda p: p.stem)
def test_exercise_app(notebook, browser, tmp_path, artifacts):
    nb = tmp_path / notebook.name
    shutil.copy2(notebook, nb)
    server = _start(nb, tmp_path / "work")
    ctx = browser.new_context(viewport={"width": 1400, "height": 1500}, locale="zh-CN")
    ctx.set_default_timeout(bk.CHANGE_TIMEOUT * 1000)
    page = ctx.new_page()
    try:
        # 1. no token / a wrong token: the login form, no notebook, no kernel
        for url in (server.url, f"{server.url}?token=wrong{server.token[:8]}"):
            resp = page.goto(url)
            assert urllib.parse.urlparse(page.url).path == "/login", (url, page.url)
            assert resp is not None and resp.status == 200
            assert page.locator(".jp-Cell, .jp-OutputArea").count() == 0
        assert "Kernel started" not in server.log_tail(200)

        # 2. with the token: every widget exercise shows its controls, no code
        load_s = bk.open_voila(page, server)
        cells = bk.voila_cells(page)
        assert len(cells) == len(bk.widget_cells(nb))
        for cell in cells:
            cell.locator(bk._ANY_CONTROL).first.wait_for(state="visible")
        assert page.locator(".jp-InputArea .jp-Editor, .jp-CodeMirrorEditor, .cm-content").count() == 0

        # 3. one interaction: Chinese feedback, no error
        action, before, after = _interact_once(page, cells[0])
        new_lines = [ln for ln in after.splitlines() if ln.strip() and ln not in before.splitlines()]
        fresh = " ".join(new_lines) if new_lines else after
        assert CJK.search(fresh), f"{action}: no Chinese in the redrawn exercise: {fresh[:300]!r}"
        if action == "检查答案":
            boxes = bk.feedback_boxes(page, cells[0])
            assert boxes and all(CJK.search(b["text"]) for b in boxes), boxes
        problems = page.evaluate(bk._PROBLEMS_JS, page.locator("body").element_handle())
        assert problems == [], problems
        bk.screenshot(cells[0], artifacts / f"app__{notebook.stem}__after.png")
        print(f"{notebook.name}: app ready in {load_s:.1f} s, {len(cells)} exercise(s), "
              f"{action} -> {fresh[:80]!r}")
    except BaseException:
        bk.screenshot(page, artifacts / f"FAILED__app__{notebook.stem}.png")
        raise
    finally:
        ctx.close()
        server.stop(grace=3)
        shutil.copy2(server.log_path, artifacts / f"app-{notebook.stem}.log")
