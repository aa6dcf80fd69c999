"""Apache Spark (PySpark) in its own virtual environment, ``.venv-spark`` (the optional appendix).

PySpark (~450 MB) and a Java runtime are never forced on trainees: the Spark
appendix (``notebooks/A1_scale_spark.ipynb``) runs in a separate venv next to
``.venv``. That venv holds only the pinned PySpark and py4j from
``requirements/spark-lock.txt`` (installed ``--no-deps``); a ``.pth`` file puts
the course ``.venv``'s site-packages and the repository root on its import path,
so pandas, numpy, pyarrow, scikit-learn and ipykernel are the *very same* pinned
versions the lectures use (the scikit-learn churn model trained in pandas scores
customers inside Spark unchanged).

Java: PySpark 4 needs Java 17 or newer. :func:`ensure_java` finds one
(``JAVA_HOME``, ``java`` on PATH, ``/usr/lib/jvm/*``); when none is found on
Debian/Ubuntu it installs ``openjdk-17-jre-headless`` (or ``default-jre-headless``
when that is >= 17) with apt-get as root or through sudo, as ``course.py``
does for the browser; otherwise it fails with a bilingual message saying what to
install. Never a silent skip.

A Jupyter kernel "Python 3 (Spark 附录)" (name ``course-spark``) is registered in
the course environment's Jupyter (``<sys.prefix>/share/jupyter/kernels``), so the
course's JupyterLab lists it and papermill can run the appendix with it.

Idempotent: a stamp file (hash of the lock file, the Python version and the
course .venv path) records a finished install; a second call with nothing
changed installs nothing (a warm call takes ~0.2 s: it still checks Java).

    python -m tools.spark_env            # ensure, then open JupyterLab on the appendix
    python -m tools.spark_env --ensure   # only prepare (course.py test calls this)
    python -m tools.spark_env --check    # ensure and run a tiny Spark job (prints versions)
    python3 course.py spark              # the same as the first line, through the entry point

Only the standard library is imported at module level (this runs in ``.venv``,
where PySpark is absent).

>>> java_major('openjdk version "17.0.15" 2025-04-15')
17
>>> java_major('java version "1.8.0_402"')
8
>>> stamp_value(b"pyspark==4.3.0\\n", "3.11.7", "/x/.venv")[:12]
'b0f417b0a3df'
"""
from __future__ import annotations

import glob
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tools import sidevenv

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv-spark"
LOCK = ROOT / "requirements" / "spark-lock.txt"
STAMP_NAME = ".spark-stamp"
APPENDIX = "notebooks/A1_scale_spark.ipynb"
KERNEL_NAME = "course-spark"
KERNEL_DISPLAY = "Python 3 (Spark 附录)"
MIN_JAVA = 17
#: Debian/Ubuntu packages tried in order (the second only when its Java is >= 17).
JAVA_PACKAGES = ("openjdk-17-jre-headless", "default-jre-headless")

__all__ = ["SparkEnvError", "ensure", "ensure_java", "find_java", "java_major", "venv_python",
           "stamp_value", "is_ready", "spark_environ", "kernel_dir", "main", "ROOT", "VENV", "LOCK",
           "KERNEL_NAME", "APPENDIX"]


class SparkEnvError(RuntimeError):
    """The Spark environment could not be prepared (bilingual message with the fix)."""


def say(msg: str) -> None:
    print(f"[spark-env] {msg}", file=sys.stderr, flush=True)


def _fail(zh: str, en: str, log: Path | None = None) -> SparkEnvError:
    return SparkEnvError(sidevenv.failure_message(zh, en, log))


def venv_python(venv: Path = VENV) -> Path:
    """The Python interpreter of the Spark venv (it may not exist yet)."""
    return sidevenv.venv_python(venv)


def course_site_packages() -> Path:
    """site-packages of the course environment running this module (``.venv``)."""
    import sysconfig

    return Path(sysconfig.get_paths()["purelib"])


def stamp_value(lock_bytes: bytes | None = None, python_version: str | None = None,
                course_env: str | None = None) -> str:
    """Hash of the lock file, the Python version and the course env: what an install is stamped with."""
    return sidevenv.stamp_value(LOCK.read_bytes() if lock_bytes is None else lock_bytes,
                                python_version or platform.python_version(), course_env or sys.prefix)


