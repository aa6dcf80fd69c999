"""Install where there is no internet: per-platform locks, wheelhouse detection, offline install.

Fast tests read the committed locks and exercise course.py's detection. The
``wheelhouse`` test builds this platform's wheelhouse (download cached across
runs in ``$TMPDIR/course-test-cache/``, never in the repo), installs the course
from it into a fresh venv with pip cut off from every index, and runs the
lecture notebooks there.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import course  # noqa: E402
from tools import wheelhouse as wh  # noqa: E402

BASE = wh.read_lock(ROOT / "requirements" / "lock.txt")
LOCKS = {key: wh.read_lock(wh.lock_path(key)) for key in wh.TARGETS}


def _names(pins, python=None) -> set[str]:
    return {p.key for p in pins if python is None or p.applies(python)}


# ---------------------------------------------------------------- per-platform locks

def test_every_platform_has_a_committed_lock_windows_first():
    assert list(wh.TARGETS)[0] == "win_amd64"
    assert set(LOCKS) == {"win_amd64", "macosx_arm64", "macosx_x86_64", "linux_x86_64"}
    for key, pins in LOCKS.items():
        assert len(pins) > 100, key
        head = wh.lock_path(key).read_text(encoding="utf-8").splitlines()[0]
        assert all(f"{v}" in head for v in wh.PYTHONS), (key, head)


def test_windows_resolution_has_its_own_packages_linux_does_not():
    win, linux = LOCKS["win_amd64"], LOCKS["linux_x86_64"]
    for py in wh.PYTHONS:
        w, lx = _names(win, py), _names(linux, py)
        assert {"pywinpty", "colorama"} <= w, py       # terminals on Windows (terminado), colours
        assert "pywinpty" not in lx and "colorama" not in lx
        assert {"pexpect", "ptyprocess"} <= lx and not {"pexpect", "ptyprocess"} & w
    for mac in ("macosx_arm64", "macosx_x86_64"):
        assert "appnope" in _names(LOCKS[mac]) and "appnope" not in _names(linux)


def test_shared_pins_equal_lock_txt():
    base = {p.key: p.version for p in BASE}
    for key, pins in LOCKS.items():
        overrides = wh.OVERRIDES.get(key, {})
        assert wh.shared_pin_mismatches(BASE, pins, overrides) == [], key
        # An override is the only difference, it is stated in the lock's header, and it is real.
        differs = {p.key for p in pins if p.key in base and base[p.key] != p.version}
        assert differs == set(overrides), key
        head = wh.lock_path(key).read_text(encoding="utf-8")
        for name, (version, _why) in overrides.items():
            assert f"{name}=={version}" in head.split("\n# Not lock.txt's version here: ")[1], key
        shared = [p for p in pins if p.key in base]
        assert len(shared) >= len(base) - 2, key   # Windows drops pexpect/ptyprocess only
    # Linux is where lock.txt is made: every package of lock.txt is there, on every Python.
    for py in wh.PYTHONS:
        missing = set(base) - _names(LOCKS["linux_x86_64"], py) - {"overrides"}
        assert missing == set(), py


def test_each_lock_gives_one_version_per_package_and_python():
    for key, pins in LOCKS.items():
        for py in wh.PYTHONS:
            keys = [p.key for p in pins if p.applies(py)]
            assert len(keys) == len(set(keys)), (key, py)


def test_only_intel_macs_override_a_pin():
    assert set(wh.OVERRIDES) == {"macosx_x86_64"}
    assert wh.OVERRIDES["macosx_x86_64"].keys() == {"argon2-cffi-bindings"}
    assert wh.constraints_text(BASE, wh.OVERRIDES["macosx_x86_64"]).count("argon2-cffi-bindings==25.1.0") == 1


def test_a_stale_platform_lock_is_caught():
    pins = [wh.Pin(p.name, "0.0.1" if p.key == "pandas" else p.version, p.pythons)
            for p in LOCKS["win_amd64"]]
    assert wh.shared_pin_mismatches(BASE, pins) == ["pandas: lock.txt 3.1.1, platform lock 0.0.1"]


def test_marker_lines_round_trip_and_pip_can_read_them():
    pin = wh.Pin("aiohttp", "3.14.5", ("3.12",))
    assert wh.parse_lock(pin.line()) == [pin]
    from packaging.requirements import Requirement  # pip's own parser

    req = Requirement(pin.line())
    assert req.marker.evaluate({"python_version": "3.12"})
    assert not req.marker.evaluate({"python_version": "3.11"})
    with pytest.raises(ValueError):
        wh.parse_lock('colorama==0.4.6 ; sys_platform == "win32"')
    with pytest.raises(ValueError):
        wh.parse_lock("pandas>=3")


def test_module_doctests():
    import doctest

    assert doctest.testmod(wh).failed == 0


# ---------------------------------------------------------------- detection (course.py)

def _fake_wheelhouse(folder: Path, targets=("linux_x86_64",), pythons=("3.11",)) -> Path:
    for t in targets:
        (folder / t).mkdir(parents=True)
        (folder / t / "lock.txt").write_text("six==1.17.0\n")
    manifest = {"format": 1, "files": [],
                "targets": {t: {"pythons": list(pythons)} for t in targets}}
    (folder / wh.MANIFEST).write_text(json.dumps(manifest))
    return folder


def test_current_target_maps_the_trainee_machines():
    assert wh.current_target("win32", "AMD64") == "win_amd64"
    assert wh.current_target("darwin", "arm64") == "macosx_arm64"
    assert wh.current_target("darwin", "x86_64") == "macosx_x86_64"
    assert wh.current_target("linux", "x86_64") == "linux_x86_64"
    assert wh.current_target("linux", "aarch64") is None


def test_find_wheelhouse_next_to_course_py_or_from_the_environment(tmp_path):
    root = tmp_path / "course"
    root.mkdir()
    assert wh.find_wheelhouse(root, {}) is None
    (root / "wheelhouse").mkdir()          # unfinished: no manifest yet
    assert wh.find_wheelhouse(root, {}) is None
    (root / "wheelhouse" / wh.MANIFEST).write_text('{"targets": {}}')
    assert wh.find_wheelhouse(root, {}) == root / "wheelhouse"
    other = _fake_wheelhouse(tmp_path / "usb")
    assert wh.find_wheelhouse(root, {wh.ENV_VAR: str(other)}) == other
    assert wh.find_wheelhouse(root, {wh.ENV_VAR: "off"}) is None
    with pytest.raises(wh.WheelhouseError, match="MANIFEST.json"):
        wh.find_wheelhouse(root, {wh.ENV_VAR: str(tmp_path / "nowhere")})


def test_offline_args_refuse_a_wheelhouse_that_does_not_serve_this_machine(tmp_path):
    house = _fake_wheelhouse(tmp_path / "wh", targets=("win_amd64",), pythons=("3.11", "3.12"))
    args = wh.offline_install_args(house, "win_amd64", "3.12")
    assert args == ["--no-index", "--find-links", str(house / "win_amd64"),
                    "-r", str(house / "win_amd64" / "lock.txt")]
    with pytest.raises(wh.WheelhouseError, match="linux_x86_64.*win_amd64"):
        wh.offline_install_args(house, "linux_x86_64", "3.11")
    with pytest.raises(wh.WheelhouseError, match=r"Python 3\.11, 3\.12.*3\.14"):
        wh.offline_install_args(house, "win_amd64", "3.14")


def _run_ensure_env(monkeypatch, tmp_path, root: Path, environ: dict) -> list[list[str]]:
    """course.ensure_env() with a throwaway venv path; the commands it would run."""
    calls: list[list[str]] = []
    venv = tmp_path / "venv"
    monkeypatch.setattr(course, "ROOT", root)
    monkeypatch.setattr(course, "VENV", venv)
    monkeypatch.setattr(course, "STAMP", venv / ".course-stamp")
    monkeypatch.setattr(course, "stamp_value", lambda: "x")
    monkeypatch.setattr(course, "in_course_conda_env", lambda: False)
    monkeypatch.setattr(course, "add_repo_to_path", lambda: None)
    monkeypatch.setattr(course, "check", lambda cmd, **kw: calls.append([str(c) for c in cmd]))
    for k in (wh.ENV_VAR,):
        monkeypatch.delenv(k, raising=False)
    for k, v in environ.items():
        monkeypatch.setenv(k, v)
    venv.mkdir(exist_ok=True)
    course.ensure_env()
    return calls


def test_ensure_env_installs_offline_when_a_wheelhouse_is_next_to_course_py(monkeypatch, tmp_path):
    root = tmp_path / "course"
    (root / "requirements").mkdir(parents=True)
    target = wh.current_target() or "linux_x86_64"
    _fake_wheelhouse(root / "wheelhouse", targets=(target,), pythons=(wh.python_minor(),))
    calls = _run_ensure_env(monkeypatch, tmp_path, root, {})
    pip = [c for c in calls if "pip" in c][-1]
    assert pip[pip.index("install"):] == [
        "install", "--quiet", "--disable-pip-version-check", "--no-index",
        "--find-links", str(root / "wheelhouse" / target), "-r", str(root / "wheelhouse" / target / "lock.txt")]


def test_ensure_env_online_uses_this_platforms_lock(monkeypatch, tmp_path):
    calls = _run_ensure_env(monkeypatch, tmp_path, ROOT, {wh.ENV_VAR: "off"})
    pip = [c for c in calls if "pip" in c][-1]
    assert "--no-index" not in pip
    want = wh.lock_path(wh.current_target()) if wh.current_target() else ROOT / "requirements" / "lock.txt"
    assert pip[-2:] == ["-r", str(want)]


def test_ensure_env_stops_with_a_clear_message_for_a_bad_wheelhouse(monkeypatch, tmp_path):
    with pytest.raises(SystemExit) as e:
        _run_ensure_env(monkeypatch, tmp_path, ROOT, {wh.ENV_VAR: str(tmp_path / "nowhere")})
    assert "MANIFEST.json" in str(e.value) and "离线" in str(e.value) and "Traceback" not in str(e.value)
    house = _fake_wheelhouse(tmp_path / "wh", targets=("win_amd64",) if wh.current_target() != "win_amd64"
                             else ("linux_x86_64",))
    with pytest.raises(SystemExit) as e:
        _run_ensure_env(monkeypatch, tmp_path, ROOT, {wh.ENV_VAR: str(house)})
    assert "COURSE_WHEELHOUSE=off" in str(e.value)


def test_course_py_has_the_wheelhouse_command():
    assert course.COMMANDS["wheelhouse"] is course.cmd_wheelhouse
    r = subprocess.run([sys.executable, str(ROOT / "course.py"), "wheelhouse", "--platform", "beos"],
                       capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert r.returncode != 0 and "unknown platform: beos" in (r.stdout + r.stderr)
    assert "Traceback" not in r.stderr


# ---------------------------------------------------------------- the real thing

CACHE = Path(os.environ.get("COURSE_TEST_CACHE") or Path(tempfile.gettempdir()) / "course-test-cache")
#: Every index pip could try points at a closed port; a proxy too.
NO_NETWORK = {"PIP_INDEX_URL": "http://127.0.0.1:9/simple", "PIP_EXTRA_INDEX_URL": "",
              "PIP_FIND_LINKS": "", "PIP_CONFIG_FILE": os.devnull,
              "PIP_RETRIES": "0", "PIP_TIMEOUT": "2", "http_proxy": "http://127.0.0.1:9",
              "https_proxy": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9",
              "HTTPS_PROXY": "http://127.0.0.1:9", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
LECTURES = ["L1_overview", "L2_profiling", "L3_churn", "L4_recommendation", "L5_outlook"]


CPU: dict[str, float] = {}


def _timed(cmd, **kw) -> tuple[subprocess.CompletedProcess, float]:
    """Run ``cmd``; (result, wall seconds). CPU seconds of its process tree go to CPU[cmd name]."""
    import resource

    t0, c0 = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU[" ".join(map(str, cmd))] = (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)
    return r, time.monotonic() - t0


@pytest.mark.wheelhouse
@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_offline_install_from_a_wheelhouse_runs_the_lectures(tmp_path):
    target = wh.current_target()
    assert target is not None, "no wheelhouse target for this machine"
    py = wh.python_minor()
    house = CACHE / "wheelhouse"
    # 1. build (online; the download stays in CACHE across runs) through course.py's command.
    env = dict(os.environ, COURSE_WHEELHOUSE_CACHE=str(CACHE / "tools"))
    r, t_build = _timed([sys.executable, ROOT / "course.py", "wheelhouse", "--out", house,
                         "--platform", target, "--python", py], cwd=ROOT, env=env, timeout=2400)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    manifest = wh.read_manifest(house)
    assert manifest["targets"][target]["pythons"] == [py]
    assert wh.verify(house) == []
    names = {wh.wheel_key(Path(f["file"]).name)[0] for f in manifest["files"]}
    assert _names(LOCKS[target], py) <= names
    assert all(f["file"].endswith(".whl") and f["platform"] == target for f in manifest["files"])
    assert manifest["built_from_sdist"].get("jieba", "").endswith("-py3-none-any.whl")

    # 2. a course folder whose wheelhouse/ sits next to course.py; fresh .venv made by course.py.
    root = tmp_path / "course"
    root.mkdir()
    (root / "course.py").write_bytes((ROOT / "course.py").read_bytes())
    for name in ("course_utils", "tools", "requirements", "notebooks", "datasets", "pyproject.toml"):
        (root / name).symlink_to(ROOT / name)
    (root / "wheelhouse").symlink_to(house)
    jupyter_dirs = {"JUPYTER_DATA_DIR": str(tmp_path / "jdata"), "JUPYTER_CONFIG_DIR": str(tmp_path / "jconf"),
                    "IPYTHONDIR": str(tmp_path / "ipython"), "MPLCONFIGDIR": str(tmp_path / "mpl")}
    off = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV", "CONDA"))}
    off.update(NO_NETWORK, **jupyter_dirs)
    off.pop(wh.ENV_VAR, None)
    base_python = getattr(sys, "_base_executable", sys.executable)
    # `course.py lab --version`: the whole set-up, then JupyterLab prints its version and exits.
    install_cmd = [base_python, root / "course.py", "lab", "--version"]
    r, t_install = _timed(install_cmd, cwd=tmp_path, env=off, timeout=1800)
    cpu_install = CPU[" ".join(map(str, install_cmd))]
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "from the wheelhouse" in r.stdout and "offline, no index" in r.stdout
    assert "4.6.6" in r.stdout                      # the pinned JupyterLab answered
    vpy = root / ".venv" / "bin" / "python"
    frozen = subprocess.run([vpy, "-m", "pip", "freeze"], capture_output=True, text=True, env=off).stdout
    installed = {wh.normalize(line.split("==")[0]): line.split("==")[1]
                 for line in frozen.splitlines() if "==" in line}
    want = {p.key: p.version for p in LOCKS[target] if p.applies(py)}
    assert {k: installed.get(k) for k in want} == want

    # 3. the conda route's pip half: environment.yml's pip list, PIP_NO_INDEX + PIP_FIND_LINKS only.
    yml = [ln.strip()[2:] for ln in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines()
           if ln.startswith("      - ") and "==" in ln]
    req = tmp_path / "conda-pip.txt"
    req.write_text("\n".join(yml) + "\n")
    conda_env = dict(off, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(house / target))
    r = subprocess.run([vpy, "-m", "pip", "install", "--dry-run", "--ignore-installed", "-r", req],
                       capture_output=True, text=True, env=conda_env, timeout=600)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "Would install" in r.stdout and "pandas-3.1.1" in r.stdout

    # 4. the lecture notebooks run in that environment (papermill from the offline venv).
    times = {}
    nb_env = dict(off, PYTHONHASHSEED="0", MPLBACKEND="Agg")
    for name in LECTURES:
        out = tmp_path / f"{name}.out.ipynb"
        r, times[name] = _timed([vpy, "-m", "papermill", ROOT / "notebooks" / f"{name}.ipynb", out,
                                 "--cwd", ROOT / "notebooks", "-k", "python3", "--execution-timeout", "600",
                                 "--no-progress-bar"], env=nb_env, timeout=900)
        assert r.returncode == 0, f"{name}: {r.stderr[-3000:]}"
        nb = json.loads(out.read_text(encoding="utf-8"))
        errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert errors == [], name
    shutil.rmtree(root / ".venv", ignore_errors=True)  # 1.2 GB; kept only when the test fails
    size = sum(f["size"] for f in manifest["files"])
    print(f"\n[wheelhouse] {target} cp{py.replace('.', '')}: {len(manifest['files'])} wheels, "
          f"{size / 1e6:.0f} MB; build {t_build:.0f} s (cached: {CACHE}); offline install "
          f"{t_install:.0f} s (CPU {cpu_install:.0f} s); notebooks " + ", ".join(f"{k} {v:.0f} s" for k, v in times.items()))
