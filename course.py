#!/usr/bin/env python3
"""One entry point for the course workbook: set-up, lab, tests, builds.

    python3 course.py lab      # prepare everything on first use, open JupyterLab
    python3 course.py test     # prepare everything, run the whole test suite
    python3 course.py build    # rebuild every generated notebook from src/
    python3 course.py app NB   # show a notebook full-screen (Voila, loopback + access token); app L3 = L3's exercises
    python3 course.py data ... # write a dataset (python -m course_utils generate ...)
    python3 course.py lock     # re-pin requirements/lock.txt and environment.yml
    python3 course.py wheelhouse  # download every pinned wheel for offline rooms (docs/OFFLINE_INSTALL.md)

Instructor kit (see docs/INSTRUCTOR.md)::

    python3 course.py cohort --name NAME   # dataset + executed notebooks + trainee/instructor packs
    python3 course.py agenda               # one-page printable agenda of the two days (HTML)
    python3 course.py handouts             # offline slide decks + self-contained HTML handouts
    python3 course.py dashboard FILES...   # who is stuck: trainee x exercise matrix from progress files
    python3 course.py spark                # optional Spark appendix in its own environment .venv-spark

Set-up is idempotent: a virtual environment ``.venv`` is created next to this
file and filled from ``requirements/lock.txt`` (exact versions, so every
machine computes the same numbers). A stamp file records the hash of the lock
and of pyproject.toml; a second run with nothing changed installs nothing.

Only the standard library is used here: this file runs before anything else
is installed, with any Python >= 3.11.
"""
from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements" / "lock.txt"
REQ_IN = ROOT / "requirements" / "requirements.in"
STAMP = VENV / ".course-stamp"
START_PAGE = "notebooks/00_start.ipynb"


def say(msg: str) -> None:
    print(f"[course] {msg}", flush=True)


CONDA_ENV_NAME = "ai-bank-loyalty"


def in_course_conda_env() -> bool:
    """True inside the conda environment made from environment.yml: use it as is."""
    return os.environ.get("CONDA_DEFAULT_ENV") == CONDA_ENV_NAME


def venv_python() -> Path:
    if in_course_conda_env():
        return Path(sys.executable)
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def venv_bin(name: str) -> Path:
    if in_course_conda_env():
        return Path(sys.executable).parent / (f"{name}.exe" if os.name == "nt" else name)
    if os.name == "nt":
        return VENV / "Scripts" / f"{name}.exe"
    return VENV / "bin" / name


def run(cmd: list[str | Path], **kw) -> int:
    return subprocess.call([str(c) for c in cmd], cwd=kw.pop("cwd", ROOT), **kw)


def wait_foreground(proc: subprocess.Popen) -> int:
    """Wait for a server started in this terminal; its exit code.

    Ctrl+C reaches the server too (same terminal process group): JupyterLab asks
    for confirmation, Voila stops. This process keeps waiting for it instead of
    dying with a traceback; a second Ctrl+C while the server still runs ends it.
    """
    interrupts = 0
    while True:
        try:
            return proc.wait()
        except KeyboardInterrupt:
            interrupts += 1
            if interrupts >= 2 and proc.poll() is None:
                proc.terminate()
                try:
                    return proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    return proc.wait()


def run_foreground(cmd: list[str | Path], **kw) -> int:
    """Start ``cmd`` (a server) and :func:`wait_foreground` for it."""
    return wait_foreground(subprocess.Popen([str(c) for c in cmd], cwd=kw.pop("cwd", ROOT), **kw))


def check(cmd: list[str | Path], **kw) -> None:
    rc = run(cmd, **kw)
    if rc != 0:
        raise SystemExit(f"[course] command failed ({rc}): {' '.join(map(str, cmd))}")


def stamp_value() -> str:
    from tools import wheelhouse  # standard library only

    h = hashlib.sha256()
    for p in (LOCK, ROOT / "pyproject.toml", wheelhouse.online_lock(ROOT)):
        if p.exists():
            h.update(p.read_bytes())
    h.update(platform.python_version().encode())
    return h.hexdigest()


