"""Set-up promises: pinned versions, conda twin, the README commands (lab, test, app), CI, offline."""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from helpers import assert_loopback_only

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import course  # noqa: E402
from tools.envfile import pinned, render  # noqa: E402


def _lock_pins() -> list[str]:
    return pinned((ROOT / "requirements" / "lock.txt").read_text(encoding="utf-8"))


def test_every_lock_line_is_an_exact_pin():
    pins = _lock_pins()
    assert len(pins) > 50
    bad = [p for p in pins if not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+\-]+", p)]
    assert bad == []


def test_top_level_packages_are_in_the_lock_at_the_same_version():
    lock = {p.split("==")[0].lower(): p.split("==")[1] for p in _lock_pins()}
    wanted = pinned((ROOT / "requirements" / "requirements.in").read_text(encoding="utf-8"))
    for line in wanted:
        name, version = line.split("==")
        assert lock.get(name.lower()) == version, f"{line} not pinned in lock.txt"
    for pkg in ["jupyterlab", "pandas", "seaborn", "scikit-learn", "ipywidgets", "nbval", "papermill"]:
        assert pkg in lock, pkg


def test_environment_yml_lists_exactly_the_lock():
    env_text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    yml_pins = re.findall(r"^\s+- ([^\s#]+==[^\s#]+)\s*$", env_text, flags=re.M)
    assert sorted(yml_pins) == sorted(_lock_pins())
    assert "python=3.11" in env_text
    assert env_text == render(_lock_pins()), "environment.yml is stale: run python -m tools.envfile"


def test_installed_versions_match_the_lock():
    from importlib.metadata import PackageNotFoundError, version

    wrong = []
    for pin in _lock_pins():
        name, want = pin.split("==")
        try:
            have = version(name)
        except PackageNotFoundError:
            wrong.append(f"{name} missing")
            continue
        if have != want:
            wrong.append(f"{name} {have} != {want}")
    assert wrong == []


def _readme_command(kind: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(rf"<!-- {kind}-command -->\s*```(?:bash|sh)?\n(.+?)\n```", text, flags=re.S)
    assert m, f"README has no marked {kind} command"
    return m.group(1).strip()


def test_ci_runs_exactly_the_readme_test_command():
    cmd = _readme_command("test")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lines = [ln.strip() for ln in ci.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    assert cmd in lines, f".ci/run does not run {cmd!r}"
    assert cmd.startswith("python3 course.py test")
    assert _readme_command("lab").startswith("python3 course.py lab")


def test_set_up_is_recorded_as_done_so_a_second_run_installs_nothing():
    # course.py writes this stamp after a successful install and skips the
    # install while it matches (the test suite itself runs through it).
    if course.in_course_conda_env() or not course.STAMP.exists():
        pytest.skip("suite not started through `python3 course.py test`")
    assert course.STAMP.read_text().strip() == course.stamp_value()


def test_no_code_path_downloads_anything():
    """Offline rule: no URL fetching in the package or the notebook sources."""
    patterns = re.compile(r"urlopen|urlretrieve|requests\.(get|post)|httpx\.|pip install|wget |curl ")
    offenders = []
    for folder in ("course_utils", "src"):
        for p in (ROOT / folder).rglob("*.py"):
            for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
                if patterns.search(line):
                    offenders.append(f"{p.relative_to(ROOT)}:{i}: {line.strip()}")
    assert offenders == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _private_jupyter_env(tmp_path: Path) -> dict[str, str]:
    """Jupyter dirs (config, data = signature DB, runtime) in tmp_path: nothing in $HOME."""
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"), JUPYTER_DATA_DIR=str(tmp_path / "data"),
               JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "ws"), JUPYTER_PLATFORM_DIRS="1")
    for key in ("JUPYTER_TOKEN", "JUPYTER_TOKEN_FILE", "JUPYTER_PATH"):
        env.pop(key, None)
    return env


