"""Browser-test kit: system Chromium + JupyterLab / Voila servers + widget checks.

Used by the browser suite (``tests/browser/test_browser_*.py``) and by
``benchmarks/bench_browser.py``. Nothing here downloads anything: the browser is
the system's Chrome/Chromium (``COURSE_CHROMIUM`` or ``chromium`` on PATH),
driven by Python Playwright; the servers are the ``.venv``'s JupyterLab and
Voila on a free loopback port with a throwaway token.

The central function is :func:`check_widget_exercise`: given the DOM element of
one widget exercise (a notebook cell in JupyterLab, a cell in Voila) it waits
for the controls, changes every one of them the way a trainee would (keyboard
*and* mouse drag for sliders, choosing another option in dropdowns, typing in
text boxes, clicking buttons such as "检查答案") and returns a
:class:`WidgetReport` listing every problem: no controls rendered, a change that
did not redraw the output within the timeout, an engine error box, a traceback
or warning printed into the widget. The suite asserts ``report.ok``; the
self-tests assert that deliberately broken copies give ``report.ok is False``.

Example (inside a test, with the fixtures of ``conftest.py``)::

    page = lab.new_page(browser)
    nb = lab.open_notebook(page, "L1_exercises.ipynb")
    lab.run_all(page, nb)
    report = check_widget_exercise(page, lab.cell(page, 5), "L1_cell5", ARTIFACTS)
    assert report.ok, report.summary()
"""
from __future__ import annotations

import json
import re
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
import course  # noqa: E402  -- the README's commands: the suite starts servers through them

EXERCISES_DIR = ROOT / "exercises"
ARTIFACTS_DIR = ROOT / "test-artifacts" / "browser"
WIDGET_TAG = "widget-exercise"

#: Generous upper bound for one control change to show in the output (s).
CHANGE_TIMEOUT = 20.0
#: Probe for controls whose effect may depend on others (see check_widget_exercise).
PROBE_TIMEOUT = 2.5
#: Upper bound for JupyterLab / Voila to come up (s).
SERVER_TIMEOUT = 90.0
#: Upper bound for "run all cells" of one notebook (s).
RUN_ALL_TIMEOUT = 180.0

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

NO_BROWSER_MESSAGE = (
    "No Chrome/Chromium found for the browser tests (tests/browser/).\n"
    "  Debian/Ubuntu:  sudo apt-get install -y chromium chromium-driver\n"
    "                  (python3 course.py test does this itself when run as root or with sudo)\n"
    "  macOS/Windows:  install Google Chrome\n"
    "  Anywhere:       export COURSE_CHROMIUM=/path/to/chrome-or-chromium\n"
    "The browser tests never skip silently; to leave them out of a local run on purpose use\n"
    "  pytest -m 'not browser'"
)


# --------------------------------------------------------------------------
# Finding the browser
# --------------------------------------------------------------------------
def find_chromium(env: dict | None = None, which=shutil.which) -> str | None:
    """Path of an installed Chrome/Chromium, or None.

    Order: ``$COURSE_CHROMIUM`` (if the file exists), then ``chromium``,
    ``chromium-browser``, ``google-chrome``, ``google-chrome-stable`` on PATH,
    then the usual macOS / Windows install locations.

    >>> find_chromium({"COURSE_CHROMIUM": "/nonexistent"}, which=lambda n: None) is None
    True
    """
    env = os.environ if env is None else env
    explicit = env.get("COURSE_CHROMIUM")
    if explicit and Path(explicit).is_file():
        return explicit
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = which(name)
        if found:
            return found
    for candidate in (
        "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
        "/Applications/Chromium.app/Contents/MacOS/Chromium",
        r"C:\Program Files\Google\Chrome\Application\chrome.exe",
        r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
    ):
        if Path(candidate).is_file():
            return candidate
    return None


def in_ci(env: dict | None = None) -> bool:
    """True when running in CI (``CI`` set to a true-ish value)."""
    env = os.environ if env is None else env
    return str(env.get("CI", "")).strip().lower() in {"1", "true", "yes", "on"}


def missing_browser_message(env: dict | None = None) -> str:
    """The failure message when no browser is found (mentions CI when in CI)."""
    prefix = "[CI] " if in_ci(env) else ""
    explicit = (env if env is not None else os.environ).get("COURSE_CHROMIUM")
    note = (f"\n(COURSE_CHROMIUM={explicit!r} does not exist.)" if explicit
            and not Path(explicit).is_file() else "")
    return prefix + NO_BROWSER_MESSAGE + note


def require_chromium(env: dict | None = None, which=shutil.which) -> str:
    """The browser path, or fail the test with :func:`missing_browser_message`.

    Fails (never skips) both in CI and locally: a skipped browser suite would
    hide exactly what it is there to prove. ``pytest -m 'not browser'`` leaves
    the suite out on purpose.
    """
    import pytest

    path = find_chromium(env, which=which)
    if path is None:
        pytest.fail(missing_browser_message(env), pytrace=False)
    return path


def launch_browser(playwright: Any, executable: str):
    """Launch headless Chromium through Playwright with the course's flags.

    Playwright gives every launch a fresh temporary profile (user-data-dir),
    removed when the browser closes.
    """
    return playwright.chromium.launch(executable_path=executable, headless=True,
                                      args=CHROMIUM_ARGS, timeout=60_000)


# --------------------------------------------------------------------------
# Discovery
# --------------------------------------------------------------------------
def widget_cells(nb_path: Path) -> list[int]:
    """Indices (0-based, among all cells) of the cells tagged ``widget-exercise``."""
    import nbformat

    nb = nbformat.read(str(nb_path), as_version=4)
    return [i for i, c in enumerate(nb.cells)
            if WIDGET_TAG in (c.get("metadata", {}).get("tags") or [])]


def discover_widget_notebooks(folder: Path = EXERCISES_DIR) -> list[Path]:
    """Every ``*.ipynb`` in ``folder`` with at least one ``widget-exercise`` cell.

    Found by scanning the notebooks, so a new lecture's exercises are picked
    up without editing the suite.
    """
    if not folder.is_dir():
        return []
    return [p for p in sorted(folder.glob("*.ipynb"))
            if not p.name.startswith(".") and widget_cells(p)]


# --------------------------------------------------------------------------
# Servers
# --------------------------------------------------------------------------
def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def jupyter_env(work: Path) -> dict[str, str]:
    """Environment for a server: private config/data/runtime dirs, venv first.

    The venv's own share/jupyter (kernelspec ``python3``, lab extensions)
    stays on the path because it comes from ``sys.prefix``. ``MPLBACKEND`` is
    removed so the kernel uses the inline backend (course.py sets Agg for tests).
    """
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    env.pop("JUPYTER_PATH", None)
    for key, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                     ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")):
        d = work / sub
        d.mkdir(parents=True, exist_ok=True)
        env[key] = str(d)
    env["COURSE_PROGRESS_FILE"] = str(work / "progress.jsonl")
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PYTHONHASHSEED"] = "0"
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    return env