def kernel_dir(prefix: str | os.PathLike | None = None) -> Path:
    """Folder of the ``course-spark`` kernelspec in the course environment's Jupyter."""
    return Path(prefix or sys.prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME


def is_ready(venv: Path = VENV, lock: Path = LOCK) -> bool:
    """True when ``venv`` holds a finished install of ``lock`` and the kernel is registered."""
    return sidevenv.is_ready(venv, lock, STAMP_NAME, stamp_value) and (kernel_dir() / "kernel.json").exists()


# --------------------------------------------------------------------------
# Java
# --------------------------------------------------------------------------
def java_major(version_text: str) -> int | None:
    """Major Java version from ``java -version`` output (``1.8`` -> 8), or None."""
    m = re.search(r'version "(\d+)(?:\.(\d+))?', version_text)
    if not m:
        return None
    major = int(m.group(1))
    return int(m.group(2) or 0) if major == 1 else major


def _java_version(java: str) -> int | None:
    try:
        r = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return java_major(r.stderr + r.stdout)


def find_java(minimum: int = MIN_JAVA) -> tuple[str, int] | None:
    """(JAVA_HOME, major version) of a Java >= ``minimum``, or None.

    Looks at ``JAVA_HOME``, then ``java`` on PATH, then ``/usr/lib/jvm/*`` (Debian's
    place for every installed JDK/JRE, also when ``java`` on PATH is an older one).
    """
    candidates: list[str] = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(str(Path(os.environ["JAVA_HOME"]) / "bin" / "java"))
    on_path = shutil.which("java")
    if on_path:
        candidates.append(os.path.realpath(on_path))
    candidates += sorted(glob.glob("/usr/lib/jvm/*/bin/java"), reverse=True)
    for java in candidates:
        if not Path(java).exists():
            continue
        major = _java_version(java)
        if major is not None and major >= minimum:
            return str(Path(java).resolve().parent.parent), major
    return None


def _is_debian() -> bool:
    """Debian/Ubuntu with apt (course.py's check, the one the browser install uses)."""
    return _course()._is_debian()


def _root_prefix() -> list[str] | None:
    """[] as root, ["sudo"] when sudo exists, else None (course.py's rule)."""
    return _course()._root_prefix()


def _course():
    """The repository's course.py (standard library only), imported from the repo root."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import course

    return course


def _apt_candidate_major(package: str) -> int | None:
    """Java major version an apt package would install (from its candidate version), or None."""
    try:
        out = subprocess.run(["apt-cache", "policy", package], capture_output=True, text=True,
                             timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r"Candidate:\s*(\S+)", out)
    if not m or m.group(1) == "(none)":
        return None
    if package.startswith("openjdk-"):
        return int(package.split("-")[1])
    v = re.match(r"(?:\d+:)?(\d+)(?:\.(\d+))?", m.group(1))  # default-jre-headless: 2:1.17-75
    if not v:
        return None
    return int(v.group(2) or 0) if v.group(1) == "1" else int(v.group(1))


def _no_java_error(detail_zh: str = "", detail_en: str = "") -> SparkEnvError:
    return _fail(
        f"Spark 附录需要 Java {MIN_JAVA} 或更新版本（PySpark 4），本机没有找到。{detail_zh}"
        f"请安装 Java {MIN_JAVA}+ 运行环境：Debian/Ubuntu 执行 sudo apt-get install -y openjdk-17-jre-headless；"
        "macOS 执行 brew install openjdk@17；Windows 安装 Eclipse Temurin 17（adoptium.net）。"
        "装好后设置 JAVA_HOME 或让 java 在 PATH 上，再运行 python3 course.py spark。",
        f"The Spark appendix needs Java {MIN_JAVA}+ (PySpark 4) and none was found. {detail_en}"
        f"Install a Java {MIN_JAVA}+ runtime: Debian/Ubuntu `sudo apt-get install -y openjdk-17-jre-headless`; "
        "macOS `brew install openjdk@17`; Windows: Eclipse Temurin 17 (adoptium.net). Then set JAVA_HOME "
        "or put java on PATH and run `python3 course.py spark` again.")


def ensure_java(quiet: bool = False) -> tuple[str, int]:
    """(JAVA_HOME, major) of a Java >= 17, installing one with apt on Debian/Ubuntu if needed.

    Raises :class:`SparkEnvError` (what to install, in Chinese and English) when no
    Java can be had: another OS, no root/sudo, or apt failing.
    """
    found = find_java()
    if found:
        return found
    if not _is_debian():
        raise _no_java_error()
    prefix = _root_prefix()
    if prefix is None:
        raise _no_java_error("安装需要 root 权限（没有 sudo）。", "Installing needs root (no sudo). ")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if not quiet:
        say("no Java 17+ found: installing a headless Java runtime with apt-get (first run only) ...")
    subprocess.run(prefix + ["apt-get", "update", "-q"], env=env, capture_output=True, text=True)
    for package in JAVA_PACKAGES:
        major = _apt_candidate_major(package)
        if major is None or major < MIN_JAVA:
            continue
        r = subprocess.run(prefix + ["apt-get", "install", "-y", "-q", "--no-install-recommends", package],
                           env=env, capture_output=True, text=True)
        if r.returncode == 0:
            found = find_java()
            if found:
                return found
        elif not quiet:
            say(f"apt-get install {package} failed ({r.returncode}): {r.stderr.strip()[-300:]}")
    raise _no_java_error("apt-get 没能安装 Java 17+。", "apt-get could not install Java 17+. ")


# --------------------------------------------------------------------------
# the venv and the kernel
# --------------------------------------------------------------------------
def spark_environ(java_home: str | None = None, base: dict | None = None) -> dict[str, str]:
    """Environment for Spark processes: JAVA_HOME, the venv's Python for the workers, quiet, offline.

    ``PYSPARK_PYTHON`` = the Spark venv's interpreter (pandas UDF workers need PySpark and
    the course packages); ``SPARK_LOCAL_IP`` = loopback (local mode never touches the network);
    ``PYTHONHASHSEED=0`` as in every course kernel.
    """
    env = dict(os.environ if base is None else base)
    if java_home is None:
        found = find_java()
        java_home = found[0] if found else None
    if java_home:
        env["JAVA_HOME"] = java_home
    env["PYSPARK_PYTHON"] = str(venv_python())
    env["PYSPARK_DRIVER_PYTHON"] = str(venv_python())
    env["SPARK_LOCAL_IP"] = "127.0.0.1"
    env["PYTHONHASHSEED"] = "0"
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


def _write_pth(python: Path) -> None:
    """``course_env.pth`` in the Spark venv: the course .venv's site-packages, then the repo root."""
    sidevenv.write_pth(python, "course_env.pth", f"{course_site_packages()}\n{ROOT}\n")