def _kill_group(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait(timeout=10)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: D102 - surface 30x as HTTPError
        return None


_plain = urllib.request.build_opener(_NoRedirect)


def _status(url: str) -> tuple[int, str]:
    """(status, Location) of a GET that does not follow redirects."""
    try:
        with _plain.open(url, timeout=60) as resp:
            return resp.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location") or ""


def test_lab_steps_trust_the_lecture_notebooks_then_serve_the_repository_root():
    trust, lab = course.lab_steps(["--no-browser"])
    assert trust[1] == "trust" and str(ROOT / course.START_PAGE) in trust
    assert all(Path(p).parent == ROOT / "notebooks" for p in trust[2:])
    assert f"--ServerApp.root_dir={ROOT}" in lab
    assert f"--LabApp.default_url=/lab/tree/{course.START_PAGE}" in lab
    assert course.START_PAGE not in lab  # a bare path would make notebooks/ the root
    assert (ROOT / course.START_PAGE).is_file()
    assert lab[-1] == "--no-browser"


@pytest.mark.timeout(180)
def test_lab_command_serves_loopback_with_token_auth(tmp_path):
    """`course.py lab`'s steps: start page trusted, repo root served, token required."""
    port = _free_port()
    env = _private_jupyter_env(tmp_path)
    *prepare, argv = course.lab_steps(["--no-browser", f"--port={port}",
                                       "--ServerApp.port_retries=0", "--LabApp.news_url=None",
                                       "--LabApp.check_for_updates_class="
                                       "jupyterlab.NeverCheckForUpdate"])
    assert "--ip=127.0.0.1" in argv
    assert not any("token" in a.lower() or "password" in a.lower() for a in argv)
    for step in prepare:  # jupyter trust, into the private signature database
        subprocess.run(step, cwd=ROOT, env=env, check=True, timeout=120, capture_output=True)
    assert (tmp_path / "data" / "nbsignatures.db").is_file()
    log = tmp_path / "lab.log"
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=log.open("w"), start_new_session=True)
    try:
        info = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and info is None and proc.poll() is None:
            for f in (tmp_path / "rt").glob("jpserver-*.json"):
                info = json.loads(f.read_text())
            time.sleep(0.5)
        assert info is not None, "JupyterLab did not start:\n" + log.read_text()[-2000:]
        assert info["token"], "token authentication must stay on"
        assert info["hostname"] in ("127.0.0.1", "localhost")
        assert Path(info["root_dir"]).resolve() == ROOT
        base = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 30
        while _status(f"{base}api/status?token={info['token']}")[0] != 200:
            assert time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.5)
        assert _status(f"{base}api/contents")[0] == 403
        tok = f"token={info['token']}"
        # every folder the start page links to is served (the root is the repository)
        for rel in ("notebooks/00_start.ipynb", "exercises", "solutions", "datasets"):
            assert _status(f"{base}api/contents/{rel}?content=0&{tok}")[0] == 200, rel
        # the address Jupyter prints opens the start page
        status, where = _status(f"{base}?{tok}")
        where = urllib.parse.urlparse(where).path
        assert status == 302 and where.endswith(f"/lab/tree/{course.START_PAGE}"), (status, where)
        # the start page is trusted (its committed outputs show)
        with urllib.request.urlopen(f"{base}api/contents/{course.START_PAGE}?{tok}",
                                    timeout=30) as resp:
            nb = json.loads(resp.read())["content"]
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert code and all(c["metadata"].get("trusted") is True for c in code)
        assert_loopback_only(port)                # not reachable on another interface of this machine
    finally:
        _kill_group(proc)


