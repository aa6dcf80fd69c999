"""Apache Airflow in its own virtual environment, ``.venv-airflow`` (Lecture 5's DAG).

The Lecture 5 long-tail activation job runs on a real scheduler, Apache Airflow
(the course outline names it). Airflow brings ~130 packages of its own, so it
never goes into the trainees' ``.venv``: :func:`ensure` creates a separate venv
next to it and installs the pinned set from ``requirements/airflow-lock.txt``
(exact versions, pandas/numpy pinned as in ``requirements/lock.txt`` because
the DAG imports ``course_utils``). The repository is put on that venv's import
path with a ``.pth`` file, as ``course.py`` does for ``.venv``.

Idempotent: a stamp file (hash of the lock file and the Python version) records
a finished install; a second call with nothing changed installs nothing and
returns at once. A failed install leaves no stamp, so the next call retries.

    python -m tools.airflow_env          # create / update .venv-airflow, print its python
    python -m tools.airflow_env --check  # ... and run the Lecture 5 DAG once (dag.test) on datasets/

Measured on the course machine (2 cores): first install ~1.5 min and ~450 MB;
warm call < 0.1 s.

>>> stamp_value(b"apache-airflow==3.3.2\\n", "3.11.7")[:12]
'f505699da302'
"""
from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from tools import sidevenv

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv-airflow"
LOCK = ROOT / "requirements" / "airflow-lock.txt"
STAMP_NAME = ".airflow-stamp"

__all__ = ["AirflowEnvError", "ensure", "venv_python", "venv_bin", "stamp_value", "is_ready",
           "airflow_environ", "migrate_db", "check_dag", "ROOT", "VENV", "LOCK"]


class AirflowEnvError(RuntimeError):
    """The Airflow environment could not be created (bilingual message with the fix)."""


def say(msg: str) -> None:
    print(f"[airflow-env] {msg}", file=sys.stderr, flush=True)


def venv_python(venv: Path = VENV) -> Path:
    """The Python interpreter of the Airflow venv (it may not exist yet)."""
    return sidevenv.venv_python(venv)


def venv_bin(name: str, venv: Path = VENV) -> Path:
    """A console script of the Airflow venv, e.g. ``venv_bin("airflow")``."""
    return sidevenv.venv_bin(name, venv)


def stamp_value(lock_bytes: bytes | None = None, python_version: str | None = None) -> str:
    """Hash of the lock file and the Python version: what a finished install is stamped with."""
    return sidevenv.stamp_value(LOCK.read_bytes() if lock_bytes is None else lock_bytes,
                                python_version or platform.python_version())


def is_ready(venv: Path = VENV, lock: Path = LOCK) -> bool:
    """True when ``venv`` holds a finished install of ``lock`` (stamp matches)."""
    return sidevenv.is_ready(venv, lock, STAMP_NAME, stamp_value)


def _fail(zh: str, en: str, log: Path | None = None) -> AirflowEnvError:
    return AirflowEnvError(sidevenv.failure_message(zh, en, log))


def _add_repo_to_path(python: Path) -> None:
    """Write ``course_workbook.pth`` into the venv's site-packages (repo on sys.path)."""
    sidevenv.write_pth(python, "course_workbook.pth", f"{ROOT}\n")


def ensure(venv: Path = VENV, lock: Path = LOCK, quiet: bool = False) -> Path:
    """Create ``venv`` and install the pinned Airflow set, unless already done; its python.

    Never touches the trainees' ``.venv``. Uses the base interpreter of the Python
    running this (3.11+). On failure raises :class:`AirflowEnvError` whose message
    says what failed, where the pip log is, and the fix (network / PyPI mirror,
    delete ``.venv-airflow`` and retry); no stamp is written then.
    """
    venv, lock = Path(venv), Path(lock)
    sidevenv.preflight("Airflow", lock, AirflowEnvError)
    if is_ready(venv, lock):
        return venv_python(venv)
    py = venv_python(venv)
    return sidevenv.install(
        venv, lock, engine="Airflow", package="Airflow", stamp_of=stamp_value, stamp_name=STAMP_NAME,
        pip=[str(py), "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "-r", str(lock)],
        installing=f"installing the pinned Airflow set from {lock.name} "
                   "(first run only, ~1.5 min, ~450 MB) ...",
        error=AirflowEnvError, say=say, quiet=quiet, after_pip=_add_repo_to_path)


def install_seconds(venv: Path = VENV) -> float | None:
    """Seconds the last full install into ``venv`` took (written by :func:`ensure`), or None."""
    return sidevenv.install_seconds(venv)


def venv_size_mb(venv: Path = VENV) -> float:
    """Disk size of ``venv`` in MB (sum of file sizes, links not followed)."""
    total = 0
    for dirpath, _dirs, files in os.walk(venv):
        for f in files:
            try:
                total += os.lstat(os.path.join(dirpath, f)).st_size
            except OSError:
                pass
    return total / 1e6


def airflow_environ(airflow_home: str | os.PathLike, dags_folder: str | os.PathLike | None = None,
                    base: dict | None = None) -> dict[str, str]:
    """Environment for running Airflow offline with its state in ``airflow_home``.

    Example DAGs off, sqlite database inside ``airflow_home``, no telemetry, the
    course's ``dags/`` folder (or ``dags_folder``) as the DAGs folder.
    """
    env = dict(os.environ if base is None else base)
    env.update({
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags_folder or ROOT / "dags"),
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__USAGE_DATA_COLLECTION__ENABLED": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{Path(airflow_home) / 'airflow.db'}",
        "PYTHONHASHSEED": "0",
    })
    return env


