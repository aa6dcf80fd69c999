"""Fixtures of the browser suite: Chromium, a JupyterLab server, pages.

Everything started here is stopped in ``finally`` blocks, also when a test
fails: the browser (Playwright closes it and its temporary profile) and the
server (process group SIGTERM, then SIGKILL of the group and of every kernel).
Screenshots and server logs are kept in ``test-artifacts/browser/``.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import browserkit as bk  # noqa: E402
import fixture_notebooks as fx  # noqa: E402

from fixture_notebooks import DEMO_NB, DEMO_REL  # noqa: E402


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """``test-artifacts/browser/``, emptied of the previous run's files."""
    d = bk.ARTIFACTS_DIR
    if d.is_dir():
        for p in d.iterdir():
            if p.is_file() and p.suffix in {".png", ".log", ".txt"}:
                p.unlink()
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return bk.require_chromium()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        b = bk.launch_browser(pw, chromium_path)
        try:
            yield b
        finally:
            b.close()
    finally:
        pw.stop()


@pytest.fixture(scope="session")
def lab_root(tmp_path_factory) -> Path:
    """A throwaway copy of exercises/ plus the generated demo: what Lab serves.

    Lab autosaves executed notebooks; working on a copy keeps the repository's
    committed (clean) exercise notebooks untouched.
    """
    root = tmp_path_factory.mktemp("lab_root")
    (root / "exercises").mkdir()
    for nb in bk.discover_widget_notebooks(bk.EXERCISES_DIR):
        shutil.copy2(nb, root / "exercises" / nb.name)
    fx.write(DEMO_NB, root / DEMO_REL)
    return root


@pytest.fixture(scope="session")
def lab(lab_root, tmp_path_factory, artifacts):
    """A running JupyterLab on a free loopback port with a throwaway token."""
    work = tmp_path_factory.mktemp("lab_work")
    server = bk.start_lab(lab_root, work)
    try:
        yield server
    finally:
        # the notebooks are throwaway copies: a short grace, then the group and
        # every kernel are killed (Server.stop)
        server.stop(grace=3)
        shutil.copy2(server.log_path, artifacts / "jupyterlab-server.log")


@pytest.fixture
def page(browser, artifacts, request):
    """A fresh browser context/page; a full-page screenshot is kept on failure."""
    pg = bk.new_page(browser)
    try:
        yield pg
    finally:
        rep = getattr(request.node, "rep_call", None)
        if rep is not None and rep.failed:
            safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in request.node.name)
            bk.screenshot(pg, artifacts / f"FAILED__{safe}__page.png")
        pg.context.close()


@pytest.fixture(scope="session")
def lab_notebooks(browser, lab, artifacts):
    """``get(relpath) -> (page, (open s, run s))``: a notebook opened and run once.

    Loading JupyterLab and running a notebook are the slow parts: one Lab page
    holds every notebook in its own tab (opened via File > Open from Path...);
    ``get`` brings the notebook's tab to the front, opening and running it the
    first time. Tests that look at the same notebook re-run the cell they need
    fresh. The page closes and kernels shut down at the end of the session.
    """
    state: dict = {"page": None, "runs": {}}

    def get(relpath: str):
        if state["page"] is None:
            state["page"] = bk.new_page(browser)
        pg = state["page"]
        try:
            if relpath in state["runs"]:
                bk.open_notebook(pg, lab, relpath)  # bring its tab to the front
            else:
                state["runs"][relpath] = bk.open_and_run(pg, lab, relpath)
        except BaseException:
            safe = relpath.replace("/", "__")
            bk.screenshot(pg, artifacts / f"FAILED__open__{safe}.png")
            raise
        return pg, state["runs"][relpath]

    try:
        yield get
    finally:
        if state["page"] is not None:
            try:
                state["page"].context.close()
            except Exception:  # noqa: BLE001 - browser already gone
                pass
        # kernels end with the server (lab fixture): nothing in them needs saving


@pytest.fixture
def shoot_on_failure(request, artifacts):
    """Register pages; a full-page screenshot of each is kept if the test fails."""
    pages: list = []
    yield pages.append
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in request.node.name)
        for i, pg in enumerate(pages):
            bk.screenshot(pg, artifacts / f"FAILED__{safe}__page{i}.png")