def register_kernel(java_home: str, prefix: str | os.PathLike | None = None) -> Path:
    """Write the ``course-spark`` kernelspec into the course environment's Jupyter; its folder."""
    folder = kernel_dir(prefix)
    folder.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [str(venv_python()), "-Xfrozen_modules=off", "-m", "ipykernel_launcher",
                 "-f", "{connection_file}"],
        "display_name": KERNEL_DISPLAY,
        "language": "python",
        "metadata": {"debugger": True},
        "env": {"JAVA_HOME": java_home, "PYSPARK_PYTHON": str(venv_python()),
                "PYSPARK_DRIVER_PYTHON": str(venv_python()), "SPARK_LOCAL_IP": "127.0.0.1",
                "PYTHONHASHSEED": "0"},
    }
    text = json.dumps(spec, ensure_ascii=False, indent=1) + "\n"
    path = folder / "kernel.json"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    # the course's logo files keep Lab's launcher tidy (optional)
    for logo in ("logo-32x32.png", "logo-64x64.png"):
        src = Path(sys.prefix) / "share" / "jupyter" / "kernels" / "python3" / logo
        if src.exists() and not (folder / logo).exists():
            shutil.copyfile(src, folder / logo)
    return folder


def ensure(venv: Path = VENV, lock: Path = LOCK, quiet: bool = False) -> Path:
    """Java 17+, ``venv`` with the pinned PySpark, the kernel; the venv's python. Idempotent.

    Never touches the trainees' ``.venv`` packages (only adds the ``course-spark``
    kernelspec to its Jupyter). On failure raises :class:`SparkEnvError` whose
    message says what failed and the fix; no stamp is written then.
    """
    venv, lock = Path(venv), Path(lock)
    sidevenv.preflight("Spark", lock, SparkEnvError)
    java_home, _major = ensure_java(quiet=quiet)
    if is_ready(venv, lock):
        register_kernel(java_home)  # cheap; follows a JAVA_HOME that moved
        return venv_python(venv)

    def check_and_register(py: Path) -> str:
        """PySpark and the course packages import in the venv; then the kernel. Part of the ready line."""
        check = subprocess.run(
            [str(py), "-c", "import pyspark, pandas, sklearn, ipykernel; print(pyspark.__version__)"],
            capture_output=True, text=True)
        if check.returncode != 0 or not (sidevenv.site_packages(py) / "pyspark").is_dir():
            raise _fail(f"PySpark 装好了但无法导入（{venv}）。删除该文件夹后重试。",
                        f"PySpark was installed but cannot be imported in {venv}: "
                        f"{check.stderr.strip()[-500:]}. "
                        "Delete the folder and retry.", venv / sidevenv.LOG_NAME)
        register_kernel(java_home)
        return f" (PySpark {check.stdout.strip()}, kernel '{KERNEL_DISPLAY}')"

    # pip of the course env installs into the Spark venv's site-packages (--target would not
    # record an uninstallable dist; --prefix of the venv does, and --no-deps keeps .venv's pins)
    return sidevenv.install(
        venv, lock, engine="Spark", package="PySpark", stamp_of=stamp_value, stamp_name=STAMP_NAME,
        pip=[sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--no-deps",
             "--ignore-installed", "--no-warn-script-location", "--prefix", str(venv), "-r", str(lock)],
        installing=f"installing the pinned PySpark from {lock.name} "
                   "(first run only, ~2 min, ~450 MB download) ...",
        error=SparkEnvError, say=say, quiet=quiet, venv_options=["--without-pip"], before_pip=_write_pth,
        after_pip=check_and_register)