#: Runs inside .venv-airflow: parse the DAG folder with a DagBag, then ``dag.test()`` once.
_RUNNER = r"""
import json, sys, time
from airflow.dag_processing.dagbag import DagBag  # Airflow 3 (examples off via AIRFLOW__CORE__LOAD_EXAMPLES)
folder, dag_id, conf = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
t0 = time.monotonic()
bag = DagBag(dag_folder=folder)
out = {"import_errors": {str(k): str(v) for k, v in bag.import_errors.items()},
       "dag_ids": sorted(bag.dag_ids), "parse_seconds": round(time.monotonic() - t0, 2)}
dag = bag.dags.get(dag_id)
if dag is not None:
    out["task_ids"] = list(dag.task_ids)
    out["downstream"] = {t.task_id: sorted(t.downstream_task_ids) for t in dag.tasks}
    out["schedule"] = str(getattr(dag, "schedule", None))
    if conf is not None:
        t1 = time.monotonic()
        run = dag.test(run_conf=conf)
        out["state"] = str(getattr(run, "state", None))
        out["test_seconds"] = round(time.monotonic() - t1, 2)
print("DAGCHECK_RESULT " + json.dumps(out), flush=True)
"""


def migrate_db(airflow_home: str | os.PathLike, timeout: float = 600) -> float:
    """``airflow db migrate`` for a sqlite database in ``airflow_home`` (offline); seconds taken."""
    ensure()
    home = Path(airflow_home)
    home.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    mig = subprocess.run([str(venv_bin("airflow")), "db", "migrate"], env=airflow_environ(home),
                         capture_output=True, text=True, timeout=timeout, cwd=home)
    if mig.returncode != 0:
        raise _fail(f"airflow db migrate 失败（退出码 {mig.returncode}）。",
                    f"airflow db migrate failed (exit code {mig.returncode}):\n{(mig.stdout + mig.stderr)[-3000:]}")
    return round(time.monotonic() - t0, 2)


def check_dag(airflow_home: str | os.PathLike, dag_id: str = "long_tail_activation",
              run_conf: dict | None = None, dags_folder: str | os.PathLike | None = None,
              timeout: float = 900, migrate: bool = True) -> dict:
    """Prove a DAG with Airflow itself: ``airflow db migrate``, parse it, optionally ``dag.test()``.

    Runs in ``.venv-airflow`` (:func:`ensure` first) with :func:`airflow_environ`
    (state in ``airflow_home``, examples off, offline). ``run_conf=None`` only parses;
    ``migrate=False`` skips the migration (a home migrated before).
    Returns a dict: ``import_errors`` (file -> error), ``dag_ids``, ``task_ids``,
    ``downstream`` (task -> downstream task ids), ``state`` of the test run, timings
    (``migrate_seconds``, ``parse_seconds``, ``test_seconds``) and ``log`` (the combined
    Airflow output). Raises :class:`AirflowEnvError` if Airflow cannot run at all.
    """
    import json

    py = ensure()
    home = Path(airflow_home)
    folder = Path(dags_folder or ROOT / "dags")
    env = airflow_environ(home, folder)
    migrate_seconds = migrate_db(home, timeout) if migrate else 0.0
    run = subprocess.run([str(py), "-c", _RUNNER, str(folder), dag_id, json.dumps(run_conf)], env=env,
                         capture_output=True, text=True, timeout=timeout, cwd=home)
    log = run.stdout + run.stderr
    lines = [ln for ln in run.stdout.splitlines() if ln.startswith("DAGCHECK_RESULT ")]
    if run.returncode != 0 or not lines:
        raise _fail(f"DAG 检查没有完成（退出码 {run.returncode}）。",
                    f"The DAG check did not finish (exit code {run.returncode}):\n{log[-5000:]}")
    result = json.loads(lines[-1].split(" ", 1)[1])
    result["migrate_seconds"] = migrate_seconds
    result["log"] = log
    return result


def main(argv: list[str]) -> int:
    """``python -m tools.airflow_env [--check]``: ensure the venv; ``--check`` also runs the DAG once
    on the committed data (state in a temporary AIRFLOW_HOME, outbox in a temporary folder)."""
    try:
        py = ensure()
        print(py)
        if "--check" in argv:
            import json
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                res = check_dag(Path(tmp) / "home", run_conf={"outbox_dir": str(Path(tmp) / "outbox")})
                res.pop("log")
                print(json.dumps(res, ensure_ascii=False, indent=1))
                return 0 if not res["import_errors"] and res.get("state") == "success" else 1
    except AirflowEnvError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
