"""tools/sidevenv.py: the recipe .venv-airflow and .venv-spark share (stamp, readiness, install).

Fast and offline: the venvs made here are created ``--without-pip`` and pip (the course
env's) installs from lock files that name nothing or a missing local path, so no index is
asked for anything.
"""
import doctest
import subprocess
import sys
from pathlib import Path

import pytest

from tools import airflow_env, sidevenv, spark_env


class SideError(RuntimeError):
    pass


def test_doctests():
    assert doctest.testmod(sidevenv).failed == 0


def test_the_engines_stamp_what_they_stamped_before():
    """The stamp of an existing .venv-airflow / .venv-spark must not change (no rebuild)."""
    import hashlib

    lock = b"pyspark==4.3.0\n"
    assert airflow_env.stamp_value(lock, "3.11.7") == hashlib.sha256(lock + b"3.11.7").hexdigest()
    assert spark_env.stamp_value(lock, "3.11.7", "/x/.venv") == hashlib.sha256(lock + b"3.11.7/x/.venv").hexdigest()
    assert airflow_env.stamp_value() == sidevenv.stamp_value(airflow_env.LOCK.read_bytes(), sidevenv.platform.python_version())


def _fake_venv(tmp_path: Path, stamp: str | None) -> tuple[Path, Path]:
    venv, lock = tmp_path / "venv", tmp_path / "lock.txt"
    tmp_path.mkdir(exist_ok=True)
    lock.write_text("pkg==1.0\n")
    py = sidevenv.venv_python(venv)
    py.parent.mkdir(parents=True)
    py.write_text("")
    if stamp is not None:
        (venv / ".stamp").write_text(stamp + "\n")
    return venv, lock


def test_is_ready(tmp_path):
    stamp_of = sidevenv.stamp_value
    venv, lock = _fake_venv(tmp_path, sidevenv.stamp_value(b"pkg==1.0\n"))
    assert sidevenv.is_ready(venv, lock, ".stamp", stamp_of)
    lock.write_text("pkg==2.0\n")                      # the lock moved on: reinstall
    assert not sidevenv.is_ready(venv, lock, ".stamp", stamp_of)
    lock.unlink()
    assert not sidevenv.is_ready(venv, lock, ".stamp", stamp_of)
    venv2, lock2 = _fake_venv(tmp_path / "b", None)    # no stamp: an install that did not finish
    assert not sidevenv.is_ready(venv2, lock2, ".stamp", stamp_of)
    venv3, lock3 = _fake_venv(tmp_path / "c", sidevenv.stamp_value(b"pkg==1.0\n"))
    sidevenv.venv_python(venv3).unlink()               # the interpreter is gone
    assert not sidevenv.is_ready(venv3, lock3, ".stamp", stamp_of)


def test_preflight_names_the_missing_lock(tmp_path):
    with pytest.raises(SideError) as err:
        sidevenv.preflight("Spark", tmp_path / "nope.txt", SideError)
    assert "找不到锁定文件" in str(err.value) and "is missing" in str(err.value)
    (tmp_path / "ok.txt").write_text("")
    sidevenv.preflight("Spark", tmp_path / "ok.txt", SideError)


def _install(venv: Path, lock: Path, said: list, **hooks) -> Path:
    return sidevenv.install(
        venv, lock, engine="Test", package="TestPkg", stamp_of=sidevenv.stamp_value, stamp_name=".stamp",
        pip=[sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--no-deps",
             "--no-index", "--prefix", str(venv), "-r", str(lock)],
        installing="installing ...", error=SideError, say=said.append, venv_options=["--without-pip"], **hooks)


def test_install_stamps_last_and_a_failure_leaves_no_stamp(tmp_path):
    venv, said, seen = tmp_path / "v", [], []
    bad = tmp_path / "bad.txt"
    bad.write_text("./no-such-folder-here\n")
    with pytest.raises(SideError) as err:
        _install(venv, bad, said, before_pip=seen.append)
    msg = str(err.value)
    assert "TestPkg 安装失败" in msg and "Installing TestPkg failed" in msg and "install.log (last lines)" in msg
    assert "no-such-folder-here" in msg                # the pip log's tail names the cause
    assert not (venv / ".stamp").exists() and not sidevenv.is_ready(venv, bad, ".stamp", sidevenv.stamp_value)
    assert seen == [sidevenv.venv_python(venv)]        # the venv was made, before_pip saw its python

    good = tmp_path / "good.txt"
    good.write_text("# nothing to install\n")
    with pytest.raises(SideError, match="after pip"):  # a failing after_pip hook: still no stamp
        _install(venv, good, said, after_pip=lambda py: (_ for _ in ()).throw(SideError("after pip")))
    assert not (venv / ".stamp").exists()
    py = _install(venv, good, said, after_pip=lambda py: " (extra)")
    assert py == sidevenv.venv_python(venv)
    assert sidevenv.is_ready(venv, good, ".stamp", sidevenv.stamp_value)
    assert sidevenv.install_seconds(venv) >= 0 and sidevenv.install_seconds(tmp_path) is None
    assert said[0].startswith(f"creating {venv} (TestPkg's own environment")
    assert said[-1].startswith("Test environment ready in ") and said[-1].endswith(f": {venv} (extra)")
    # the .pth helper writes into that venv's site-packages, and its python follows it
    (tmp_path / "extra").mkdir()
    pth = sidevenv.write_pth(py, "course_test.pth", f"{tmp_path / 'extra'}\n")
    assert pth.parent == sidevenv.site_packages(py) and str(pth).startswith(str(venv))
    out = subprocess.run([str(py), "-c", "import sys; print(sys.path)"], capture_output=True, text=True, check=True)
    assert str(tmp_path / "extra") in out.stdout