_SMOKE = r"""
import json, time
t0 = time.monotonic()
from course_utils.spark import get_session
spark = get_session()
n = spark.range(1000).selectExpr("sum(id) AS s").collect()[0]["s"]
print("SPARK_CHECK " + json.dumps({"pyspark": spark.version, "sum": int(n),
      "java": spark.sparkContext._jvm.java.lang.System.getProperty("java.version"),
      "seconds": round(time.monotonic() - t0, 1)}), flush=True)
spark.stop()
"""


def check_spark(timeout: float = 300) -> dict:
    """Start a local Spark session in the venv and run a tiny job; versions and seconds."""
    py = ensure(quiet=True)
    r = subprocess.run([str(py), "-c", _SMOKE], env=spark_environ(), capture_output=True, text=True,
                       timeout=timeout, cwd=ROOT)
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("SPARK_CHECK ")]
    if r.returncode != 0 or not lines:
        raise _fail(f"Spark 无法在本机启动（退出码 {r.returncode}）。",
                    f"Spark could not start here (exit code {r.returncode}):\n{(r.stdout + r.stderr)[-3000:]}")
    return json.loads(lines[-1].split(" ", 1)[1])


def _open_lab(args: list[str]) -> int:
    """Open JupyterLab (course.py's command line) on the appendix."""
    sys.path.insert(0, str(ROOT))
    import course  # the repo's course.py: one definition of the Lab command line

    extra = [a for a in args if a not in ("--ensure", "--check")]
    steps = course.lab_steps(extra)
    *prepare, lab = steps
    lab = [a if not a.startswith("--LabApp.default_url=") else f"--LabApp.default_url=/lab/tree/{APPENDIX}"
           for a in lab]
    for argv in prepare:
        subprocess.call(argv, cwd=ROOT, stdout=subprocess.DEVNULL)
    say(f"opening JupyterLab on {APPENDIX} (kernel '{KERNEL_DISPLAY}')")
    return course.run_foreground(lab, env=spark_environ())


def main(argv: list[str]) -> int:
    """``python -m tools.spark_env [--ensure | --check] [Lab options]``; exit code."""
    try:
        py = ensure()
        if "--ensure" in argv:
            print(py)
            return 0
        if "--check" in argv:
            print(json.dumps(check_spark(), indent=1))
            return 0
    except SparkEnvError as exc:
        print(exc, file=sys.stderr)
        return 1
    return _open_lab(argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