class Server:
    """A JupyterLab or Voila server process in its own process group.

    :meth:`stop` always ends it: SIGTERM to the group (the server shuts its
    kernels down), then SIGKILL for the group and every remaining descendant
    (kernels run in their own sessions) after ``grace`` seconds.
    """

    def __init__(self, kind: str, cmd: list[str], env: dict, cwd: Path, port: int,
                 token: str | None, log_path: Path, runtime_dir: Path | None = None) -> None:
        self.kind, self.cmd, self.env, self.cwd = kind, cmd, env, cwd
        self.port, self.token, self.log_path = port, token, log_path
        #: where Jupyter writes ``jpserver-<pid>.json`` (with the token it generated)
        self.runtime_dir = runtime_dir
        self.proc: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self, timeout: float = SERVER_TIMEOUT) -> "Server":
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.cmd, cwd=self.cwd, env=self.env, stdout=self._log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited with {self.proc.returncode} before "
                                   f"listening; log:\n{self.log_tail()}")
            if _port_open(self.port) and self._ready():
                return self
            time.sleep(0.25)
        raise TimeoutError(f"{self.kind} not ready after {timeout:.0f} s; log:\n{self.log_tail()}")

    def _ready(self) -> bool:
        if self.kind != "lab":
            return True  # Voila executes the notebook on GET /: the port is enough
        if self.token is None:
            self.token = self._runtime_token()
            if self.token is None:
                return False
        try:
            self.api("GET", "api/status")
            return True
        except Exception:  # noqa: BLE001
            return False

    def _runtime_token(self) -> str | None:
        """The token Jupyter generated, from its runtime file for our port."""
        if self.runtime_dir is None:
            return None
        for f in self.runtime_dir.glob("jpserver-*.json"):
            try:
                info = json.loads(f.read_text())
            except (OSError, ValueError):
                continue
            if info.get("port") == self.port and info.get("token"):
                return info["token"]
        return None

    def api(self, method: str, path: str, timeout: float = 10.0) -> Any:
        """Call the server's REST API with the token; JSON result or None."""
        req = urllib.request.Request(self.url + path, method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def log_tail(self, n: int = 40) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-n:])

    def stop(self, grace: float = 10.0) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            try:
                import psutil
                descendants = psutil.Process(proc.pid).children(recursive=True)
            except Exception:  # noqa: BLE001 - psutil missing or process gone
                descendants = []
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except (ProcessLookupError, PermissionError):
                    pass
                try:
                    proc.wait(timeout=grace)
                except subprocess.TimeoutExpired:
                    pass
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            for child in descendants:
                try:
                    child.kill()
                except Exception:  # noqa: BLE001 - already gone
                    pass
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def _write_lab_settings(settings_dir: Path) -> None:
    """User settings: no virtual scrolling (every cell in the DOM), no news."""
    files = {
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
            {"fetchNews": "false", "checkForUpdates": False},
    }
    for rel, content in files.items():
        p = settings_dir / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(json.dumps(content))


def _write_server_config(config_dir: Path) -> None:
    """Nothing reaches the network: no news feed, no update check, no PyPI."""
    cfg = {"LabApp": {"news_url": None,
                      "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
                      "extension_manager": "readonly"},
           "ServerApp": {"terminals_enabled": False}}
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "jupyter_server_config.json").write_text(json.dumps(cfg))


#: What a copy of the repository for Lab leaves out (big, private or irrelevant).
_COPY_IGNORE = (".git", ".venv", "test-artifacts", "__pycache__", ".pytest_cache",
                ".ipynb_checkpoints", "build", ".cache", "*.egg-info")


def copy_repo(dst: Path, src: Path = ROOT) -> Path:
    """A throwaway copy of the repository tree (no .git, .venv, artifacts).

    JupyterLab autosaves notebooks it runs: serving a copy keeps the
    repository's committed notebooks untouched. The kernels still import
    ``course_utils`` from the repository (the venv's .pth file).
    """
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(*_COPY_IGNORE),
                    dirs_exist_ok=True)
    return dst


def course_lab_env(work: Path) -> dict[str, str]:
    """:func:`jupyter_env` for ``course.py lab``: private settings/workspaces, no fixed token.

    The lab settings go where JupyterLab looks by default (environment
    variables, not extra flags), so the command line stays ``course.lab_argv``'s.
    ``JUPYTER_TOKEN`` is removed: Jupyter generates the token, as for a trainee.
    """
    env = jupyter_env(work)
    env.pop("JUPYTER_TOKEN", None)
    env.pop("JUPYTER_TOKEN_FILE", None)
    env["JUPYTERLAB_SETTINGS_DIR"] = str(work / "settings")
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(work / "workspaces")
    _write_server_config(Path(env["JUPYTER_CONFIG_DIR"]))
    _write_lab_settings(work / "settings")
    return env


def start_course_lab(root_dir: Path, work: Path, attempts: int = 3,
                     timeout: float = SERVER_TIMEOUT) -> Server:
    """Start JupyterLab exactly as ``python3 course.py lab`` does, on ``root_dir``.

    Runs :func:`course.lab_steps` (trust the lecture notebooks, then
    ``jupyter lab`` on the root with the start page as default URL) with only
    what a test needs appended: ``--no-browser``, a free port, no port retries.
    The token is the one Jupyter generated (read from its runtime file);
    config, data (signature database), runtime and settings dirs are private
    temporary folders, so nothing is written to the user's home.
    """
    work.mkdir(parents=True, exist_ok=True)
    env = course_lab_env(work)
    last: Exception | None = None
    for _ in range(attempts):
        port = free_port()
        *prepare, lab = course.lab_steps(["--no-browser", f"--port={port}",
                                          "--ServerApp.port_retries=0"], root=root_dir)
        with open(work / "lab.log", "ab") as log:
            for argv in prepare:
                subprocess.run(argv, cwd=root_dir, env=env, stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, check=True, timeout=120)
        server = Server("lab", lab, env, root_dir, port, None, work / "lab.log",
                        runtime_dir=Path(env["JUPYTER_RUNTIME_DIR"]))
        try:
            return server.start(timeout)
        except Exception as exc:  # noqa: BLE001 - port raced away: try another
            server.stop()
            last = exc
    raise RuntimeError(f"JupyterLab did not start: {last}")


#: Flags the suite adds to ``course.app_argv`` (Voila's default, made explicit).
VOILA_EXTRA = ["--strip_sources=True"]


def start_voila(notebook: Path, work: Path, attempts: int = 3) -> Server:
    """Start Voila (app mode) on ``notebook`` on a free port, as ``course.py app`` does.

    The command line is :func:`course.app_argv` and the token travels in
    :func:`course.app_env` -- the real ``app`` code path.
    """
    work.mkdir(parents=True, exist_ok=True)
    base = jupyter_env(work)
    _write_server_config(Path(base["JUPYTER_CONFIG_DIR"]))
    last: Exception | None = None
    for _ in range(attempts):
        port, token = free_port(), secrets.token_hex(16)
        server = Server("voila", course.app_argv(notebook, port, VOILA_EXTRA),
                        course.app_env(token, base), notebook.parent, port, token,
                        work / "voila.log")
        try:
            return server.start()
        except Exception as exc:  # noqa: BLE001
            server.stop()
            last = exc
    raise RuntimeError(f"Voila did not start: {last}")


# --------------------------------------------------------------------------
# JupyterLab page helpers
# --------------------------------------------------------------------------
KERNEL_IDLE = ".jp-Notebook-ExecutionIndicator[data-status='idle']"

_RUN_STATE_JS = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return null;
  const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
      .map(p => p.innerText.trim());
  const ind = panel.querySelector('.jp-Notebook-ExecutionIndicator') ||
              document.querySelector('.jp-Notebook-ExecutionIndicator');
  const errors = [...panel.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
      .map(e => e.innerText).filter(t => /Traceback|Error\\b/.test(t)).map(t => t.slice(0, 800));
  return {prompts, status: ind ? ind.getAttribute('data-status') : null, errors};
}"""


def new_page(browser: Any, width: int = 1400, height: int = 1500):
    """A page in a fresh browser context (no shared storage between notebooks)."""
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    ctx.set_default_timeout(CHANGE_TIMEOUT * 1000)
    return ctx.new_page()


def _kernel_state(server: Server, relpath: str) -> str | None:
    try:
        for sess in server.api("GET", "api/sessions") or []:
            if sess.get("path") == relpath and sess.get("kernel"):
                return sess["kernel"].get("execution_state")
    except Exception:  # noqa: BLE001
        return None
    return None


_INDICATOR_JS = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const i = (panel && panel.querySelector('.jp-Notebook-ExecutionIndicator')) ||
            document.querySelector('.jp-Notebook-ExecutionIndicator');
  return i ? i.getAttribute('data-status') : null;
}"""

