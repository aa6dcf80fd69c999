"""Set-up promises: pinned versions, conda twin, the two README commands, CI, offline."""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

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
    lines = [l.strip() for l in ci.splitlines() if l.strip() and not l.strip().startswith("#")]
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


@pytest.mark.timeout(180)
def test_lab_command_serves_loopback_with_token_auth(tmp_path):
    port = _free_port()
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"))
    argv = course.lab_argv(["--no-browser", f"--port={port}", "--ServerApp.port_retries=0",
                            "--LabApp.news_url=None", "--LabApp.check_for_updates_class="
                            "jupyterlab.NeverCheckForUpdate"])
    assert "--ip=127.0.0.1" in argv
    assert not any("token" in a.lower() or "password" in a.lower() for a in argv)
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
        base = f"http://127.0.0.1:{port}/api/contents"
        with pytest.raises(urllib.error.HTTPError) as denied:
            urllib.request.urlopen(base, timeout=10)
        assert denied.value.code == 403
        with urllib.request.urlopen(f"{base}?token={info['token']}", timeout=10) as ok:
            assert ok.status == 200
        # Not reachable on another interface of this machine.
        other = socket.gethostbyname(socket.gethostname())
        if not other.startswith("127."):
            with pytest.raises(OSError):
                socket.create_connection((other, port), timeout=3).close()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 15)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)


def test_readme_benchmark_figures_come_from_the_results_files():
    from tools import readme

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.render(text) == text, "README figures are stale: python -m tools.readme"