def ensure_env() -> None:
    """Create .venv and install the pinned packages, unless already done."""
    if sys.version_info < (3, 11):
        raise SystemExit(
            "[course] Python 3.11 or newer is needed (pandas 3). "
            f"This is {platform.python_version()}: install python3.11+ and run again."
        )
    if in_course_conda_env():
        add_repo_to_path()
        return
    if STAMP.exists() and STAMP.read_text().strip() == stamp_value() and venv_python().exists():
        return
    # A wheelhouse (wheelhouse/ next to this file, or COURSE_WHEELHOUSE=path) means: install
    # offline from it (pip --no-index); otherwise this platform's lock from the index.
    from tools import wheelhouse  # standard library only

    try:
        pip_args, source = wheelhouse.install_args(ROOT)
    except wheelhouse.WheelhouseError as e:
        raise SystemExit(f"[course] {e}") from None
    if not venv_python().exists():
        say(f"creating virtual environment in {VENV} ...")
        check([sys.executable, "-m", "venv", VENV])
    say(f"installing pinned packages {source} (first run only, ~2 minutes, ~800 MB) ...")
    check([venv_python(), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
           *pip_args])
    add_repo_to_path()
    STAMP.write_text(stamp_value())
    say("environment ready.")


def add_repo_to_path() -> None:
    """Put the repository on the environment's import path with a .pth file.

    No build backend is needed (and nothing is fetched) to import
    ``course_utils`` and ``tools``; edits in the repo take effect at once.
    """
    site = subprocess.check_output(
        [str(venv_python()), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        text=True).strip()
    pth = Path(site) / "course_workbook.pth"
    if not pth.exists() or pth.read_text().strip() != str(ROOT):
        pth.write_text(str(ROOT) + "\n")


def find_chromium() -> str | None:
    """Path of an installed Chrome/Chromium, or None (see tests/browser)."""
    env = os.environ.get("COURSE_CHROMIUM")
    if env and Path(env).exists():
        return env
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        p = shutil.which(name)
        if p:
            return p
    mac = Path("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome")
    return str(mac) if mac.exists() else None


#: Debian/Ubuntu package that gives the browser a Chinese (CJK) font when the
#: machine has none. WenQuanYi Micro Hei: 1.6 MB download, 5 MB installed, GBK
#: coverage (fonts-noto-cjk would be 57 MB / 91 MB; either makes Chinese render).
CJK_FONT_PACKAGE = "fonts-wqy-microhei"
BROWSER_PACKAGES = ["chromium", "chromium-driver"]


def has_cjk_font() -> bool:
    """True when the system has a font with Chinese glyphs for the browser.

    Linux: ``fc-list :lang=zh`` (fontconfig, which Chromium uses) lists one.
    macOS and Windows always ship Chinese fonts.
    """
    if sys.platform in ("darwin", "win32"):
        return True
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    try:
        out = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True,
                             timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(out.strip())


def _is_debian() -> bool:
    return Path("/etc/debian_version").exists() and shutil.which("apt-get") is not None


def _root_prefix() -> list[str] | None:
    """[] as root, ["sudo"] when sudo exists, else None (cannot install)."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return []
    return ["sudo"] if shutil.which("sudo") else None


def browser_packages_missing() -> list[str]:
    """Debian packages the browser tests need and this machine lacks.

    Chromium itself (unless some Chrome/Chromium is found) and a CJK font (unless
    ``fc-list :lang=zh`` finds one) -- the font also when Chromium is present:
    without it every Chinese text on the page renders as boxes (tofu).
    """
    need = [] if find_chromium() else list(BROWSER_PACKAGES)
    if not has_cjk_font():
        need.append(CJK_FONT_PACKAGE)
    return need


def ensure_browser() -> None:
    """On Debian/Ubuntu (root or sudo), install what the browser tests need.

    That is the system Chromium if no Chrome/Chromium is found, and a CJK font
    package if no Chinese font is installed (see :func:`browser_packages_missing`).
    Elsewhere, or without root/sudo, nothing is installed and a message says
    what to install; the browser tests then fail with instructions (they never
    skip silently).
    """
    need = browser_packages_missing()
    if not need:
        return
    command = "sudo apt-get install -y " + " ".join(need)
    if not _is_debian():
        what = []
        if any(p in need for p in BROWSER_PACKAGES):
            what.append("Google Chrome or Chromium")
        if CJK_FONT_PACKAGE in need:
            what.append("a Chinese font (e.g. Noto Sans CJK SC or WenQuanYi Micro Hei)")
        say("the browser tests need " + " and ".join(what) + "; install them with your "
            f"system's package manager (Debian/Ubuntu: {command}).")
        return
    prefix = _root_prefix()
    if prefix is None:
        say(f"missing for the browser tests: {' '.join(need)}; apt-get needs root. "
            f"Install them: {command}")
        return
    say(f"installing {' '.join(need)} for the browser tests (first run only) ...")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    check(prefix + ["apt-get", "update", "-q"], env=env)
    check(prefix + ["apt-get", "install", "-y", "-q", *need], env=env)


#: Notebooks opened trusted by ``course.py lab``: the built lecture notebooks
#: (start page included) whose committed outputs -- course map, tables, charts --
#: must show as built. Exercise notebooks are committed without outputs.
TRUSTED_NOTEBOOKS = "notebooks"


def trust_argv(root: Path = ROOT) -> list[str]:
    """``jupyter trust`` for the built lecture notebooks under ``root``.

    Writes their signatures into the user's Jupyter signature database
    (``jupyter --data-dir``/nbsignatures.db); the files are not changed.
    """
    nbs = sorted(str(p) for p in (Path(root) / TRUSTED_NOTEBOOKS).glob("*.ipynb"))
    return [str(venv_bin("jupyter")), "trust", *nbs]


def lab_argv(extra: list[str] | None = None, root: Path = ROOT) -> list[str]:
    """The JupyterLab command line of ``python3 course.py lab``.

    Serves the repository ``root`` (notebooks/, exercises/, solutions/ and
    datasets/ are all reachable, so the start page's links work) and opens the
    start page by URL. Loopback only; token authentication is left on
    (Jupyter's default: no token or password option is ever passed here).
    """
    argv = [str(venv_bin("jupyter")), "lab", "--ip=127.0.0.1",
            f"--ServerApp.root_dir={Path(root).resolve()}",
            f"--LabApp.default_url=/lab/tree/{START_PAGE}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--allow-root")  # containers and CI run as root; Jupyter refuses otherwise
    return argv + list(extra or [])


def lab_steps(extra: list[str] | None = None, root: Path = ROOT) -> list[list[str]]:
    """The commands ``python3 course.py lab`` runs, in order.

    1. trust the built lecture notebooks (so the start page's outputs show),
    2. start JupyterLab on the repository root at the start page.

    The browser suite runs exactly these (with a throwaway copy as ``root``).
    """
    return [trust_argv(root), lab_argv(extra, root)]


def cmd_lab(args: list[str]) -> int:
    ensure_env()
    *prepare, lab = lab_steps(args)
    for argv in prepare:
        if run(argv, stdout=subprocess.DEVNULL) != 0:  # not fatal: Lab still works
            say(f"could not mark the lecture notebooks trusted ({' '.join(argv[:2])}); "
                "their saved outputs may show as plain text until you run them.")
    return run_foreground(lab)


def ensure_airflow() -> None:
    """Create ``.venv-airflow`` (Lecture 5's scheduler, never in the trainees' .venv).

    The Airflow tests would install it too; doing it here announces the one-time
    install (~2-4 min, ~450 MB) and fails loudly when it cannot be had.
    """
    say("preparing Apache Airflow in its own environment .venv-airflow (first run only) ...")
    check([venv_python(), "-m", "tools.airflow_env"])


def ensure_spark() -> None:
    """Create ``.venv-spark`` (the optional Spark appendix, never in the trainees' .venv).

    Installs Java on Debian/Ubuntu when missing, as :func:`ensure_browser` does for
    Chromium; fails loudly (never a silent skip) when it cannot be had.
    """
    say("preparing PySpark in its own environment .venv-spark (first run only) ...")
    check([venv_python(), "-m", "tools.spark_env", "--ensure"])


def cmd_test(args: list[str]) -> int:
    ensure_env()
    ensure_browser()
    ensure_airflow()
    ensure_spark()
    env = dict(os.environ, PYTHONHASHSEED="0", MPLBACKEND="Agg")
    return run([venv_python(), "-m", "pytest", *args], env=env)


def cmd_build(args: list[str]) -> int:
    ensure_env()
    rc = run([venv_python(), "-m", "tools.nbbuild", *args])
    if rc != 0 or "--check" in args or "--no-execute" in args:
        return rc
    return run([venv_python(), "-m", "tools.present"])


def _tool(module: str):
    """A subcommand that runs ``python -m tools.<module> ARGS`` in the course environment."""
    def command(args: list[str]) -> int:
        ensure_env()
        # from the caller's folder: relative paths (--out, progress/) mean what the user typed
        return run_foreground([venv_python(), "-m", f"tools.{module}", *args], cwd=Path.cwd())
    command.__name__ = f"cmd_{module}"
    return command


#: Voila's usual port; ``course.py app`` takes the first free one from here.
APP_PORT = 8866


def _option(args: list[str], name: str) -> tuple[str | None, list[str]]:
    """Value of ``--name=V`` / ``--name V`` in ``args`` and ``args`` without it.

    >>> _option(["nb.ipynb", "--port", "8870", "--theme=dark"], "port")
    ('8870', ['nb.ipynb', '--theme=dark'])
    """
    rest, value, i = [], None, 0
    while i < len(args):
        a = args[i]
        if a.startswith(f"--{name}="):
            value = a.split("=", 1)[1]
        elif a == f"--{name}" and i + 1 < len(args):
            value, i = args[i + 1], i + 1
        else:
            rest.append(a)
        i += 1
    return value, rest


def _free_port_from(start: int, tries: int = 50) -> int:
    import socket

    for port in range(start, start + tries):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"[course] no free port in {start}..{start + tries - 1}; pass --port=N")


def app_argv(notebook: str | Path, port: int, extra: list[str] | None = None) -> list[str]:
    """The Voila command line of ``python3 course.py app``.

    Loopback only, on exactly ``port`` (no silent move to another port), token
    authentication on (``--Voila.auto_token=True``: Voila then takes the token
    from ``JUPYTER_TOKEN``, see :func:`app_env` -- it never appears in the process
    list), code hidden (Voila's default). ``course.py`` opens the browser itself,
    with the token in the address.
    """
    return [str(venv_bin("voila")), str(notebook), "--no-browser", "--Voila.ip=127.0.0.1",
            f"--port={port}", "--Voila.port_retries=0", "--Voila.auto_token=True",
            *(extra or [])]


def app_env(token: str, base: dict | None = None) -> dict[str, str]:
    """Environment for :func:`app_argv`: ``JUPYTER_TOKEN`` is the app's token."""
    if not token:
        raise ValueError("the app needs a non-empty token")
    return dict(os.environ if base is None else base, JUPYTER_TOKEN=token)


def app_url(port: int, token: str) -> str:
    """The address to open: loopback, with the token (``?token=...``).

    >>> app_url(8866, "ab12")
    'http://127.0.0.1:8866/?token=ab12'
    """
    return f"http://127.0.0.1:{port}/?token={token}"


def app_notebook(arg: str) -> Path:
    """``L3`` (any case) -> exercises/L3_exercises.ipynb; anything else: the path given.

    >>> app_notebook("l3").relative_to(ROOT).as_posix()
    'exercises/L3_exercises.ipynb'
    """
    if len(arg) >= 2 and arg[0] in "Ll" and arg[1:].isdigit():
        return ROOT / "exercises" / f"L{int(arg[1:])}_exercises.ipynb"
    return Path(arg)


def start_app(args: list[str], env: dict | None = None, **popen_kw) -> tuple[subprocess.Popen, str]:
    """Start Voila as ``python3 course.py app NB [flags]`` does; (process, URL with token).

    ``args[0]`` is the notebook (relative to the current folder, or absolute: a
    cohort copy in /tmp works). A fresh token (``secrets.token_hex(24)``) per
    start; ``--port=N`` in ``args`` is honoured, otherwise the first free port
    from 8866; ``--no-browser`` only tells the caller not to open a browser.
    Remaining flags go to Voila.
    """
    import secrets

    if not args or args[0].startswith("-"):
        raise SystemExit("usage: python3 course.py app exercises/L1_exercises.ipynb (or: app L1) [--port=8870]")
    notebook, rest = app_notebook(args[0]).resolve(), list(args[1:])
    if not notebook.is_file():
        raise SystemExit(f"[course] 找不到笔记本 / notebook not found: {args[0]}\n"
                         "  例如 / e.g.: python3 course.py app exercises/L1_exercises.ipynb")
    port_opt, rest = _option(rest, "port")
    rest = [a for a in rest if a != "--no-browser"]
    try:
        port = int(port_opt) if port_opt is not None else _free_port_from(APP_PORT)
    except ValueError:
        raise SystemExit(f"[course] --port needs a number, got {port_opt!r}") from None
    token = secrets.token_hex(24)
    popen_kw.setdefault("cwd", notebook.parent)  # the kernel runs next to the notebook, as in Lab
    proc = subprocess.Popen(app_argv(notebook, port, rest), env=app_env(token, env), **popen_kw)
    return proc, app_url(port, token)


def _wait_port(port: int, proc: subprocess.Popen, timeout: float = 120.0) -> bool:
    import socket
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.3)
    return False


def cmd_app(args: list[str]) -> int:
    ensure_env()
    proc, url = start_app(args)
    port = int(url.split(":")[2].split("/")[0])
    try:
        ready = _wait_port(port, proc)
    except KeyboardInterrupt:  # Voila got Ctrl+C as well and stops
        ready = False
    if ready:
        say("Voilà 应用地址（仅本机可访问，地址里带访问令牌 token）/ "
            "Voilà app (loopback only; the address carries its access token):")
        say(f"    {url}")
        if "--no-browser" not in args:
            import webbrowser

            webbrowser.open(url)
    return wait_foreground(proc)


def cmd_data(args: list[str]) -> int:
    ensure_env()
    return run([venv_python(), "-m", "course_utils", *args])


def cmd_lock(args: list[str]) -> int:
    """Re-resolve requirements.in into lock.txt and environment.yml."""
    ensure_env()
    check([venv_python(), "-m", "pip", "install", "--quiet", "-r", REQ_IN])
    out = subprocess.check_output(
        [str(venv_python()), "-m", "pip", "freeze", "--exclude-editable", "--all"], text=True)
    skip = ("pip==", "setuptools==", "wheel==")
    lines = sorted((ln for ln in out.splitlines() if ln and not ln.startswith(skip)), key=str.lower)
    LOCK.write_text("# Generated by `python3 course.py lock` from requirements.in. Do not edit.\n"
                    + "\n".join(lines) + "\n")
    check([venv_python(), "-m", "tools.envfile"])
    STAMP.write_text(stamp_value())
    say(f"pinned {len(lines)} packages; now re-resolve the per-platform locks: "
        "python3 course.py wheelhouse --lock")
    return 0


def cmd_wheelhouse(args: list[str]) -> int:
    """Download every pinned wheel for offline rooms (tools/wheelhouse.py; online, no .venv).

    Runs with this (system) Python, from the caller's folder: a relative --out means what was typed.
    """
    return run([sys.executable, ROOT / "tools" / "wheelhouse.py", *args], cwd=Path.cwd())


COMMANDS = {"lab": cmd_lab, "test": cmd_test, "build": cmd_build, "app": cmd_app,
            "data": cmd_data, "lock": cmd_lock,
            "cohort": _tool("cohort"), "agenda": _tool("agenda"), "handouts": _tool("present"),
            "dashboard": _tool("dashboard"), "spark": _tool("spark_env"),
            "wheelhouse": cmd_wheelhouse}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__)
        return 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