_CURRENT_TAB_JS = """() => {
  const t = document.querySelector('#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current');
  return t ? (t.getAttribute('title') || t.innerText || '') : '';
}"""


def _wait_kernel_ready(page: Any, server: Server, relpath: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    idle_since: float | None = None
    name = Path(relpath).name
    while time.monotonic() < deadline:
        ui = page.evaluate(_INDICATOR_JS)
        current = name in page.evaluate(_CURRENT_TAB_JS)
        if current and ui == "idle" and _kernel_state(server, relpath) == "idle":
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= 0.5:
                return
        else:
            idle_since = None
        time.sleep(0.1)
    raise TimeoutError(f"kernel of {relpath} not ready after {timeout:.0f} s")


def _lab_loaded(page: Any) -> bool:
    try:
        return "/lab" in page.url and page.locator(".jp-LabShell").count() > 0
    except Exception:  # noqa: BLE001
        return False


def open_notebook(page: Any, server: Server, relpath: str,
                  timeout: float = SERVER_TIMEOUT) -> None:
    """Open ``relpath`` (relative to the server root); wait until its kernel is ready.

    The first notebook loads JupyterLab at ``/lab/tree/<relpath>``; later ones
    (or one already open, to bring its tab to the front) go through
    File > Open from Path..., as a trainee could, which saves reloading Lab.
    Ready = the notebook's tab is current, the server has a session for it
    whose kernel is idle, and the page's execution indicator has shown "idle"
    for half a second (right after loading it says idle before the kernel has
    even connected).
    """
    if _lab_loaded(page) and f"Path: {relpath}" in page.evaluate(_CURRENT_TAB_JS):
        pass  # already in front (the tab's tooltip names its path)
    elif _lab_loaded(page):
        page.keyboard.press("Escape")
        page.locator(".lm-MenuBar-itemLabel", has_text="File").first.click()
        page.locator(".lm-Menu-item[data-command='filebrowser:open-path']").click()
        box = page.locator(".jp-Dialog input").first
        box.wait_for(state="visible")
        box.fill(relpath)
        page.keyboard.press("Enter")
        page.locator(".jp-Dialog").first.wait_for(state="detached", timeout=timeout * 1000)
    else:
        url = f"{server.url}lab/tree/{urllib.parse.quote(relpath)}?token={server.token}&reset"
        page.goto(url, timeout=timeout * 1000)
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell",
                           timeout=timeout * 1000)
    _wait_kernel_ready(page, server, relpath, timeout)


def open_lab_home(page: Any, server: Server, timeout: float = SERVER_TIMEOUT) -> float:
    """Open the server's address with its token, as the link Jupyter prints does.

    ``course.py lab`` makes JupyterLab's default URL the start page: the page
    must land on ``/lab/tree/notebooks/00_start.ipynb`` with the start page
    open and its kernel ready. Returns the seconds this took.
    """
    t0 = time.monotonic()
    page.goto(f"{server.url}?token={server.token}", timeout=timeout * 1000)
    page.wait_for_url(f"**/lab/tree/{course.START_PAGE}*", timeout=timeout * 1000)
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell",
                           timeout=timeout * 1000)
    _wait_kernel_ready(page, server, course.START_PAGE, timeout)
    return time.monotonic() - t0


_LINKS_JS = r"""() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return [];
  return [...panel.querySelectorAll('.jp-Notebook a[href]')].map((a, i) => ({
    i, text: a.innerText.trim(), href: a.href, raw: a.getAttribute('href'),
    internal_anchor: a.classList.contains('jp-InternalAnchorLink'),
    row: (a.closest('tr') ? a.closest('tr').innerText : '').replace(/\s+/g, ' ').trim()}));
}"""


def notebook_links(page: Any) -> list[dict]:
    """Every link in the open notebook (cells and outputs), as rendered by Lab.

    ``[{i, text, href, raw, internal_anchor, row}]``: ``href`` is the address the
    browser would request (Lab rewrites relative notebook links to
    ``/files/<resolved path>``), ``raw`` the attribute as written, ``row`` the
    table row's text when the link sits in a table.
    """
    return page.evaluate(_LINKS_JS)


def click_link(page: Any, index: int) -> None:
    """Click link number ``index`` of :func:`notebook_links` in the open notebook."""
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook a[href]").nth(index).click()