@pytest.mark.timeout(180)
def test_app_command_refuses_requests_without_its_token(tmp_path):
    """`course.py app` (course.start_app): loopback, fresh token, nothing served without it."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    nb = new_notebook(cells=[new_markdown_cell("# 应用模式"), new_code_cell("print('只给有令牌的人看')")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = tmp_path / "app.ipynb"
    nbformat.write(nb, str(path))
    port = _free_port()
    log = (tmp_path / "voila.log").open("w")
    proc, url = course.start_app([str(path), "--no-browser", "--port", str(port)],
                                 env=_private_jupyter_env(tmp_path), stdout=log,
                                 stderr=subprocess.STDOUT, start_new_session=True)
    try:
        token = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)["token"][0]
        assert url == f"http://127.0.0.1:{port}/?token={token}" and len(token) >= 32
        assert not any(token in a for a in proc.args), "the token must not be in the process list"
        assert "--Voila.ip=127.0.0.1" in proc.args
        assert course._wait_port(port, proc, timeout=90), (tmp_path / "voila.log").read_text()
        base = f"http://127.0.0.1:{port}/"
        for bad in (base, f"{base}?token=wrong", f"{base}api/kernels"):
            status, where = _status(bad)
            assert status in (302, 403), (bad, status)
            assert status == 403 or where.startswith("/login"), (bad, where)
        with urllib.request.urlopen(url, timeout=120) as resp:
            assert resp.status == 200
            assert "只给有令牌的人看" in resp.read().decode("utf-8")
        assert_loopback_only(port)                # not reachable on another interface of this machine
    finally:
        _kill_group(proc)
        log.close()


@pytest.mark.parametrize("args, message", [
    ([], "usage"),
    (["--port=9000"], "usage"),
    (["exercises/no_such_notebook.ipynb"], "notebook not found"),
    (["exercises/L1_exercises.ipynb", "--port=abc"], "--port needs a number"),
])
def test_app_command_bad_arguments_get_a_clear_message(args, message):
    with pytest.raises(SystemExit) as info:
        course.start_app(args)
    assert message in str(info.value)


def test_two_apps_get_different_tokens_and_ports(monkeypatch, tmp_path):
    started = []

    class FakePopen:
        def __init__(self, argv, env=None, **kw):
            started.append((argv, env["JUPYTER_TOKEN"]))

    nb = tmp_path / "a.ipynb"
    nb.write_text("{}")
    monkeypatch.setattr(course.subprocess, "Popen", FakePopen)
    _, url1 = course.start_app([str(nb)])
    _, url2 = course.start_app([str(nb), "--port=8870", "--theme=dark"])
    assert started[0][1] != started[1][1] and started[0][1] in url1 and started[1][1] in url2
    assert ":8870/" in url2 and "--port=8870" in started[1][0] and "--theme=dark" in started[1][0]
    assert started[1][0].count("--port=8870") == 1


# ---- what `python3 course.py test` installs for the browser tests -------------------
@pytest.fixture
def apt(monkeypatch):
    """Record apt commands and messages instead of running them."""
    calls = {"run": [], "say": []}
    monkeypatch.setattr(course, "check", lambda cmd, **kw: calls["run"].append(list(cmd)))
    monkeypatch.setattr(course, "say", lambda msg: calls["say"].append(msg))
    monkeypatch.setattr(course, "_is_debian", lambda: True)
    monkeypatch.setattr(course, "_root_prefix", lambda: [])
    return calls


def _machine(monkeypatch, chromium: bool, font: bool) -> None:
    monkeypatch.setattr(course, "find_chromium", lambda: "/usr/bin/chromium" if chromium else None)
    monkeypatch.setattr(course, "has_cjk_font", lambda: font)


def test_test_setup_installs_a_chinese_font_even_when_chromium_is_present(apt, monkeypatch):
    _machine(monkeypatch, chromium=True, font=False)
    course.ensure_browser()
    installs = [c for c in apt["run"] if "install" in c]
    assert installs == [["apt-get", "install", "-y", "-q", course.CJK_FONT_PACKAGE]]
    assert ["apt-get", "update", "-q"] in apt["run"]


def test_test_setup_installs_browser_and_font_together(apt, monkeypatch):
    _machine(monkeypatch, chromium=False, font=False)
    course.ensure_browser()
    assert apt["run"][-1] == ["apt-get", "install", "-y", "-q", "chromium", "chromium-driver",
                              course.CJK_FONT_PACKAGE]


def test_test_setup_installs_nothing_when_both_are_there(apt, monkeypatch):
    _machine(monkeypatch, chromium=True, font=True)
    course.ensure_browser()
    assert apt["run"] == [] and apt["say"] == []


def test_test_setup_without_root_says_what_to_install(apt, monkeypatch):
    _machine(monkeypatch, chromium=True, font=False)
    monkeypatch.setattr(course, "_root_prefix", lambda: None)
    course.ensure_browser()
    assert apt["run"] == []
    assert any(f"sudo apt-get install -y {course.CJK_FONT_PACKAGE}" in m for m in apt["say"])


def test_test_setup_uses_sudo_when_not_root(apt, monkeypatch):
    _machine(monkeypatch, chromium=True, font=False)
    monkeypatch.setattr(course, "_root_prefix", lambda: ["sudo"])
    course.ensure_browser()
    assert apt["run"] and all(c[0] == "sudo" for c in apt["run"])


def test_has_cjk_font_asks_fontconfig(monkeypatch):
    if sys.platform in ("darwin", "win32"):
        assert course.has_cjk_font()
        return
    monkeypatch.setattr(course.shutil, "which", lambda name: None)
    assert course.has_cjk_font() is False  # no fontconfig: no font the browser can use
    monkeypatch.undo()
    if shutil.which("fc-list"):
        listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True,
                                text=True).stdout.strip()
        assert course.has_cjk_font() is bool(listed)


def test_readme_benchmark_figures_come_from_the_results_files():
    from tools import readme

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.render(text) == text, "README figures are stale: python -m tools.readme"


def test_course_py_examples_hold():
    """The examples in course.py's docstrings (app shortcut, option parsing, app address) run."""
    import doctest
    import importlib.util

    spec = importlib.util.spec_from_file_location("course_doc", ROOT / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = doctest.testmod(module)
    assert result.attempted >= 3 and result.failed == 0, result
