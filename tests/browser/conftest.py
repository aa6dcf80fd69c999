"""Fixtures of the browser suite: Chromium, a JupyterLab server, pages.

Everything started here is stopped in ``finally`` blocks, also when a test
fails: the browser (Playwright closes it and its temporary profile) and the
server (process group SIGTERM, then SIGKILL of the group and of every kernel).
Screenshots and server logs are kept in ``test-artifacts/browser/``.
"""
from __future__ import annotations

import shutil
import sys
import time
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
def playwright_session():
    """The one Playwright driver of the session (the sync API allows one per thread)."""
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        yield pw
    finally:
        pw.stop()


@pytest.fixture(scope="session")
def browser(chromium_path, playwright_session):
    b = bk.launch_browser(playwright_session, chromium_path)
    try:
        yield b
    finally:
        b.close()


@pytest.fixture(scope="session")
def lab_root(tmp_path_factory) -> Path:
    """A throwaway copy of the repository plus the generated demo: what Lab serves.

    ``course.py lab`` serves the repository root; Lab autosaves executed
    notebooks, so the suite serves a copy and the repository's committed
    notebooks stay untouched.
    """
    root = bk.copy_repo(tmp_path_factory.mktemp("lab_root") / "repo")
    fx.write(DEMO_NB, root / DEMO_REL)
    return root


@pytest.fixture(scope="session")
def lab(lab_root, tmp_path_factory, artifacts):
    """JupyterLab started through ``course.lab_steps`` (the README's lab command).

    Free loopback port, the token Jupyter generated, private Jupyter dirs.
    """
    work = tmp_path_factory.mktemp("lab_work")
    server = bk.start_course_lab(lab_root, work)
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


class LabSession:
    """One JupyterLab page for the whole session, entered the way a trainee enters.

    :meth:`home` opens the server's address with its token: ``course.py lab``
    makes that the start page. :meth:`get` brings a notebook's tab to the front
    (File > Open from Path...), opening and running it the first time;
    :meth:`adopt` records a notebook opened another way (a link click) and
    runs it. Loading Lab and running notebooks are the slow parts, so every
    test shares this page; tests re-run the cell they need fresh.
    """

    def __init__(self, browser, server, artifacts: Path) -> None:
        self.browser, self.server, self.artifacts = browser, server, artifacts
        self.page = None
        self.home_s: float | None = None
        self.runs: dict[str, tuple[float, float]] = {}

    def home(self):
        """The page, with the start page (Lab's default URL) loaded once."""
        if self.page is None:
            self.page = bk.new_page(self.browser)
            try:
                self.home_s = bk.open_lab_home(self.page, self.server)
            except BaseException:
                bk.screenshot(self.page, self.artifacts / "FAILED__open__start_page.png")
                raise
        return self.page

    def get(self, relpath: str):
        """``(page, (open s, run s))`` with ``relpath`` in front, run once."""
        pg = self.home()
        try:
            if relpath in self.runs:
                bk.open_notebook(pg, self.server, relpath)  # bring its tab to the front
            else:
                self.runs[relpath] = bk.open_and_run(pg, self.server, relpath)
        except BaseException:
            bk.screenshot(pg, self.artifacts / f"FAILED__open__{relpath.replace('/', '__')}.png")
            raise
        return pg, self.runs[relpath]

    def adopt(self, relpath: str, open_s: float):
        """``relpath`` is in front (opened by a link): run it once and record it."""
        pg = self.home()
        if relpath not in self.runs:
            t0 = time.monotonic()
            bk.run_all(pg)
            self.runs[relpath] = (open_s, time.monotonic() - t0)
        return pg, self.runs[relpath]

    def close(self) -> None:
        if self.page is not None:
            try:
                self.page.context.close()
            except Exception:  # noqa: BLE001 - browser already gone
                pass


@pytest.fixture(scope="session")
def lab_session(browser, lab, artifacts):
    """The shared :class:`LabSession` (kernels end with the server)."""
    session = LabSession(browser, lab, artifacts)
    try:
        yield session
    finally:
        session.close()


@pytest.fixture(scope="session")
def lab_notebooks(lab_session):
    """``get(relpath) -> (page, (open s, run s))``: a notebook opened and run once."""
    return lab_session.get


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