def wait_notebook_current(page: Any, server: Server, relpath: str,
                          timeout: float = SERVER_TIMEOUT) -> None:
    """Wait until ``relpath``'s tab is in front with its kernel ready (after a link click).

    Fails early with the dialog's text when Lab shows an error dialog instead
    (e.g. "Could not find path" for a link to a file outside the served root).
    """
    deadline = time.monotonic() + timeout
    name = Path(relpath).name
    while time.monotonic() < deadline:
        dialog = page.locator(".jp-Dialog")
        if dialog.count():
            raise AssertionError(f"JupyterLab shows a dialog instead of {relpath}: "
                                 f"{dialog.first.inner_text()[:300]!r}")
        if name in page.evaluate(_CURRENT_TAB_JS) and page.locator(
                ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").count():
            break
        time.sleep(0.1)
    else:
        raise TimeoutError(f"{relpath} did not open within {timeout:.0f} s")
    _wait_kernel_ready(page, server, relpath, max(1.0, deadline - time.monotonic()))


def current_panel(page: Any) -> Any:
    """Locator of the notebook panel in front."""
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").first


def _click_run_all(page: Any) -> bool:
    """Run > Run All Cells; False (nothing clicked) while the item is disabled."""
    page.keyboard.press("Escape")
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    item = page.locator(".lm-Menu-item[data-command='runmenu:run-all']")
    item.wait_for(state="visible")
    if "lm-mod-disabled" in (item.get_attribute("class") or ""):
        page.keyboard.press("Escape")
        return False
    item.click()
    return True


def run_all(page: Any, timeout: float = RUN_ALL_TIMEOUT, start_timeout: float = 15.0) -> dict:
    """Run all cells through the Run menu; wait until every code cell ran.

    Returns the final state ``{prompts, status, errors}``. Raises
    ``AssertionError`` when a cell shows a traceback (run-all stops there) and
    ``TimeoutError`` when the run does not finish in ``timeout`` seconds. If no
    cell starts within ``start_timeout`` s (the kernel connection was not quite
    ready when the menu was used) the command is given again, up to 3 times.
    """
    deadline = time.monotonic() + timeout
    settled_since: float | None = None
    state: dict = {}
    clicks, last_click = 0, 0.0
    while time.monotonic() < deadline:
        state = page.evaluate(_RUN_STATE_JS) or {}
        prompts = state.get("prompts", [])
        done = [p for p in prompts if p.startswith("[") and p[1:-2].isdigit()]
        running = [p for p in prompts if "*" in p]
        if not done and not running:
            if clicks >= 3 and time.monotonic() - last_click > start_timeout:
                raise AssertionError(f"run-all did not start after {clicks} tries: {state}")
            if clicks == 0 or time.monotonic() - last_click > start_timeout:
                if _click_run_all(page):
                    clicks, last_click = clicks + 1, time.monotonic()
            time.sleep(0.25)
            continue
        if state.get("errors"):
            raise AssertionError("a cell raised during run-all:\n" + "\n---\n".join(state["errors"]))
        if len(done) == len(prompts) and state.get("status") == "idle":
            return state
        # run-all stopped early without a visible traceback: wait a little, then report
        if not running and state.get("status") == "idle":
            settled_since = settled_since or time.monotonic()
            if time.monotonic() - settled_since > 5:
                raise AssertionError(f"run-all stopped: prompts {prompts}")
        else:
            settled_since = None
        time.sleep(0.25)
    raise TimeoutError(f"run-all not finished after {timeout:.0f} s: {state}")


def lab_cell(page: Any, index: int):
    """Locator of notebook cell ``index`` (0-based, all cells) in the open notebook."""
    return page.locator(f".jp-NotebookPanel:not(.lm-mod-hidden) "
                        f".jp-Cell[data-windowed-list-index='{index}']")


def shutdown_kernels(server: Server) -> None:
    """Delete every session (and its kernel) on a JupyterLab server; never raises."""
    try:
        for s in server.api("GET", "api/sessions") or []:
            server.api("DELETE", f"api/sessions/{s['id']}")
    except Exception:  # noqa: BLE001
        pass


# --------------------------------------------------------------------------
# Checking one widget exercise
# --------------------------------------------------------------------------
# A short fingerprint of everything a control change should redraw: the text
# and image sources inside Output widgets and HTML widgets (feedback).
_SIGNATURE_JS = """(root) => {
  const parts = [];
  root.querySelectorAll('.widget-output, .widget-html, .widget-htmlmath').forEach(el => {
    parts.push(el.innerText);
    el.querySelectorAll('img').forEach(i => parts.push(i.getAttribute('src') || ''));
    el.querySelectorAll('svg').forEach(s => parts.push(s.outerHTML));   // every redraw, also a box that moved
  });
  const s = parts.join('\\u0001');
  let h = 5381;
  for (let i = 0; i < s.length; i++) { h = ((h << 5) + h + s.charCodeAt(i)) | 0; }
  return h + ':' + s.length;
}"""

_PROBLEMS_JS = """(root) => {
  const out = [];
  root.querySelectorAll('.course-engine-error').forEach(e => {
    const box = e.closest('.course-feedback') || e.parentElement;
    out.push('engine error box: ' + (box ? box.innerText : '').slice(0, 300));
  });
  root.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]').forEach(e =>
    out.push('stderr/traceback shown to the trainee: ' + e.innerText.slice(0, 400)));
  const txt = root.innerText || '';
  for (const bad of ['Error displaying widget', 'Failed to load view', 'Failed to create view',
                     'model not found', 'Could not create', 'javascript error']) {
    if (txt.includes(bad)) out.push('widget front-end error: ' + bad);
  }
  return out;
}"""

_CONTROLS = {
    # kind: CSS selector inside the exercise root
    "slider": ".widget-slider:not(.mod-disabled)",
    "dropdown": ".widget-dropdown select:not([disabled])",
    "select": ".widget-select select:not([disabled])",
    "text": ".widget-text input[type='text']:not([disabled]), "
            ".widget-textarea textarea:not([disabled])",
    "number": ".widget-text input[type='number']:not([disabled])",
    "checkbox": ".widget-checkbox input[type='checkbox']:not([disabled])",
    "radio": ".widget-radio-box",
    "button": "button.jupyter-button:not(.widget-toggle-button):not([disabled])",
}
_ANY_CONTROL = ", ".join(_CONTROLS.values())


@dataclass
class ControlResult:
    """One change made to one control and what came of it."""

    kind: str
    label: str
    action: str
    changed: bool
    latency_s: float | None = None  # action -> output settled in its new state
    detail: str = ""


@dataclass
class WidgetReport:
    """Outcome of :func:`check_widget_exercise`; ``ok`` when ``problems`` is empty."""

    name: str
    controls: list[ControlResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    screenshots: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def latencies(self) -> list[float]:
        return [c.latency_s for c in self.controls if c.latency_s is not None]

    def summary(self) -> str:
        lines = [f"widget exercise {self.name}: {'OK' if self.ok else 'FAILED'}"]
        lines += [f"  PROBLEM: {p}" for p in self.problems]
        for c in self.controls:
            lat = f"{c.latency_s:.2f} s" if c.latency_s is not None else "-"
            lines.append(f"  {c.kind:<8} {c.label[:30]:<30} {c.action:<22} "
                         f"changed={c.changed} {lat} {c.detail}")
        lines += [f"  screenshot: {p}" for p in self.screenshots]
        return "\n".join(lines)


def _label_of(control: Any) -> str:
    try:
        return control.evaluate("""el => {
          const box = el.closest('.widget-inline-hbox, .widget-inline-vbox, .jupyter-widgets');
          const lab = box ? box.querySelector('.widget-label') : null;
          let text = el.tagName === 'BUTTON' ? el.innerText.trim() : '';
          if (!text && lab) text = lab.innerText.trim();
          if (!text) {  // no description: name it after its row (first HTML widget)
            const row = el.closest('.widget-hbox');
            const head = row ? row.querySelector('.widget-html, .widget-label') : null;
            const kind = box ? [...box.classList].find(c => c.startsWith('widget-') &&
                               !['widget-inline-hbox', 'widget-inline-vbox'].includes(c)) : '';
            text = ((head ? head.innerText.trim() + ' ' : '') + (kind || '')).trim();
          }
          return text;
        }""").strip()[:40]
    except Exception:  # noqa: BLE001
        return ""


def _signature(page: Any, root_handle: Any) -> str:
    return page.evaluate(_SIGNATURE_JS, root_handle)


def _wait_settled_change(page: Any, root_handle: Any, before: str, t0: float,
                         timeout: float, quiet: float = 0.15) -> tuple[bool, float | None]:
    """Wait until the signature differs from ``before`` and then stays put.

    Returns (changed, seconds from ``t0`` to the last change seen).
    """
    deadline = t0 + timeout
    current, last_change = before, None
    while time.monotonic() < deadline:
        sig = _signature(page, root_handle)
        now = time.monotonic()
        if sig != current:
            current, last_change = sig, now
        if last_change is not None and current != before and now - last_change >= quiet:
            return True, last_change - t0
        time.sleep(0.05)
    if last_change is not None and current != before:
        return True, last_change - t0
    return False, None


def _aria_value(handle: Any) -> float | None:
    v = handle.get_attribute("aria-valuenow")
    try:
        return float(v) if v is not None else None
    except ValueError:
        return None


def _slider_actions(page: Any, slider: Any) -> Iterable[tuple[str, Any]]:
    """(action name, callable) pairs: keyboard first, then a mouse drag."""
    handle = slider.locator(".noUi-handle").first

    def keyboard() -> str:
        now = _aria_value(handle)
        hi = float(handle.get_attribute("aria-valuemax") or "inf")
        vertical = handle.get_attribute("aria-orientation") == "vertical"
        up = now is None or now < hi
        key = ("ArrowUp" if up else "ArrowDown") if vertical else ("ArrowRight" if up else "ArrowLeft")
        handle.focus()
        page.keyboard.press(key)
        after = _aria_value(handle)
        return f"{key} {now}->{after}", after != now

    def drag() -> str:
        now = _aria_value(handle)
        handle.scroll_into_view_if_needed()
        hb = handle.bounding_box()
        track = slider.locator(".noUi-base").first.bounding_box()
        if not hb or not track:
            return "drag: slider not visible", False
        vertical = handle.get_attribute("aria-orientation") == "vertical"
        cx, cy = hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2
        if vertical:
            frac = (cy - track["y"]) / max(track["height"], 1)
            tx, ty = cx, track["y"] + track["height"] * (0.75 if frac < 0.5 else 0.25)
        else:
            frac = (cx - track["x"]) / max(track["width"], 1)
            tx, ty = track["x"] + track["width"] * (0.75 if frac < 0.5 else 0.25), cy
        page.mouse.move(cx, cy)
        page.mouse.down()
        page.mouse.move(tx, ty, steps=8)
        page.mouse.up()
        after = _aria_value(handle)
        return f"drag {now}->{after}", after != now

    return [("keyboard", keyboard), ("drag", drag)]


def _dropdown_action(select: Any) -> tuple[str, Any]:
    def choose() -> str:
        info = select.evaluate("""s => ({cur: s.selectedIndex,
            opts: [...s.options].map(o => ({v: o.value, d: o.disabled, t: o.text}))})""")
        opts = info["opts"]
        n = len(opts)
        # the next option; past the end wrap to the 2nd one when there are 3+
        # (the 1st is often a "none" choice like （不标注） that hides the effect
        # of related controls)
        order = [j for j in range(info["cur"] + 1, n)] + \
                ([j for j in range(1, info["cur"])] + [0] if n > 2 else [0])
        for j in order:
            if j != info["cur"] and not opts[j]["d"]:
                select.select_option(index=j)
                return f"select {opts[j]['t'][:20]!r}", True
        return "select: only one option", False
    return ("select option", choose)


def _text_action(page: Any, box: Any) -> tuple[str, Any]:
    def type_() -> str:
        current = box.input_value()
        box.click()
        try:
            num = float(current.replace(",", "").replace("%", ""))
        except ValueError:
            num = None
        if num is not None and current.strip():
            new = f"{num + 1:g}"
            box.press("ControlOrMeta+a")
            box.press_sequentially(new, delay=20)
        else:
            box.press("End")
            new = current + "测试"
            box.press_sequentially("测试", delay=20)
        box.press("Tab")  # commit (continuous_update=False widgets sync on blur)
        return f"type {current[:15]!r}->{new[:15]!r}", None
    return ("type", type_)


def _number_action(box: Any) -> tuple[str, Any]:
    def bump() -> str:
        current = box.input_value()
        box.focus()
        box.press("ArrowUp")
        if box.input_value() == current:  # at max: go down
            box.press("ArrowDown")
        after = box.input_value()
        box.press("Tab")
        return f"step {current}->{after}", after != current
    return ("arrow key", bump)


def _checkbox_action(box: Any) -> tuple[str, Any]:
    return ("click", lambda: (box.click(), ("toggle", None))[1])


def _radio_action(group: Any) -> tuple[str, Any]:
    def pick() -> str:
        radios = group.locator("input[type='radio']")
        for i in range(radios.count()):
            if not radios.nth(i).is_checked():
                radios.nth(i).check()
                return f"radio #{i}", True
        return "radio: nothing to pick", False
    return ("pick", pick)


def _button_action(button: Any) -> tuple[str, Any]:
    return ("click", lambda: (button.click(), ("click", None))[1])


def screenshot(target: Any, path: Path) -> Path | None:
    """Screenshot of a locator or page into ``path``; None (never raises) on failure."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        target.screenshot(path=str(path), timeout=15_000)
        return path
    except Exception:  # noqa: BLE001 - screenshots are evidence, not the test
        return None


def _shot_target(root: Any) -> Any:
    """The cell's output area (controls + chart) if there is one, else the cell."""
    out = root.locator(".jp-Cell-outputWrapper")
    try:
        return out.first if out.count() else root
    except Exception:  # noqa: BLE001
        return root


def check_widget_exercise(page: Any, root: Any, name: str, artifacts: Path | None = ARTIFACTS_DIR,
                          timeout: float = CHANGE_TIMEOUT, click_buttons: bool = True,
                          fail_fast: bool = False,
                          probe: float = PROBE_TIMEOUT) -> WidgetReport:
    """Change every control of one widget exercise and verify the output follows.

    ``root`` is a Playwright locator of the exercise's DOM element (a notebook
    cell). For each control: slider -> keyboard arrow, then mouse drag;
    dropdown/select -> another option; text -> typing; number -> arrow key;
    checkbox/radio -> click; buttons (e.g. "检查答案") last -> click. After each
    change the output (Output widgets' images and text, HTML widgets) must
    change within ``timeout`` seconds and show no error box, traceback or
    warning. Screenshots ``<name>__before.png`` / ``__after.png`` go to
    ``artifacts``. Never raises for a broken exercise: problems are collected
    in the returned :class:`WidgetReport`. ``fail_fast`` stops at the first
    problem (the self-tests only need to see that one is reported); ``probe``
    is the first, short wait for controls whose effect may depend on others.
    """
    report = WidgetReport(name)
    try:
        root.wait_for(state="attached", timeout=timeout * 1000)
        root.scroll_into_view_if_needed(timeout=timeout * 1000)
    except Exception as exc:  # noqa: BLE001
        report.problems.append(f"exercise element not found: {exc.__class__.__name__}")
        return report
    try:
        root.locator(_ANY_CONTROL).first.wait_for(state="visible", timeout=timeout * 1000)
    except Exception:  # noqa: BLE001
        report.problems.append(f"no widget controls rendered within {timeout:.0f} s "
                               f"(cell shows: {root.inner_text()[:200]!r})")
    root_handle = root.element_handle()
    shot_target = _shot_target(root)
    if artifacts is not None:
        shot = screenshot(shot_target, artifacts / f"{name}__before.png")
        if shot:
            report.screenshots.append(shot)
    if report.problems:
        return report
    problems = page.evaluate(_PROBLEMS_JS, root_handle)
    report.problems += [f"before any change: {p}" for p in problems]

    actions: list[tuple[str, str, Any, Any]] = []  # kind, action, element, fn
    # Controls in document order (a row "product, channel, offer, budget" is
    # operated left to right, as a trainee would), buttons last.
    order = page.evaluate("""([root, kinds]) => {
        const seen = new Map();
        const out = [];
        const all = root.querySelectorAll(Object.values(kinds).join(', '));
        for (const el of all) {
            for (const [kind, sel] of Object.entries(kinds)) {
                if (el.matches(sel)) {
                    const list = [...root.querySelectorAll(sel)];
                    out.push([kind, list.indexOf(el)]);
                    break;
                }
            }
        }
        return out;
    }""", [root_handle, _CONTROLS])
    order = [o for o in order if o[0] != "button"] + [o for o in order if o[0] == "button"]
    has_check_button = any(o[0] == "button" for o in order) and click_buttons
    for kind, i in order:
        if kind == "button" and not click_buttons:
            continue
        el = root.locator(_CONTROLS[kind]).nth(i)
        if not el.is_visible():
            continue
        if kind == "slider":
            pairs = _slider_actions(page, el)
        elif kind in ("dropdown", "select"):
            pairs = [_dropdown_action(el)]
        elif kind == "text":
            pairs = [_text_action(page, el)]
        elif kind == "number":
            pairs = [_number_action(el)]
        elif kind == "checkbox":
            pairs = [_checkbox_action(el)]
        elif kind == "radio":
            pairs = [_radio_action(el)]
        else:
            pairs = [_button_action(el)]
        for action, fn in pairs:
            actions.append((kind, action, el, fn))
    if not actions:
        report.problems.append("no controls the suite knows how to change "
                               "(slider, dropdown, text, number, checkbox, radio, button)")

    def operate(kind: str, action: str, el: Any, fn: Any, wait: float,
                final: bool) -> ControlResult:
        label = _label_of(el)
        before = _signature(page, root_handle)
        t0 = time.monotonic()
        try:
            detail, moved = fn()
        except Exception as exc:  # noqa: BLE001 - a control the browser cannot operate
            report.problems.append(f"{kind} {label!r}: could not {action}: {exc.__class__.__name__}")
            return ControlResult(kind, label, action, False, None,
                                 f"{type(exc).__name__}: {str(exc)[:120]}")
        if moved is False:
            report.problems.append(f"{kind} {label!r}: {action} did not move the control ({detail})")
        changed, latency = _wait_settled_change(page, root_handle, before, t0, wait)
        result = ControlResult(kind, label, action, changed, latency, detail)
        if not changed and final:
            report.problems.append(f"{kind} {label!r}: output did not change within "
                                   f"{wait:.0f} s after {action} ({detail})")
        for p in page.evaluate(_PROBLEMS_JS, root_handle):
            msg = f"after {kind} {label!r} {action}: {p}"
            if msg not in report.problems:
                report.problems.append(msg)
        return result

    # Pass 1: every control once, in document order. A control may have no
    # visible effect until another one is set (an event year without its text
    # draws nothing; a budget without a product), so pass 1 only probes for a
    # few seconds and pass 2 changes those controls again once all the others
    # have new values -- then each must redraw within ``timeout``.
    retry = []
    for kind, action, el, fn in actions:
        if fail_fast and report.problems:
            return _finish(report, shot_target, artifacts, name)
        if kind == "button":
            continue
        res = operate(kind, action, el, fn, min(probe, timeout), final=False)
        report.controls.append(res)
        if not res.changed:
            res.detail += " (no visible effect yet: retried in pass 2)"
            retry.append((kind, action + " (pass 2)", el, fn))
    for kind, action, el, fn in retry:
        if fail_fast and report.problems:
            return _finish(report, shot_target, artifacts, name)
        # A typed box that never redraws is accepted as an answer field when the
        # exercise has a button that reads it ("检查答案", clicked below and
        # required to show feedback); sliders, dropdowns ... must redraw.
        answer_field = kind in ("text", "number") and has_check_button
        res = operate(kind, action, el, fn, min(probe, timeout) if answer_field else timeout,
                      final=not answer_field)
        if answer_field and not res.changed:
            res.detail += " (answer field: read by the check button)"
        report.controls.append(res)
    if actions and not any(c.changed for c in report.controls if c.kind != "button"):
        report.problems.append("no control changed the output")
    # Buttons last (e.g. "检查答案" shows feedback for the values set above).
    for kind, action, el, fn in actions:
        if fail_fast and report.problems:
            break
        if kind == "button":
            report.controls.append(operate(kind, action, el, fn, timeout, final=True))
    return _finish(report, shot_target, artifacts, name)


def _finish(report: WidgetReport, shot_target: Any, artifacts: Path | None,
            name: str) -> WidgetReport:
    if artifacts is not None:
        shot = screenshot(shot_target, artifacts / f"{name}__after.png")
        if shot:
            report.screenshots.append(shot)
    return report


def feedback_boxes(page: Any, root: Any) -> list[dict]:
    """The engine's feedback boxes inside ``root``: ``[{kind, text}]``.

    ``kind`` is ``correct`` / ``incorrect`` / ``not_attempted`` / ``error`` ...
    (from the ``course-<kind>`` class the engine puts on every box).
    """
    return page.evaluate("""(root) => [...root.querySelectorAll('.course-feedback')].map(b => ({
        kind: [...b.classList].filter(c => c.startsWith('course-') && c !== 'course-feedback')
              .map(c => c.slice(7))[0] || '',
        text: b.innerText}))""", root.element_handle())


@dataclass
class NotebookRun:
    """A notebook opened and run in the browser, and its widget reports."""

    relpath: str
    reports: list[WidgetReport]
    open_s: float  # page load until the kernel is ready (s)
    run_s: float   # Run All until every cell ran (s)

    @property
    def ok(self) -> bool:
        return bool(self.reports) and all(r.ok for r in self.reports)

    def summary(self) -> str:
        return (f"{self.relpath}: open {self.open_s:.1f} s, run all {self.run_s:.1f} s\n"
                + summarise(self.reports))


def open_and_run(page: Any, server: Server, relpath: str) -> tuple[float, float]:
    """Open a notebook and Run All; returns (open seconds, run seconds)."""
    t0 = time.monotonic()
    open_notebook(page, server, relpath)
    t1 = time.monotonic()
    run_all(page)
    return t1 - t0, time.monotonic() - t1


def check_cells(page: Any, local_path: Path, prefix: str,
                artifacts: Path | None = ARTIFACTS_DIR,
                fail_fast: bool = False) -> list[WidgetReport]:
    """Check every ``widget-exercise`` cell of the notebook open (and run) in ``page``."""
    return [check_widget_exercise(page, lab_cell(page, idx), f"{prefix}__cell{idx}",
                                  artifacts, fail_fast=fail_fast)
            for idx in widget_cells(local_path)]


def check_notebook_in_lab(page: Any, server: Server, relpath: str, local_path: Path,
                          artifacts: Path | None = ARTIFACTS_DIR, prefix: str = "lab",
                          fail_fast: bool = False) -> NotebookRun:
    """Open a notebook in JupyterLab, run all cells, check every widget exercise.

    ``local_path`` is the notebook file the server serves as ``relpath`` (its
    ``widget-exercise`` cells are read from it).
    """
    open_s, run_s = open_and_run(page, server, relpath)
    reports = check_cells(page, local_path, f"{prefix}__{Path(relpath).stem}", artifacts,
                          fail_fast)
    return NotebookRun(relpath, reports, open_s, run_s)


def rerun_cell(page: Any, index: int, timeout: float = RUN_ALL_TIMEOUT) -> None:
    """Run cell ``index`` again (select it, Ctrl+Enter): a fresh, untouched widget."""
    cell = lab_cell(page, index)
    prompt = cell.locator(".jp-InputPrompt").first
    before = prompt.inner_text().strip()
    cell.locator(".jp-InputPrompt").first.click()  # select the cell (command mode)
    page.keyboard.press("ControlOrMeta+Enter")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = prompt.inner_text().strip()
        if now != before and "*" not in now and now[1:-2].isdigit():
            break
        time.sleep(0.1)
    else:
        raise TimeoutError(f"cell {index} did not run again (prompt {before!r})")
    cell.locator(_ANY_CONTROL).first.wait_for(state="visible", timeout=CHANGE_TIMEOUT * 1000)


def summarise(reports: Iterable[WidgetReport]) -> str:
    """All reports' summaries, one block each."""
    return "\n".join(r.summary() for r in reports)


# --------------------------------------------------------------------------
# Doing an exercise the way a trainee does (for the feedback tests)
# --------------------------------------------------------------------------
def control(root: Any, label: str, kind: str = "slider") -> Any:
    """The control of ``kind`` whose label starts with ``label`` (e.g. "2021 年")."""
    boxes = {"slider": ".widget-slider", "dropdown": ".widget-dropdown",
             "text": ".widget-text", "number": ".widget-text"}
    loc = root.locator(boxes[kind]).filter(
        has=root.page.locator(".widget-label", has_text=label))
    return loc.first


def set_slider(page: Any, slider: Any, value: float, timeout: float = CHANGE_TIMEOUT) -> None:
    """Type ``value`` into a slider's readout (it is editable) and press Enter.

    Waits until the handle reports the new value (``aria-valuenow``).
    """
    readout = slider.locator(".widget-readout")
    readout.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(f"{value:g}")
    page.keyboard.press("Enter")
    handle = slider.locator(".noUi-handle").first
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = _aria_value(handle)
        if now is not None and abs(now - value) < 1e-6:
            return
        time.sleep(0.05)
    raise AssertionError(f"slider did not take the value {value} (shows {_aria_value(handle)})")


def select_option_containing(select: Any, text: str) -> None:
    """Choose the first option of a ``<select>`` whose text contains ``text``."""
    texts = select.evaluate("s => [...s.options].map(o => o.text.replace(/\\u00a0/g, ' '))")
    for i, t in enumerate(texts):
        if text in t:
            select.select_option(index=i)
            return
    raise AssertionError(f"no option containing {text!r} in {texts}")


def type_text(box: Any, text: str) -> None:
    """Replace a text box's content by typing ``text``, then press Enter."""
    box.click()
    box.press("ControlOrMeta+a")
    box.press("Delete")
    box.press_sequentially(text, delay=10)
    box.press("Enter")


def press_check(page: Any, root: Any, want: str, timeout: float = CHANGE_TIMEOUT) -> dict:
    """Click the exercise's "检查答案" button; wait for a feedback box of kind ``want``.

    Returns that box ``{kind, text}``. On timeout raises ``AssertionError``
    naming the boxes that are shown instead.
    """
    root.locator("button.jupyter-button", has_text="检查答案").first.click()
    deadline = time.monotonic() + timeout
    boxes: list[dict] = []
    while time.monotonic() < deadline:
        boxes = feedback_boxes(page, root)
        for b in boxes:
            if b["kind"] == want:
                return b
        time.sleep(0.05)
    raise AssertionError(f"no {want!r} feedback after clicking 检查答案; shown: {boxes}")


def squash(text: str) -> str:
    """``text`` without any whitespace (compare rendered HTML with plain messages)."""
    return "".join(str(text).split())


# --------------------------------------------------------------------------
# Voila (instructor app mode)
# --------------------------------------------------------------------------
def open_voila(page: Any, server: Server, timeout: float = SERVER_TIMEOUT) -> float:
    """Open the Voila app page; wait until the widget-exercise cells show controls.

    Voila executes the notebook while the page loads and renders only outputs
    (no code); it marks each cell with ``celltag_<tag>`` classes. Returns the
    seconds until the first exercise's controls were visible.
    """
    t0 = time.monotonic()
    page.goto(f"{server.url}?token={server.token}", timeout=timeout * 1000)
    page.locator(f".jp-Cell.celltag_{WIDGET_TAG}").first.locator(_ANY_CONTROL).first.wait_for(
        state="visible", timeout=timeout * 1000)
    return time.monotonic() - t0


def voila_cells(page: Any) -> list[Any]:
    """Locators of the widget-exercise cells on a Voila page, in order."""
    loc = page.locator(f".jp-Cell.celltag_{WIDGET_TAG}")
    return [loc.nth(i) for i in range(loc.count())]


# --------------------------------------------------------------------------
# Chinese renders: no missing-glyph boxes (tofu)
# --------------------------------------------------------------------------
#: Code points no font maps (unassigned, or private-use plane 16): drawn they
#: give exactly what a missing glyph looks like in a given font stack.
_TOFU_PROBES = ["\u0378", "\u0379", "\u0380", "\U0010FFFD"]

FONT_FIX = (
    "Chinese text renders as missing-glyph boxes (tofu): the browser has no font "
    "with these characters.\n"
    f"  Debian/Ubuntu:  sudo apt-get install -y {course.CJK_FONT_PACKAGE}\n"
    "                  (python3 course.py test does it itself when run as root or with sudo)\n"
    "  Check:          fc-list :lang=zh   (must list at least one font)"
)

SYMBOL_FIX = (
    "Symbols render as missing-glyph boxes (tofu) although Chinese text renders: the "
    "page uses characters (e.g. emoji) that no installed font has. Use characters every "
    "Chinese font has (GB2312: √ × … ？), or install an emoji font "
    "(Debian: fonts-noto-color-emoji) and say so in the README."
)


def _is_cjk(ch: str) -> bool:
    """Han ideographs, CJK punctuation and full-width forms.

    >>> _is_cjk("流"), _is_cjk("。"), _is_cjk("√")
    (True, True, False)
    """
    import unicodedata

    cp = ord(ch)
    return (0x3000 <= cp <= 0x303F or 0xFF00 <= cp <= 0xFFEF
            or "CJK" in unicodedata.name(ch, ""))


_RENDER_SCAN_JS = r"""async ([root, probes, maxElements]) => {
  if (document.fonts && document.fonts.ready) await document.fonts.ready;
  root = root || document.body;
  const SKIP = /[\p{C}\p{Z}\p{M}\s]/u;               // controls, spaces, combining marks
  const CJK = /[\p{Script=Han}\u3000-\u303F\uFF00-\uFFEF]/u;
  const visible = el => {
    if (!el || !el.getClientRects().length) return false;
    const cs = getComputedStyle(el);
    return cs.visibility !== 'hidden' && cs.display !== 'none';
  };
  const groups = new Map();  // font key -> {font, chars: Map(ch -> sample)}
  const marked = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n; (n = walker.nextNode());) {
    const t = n.nodeValue;
    if (!/[^\x00-\x7F]/.test(t)) continue;
    const el = n.parentElement;
    if (!el || el.closest('script, style, noscript, template, title') || !visible(el)) continue;
    const cs = getComputedStyle(el);
    const font = `${cs.fontStyle} ${cs.fontWeight} 40px ${cs.fontFamily}`;
    if (!groups.has(font)) groups.set(font, {font, chars: new Map()});
    const g = groups.get(font);
    const sample = t.replace(/\s+/g, ' ').trim().slice(0, 40);
    for (const ch of t) {
      if (ch.codePointAt(0) < 128 || SKIP.test(ch)) continue;
      if (!g.chars.has(ch)) g.chars.set(ch, sample);
    }
    if (CJK.test(t) && !el.hasAttribute('data-course-cjk') && marked.length < maxElements) {
      el.setAttribute('data-course-cjk', String(marked.length));
      marked.push(el);
    }
  }
  const W = 72, H = 72;
  const canvas = document.createElement('canvas');
  canvas.width = W; canvas.height = H;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const draw = ch => {
    ctx.clearRect(0, 0, W, H);
    ctx.fillText(ch, 12, 50);
    const d = ctx.getImageData(0, 0, W, H).data;
    let h1 = 2166136261, h2 = 5381, ink = 0;
    for (let i = 3; i < d.length; i += 4) {
      h1 = Math.imul(h1 ^ d[i], 16777619);
      h2 = ((h2 << 5) + h2 + d[i]) | 0;
      if (d[i]) ink++;
    }
    return `${h1 >>> 0}:${h2 >>> 0}:${ink}:${ctx.measureText(ch).width.toFixed(2)}`;
  };
  const out = {groups: [], tofu: [], chars: 0, cjk: 0, bad_font: []};
  const allChars = new Set();
  for (const g of groups.values()) {
    ctx.font = '7px course-sentinel';
    ctx.font = g.font;
    if (ctx.font.includes('course-sentinel')) { out.bad_font.push(g.font); continue; }
    ctx.textBaseline = 'alphabetic';
    const tofu = new Set(probes.map(draw));
    out.groups.push({font: g.font, chars: g.chars.size, tofu_variants: tofu.size});
    for (const [ch, sample] of g.chars) {
      allChars.add(ch);
      if (tofu.has(draw(ch))) {
        out.tofu.push({ch, code: 'U+' + ch.codePointAt(0).toString(16).toUpperCase().padStart(4, '0'),
                       font: g.font, sample});
      }
    }
  }
  out.chars = allChars.size;
  out.cjk = [...allChars].filter(c => CJK.test(c)).length;
  // feedback boxes of the exercise engine: their first visible character is the icon
  out.icons = [...root.querySelectorAll('.course-feedback')].filter(visible).map(b => {
    const t = (b.innerText || '').trim();
    const icon = t ? [...t][0] : '';
    return {icon, kind: [...b.classList].filter(c => c.startsWith('course-') &&
            c !== 'course-feedback').map(c => c.slice(7))[0] || '',
            tofu: out.tofu.some(x => x.ch === icon)};
  });
  out.marked = marked.length;
  return out;
}"""

_UNMARK_JS = """() => document.querySelectorAll('[data-course-cjk]').forEach(
    e => e.removeAttribute('data-course-cjk'))"""


@dataclass
class TextRenderReport:
    """Outcome of :func:`check_text_rendering`; ``ok`` when ``problems`` is empty."""

    where: str
    chars: int = 0            # distinct non-ASCII characters on the page (visible text)
    cjk_chars: int = 0        # of which Chinese (Han, CJK punctuation, full-width forms)
    tofu: list[dict] = field(default_factory=list)   # {ch, code, font, sample}
    fonts: dict[str, int] = field(default_factory=dict)  # platform font -> glyphs (CJK text)
    icons: list[dict] = field(default_factory=list)  # feedback boxes: {icon, kind, tofu}
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        fonts = ", ".join(f"{f} ({n} glyphs)" for f, n in
                          sorted(self.fonts.items(), key=lambda kv: -kv[1])) or "-"
        icons = " ".join(f"{i['icon']}({i['kind']}{', TOFU' if i['tofu'] else ''})"
                         for i in self.icons) or "-"
        lines = [f"text rendering {self.where}: {'OK' if self.ok else 'FAILED'} -- "
                 f"{self.chars} distinct non-ASCII characters ({self.cjk_chars} Chinese); "
                 f"fonts in elements with Chinese text: {fonts}; feedback icons: {icons}"]
        lines += [f"  PROBLEM: {p}" for p in self.problems]
        return "\n".join(lines)


def check_text_rendering(page: Any, root: Any = None, where: str = "page",
                         require_cjk: bool = True, min_icons: int = 0,
                         max_elements: int = 60) -> TextRenderReport:
    """Prove that every visible non-ASCII character under ``root`` renders with a real glyph.

    How: the visible text nodes are grouped by their computed font (style,
    weight, family list). For each group the page's own canvas draws, in that
    font stack, a few code points no font has (unassigned / private use): that
    is what a missing glyph ("tofu" box, or the font's blank .notdef) looks like
    there, after the browser's whole fallback chain. Every distinct character
    of the group is drawn the same way; one whose pixels (and advance width)
    equal the missing-glyph drawing has no glyph in any available font -> a
    problem naming the character, its font stack and where it appears.
    Evidence of what was used: Chrome DevTools ``CSS.getPlatformFontsForNode``
    lists the platform fonts (with glyph counts) that rendered the Chinese text
    of the first ``max_elements`` elements holding some (one DevTools call each).

    Never a silent pass: ``require_cjk`` makes a page without Chinese text a
    problem (the check would prove nothing), ``min_icons`` requires at least
    that many engine feedback boxes (``.course-feedback``), whose first
    character (the icon: √ × … or an emoji) must render too. A character
    class the canvas cannot draw (unparsable font) is a problem as well.
    """
    report = TextRenderReport(where)
    handle = root.element_handle() if root is not None else None
    scan = page.evaluate(_RENDER_SCAN_JS, [handle, _TOFU_PROBES, max_elements])
    try:
        report.fonts = _platform_fonts(page, scan.get("marked", 0))
    finally:
        try:
            page.evaluate(_UNMARK_JS)
        except Exception:  # noqa: BLE001 - page gone
            pass
    report.chars, report.cjk_chars = scan["chars"], scan["cjk"]
    report.tofu, report.icons = scan["tofu"], scan["icons"]
    for f in scan["bad_font"]:
        report.problems.append(f"cannot draw the font {f!r} on a canvas to check it")
    if report.tofu:
        shown = "; ".join(f"{t['ch']!r} {t['code']} in {t['sample']!r}" for t in report.tofu[:12])
        more = f" (and {len(report.tofu) - 12} more)" if len(report.tofu) > 12 else ""
        fonts = sorted({t["font"].split(" 40px ", 1)[-1] for t in report.tofu})
        cjk = [t for t in report.tofu if _is_cjk(t["ch"])]
        fix = FONT_FIX if cjk else SYMBOL_FIX
        report.problems.append(f"{len(report.tofu)} character(s) render as missing-glyph boxes "
                               f"(tofu): {shown}{more}; font stacks: {fonts}\n{fix}")
    if require_cjk and report.cjk_chars == 0:
        report.problems.append("no Chinese text found: the rendering check would prove nothing "
                               "(wrong element, or the page did not render)")
    if len(report.icons) < min_icons:
        report.problems.append(f"expected at least {min_icons} feedback box(es) with an icon, "
                               f"found {len(report.icons)}")
    bad_icons = [i for i in report.icons if i["tofu"] or not i["icon"]]
    if bad_icons:
        report.problems.append("feedback icons do not render: "
                               + ", ".join(f"{i['icon']!r} ({i['kind']})" for i in bad_icons))
    return report


def _platform_fonts(page: Any, n_marked: int) -> dict[str, int]:
    """Platform fonts (family -> glyph count) that rendered the marked elements' text."""
    if not n_marked:
        return {}
    fonts: dict[str, int] = {}
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        doc = cdp.send("DOM.getDocument", {"depth": 0})
        ids = cdp.send("DOM.querySelectorAll", {"nodeId": doc["root"]["nodeId"],
                                                "selector": "[data-course-cjk]"})["nodeIds"]
        for nid in ids:
            try:
                used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": nid})["fonts"]
            except Exception:  # noqa: BLE001 - node went away meanwhile
                continue
            for f in used:
                fonts[f["familyName"]] = fonts.get(f["familyName"], 0) + int(f["glyphCount"])
    finally:
        try:
            cdp.detach()
        except Exception:  # noqa: BLE001
            pass
    return fonts


# --------------------------------------------------------------------------
# Links in notebooks: every relative link must reach a file on the server
# --------------------------------------------------------------------------
_MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)"
                      r"|\bhref\s*=\s*[\"']([^\"']+)[\"']")
OUTSIDE_ROOT = "<outside the served folder>"


def markdown_links(nb_path: Path) -> list[str]:
    """Links written in a notebook's Markdown cells and Markdown/HTML outputs, in order."""
    import nbformat

    nb = nbformat.read(str(nb_path), as_version=4)
    texts = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            texts.append(cell.source)
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            for mime in ("text/markdown", "text/html"):
                if mime in data:
                    v = data[mime]
                    texts.append("".join(v) if isinstance(v, list) else v)
    return [a or b for text in texts for a, b in _MD_LINK.findall(text)]


def resolve_link(nb_rel: str, link: str) -> str | None:
    """The server path a relative link in notebook ``nb_rel`` points to.

    None for links that are not files on the server (other sites, mail,
    in-page anchors); :data:`OUTSIDE_ROOT` when the link climbs above the
    served folder -- what happened when Lab served only ``notebooks/``.

    >>> resolve_link("notebooks/00_start.ipynb", "../exercises/L1_exercises.ipynb")
    'exercises/L1_exercises.ipynb'
    >>> resolve_link("00_start.ipynb", "../exercises/L1_exercises.ipynb") == OUTSIDE_ROOT
    True
    >>> resolve_link("notebooks/a.ipynb", "#section") is None, resolve_link("a.ipynb", "https://x.org")
    (True, None)
    """
    import posixpath

    link = link.strip()
    if not link or link.startswith("#") or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", link):
        return None
    path = urllib.parse.unquote(link.split("#", 1)[0].split("?", 1)[0])
    if not path:
        return None
    if path.startswith("/"):
        target = posixpath.normpath(path.lstrip("/"))
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(nb_rel), path))
    if target == ".." or target.startswith("../"):
        return OUTSIDE_ROOT
    return target


def broken_links(server: Server, root: Path, nb_rels: Iterable[str]) -> tuple[list[str], int]:
    """Links of the notebooks ``nb_rels`` (under ``root``) the server cannot serve.

    Asks the running server's contents API for every resolved target (so the
    answer is the server's, with its root). Returns (problems, links checked).
    """
    problems, checked = [], 0
    for rel in nb_rels:
        for link in markdown_links(root / rel):
            target = resolve_link(rel, link)
            if target is None:
                continue
            checked += 1
            if target == OUTSIDE_ROOT:
                problems.append(f"{rel}: {link!r} points outside the served folder")
                continue
            try:
                server.api("GET", f"api/contents/{urllib.parse.quote(target)}?content=0")
            except urllib.error.HTTPError as exc:
                problems.append(f"{rel}: {link!r} -> {target}: HTTP {exc.code}")
    return problems, checked
